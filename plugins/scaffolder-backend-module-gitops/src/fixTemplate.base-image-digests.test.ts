import { TestBackend } from '@backstage/backend-test-utils';
import { promises as fs } from 'fs';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  branchTip,
  createFixtureRepositories,
  expectAlreadyFixed,
  expectCommittedLocally,
  expectPreviewOfChange,
  expectReusedBranch,
  fixTemplateWorkspace,
  localBranches,
  readOnBranch,
  runTemplateTask,
  serviceCatalogInfo,
  startFixTemplateBackend,
} from './__testUtils__/fixTemplateTasks';

jest.setTimeout(120_000);

// templates/fix-base-image-digests runs as a real scaffolder task (not a dry
// run) against git repositories the portal published on its own disk; the
// registries it looks digests up in are mocked at the HTTP level.
const BRANCH = 'portal/fix-delivery-base-images-pinned';
const NODE_DIGEST = `sha256:${'c'.repeat(64)}`;
const RUNTIME_DIGEST = `sha256:${'d'.repeat(64)}`;
const PASSWORD = 'registry-secret-pw';

const FLOATING = `FROM node AS build
WORKDIR /app
RUN npm ci

FROM registry.example.com/platform/runtime
COPY --from=build /app /app
USER 1000
`;

const PINNED = `FROM node:22-slim AS build
FROM registry.example.com/platform/runtime@${RUNTIME_DIGEST}
USER 1000
`;

const UNKNOWN = `FROM registry.example.com/platform/gone
USER 1000
`;

