import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonValue } from '@backstage/types';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createOpenGitopsPrAction } from './openPr';

const TOKEN = 'ghp_integrationtoken000000000000000000000';
const API = 'https://api.github.com/repos/brightpath/gitops';

// A small in-memory GitHub: enough of the REST API to open one PR.
function fakeGitHub() {
  const state = {
    pulls: [] as Array<{ number: number; head: string; html_url: string }>,
    refs: new Set<string>(),
    blobs: 0,
    authHeaders: new Set<string>(),
  };
  const seen = (request: Request) =>
    state.authHeaders.add(request.headers.get('authorization') ?? '');
  const handlers = [
    http.get(API, ({ request }) => {
      seen(request);
      return HttpResponse.json({ default_branch: 'main' });
    }),
    http.get(`${API}/pulls`, ({ request }) => {
      seen(request);
      const head = new URL(request.url).searchParams.get('head');
      return HttpResponse.json(
        state.pulls.filter(p => `brightpath:${p.head}` === head),
      );
    }),
    http.get(`${API}/git/ref/:ref`, () =>
      HttpResponse.json({ object: { sha: 'base-sha' } }),
    ),
    http.post(`${API}/git/blobs`, () => {
      state.blobs += 1;
      return HttpResponse.json({ sha: `blob-${state.blobs}` }, { status: 201 });
    }),
    http.post(`${API}/git/trees`, () =>
      HttpResponse.json({ sha: 'tree-sha' }, { status: 201 }),
    ),
    http.post(`${API}/git/commits`, () =>
      HttpResponse.json({ sha: 'commit-sha' }, { status: 201 }),
    ),
    http.post(`${API}/git/refs`, async ({ request }) => {
      const body = (await request.json()) as { ref: string };
      if (state.refs.has(body.ref)) {
        return HttpResponse.json(
          { message: 'Reference already exists' },
          { status: 422 },
        );
      }
      state.refs.add(body.ref);
      return HttpResponse.json({ ref: body.ref }, { status: 201 });
    }),
    http.post(`${API}/pulls`, async ({ request }) => {
      const body = (await request.json()) as { head: string };
      const number = state.pulls.length + 1;
      const pr = {
        number,
        head: body.head,
        html_url: `https://github.com/brightpath/gitops/pull/${number}`,
      };
      state.pulls.push(pr);
      return HttpResponse.json(pr, { status: 201 });
    }),
  ];
  return { state, handlers };
}

describe('gitops:open-pr', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const workspace = createMockDirectory({
    content: {
      'deploy/overlays/dev': {
        'kustomization.yaml': 'resources: [../../base]\n',
        'patch.yaml': 'kind: Deployment\n',
      },
    },
  });
  const integrations = ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: { github: [{ host: 'github.com', token: TOKEN }] },
    }),
  );
  const input = {
    repoUrl: 'github.com?owner=brightpath&repo=gitops',
    environment: 'dev',
    sourcePath: 'deploy/overlays/dev',
    targetPath: 'apps/course-reviews/dev',
  };

  // A task retry: the scaffolder replays stored checkpoint results by key.
  function contextWithCheckpoints(store: Map<string, JsonValue | void>) {
    return {
      ...createMockActionContext({
        input,
        workspacePath: workspace.path,
        logger: mockServices.logger.mock(),
      }),
      async checkpoint({ key, fn }: { key: string; fn: () => any }) {
        if (store.has(key)) return store.get(key) as any;
        const value = await fn();
        store.set(key, value);
        return value;
      },
    };
  }

  it('opens one PR with the environment manifests when the same task runs twice', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const action = createOpenGitopsPrAction({ integrations });
    const store = new Map<string, JsonValue | void>();

    const first = contextWithCheckpoints(store);
    await action.handler(first);
    const second = contextWithCheckpoints(store);
    await action.handler(second);

    expect(github.state.pulls).toHaveLength(1);
    expect(github.state.blobs).toBe(2);
    expect(github.state.refs).toEqual(
      new Set(['refs/heads/portal/dev/apps/course-reviews/dev']),
    );
    for (const ctx of [first, second]) {
      expect(ctx.output).toHaveBeenCalledWith(
        'pullRequestUrl',
        'https://github.com/brightpath/gitops/pull/1',
      );
    }
    expect([...github.state.authHeaders]).toEqual([`token ${TOKEN}`]);
  });

  it('reuses the open PR even when the checkpoints were lost', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const action = createOpenGitopsPrAction({ integrations });
    await action.handler(contextWithCheckpoints(new Map()));
    await action.handler(contextWithCheckpoints(new Map()));
    expect(github.state.pulls).toHaveLength(1);
  });

  it('never logs the token', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const ctx = contextWithCheckpoints(new Map());
    await createOpenGitopsPrAction({ integrations }).handler(ctx);
    const logger = ctx.logger as unknown as Record<string, jest.Mock>;
    const logged = JSON.stringify(
      ['info', 'warn', 'error', 'debug'].map(level => logger[level].mock.calls),
    );
    expect(logged).toContain('Opened');
    expect(logged).not.toContain(TOKEN);
  });

  it('calls no GitHub API in a dry run', async () => {
    // No handlers: any request fails the test through onUnhandledRequest.
    const ctx = {
      ...createMockActionContext({ input, workspacePath: workspace.path }),
      isDryRun: true,
    };
    await createOpenGitopsPrAction({ integrations }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'branchName',
      'portal/dev/apps/course-reviews/dev',
    );
    expect(ctx.output).toHaveBeenCalledWith('pullRequestNumber', 0);
  });

  it('rejects a targetPath that leaves the repository ("../outside")', async () => {
    const ctx = createMockActionContext({
      input: { ...input, targetPath: '../outside' },
      workspacePath: workspace.path,
    });
    await expect(
      createOpenGitopsPrAction({ integrations }).handler(ctx),
    ).rejects.toThrow(/targetPath "..\/outside"/);
  });

  it('rejects a repoUrl on a host with no GitHub integration ("gitlab.example.com")', async () => {
    const ctx = createMockActionContext({
      input: { ...input, repoUrl: 'gitlab.example.com?owner=a&repo=b' },
      workspacePath: workspace.path,
    });
    await expect(
      createOpenGitopsPrAction({ integrations }).handler(ctx),
    ).rejects.toThrow(/gitlab.example.com/);
  });
});
