import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonValue } from '@backstage/types';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { filesOnBranch } from '../lib/localGit';
import { createOpenGitopsPrAction } from './openPr';

/** git's own check of a branch name; throws when git refuses it. */
const checkRefFormat = (branchName: string) =>
  execFileSync('git', ['check-ref-format', '--branch', branchName], {
    stdio: 'pipe',
  });

/**
 * Retries and rate-limit waits as in production, with a millisecond for
 * each second and no spacing of writes, so that the tests run fast.
 */
const FAST = { retryAfterBaseValue: 1, writeIntervalMs: 0 };

const TOKEN = 'ghp_integrationtoken000000000000000000000';
const SECRET_TOKEN = 'ghp_tasksecrettoken00000000000000000000000';
const API = 'https://api.github.com/repos/brightpath/gitops';

// A small in-memory GitHub: enough of the REST API to open PRs. Trees and
// commits get ids from their content, as in git, so that the same change
// made twice has the same tree.
function fakeGitHub() {
  const digest = (value: unknown) =>
    createHash('sha1').update(JSON.stringify(value)).digest('hex');
  const state = {
    pulls: [] as Array<{
      number: number;
      head: string;
      html_url: string;
      state: 'open' | 'closed';
    }>,
    refs: new Map<string, string>([['refs/heads/main', 'base-commit']]),
    commits: new Map<string, { tree: string; parents: string[] }>([
      ['base-commit', { tree: 'base-tree', parents: [] }],
    ]),
    // Path → blob sha of each tree; the base tree holds README.md.
    trees: new Map<string, Record<string, string>>([
      ['base-tree', { 'README.md': 'readme-blob' }],
    ]),
    blobs: 0,
    blobContents: new Map<string, string>(),
    authHeaders: new Set<string>(),
  };
  const seen = (request: Request) =>
    state.authHeaders.add(request.headers.get('authorization') ?? '');
  // Moves main to a new commit with the tree of `commit`: a merge.
  const merge = (commit: string) => {
    const sha = digest(['merge', commit]);
    state.commits.set(sha, {
      tree: state.commits.get(commit)!.tree,
      parents: [state.refs.get('refs/heads/main')!, commit],
    });
    state.refs.set('refs/heads/main', sha);
  };
  const handlers = [
    http.get(API, ({ request }) => {
      seen(request);
      return HttpResponse.json({ default_branch: 'main' });
    }),
    http.get(`${API}/pulls`, ({ request }) => {
      seen(request);
      const params = new URL(request.url).searchParams;
      return HttpResponse.json(
        state.pulls.filter(
          p =>
            `brightpath:${p.head}` === params.get('head') &&
            p.state === params.get('state'),
        ),
      );
    }),
    http.get(`${API}/git/ref/*`, ({ request }) => {
      const ref = decodeURIComponent(
        new URL(request.url).pathname.split('/git/ref/')[1],
      );
      const sha = state.refs.get(`refs/${ref}`);
      return sha
        ? HttpResponse.json({ ref: `refs/${ref}`, object: { sha } })
        : HttpResponse.json({ message: 'Not Found' }, { status: 404 });
    }),
    http.get(`${API}/git/commits/:sha`, ({ params }) => {
      const commit = state.commits.get(params.sha as string);
      return commit
        ? HttpResponse.json({
            sha: params.sha,
            tree: { sha: commit.tree },
            parents: commit.parents.map(sha => ({ sha })),
          })
        : HttpResponse.json({ message: 'Not Found' }, { status: 404 });
    }),
    http.get(`${API}/contents/*`, ({ request }) => {
      const url = new URL(request.url);
      const path = decodeURIComponent(url.pathname.split('/contents/')[1]);
      const commit = state.commits.get(url.searchParams.get('ref')!);
      const sha = commit && state.trees.get(commit.tree)?.[path];
      return sha
        ? HttpResponse.json({ type: 'file', path, sha })
        : HttpResponse.json({ message: 'Not Found' }, { status: 404 });
    }),
    http.post(`${API}/git/blobs`, async ({ request }) => {
      const body = (await request.json()) as { content: string };
      state.blobs += 1;
      const content = Buffer.from(body.content, 'base64');
      const sha = createHash('sha1')
        .update(`blob ${content.length}\0`)
        .update(content)
        .digest('hex');
      state.blobContents.set(sha, content.toString());
      return HttpResponse.json({ sha }, { status: 201 });
    }),
    http.post(`${API}/git/trees`, async ({ request }) => {
      const body = (await request.json()) as {
        base_tree: string;
        tree: Array<{ path: string; sha: string | null }>;
      };
      const files = { ...state.trees.get(body.base_tree) };
      for (const entry of body.tree) {
        if (entry.sha) files[entry.path] = entry.sha;
        else delete files[entry.path];
      }
      const sha = digest(Object.entries(files).sort());
      state.trees.set(sha, files);
      return HttpResponse.json({ sha }, { status: 201 });
    }),
    http.post(`${API}/git/commits`, async ({ request }) => {
      const body = (await request.json()) as {
        tree: string;
        parents: string[];
      };
      const sha = digest(body);
      state.commits.set(sha, { tree: body.tree, parents: body.parents });
      return HttpResponse.json({ sha }, { status: 201 });
    }),
    http.post(`${API}/git/refs`, async ({ request }) => {
      const body = (await request.json()) as { ref: string; sha: string };
      if (state.refs.has(body.ref)) {
        return HttpResponse.json(
          { message: 'Reference already exists' },
          { status: 422 },
        );
      }
      state.refs.set(body.ref, body.sha);
      return HttpResponse.json({ ref: body.ref }, { status: 201 });
    }),
    http.post(`${API}/pulls`, async ({ request }) => {
      const body = (await request.json()) as { head: string };
      if (state.pulls.some(p => p.head === body.head && p.state === 'open')) {
        return HttpResponse.json(
          {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for brightpath:${body.head}.`,
              },
            ],
          },
          { status: 422 },
        );
      }
      const number = state.pulls.length + 1;
      const pr = {
        number,
        head: body.head,
        html_url: `https://github.com/brightpath/gitops/pull/${number}`,
        state: 'open' as const,
      };
      state.pulls.push(pr);
      return HttpResponse.json(pr, { status: 201 });
    }),
  ];
  return { state, handlers, merge };
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
  function contextWithCheckpoints(
    store: Map<string, JsonValue | void>,
    overrides: Record<string, unknown> = {},
  ) {
    return {
      ...createMockActionContext({
        input: { ...input, ...overrides },
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
    const action = createOpenGitopsPrAction({ integrations, github: FAST });
    const store = new Map<string, JsonValue | void>();

    const first = contextWithCheckpoints(store);
    await action.handler(first);
    const second = contextWithCheckpoints(store);
    await action.handler(second);

    expect(github.state.pulls).toHaveLength(1);
    expect(github.state.blobs).toBe(2);
    expect([...github.state.refs.keys()]).toEqual([
      'refs/heads/main',
      'refs/heads/portal/dev/apps/course-reviews/dev',
    ]);
    for (const ctx of [first, second]) {
      expect(ctx.output).toHaveBeenCalledWith(
        'pullRequestUrl',
        'https://github.com/brightpath/gitops/pull/1',
      );
    }
    expect([...github.state.authHeaders]).toEqual([`token ${TOKEN}`]);
    expect(first.output).toHaveBeenCalledWith('baseBranch', 'main');
    // The rerun finds the branch with this change: reused, nothing new.
    expect(first.output).toHaveBeenCalledWith('reused', false);
    expect(second.output).toHaveBeenCalledWith('reused', true);
  });

  it('reuses the open PR even when the checkpoints were lost', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const action = createOpenGitopsPrAction({ integrations, github: FAST });
    await action.handler(contextWithCheckpoints(new Map()));
    await action.handler(contextWithCheckpoints(new Map()));
    expect(github.state.pulls).toHaveLength(1);
  });

  const BRANCH_REF = 'refs/heads/portal/dev/apps/course-reviews/dev';

  it('refuses to reuse an open PR whose branch holds another change (bad input: a changed overlay, same branch)', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const action = createOpenGitopsPrAction({ integrations, github: FAST });
    await action.handler(contextWithCheckpoints(new Map()));
    const tip = github.state.refs.get(BRANCH_REF);
    // The next run proposes other files under the same (default) branch.
    const other = createMockDirectory({
      content: { 'deploy/overlays/dev': { 'kustomization.yaml': 'x: 1\n' } },
    });
    const ctx = {
      ...contextWithCheckpoints(new Map()),
      workspacePath: other.path,
    };
    await expect(action.handler(ctx)).rejects.toThrow(
      new ConflictError(
        'branch portal/dev/apps/course-reviews/dev of brightpath/gitops already exists with another change; pick another branchName or delete the old branch portal/dev/apps/course-reviews/dev of brightpath/gitops',
      ),
    );
    expect(github.state.pulls).toHaveLength(1);
    expect(github.state.refs.get(BRANCH_REF)).toBe(tip);
    expect(ctx.output).not.toHaveBeenCalledWith(
      'pullRequestUrl',
      expect.anything(),
    );
  });

  it('refuses a leftover branch whose change was merged, instead of opening a PR without changes (bad input: the same run after the merge)', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const action = createOpenGitopsPrAction({ integrations, github: FAST });
    await action.handler(contextWithCheckpoints(new Map()));
    github.merge(github.state.refs.get(BRANCH_REF)!);
    github.state.pulls[0].state = 'closed';
    await expect(
      action.handler(contextWithCheckpoints(new Map())),
    ).rejects.toThrow(
      /branch portal\/dev\/apps\/course-reviews\/dev of brightpath\/gitops exists and main holds its change already \(it was merged\); pick another branchName or delete the old branch/,
    );
    expect(github.state.pulls).toHaveLength(1);
  });

  it('opens a new PR from another branchName after a merge', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const action = createOpenGitopsPrAction({ integrations, github: FAST });
    await action.handler(contextWithCheckpoints(new Map()));
    github.merge(github.state.refs.get(BRANCH_REF)!);
    const other = createMockDirectory({
      content: { 'deploy/overlays/dev': { 'kustomization.yaml': 'x: 2\n' } },
    });
    const ctx = {
      ...contextWithCheckpoints(new Map(), { branchName: 'portal/dev-2' }),
      workspacePath: other.path,
    };
    await action.handler(ctx);
    expect(github.state.pulls.map(p => p.head)).toEqual([
      'portal/dev/apps/course-reviews/dev',
      'portal/dev-2',
    ]);
  });

  it('turns a 422 "Reference already exists" from createRef into a ConflictError naming the branch (bad input: a branch made between the check and the create)', async () => {
    const github = fakeGitHub();
    // The branch appears after the run looked for it.
    server.use(
      http.get(`${API}/git/ref/*`, ({ request }) =>
        request.url.includes('main')
          ? HttpResponse.json({ object: { sha: 'base-commit' } })
          : HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
      ...github.handlers,
    );
    github.state.refs.set(BRANCH_REF, 'base-commit');
    await expect(
      createOpenGitopsPrAction({ integrations, github: FAST }).handler(
        contextWithCheckpoints(new Map()),
      ),
    ).rejects.toThrow(
      new ConflictError(
        'branch portal/dev/apps/course-reviews/dev of brightpath/gitops already exists; pick another branchName or delete the old branch portal/dev/apps/course-reviews/dev of brightpath/gitops',
      ),
    );
    expect(github.state.pulls).toHaveLength(0);
  });

  it('refuses the default branch as branchName, whatever its case (bad input: "Main")', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    await expect(
      createOpenGitopsPrAction({ integrations, github: FAST }).handler(
        contextWithCheckpoints(new Map(), { branchName: 'Main' }),
      ),
    ).rejects.toThrow(/branchName "Main" is the default branch main/);
    expect(github.state.blobs).toBe(0);
  });

  it('fails before writing anything when a change would modify a preserved path (bad input: preservePaths README.md, a new README.md)', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const other = createMockDirectory({
      content: { change: { 'README.md': '# replaced\n' } },
    });
    const ctx = {
      ...contextWithCheckpoints(new Map(), {
        sourcePath: 'change',
        targetPath: '.',
        preservePaths: ['README.md'],
      }),
      workspacePath: other.path,
    };
    await expect(
      createOpenGitopsPrAction({ integrations, github: FAST }).handler(ctx),
    ).rejects.toThrow(
      new InputError(
        'the change would add or modify README.md, but preservePaths keeps README.md unchanged',
      ),
    );
    expect(github.state.blobs).toBe(0);
    expect(github.state.refs.size).toBe(1);
  });

  it('accepts a preserved path written with the content it has', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const same = '# gitops\n';
    github.state.trees.get('base-tree')!['README.md'] = createHash('sha1')
      .update(`blob ${same.length}\0${same}`)
      .digest('hex');
    const other = createMockDirectory({
      content: { change: { 'README.md': same, 'apps/a.yaml': 'a: 1\n' } },
    });
    const ctx = {
      ...contextWithCheckpoints(new Map(), {
        sourcePath: 'change',
        targetPath: '.',
        preservePaths: ['README.md'],
      }),
      workspacePath: other.path,
    };
    await createOpenGitopsPrAction({ integrations, github: FAST }).handler(ctx);
    expect(github.state.pulls).toHaveLength(1);
  });

  it('never logs the token', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const ctx = contextWithCheckpoints(new Map());
    await createOpenGitopsPrAction({ integrations, github: FAST }).handler(ctx);
    const logger = ctx.logger as unknown as Record<string, jest.Mock>;
    const logged = JSON.stringify(
      ['info', 'warn', 'error', 'debug'].map(level => logger[level].mock.calls),
    );
    expect(logged).toContain('Opened');
    expect(logged).not.toContain(TOKEN);
  });

  it('takes the GitHub token from the task secret githubToken, and never logs it', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const ctx = {
      ...contextWithCheckpoints(new Map()),
      secrets: { githubToken: SECRET_TOKEN },
    };
    await createOpenGitopsPrAction({ integrations, github: FAST }).handler(ctx);
    expect([...github.state.authHeaders]).toEqual([`token ${SECRET_TOKEN}`]);
    const logger = ctx.logger as unknown as Record<string, jest.Mock>;
    expect(
      JSON.stringify(
        ['info', 'warn', 'error', 'debug'].map(l => logger[l].mock.calls),
      ),
    ).not.toContain(SECRET_TOKEN);
  });

  it('refuses a token given as a plain input ("token": "ghp_...") with an InputError naming token, before any request', async () => {
    const github = fakeGitHub();
    server.use(...github.handlers);
    const ctx = contextWithCheckpoints(new Map(), { token: SECRET_TOKEN });
    const error = await createOpenGitopsPrAction({ integrations, github: FAST })
      .handler(ctx)
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /^token is not an input of gitops:open-pr: .*task secret githubToken/,
    );
    expect(error.message).not.toContain(SECRET_TOKEN);
    expect(github.state.authHeaders.size).toBe(0);
  });

  it('has no token input in its schema, so the scaffolder refuses one too', () => {
    const schema = createOpenGitopsPrAction({ integrations, github: FAST })
      .schema?.input as {
      properties: Record<string, unknown>;
    } & JsonValue;
    expect(Object.keys(schema.properties)).not.toContain('token');
    expect(schema).toMatchObject({ additionalProperties: false });
  });

  const MEGABYTE = 'x'.repeat(1024 * 1024);

  it.each([
    [
      'a 1 MB title',
      { title: MEGABYTE },
      'title must be at most 256 characters; it has 1048576',
    ],
    [
      'a title with a newline and a YAML document ("Deploy\\n---\\nkind: Location")',
      { title: 'Deploy\n---\nkind: Location' },
      'title must be a single line of text, without line breaks or control characters',
    ],
    ['a blank title ("   ")', { title: '   ' }, 'title must not be empty'],
    [
      'a 1 MB description',
      { description: MEGABYTE },
      'description must be at most 65536 characters; it has 1048576',
    ],
    [
      'a description with a NUL byte',
      { description: 'a\u0000b' },
      'description must not contain NUL characters',
    ],
    [
      'a 1 MB branchName',
      { branchName: MEGABYTE },
      'branchName must be at most 255 bytes; it has 1048576',
    ],
    [
      'a branchName of 135 characters but 263 bytes',
      { branchName: `portal/${'é'.repeat(128)}` },
      'branchName must be at most 255 bytes; it has 263',
    ],
  ])(
    'rejects %s with an InputError naming the input, before any request',
    async (_what, overrides, message) => {
      const github = fakeGitHub();
      server.use(...github.handlers);
      const error = await createOpenGitopsPrAction({
        integrations,
        github: FAST,
      })
        .handler(contextWithCheckpoints(new Map(), overrides))
        .catch(e => e);
      expect(error).toEqual(new InputError(message));
      expect(github.state.authHeaders.size).toBe(0);
    },
  );

  it.each([
    '-leading-dash',
    'HEAD',
    'portal/x.lock/y',
    'portal/ctrl\u0001char',
    'portal/del\u007fchar',
    'feature..x',
    'portal/.hidden',
    'portal/x.lock',
    'with space',
    'a~1',
    'a^2',
    'a:b',
    'a?b',
    'a*b',
    'a[b',
    'a\\b',
    'a@{1}',
    '/leading-slash',
    'trailing-slash/',
    'double//slash',
    'trailing-dot.',
  ])(
    'rejects branchName %j, which git check-ref-format --branch refuses',
    async branchName => {
      const github = fakeGitHub();
      server.use(...github.handlers);
      const error = await createOpenGitopsPrAction({
        integrations,
        github: FAST,
      })
        .handler(contextWithCheckpoints(new Map(), { branchName }))
        .catch(e => e);
      // git itself refuses it too.
      expect(() => checkRefFormat(branchName)).toThrow();
      expect(error).toEqual(
        new InputError(
          `branchName ${JSON.stringify(
            branchName,
          )} is not a valid git branch name (see git check-ref-format)`,
        ),
      );
      expect(github.state.authHeaders.size).toBe(0);
    },
  );

  it.each([
    'portal/dev/apps/course-reviews',
    'release-1.2',
    'user/ünïcode',
    'a.b/c-d_e',
  ])('accepts branchName %j, which git accepts', async branchName => {
    const ctx = {
      ...createMockActionContext({
        input: { ...input, branchName },
        workspacePath: workspace.path,
      }),
      isDryRun: true,
    };
    expect(() => checkRefFormat(branchName)).not.toThrow();
    await createOpenGitopsPrAction({ integrations, github: FAST }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('branchName', branchName);
  });

  it('calls no GitHub API in a dry run', async () => {
    // No handlers: any request fails the test through onUnhandledRequest.
    const ctx = {
      ...createMockActionContext({ input, workspacePath: workspace.path }),
      isDryRun: true,
    };
    await createOpenGitopsPrAction({ integrations, github: FAST }).handler(ctx);
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
      createOpenGitopsPrAction({ integrations, github: FAST }).handler(ctx),
    ).rejects.toThrow(/targetPath "..\/outside"/);
  });

  it('rejects a repoUrl on a host with no GitHub integration ("gitlab.example.com")', async () => {
    const ctx = createMockActionContext({
      input: { ...input, repoUrl: 'gitlab.example.com?owner=a&repo=b' },
      workspacePath: workspace.path,
    });
    await expect(
      createOpenGitopsPrAction({ integrations, github: FAST }).handler(ctx),
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
        trees.push(await request.clone().json());
        return undefined;
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
      github: FAST,
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: { github: [{ host: 'github.com', token: TOKEN }] },
        }),
      ),
    }).handler(ctx);
    expect(trees).toEqual([
      {
        base_tree: 'base-tree',
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
            sha: expect.stringMatching(/^[0-9a-f]{40}$/),
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
    // The rerun says it committed nothing new.
    expect(first.output).toHaveBeenCalledWith('reused', false);
    expect(second.output).toHaveBeenCalledWith('reused', true);
  });

  it('refuses the branch of a change that was merged with git merge, instead of reusing it (bad input: the same run after the merge)', async () => {
    const action = createOpenGitopsPrAction({ integrations, config });
    await action.handler(retryingContext(new Map()));
    await git.merge({
      fs,
      dir: repo,
      ours: 'main',
      theirs: 'portal/template-upgrade',
      author,
    });
    const ctx = retryingContext(new Map());
    await expect(action.handler(ctx)).rejects.toThrow(
      new ConflictError(
        'branch portal/template-upgrade of local repository grading-api was merged into main already; pick another branchName or delete the old branch (git branch -D portal/template-upgrade)',
      ),
    );
    expect(ctx.logger.info).not.toHaveBeenCalledWith(
      expect.stringMatching(/Reusing|merge it/),
    );
  });

  it('refuses a leftover branch that holds another change (bad input: a changed README.md, same branchName)', async () => {
    const action = createOpenGitopsPrAction({ integrations, config });
    await action.handler(retryingContext(new Map()));
    const tip = await git.resolveRef({
      fs,
      dir: repo,
      ref: 'portal/template-upgrade',
    });
    await fs.writeFile(join(workspace.path, 'change/README.md'), '# v3\n');
    await expect(action.handler(retryingContext(new Map()))).rejects.toThrow(
      /branch portal\/template-upgrade of local repository grading-api already exists with another change; pick another branchName or delete the old branch/,
    );
    expect(
      await git.resolveRef({ fs, dir: repo, ref: 'portal/template-upgrade' }),
    ).toBe(tip);
  });

  it('reuses the branch on a retry after main moved on', async () => {
    const action = createOpenGitopsPrAction({ integrations, config });
    await action.handler(retryingContext(new Map()));
    const tip = await git.resolveRef({
      fs,
      dir: repo,
      ref: 'portal/template-upgrade',
    });
    await fs.writeFile(join(repo, 'NOTES.md'), 'other work\n');
    await git.add({ fs, dir: repo, filepath: 'NOTES.md' });
    await git.commit({ fs, dir: repo, message: 'other', author });
    const ctx = retryingContext(new Map());
    await action.handler(ctx);
    expect(
      await git.resolveRef({ fs, dir: repo, ref: 'portal/template-upgrade' }),
    ).toBe(tip);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/^Reusing .* the branch already holds this change/),
    );
  });

  it('starts from main, not from the checked-out branch, and says so', async () => {
    await git.branch({ fs, dir: repo, ref: 'wip' });
    await fs.writeFile(join(repo, 'wip.txt'), 'unfinished\n');
    await git.add({ fs, dir: repo, filepath: 'wip.txt' });
    await git.commit({ fs, dir: repo, message: 'wip', author, ref: 'wip' });
    await git.checkout({ fs, dir: repo, ref: 'wip' });
    const mainHead = await git.resolveRef({ fs, dir: repo, ref: 'main' });
    const ctx = retryingContext(new Map());
    await createOpenGitopsPrAction({ integrations, config }).handler(ctx);
    const log = await git.log({
      fs,
      dir: repo,
      ref: 'portal/template-upgrade',
    });
    expect(log[1].oid).toBe(mainHead);
    expect(
      (await filesOnBranch(repo, 'portal/template-upgrade')).has('wip.txt'),
    ).toBe(false);
    expect(ctx.output).toHaveBeenCalledWith('baseBranch', 'main');
    expect(ctx.logger.info).toHaveBeenCalledWith(
      expect.stringContaining('from main'),
    );
  });

  it('starts from master when there is no main, else from the checked-out branch', async () => {
    for (const branch of ['master', 'trunk']) {
      const dir = join(publishDir.path, branch);
      await fs.mkdir(dir);
      await git.init({ fs, dir, defaultBranch: branch });
      await fs.writeFile(join(dir, 'README.md'), '# x\n');
      await git.add({ fs, dir, filepath: 'README.md' });
      await git.commit({ fs, dir, message: 'init', author });
      const ctx = retryingContext(new Map(), {
        ...localInput,
        removePaths: [],
        localRepository: branch,
      });
      await createOpenGitopsPrAction({ integrations, config }).handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('baseBranch', branch);
    }
  });

  it.each([
    [
      '"Portal/Template-Upgrade" next to portal/template-upgrade',
      'Portal/Template-Upgrade',
      /branch "Portal\/Template-Upgrade" differs only by case from the existing branch portal\/template-upgrade/,
    ],
    [
      '"Main", the base branch',
      'Main',
      /branchName "Main" is the base branch main/,
    ],
  ])(
    'refuses a branchName that differs only by case (bad input: %s)',
    async (_what, branchName, error) => {
      const action = createOpenGitopsPrAction({ integrations, config });
      await action.handler(retryingContext(new Map()));
      await expect(
        action.handler(
          retryingContext(new Map(), { ...localInput, branchName }),
        ),
      ).rejects.toThrow(error);
      expect((await git.listBranches({ fs, dir: repo })).sort()).toEqual([
        'main',
        'portal/template-upgrade',
      ]);
    },
  );

  it.each([
    [
      'a modified README.md',
      ['README.md'],
      'the change would add or modify README.md, but preservePaths keeps README.md unchanged',
    ],
    [
      'a deleted file under a preserved directory',
      ['deploy/base'],
      'the change would delete deploy/base/legacy.yaml, but preservePaths keeps deploy/base unchanged',
    ],
  ])(
    'fails without committing when the change touches preservePaths (bad input: %s)',
    async (_what, preservePaths, message) => {
      const ctx = retryingContext(new Map(), { ...localInput, preservePaths });
      await expect(
        createOpenGitopsPrAction({ integrations, config }).handler(ctx),
      ).rejects.toThrow(new InputError(message));
      expect(await git.listBranches({ fs, dir: repo })).toEqual(['main']);
    },
  );

  it('accepts a preserved file written with the content it has', async () => {
    await fs.writeFile(
      join(workspace.path, 'change/README.md'),
      '# grading-api\n',
    );
    const ctx = retryingContext(new Map(), {
      ...localInput,
      preservePaths: ['README.md'],
    });
    await createOpenGitopsPrAction({ integrations, config }).handler(ctx);
    expect(await git.listBranches({ fs, dir: repo })).toContain(
      'portal/template-upgrade',
    );
  });

  it("commits to the portal's local GitOps repository named in the configuration", async () => {
    const ctx = retryingContext(new Map(), {
      ...localInput,
      localRepository: undefined,
      localGitopsRepository: true,
    });
    await createOpenGitopsPrAction({
      integrations,
      config: new ConfigReader({
        scaffolder: {
          localPublish: {
            directory: publishDir.path,
            gitopsRepository: 'grading-api',
          },
        },
      }),
    }).handler(ctx);
    expect(await git.listBranches({ fs, dir: repo })).toContain(
      'portal/template-upgrade',
    );
    await expect(
      createOpenGitopsPrAction({ integrations, config }).handler(
        retryingContext(new Map(), {
          ...localInput,
          localRepository: undefined,
          localGitopsRepository: true,
        }),
      ),
    ).rejects.toThrow(
      /localGitopsRepository needs scaffolder.localPublish.gitopsRepository/,
    );
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

describe('gitops:open-pr when GitHub cannot be reached', () => {
  it('reports apiBaseUrl http://nonexistent.invalid (a host that never resolves) as "could not reach nonexistent.invalid", not a 500', async () => {
    const workspace = createMockDirectory({
      content: { change: { 'kustomization.yaml': 'resources: []\n' } },
    });
    const ctx = createMockActionContext({
      input: {
        repoUrl: 'github.com?owner=brightpath&repo=gitops',
        sourcePath: 'change',
        targetPath: 'apps/x',
      },
      workspacePath: workspace.path,
    });
    const error = await createOpenGitopsPrAction({
      github: FAST,
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: 'http://nonexistent.invalid',
                token: TOKEN,
              },
            ],
          },
        }),
      ),
    })
      .handler(ctx)
      .catch(e => e);
    // ENOTFOUND, or EAI_AGAIN where the resolver itself is unreachable.
    expect(error.message).toMatch(
      /^could not reach nonexistent\.invalid: (ENOTFOUND|EAI_AGAIN)$/,
    );
    expect(error.message).not.toContain(TOKEN);
  });
});