describe('fix-base-image-digests runs as a scaffolder task', () => {
  let backend: TestBackend;
  let root: string;
  let publishDir: string;
  const manifestRequests: string[] = [];

  // Docker Hub (anonymous) and a private registry that hands out tokens
  // only for the configured credentials.
  const server = setupServer(
    http.head(
      'https://registry-1.docker.io/v2/library/node/manifests/:tag',
      ({ request: r, params }) => {
        manifestRequests.push(`docker.io/library/node:${params.tag}`);
        if (r.headers.get('authorization') !== 'Bearer hub-token') {
          return new HttpResponse(null, {
            status: 401,
            headers: {
              'www-authenticate':
                'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
            },
          });
        }
        return params.tag === 'latest'
          ? new HttpResponse(null, {
              headers: { 'docker-content-digest': NODE_DIGEST },
            })
          : new HttpResponse(null, { status: 404 });
      },
    ),
    http.get('https://auth.docker.io/token', () =>
      HttpResponse.json({ token: 'hub-token' }),
    ),
    http.head(
      'https://registry.example.com/v2/platform/:name/manifests/:tag',
      ({ request: r, params }) => {
        manifestRequests.push(
          `registry.example.com/platform/${params.name}:${params.tag}`,
        );
        if (r.headers.get('authorization') !== 'Bearer private-token') {
          return new HttpResponse(null, {
            status: 401,
            headers: {
              'www-authenticate':
                'Bearer realm="https://registry.example.com/token",service="registry.example.com"',
            },
          });
        }
        return params.name === 'runtime' && params.tag === 'latest'
          ? new HttpResponse(null, {
              headers: { 'docker-content-digest': RUNTIME_DIGEST },
            })
          : new HttpResponse(null, { status: 404 });
      },
    ),
    http.get('https://registry.example.com/token', ({ request: r }) =>
      r.headers.get('authorization') ===
      `Basic ${Buffer.from(`portal:${PASSWORD}`).toString('base64')}`
        ? HttpResponse.json({ token: 'private-token' })
        : new HttpResponse(null, { status: 401 }),
    ),
  );

  beforeAll(async () => {
    // The portal's own requests (the test's calls to the backend) go through.
    server.listen({
      onUnhandledRequest: (req, print) => {
        if (!['127.0.0.1', 'localhost'].includes(new URL(req.url).hostname)) {
          print.error();
        }
      },
    });
    ({ root, publishDir } = await fixTemplateWorkspace('fix-digests-'));

    const repositories = await createFixtureRepositories({
      publishDir,
      fixtures: (
        [
          ['digests-floating', FLOATING],
          ['digests-pinned', PINNED],
          ['digests-unknown', UNKNOWN],
        ] as const
      ).map(([name, dockerfile]) => ({
        name,
        files: {
          'catalog-info.yaml': serviceCatalogInfo(name),
          Dockerfile: dockerfile,
        },
      })),
    });
    backend = await startFixTemplateBackend({
      publishDir,
      entities: repositories,
      config: {
        scaffolder: {
          gitopsRegistries: [
            {
              host: 'registry.example.com',
              username: 'portal',
              password: PASSWORD,
            },
          ],
        },
      },
    });
  });

  afterEach(() => {
    manifestRequests.length = 0;
  });

  afterAll(async () => {
    await backend?.stop();
    server.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  const runTask = (values: Record<string, unknown>) =>
    runTemplateTask(
      backend.server,
      'template:default/fix-base-image-digests',
      values,
    );
  const branches = (name: string) => localBranches(publishDir, name);

  it('a preview run looks the digests up and shows the pins, and writes no branch', async () => {
    const result = await runTask({
      component: 'component:default/digests-floating',
      preview: true,
    });
    expectPreviewOfChange(result);
    expect(result.output.diff).toContain('-FROM node AS build');
    expect(result.output.diff).toContain(
      `+FROM node:latest@${NODE_DIGEST} AS build`,
    );
    expect(result.output.diff).toContain(
      `+FROM registry.example.com/platform/runtime:latest@${RUNTIME_DIGEST}`,
    );
    expect(result.output.summary).toContain('(`delivery-base-images-pinned`)');
    expect(result.log).not.toContain(PASSWORD);
    expect(await branches('digests-floating')).toEqual(['main']);
  });

  it('a real run commits the pinned Dockerfile to the branch; a second run reuses it', async () => {
    const first = await runTask({
      component: 'component:default/digests-floating',
    });
    expectCommittedLocally(first, BRANCH);
    // One lookup per image: the challenge, then the answer.
    expect([...manifestRequests].sort()).toEqual([
      'docker.io/library/node:latest',
      'docker.io/library/node:latest',
      'registry.example.com/platform/runtime:latest',
      'registry.example.com/platform/runtime:latest',
    ]);
    const name = 'digests-floating';
    const tip = await branchTip(publishDir, name, BRANCH);
    expect(await readOnBranch(publishDir, name, BRANCH, 'Dockerfile')).toBe(
      FLOATING.replace(
        'FROM node AS',
        `FROM node:latest@${NODE_DIGEST} AS`,
      ).replace(
        'FROM registry.example.com/platform/runtime\n',
        `FROM registry.example.com/platform/runtime:latest@${RUNTIME_DIGEST}\n`,
      ),
    );

    const second = await runTask({
      component: 'component:default/digests-floating',
    });
    await expectReusedBranch(second, first, {
      publishDir,
      name,
      branch: BRANCH,
      tip,
    });
  });

  it('a repository pinned already opens nothing and looks nothing up', async () => {
    const result = await runTask({
      component: 'component:default/digests-pinned',
    });
    expectAlreadyFixed(result);
    expect(await branches('digests-pinned')).toEqual(['main']);
    expect(manifestRequests).toEqual([]);
  });

  it('a tag the registry does not have: no change, needs a change by hand, the summary names the image', async () => {
    const result = await runTask({
      component: 'component:default/digests-unknown',
    });
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({
      changed: false,
      where: 'none',
      reason: 'needs a change by hand',
    });
    expect(result.output.summary).toContain(
      'Image registry.example.com/platform/gone:latest: registry.example.com has no tag latest of platform/gone',
    );
    expect(await branches('digests-unknown')).toEqual(['main']);
  });
});
