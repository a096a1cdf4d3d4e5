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
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { filesOnBranch } from '../lib/localGit';
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

describe('gitops:open-pr with removed files and the repository root', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('deletes removePaths in the same tree and writes at the root with targetPath "."', async () => {
    const trees: unknown[] = [];
    const github = fakeGitHub();
    server.use(
      http.post(`${API}/git/trees`, async ({ request }) => {
        trees.push(await request.json());
        return HttpResponse.json({ sha: 'tree-sha' }, { status: 201 });
      }),
      ...github.handlers,
    );
    const workspace = createMockDirectory({
      content: {
        change: { 'deploy/base/kustomization.yaml': 'resources: []\n' },
      },
    });
    const ctx = createMockActionContext({
      input: {
        repoUrl: 'github.com?owner=brightpath&repo=gitops',
        sourcePath: 'change',
        targetPath: '.',
        removePaths: ['deploy/base/legacy.yaml'],
      },
      workspacePath: workspace.path,
    });
    await createOpenGitopsPrAction({
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: { github: [{ host: 'github.com', token: TOKEN }] },
        }),
      ),
    }).handler(ctx);
    expect(trees).toEqual([
      {
        base_tree: 'base-sha',
        tree: [
          {
            path: 'deploy/base/legacy.yaml',
            mode: '100644',
            type: 'blob',
            sha: null,
          },
          {
            path: 'deploy/base/kustomization.yaml',
            mode: '100644',
            type: 'blob',
            sha: 'blob-1',
          },
        ],
      },
    ]);
    // Without an environment the branch is named after the target.
    expect(ctx.output).toHaveBeenCalledWith('branchName', 'portal/root');
  });
});

describe('gitops:open-pr on a local repository', () => {
  const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
  const publishDir = createMockDirectory();
  const workspace = createMockDirectory();
  const config = new ConfigReader({
    scaffolder: { localPublish: { directory: publishDir.path } },
  });
  const author = { name: 'Test', email: 'test@example.com' };
  let repo: string;

  beforeEach(async () => {
    publishDir.clear();
    workspace.setContent({
      change: {
        'deploy/base/kustomization.yaml': 'resources: [deployment.yaml]\n',
        'README.md': '# grading-api, upgraded\n',
      },
    });
    repo = join(publishDir.path, 'grading-api');
    await fs.mkdir(join(repo, 'deploy/base'), { recursive: true });
    await fs.writeFile(join(repo, 'README.md'), '# grading-api\n');
    await fs.writeFile(join(repo, 'deploy/base/legacy.yaml'), 'kind: X\n');
    await git.init({ fs, dir: repo, defaultBranch: 'main' });
    for (const filepath of ['README.md', 'deploy/base/legacy.yaml']) {
      await git.add({ fs, dir: repo, filepath });
    }
    await git.commit({ fs, dir: repo, message: 'init', author });
  });

  const localInput = {
    localRepository: 'grading-api',
    sourcePath: 'change',
    targetPath: '.',
    removePaths: ['deploy/base/legacy.yaml'],
    branchName: 'portal/template-upgrade',
  };

  function retryingContext(
    store: Map<string, JsonValue | void>,
    input: any = localInput,
  ) {
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

  it('commits the change to a new branch once when the same task runs twice, leaving main alone', async () => {
    const action = createOpenGitopsPrAction({ integrations, config });
    const mainBefore = await git.resolveRef({ fs, dir: repo, ref: 'main' });
    const store = new Map<string, JsonValue | void>();
    const first = retryingContext(store);
    await action.handler(first);
    const branchHead = await git.resolveRef({
      fs,
      dir: repo,
      ref: 'portal/template-upgrade',
    });
    // A second run, checkpoints lost: the branch is reused, not re-made.
    const second = retryingContext(new Map());
    await action.handler(second);

    expect(
      await git.resolveRef({ fs, dir: repo, ref: 'portal/template-upgrade' }),
    ).toBe(branchHead);
    const log = await git.log({
      fs,
      dir: repo,
      ref: 'portal/template-upgrade',
    });
    expect(log).toHaveLength(2);
    expect(log[1].oid).toBe(mainBefore);
    expect(await git.resolveRef({ fs, dir: repo, ref: 'main' })).toBe(
      mainBefore,
    );
    const files = await filesOnBranch(repo, 'portal/template-upgrade');
    expect([...files.keys()].sort()).toEqual([
      'README.md',
      'deploy/base/kustomization.yaml',
    ]);
    expect(files.get('README.md')!.toString()).toBe(
      '# grading-api, upgraded\n',
    );
    // The working tree of main is untouched.
    expect(await fs.readFile(join(repo, 'README.md'), 'utf8')).toBe(
      '# grading-api\n',
    );
    for (const ctx of [first, second]) {
      expect(ctx.output).toHaveBeenCalledWith(
        'pullRequestUrl',
        `${pathToFileURL(repo).toString()}#portal/template-upgrade`,
      );
      expect(ctx.output).toHaveBeenCalledWith('pullRequestNumber', 0);
    }
  });

  it('writes nothing in a dry run', async () => {
    const ctx = { ...retryingContext(new Map()), isDryRun: true };
    await createOpenGitopsPrAction({ integrations, config }).handler(ctx);
    expect(await git.listBranches({ fs, dir: repo })).toEqual(['main']);
    expect(ctx.output).toHaveBeenCalledWith(
      'branchName',
      'portal/template-upgrade',
    );
  });

  it('warns, and still plans, in a dry run against a repository that does not exist yet', async () => {
    const ctx = {
      ...retryingContext(new Map(), {
        ...localInput,
        localRepository: 'gitops',
      }),
      isDryRun: true,
    };
    await createOpenGitopsPrAction({ integrations, config }).handler(ctx);
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /"gitops" is not a git repository.*a real run fails/,
      ),
    );
    expect(ctx.output).toHaveBeenCalledWith('pullRequestNumber', 0);
  });

  it.each([
    [
      'both repoUrl and localRepository',
      { ...localInput, repoUrl: 'github.com?owner=a&repo=b' },
      /exactly one of repoUrl/,
    ],
    [
      'neither repoUrl nor localRepository',
      { ...localInput, localRepository: undefined },
      /exactly one of repoUrl/,
    ],
    [
      'a localRepository that is not a repository ("no-such-repo")',
      { ...localInput, localRepository: 'no-such-repo' },
      /"no-such-repo" is not a git repository/,
    ],
    [
      'a localRepository name with a path ("../etc")',
      { ...localInput, localRepository: '../etc' },
      /must be lowercase/,
    ],
    [
      'a removePaths entry outside the repository ("../x")',
      { ...localInput, removePaths: ['../x'] },
      /removePaths entry "..\/x"/,
    ],
    [
      'a removePaths entry inside .git (".git/config")',
      { ...localInput, removePaths: ['.git/config'] },
      /removePaths entry ".git\/config"/,
    ],
  ])('rejects %s', async (_what, input, error) => {
    const ctx = retryingContext(new Map(), input);
    await expect(
      createOpenGitopsPrAction({ integrations, config }).handler(ctx),
    ).rejects.toThrow(error);
    expect(await git.listBranches({ fs, dir: repo })).toEqual(['main']);
  });

  it('rejects localRepository without scaffolder.localPublish.directory', async () => {
    const ctx = retryingContext(new Map());
    await expect(
      createOpenGitopsPrAction({
        integrations,
        config: new ConfigReader({}),
      }).handler(ctx),
    ).rejects.toThrow(/scaffolder.localPublish.directory/);
  });
});