describe('gitops:open-pr against the faults of a fleet run on GitHub', () => {
  const server = setupServer();
  /** Every request GitHub got, as "METHOD /path". */
  let requests: string[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  beforeEach(() => {
    requests = [];
    server.events.on('request:start', ({ request }) => {
      requests.push(`${request.method} ${new URL(request.url).pathname}`);
    });
  });
  afterEach(() => {
    server.events.removeAllListeners();
    server.resetHandlers();
  });
  afterAll(() => server.close());

  const REPO = '/repos/brightpath/gitops';
  const BRANCH = 'portal/dev/apps/course-reviews/dev';
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
  const action = createOpenGitopsPrAction({ integrations, github: FAST });

  function context(store = new Map<string, JsonValue | void>()) {
    return {
      ...createMockActionContext({
        input: {
          repoUrl: 'github.com?owner=brightpath&repo=gitops',
          environment: 'dev',
          sourcePath: 'deploy/overlays/dev',
          targetPath: 'apps/course-reviews/dev',
        },
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

  const writes = () => requests.filter(r => !r.startsWith('GET '));
  const count = (request: string) => requests.filter(r => r === request).length;

  /** Answers `times` requests with `response`, then lets the fake GitHub answer. */
  function failing(
    method: 'post' | 'get',
    path: string,
    times: number,
    response: () => Response,
  ) {
    let left = times;
    return http[method](path, () => {
      if (left <= 0) return undefined;
      left -= 1;
      return response();
    });
  }

  const secondaryLimit = (retryAfter: string) =>
    HttpResponse.json(
      {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      },
      { status: 403, headers: { 'retry-after': retryAfter } },
    );
  const primaryLimit = (resetInSeconds: number, status = 403) =>
    HttpResponse.json(
      { message: 'API rate limit exceeded for user ID 1.' },
      {
        status,
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(
            Math.floor(Date.now() / 1000) + resetInSeconds,
          ),
        },
      },
    );

  it.each([
    [
      'a secondary rate limit (403, retry-after: 1) on opening the PR',
      () => failing('post', `${API}/pulls`, 1, () => secondaryLimit('1')),
      `POST ${REPO}/pulls`,
    ],
    [
      'a secondary rate limit as 429 (retry-after: 1) on creating the branch',
      () =>
        failing('post', `${API}/git/refs`, 1, () =>
          HttpResponse.json(
            { message: 'Too Many Requests' },
            { status: 429, headers: { 'retry-after': '1' } },
          ),
        ),
      `POST ${REPO}/git/refs`,
    ],
    [
      'a primary rate limit (403, x-ratelimit-remaining 0) whose reset is past',
      () => failing('post', `${API}/git/commits`, 1, () => primaryLimit(-30)),
      `POST ${REPO}/git/commits`,
    ],
    [
      'a primary rate limit (429, x-ratelimit-remaining 0) that resets in 1 s',
      () => failing('get', API, 1, () => primaryLimit(1, 429)),
      `GET ${REPO}`,
    ],
    [
      'a 502 from GitHub on a blob',
      () =>
        failing('post', `${API}/git/blobs`, 1, () =>
          HttpResponse.json({ message: 'Bad Gateway' }, { status: 502 }),
        ),
      `POST ${REPO}/git/blobs`,
    ],
  ])(
    'waits out %s, retries the request, and opens the PR once',
    async (_what, limit, limited) => {
      const github = fakeGitHub();
      server.use(limit(), ...github.handlers);
      const ctx = context();
      const before = count(limited);
      await action.handler(ctx);
      expect(count(limited) - before).toBeGreaterThanOrEqual(2);
      expect(github.state.pulls).toHaveLength(1);
      expect(count(`POST ${REPO}/pulls`)).toBeGreaterThanOrEqual(1);
      expect(ctx.output).toHaveBeenCalledWith(
        'pullRequestUrl',
        'https://github.com/brightpath/gitops/pull/1',
      );
      expect([...github.state.refs.keys()]).toEqual([
        'refs/heads/main',
        `refs/heads/${BRANCH}`,
      ]);
    },
  );

  it('logs the rate limit it waits for, naming the request, never the token', async () => {
    const github = fakeGitHub();
    server.use(
      failing('post', `${API}/pulls`, 1, () => secondaryLimit('1')),
      ...github.handlers,
    );
    const ctx = context();
    await action.handler(ctx);
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      `GitHub's secondary rate limit on POST ${REPO}/pulls: retry 1 of 3 in 1 s`,
    );
    expect(
      JSON.stringify((ctx.logger.warn as jest.Mock).mock.calls),
    ).not.toContain(TOKEN);
  });

  it('gives up at once, with the time to try again, when a secondary limit asks for longer than the bound (retry-after: 3600)', async () => {
    const github = fakeGitHub();
    server.use(
      failing('post', `${API}/pulls`, 1, () => secondaryLimit('3600')),
      ...github.handlers,
    );
    const error = await action.handler(context()).catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      new RegExp(
        `^GitHub's secondary rate limit stopped POST ${REPO}/pulls: it asks to wait 3600 s, until \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; gitops:open-pr waits at most 60 s and 3 times per request\\. Run the task again after `,
      ),
    );
    expect(count(`POST ${REPO}/pulls`)).toBe(1);
    expect(github.state.pulls).toHaveLength(0);
  });

  it('gives up after 3 retries when the primary limit stays (x-ratelimit-remaining 0 on every answer)', async () => {
    const github = fakeGitHub();
    server.use(
      failing('post', `${API}/git/blobs`, 100, () => primaryLimit(0)),
      ...github.handlers,
    );
    const error = await action.handler(context()).catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /^GitHub's primary rate limit stopped POST \/repos\/brightpath\/gitops\/git\/blobs: it asks to wait 1 s/,
    );
    expect(count(`POST ${REPO}/git/blobs`)).toBe(4);
    expect(writes()).toEqual(Array(4).fill(`POST ${REPO}/git/blobs`));
  });

  it('takes the bound from scaffolder.gitopsOpenPr.maxWaitSeconds (bad input: retry-after 5 with a bound of 2 s)', async () => {
    const github = fakeGitHub();
    server.use(
      failing('post', `${API}/pulls`, 1, () => secondaryLimit('5')),
      ...github.handlers,
    );
    const configured = createOpenGitopsPrAction({
      integrations,
      config: new ConfigReader({
        scaffolder: { gitopsOpenPr: { maxWaitSeconds: 2, retries: 1 } },
      }),
      github: { retryAfterBaseValue: 1, writeIntervalMs: 0 },
    });
    await expect(configured.handler(context())).rejects.toThrow(
      /it asks to wait 5 s, .*waits at most 2 s and 1 times per request/,
    );
  });

  it('refuses an archived repository before writing anything (bad input: archived: true)', async () => {
    const github = fakeGitHub();
    server.use(
      http.get(API, () =>
        HttpResponse.json({ default_branch: 'main', archived: true }),
      ),
      ...github.handlers,
    );
    const error = await action.handler(context()).catch(e => e);
    expect(error).toEqual(
      new NotAllowedError(
        'repository brightpath/gitops is archived; unarchive it or leave it out',
      ),
    );
    expect(writes()).toEqual([]);
  });

  it('names the archived repository when GitHub refuses a write with "Repository was archived so is read-only." (archived after the check)', async () => {
    const github = fakeGitHub();
    server.use(
      http.post(`${API}/git/blobs`, () =>
        HttpResponse.json(
          { message: 'Repository was archived so is read-only.' },
          { status: 403 },
        ),
      ),
      ...github.handlers,
    );
    const error = await action.handler(context()).catch(e => e);
    expect(error).toEqual(
      new NotAllowedError(
        'repository brightpath/gitops is archived; unarchive it or leave it out',
      ),
    );
    expect(count(`POST ${REPO}/git/blobs`)).toBe(1);
    expect(github.state.pulls).toHaveLength(0);
  });

  it('refuses a repository the token may not push to before writing anything (bad input: permissions.push false)', async () => {
    const github = fakeGitHub();
    server.use(
      http.get(API, () =>
        HttpResponse.json({
          default_branch: 'main',
          permissions: { pull: true, push: false, admin: false },
        }),
      ),
      ...github.handlers,
    );
    const error = await action.handler(context()).catch(e => e);
    expect(error).toEqual(
      new NotAllowedError(
        'the GitHub token may not write to brightpath/gitops: it has no push permission (contents: write); grant it, or leave the repository out',
      ),
    );
    expect(writes()).toEqual([]);
  });

  it.each([
    [
      'a 404 on creating the branch',
      http.post(`${API}/git/refs`, () =>
        HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
      `the GitHub token may not write to brightpath/gitops: POST ${REPO}/git/refs needs the permission contents: write (GitHub answered 404); grant it, or leave the repository out`,
    ],
    [
      'a 403 "Resource not accessible by integration" on opening the PR',
      http.post(`${API}/pulls`, () =>
        HttpResponse.json(
          { message: 'Resource not accessible by integration' },
          { status: 403 },
        ),
      ),
      `the GitHub token may not write to brightpath/gitops: POST ${REPO}/pulls needs the permission pull requests: write (GitHub answered 403); grant it, or leave the repository out`,
    ],
  ])(
    'names the repository and the missing permission on %s (a token without write access)',
    async (_what, refusal, message) => {
      const github = fakeGitHub();
      server.use(refusal, ...github.handlers);
      const error = await action.handler(context()).catch(e => e);
      expect(error).toEqual(new NotAllowedError(message));
      expect(error.message).not.toContain(TOKEN);
      expect(github.state.pulls).toHaveLength(0);
    },
  );

  it('names a repository GitHub does not show (bad input: a 404 on the repository)', async () => {
    server.use(
      http.get(API, () =>
        HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
    );
    await expect(action.handler(context())).rejects.toThrow(
      new NotFoundError(
        'repository brightpath/gitops does not exist, or the GitHub token cannot see it',
      ),
    );
  });

  it('opens the PR from a new branch of a repository whose default branch is protected, and never writes to the default branch', async () => {
    const github = fakeGitHub();
    // GitHub refuses any change of a protected branch's ref.
    const protectedRef = http.all(`${API}/git/refs/heads/main`, ({ request }) =>
      request.method === 'GET'
        ? undefined
        : HttpResponse.json(
            { message: 'Protected branch update failed for refs/heads/main.' },
            { status: 422 },
          ),
    );
    const created: unknown[] = [];
    server.use(
      protectedRef,
      http.post(`${API}/git/refs`, async ({ request }) => {
        created.push(await request.clone().json());
        return undefined;
      }),
      ...github.handlers,
    );
    const ctx = context();
    await action.handler(ctx);
    expect(created).toEqual([
      { ref: `refs/heads/${BRANCH}`, sha: expect.any(String) },
    ]);
    expect(writes().filter(r => /heads\/main|refs\/main/.test(r))).toEqual([]);
    expect(github.state.refs.get('refs/heads/main')).toBe('base-commit');
    expect(github.state.pulls).toHaveLength(1);
    expect(ctx.output).toHaveBeenCalledWith('baseBranch', 'main');
  });

  it('opens one PR and makes one commit when the connection drops before the PR is opened and the task runs again (HttpResponse.error() on the pulls POST)', async () => {
    const github = fakeGitHub();
    let down = true;
    server.use(
      http.post(`${API}/pulls`, () =>
        down ? HttpResponse.error() : undefined,
      ),
      ...github.handlers,
    );
    const store = new Map<string, JsonValue | void>();
    const first = context(store);
    await expect(action.handler(first)).rejects.toThrow(
      /^could not reach api\.github\.com/,
    );
    // Tried once and retried 3 times, then the task failed.
    expect(count(`POST ${REPO}/pulls`)).toBe(4);
    const tip = github.state.refs.get(`refs/heads/${BRANCH}`);
    expect(tip).toBeDefined();
    expect(github.state.pulls).toHaveLength(0);

    down = false;
    // The scaffolder's retry of the task (its checkpoints kept), then a
    // fleet re-run (a new task, no checkpoints).
    const retried = context(store);
    await action.handler(retried);
    const rerun = context();
    await action.handler(rerun);

    expect(github.state.pulls).toHaveLength(1);
    expect(count(`POST ${REPO}/git/commits`)).toBe(1);
    expect(count(`POST ${REPO}/git/refs`)).toBe(1);
    expect(github.state.refs.get(`refs/heads/${BRANCH}`)).toBe(tip);
    for (const ctx of [retried, rerun]) {
      expect(ctx.output).toHaveBeenCalledWith('reused', true);
      expect(ctx.output).toHaveBeenCalledWith('branchName', BRANCH);
      expect(ctx.output).toHaveBeenCalledWith(
        'pullRequestUrl',
        'https://github.com/brightpath/gitops/pull/1',
      );
    }
  });

  it.each([
    [
      'opening the PR',
      `POST ${REPO}/pulls`,
      (github: ReturnType<typeof fakeGitHub>, once: () => boolean) =>
        http.post(`${API}/pulls`, async ({ request }) => {
          if (!once()) return undefined;
          const body = (await request.json()) as { head: string };
          github.state.pulls.push({
            number: 1,
            head: body.head,
            html_url: 'https://github.com/brightpath/gitops/pull/1',
            state: 'open',
          });
          return HttpResponse.error();
        }),
    ],
    [
      'creating the branch',
      `POST ${REPO}/git/refs`,
      (github: ReturnType<typeof fakeGitHub>, once: () => boolean) =>
        http.post(`${API}/git/refs`, async ({ request }) => {
          if (!once()) return undefined;
          const body = (await request.json()) as { ref: string; sha: string };
          github.state.refs.set(body.ref, body.sha);
          return HttpResponse.error();
        }),
    ],
  ])(
    'opens one PR when the answer to %s is lost after GitHub did it (the retried request finds it done)',
    async (_what, request, doneButLost) => {
      const github = fakeGitHub();
      let lose = 1;
      const once = () => lose-- > 0;
      server.use(doneButLost(github, once), ...github.handlers);
      const ctx = context();
      await action.handler(ctx);
      expect(count(request)).toBe(2);
      expect(github.state.pulls).toHaveLength(1);
      expect([...github.state.refs.keys()]).toEqual([
        'refs/heads/main',
        `refs/heads/${BRANCH}`,
      ]);
      expect(ctx.output).toHaveBeenCalledWith(
        'pullRequestUrl',
        'https://github.com/brightpath/gitops/pull/1',
      );
      expect(ctx.output).toHaveBeenCalledWith('reused', false);
    },
  );
});
