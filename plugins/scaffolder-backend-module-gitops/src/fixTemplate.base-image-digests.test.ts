import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import os from 'os';
import { join, resolve } from 'path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import {
  createFixtureRepository,
  startTemplateHarness,
  templateEntities,
  withLocation,
  withMembership,
} from './__testUtils__/templateHarness';
import { scaffolderModuleGitops } from './module';

jest.setTimeout(120_000);

// templates/fix-base-image-digests runs as a real scaffolder task (not a dry
// run) against git repositories the portal published on its own disk; the
// registries it looks digests up in are mocked at the HTTP level.
const TEMPLATES_DIR = resolve(__dirname, '../../../templates');
const EXAMPLES_DIR = resolve(__dirname, '../../../examples');

const OUTPUT_KEYS = [
  'branch',
  'changed',
  'diff',
  'links',
  'pullRequestUrl',
  'reason',
  'reused',
  'summary',
  'text',
  'where',
];

const BRANCH = 'portal/fix-delivery-base-images-pinned';
const NODE_DIGEST = `sha256:${'c'.repeat(64)}`;
const RUNTIME_DIGEST = `sha256:${'d'.repeat(64)}`;
const PASSWORD = 'registry-secret-pw';

function catalogInfo(name: string) {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    backstage.io/source-location: dir:./
spec:
  type: service
  lifecycle: production
  owner: group:default/assessments-team
`;
}

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

interface TaskResult {
  status: string;
  output: Record<string, any>;
  log: string;
}

describe('fix-base-image-digests runs as a scaffolder task', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
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
    root = await fs.mkdtemp(join(os.tmpdir(), 'fix-digests-'));
    publishDir = join(root, 'repos');
    await fs.mkdir(publishDir);

    const demo: Entity[] = ['org.yaml', 'entities.yaml'].flatMap(file =>
      withLocation(
        parseAllDocuments(
          require('fs').readFileSync(join(EXAMPLES_DIR, file), 'utf8'),
        ).map(d => d.toJS() as Entity),
        join(EXAMPLES_DIR, file),
      ),
    );
    const maker = await startTemplateHarness();
    const repositories: Entity[] = [];
    try {
      for (const [name, dockerfile] of [
        ['digests-floating', FLOATING],
        ['digests-pinned', PINNED],
        ['digests-unknown', UNKNOWN],
      ] as const) {
        repositories.push(
          ...(await createFixtureRepository({
            harness: maker,
            templatesDir: TEMPLATES_DIR,
            publishDir,
            fixture: {
              name,
              files: {
                'catalog-info.yaml': catalogInfo(name),
                Dockerfile: dockerfile,
              },
            },
          })),
        );
      }
    } finally {
      await maker.stop();
    }
    backend = await startTestBackend({
      features: [
        import('@backstage/plugin-scaffolder-backend'),
        scaffolderModuleGitops,
        catalogServiceMock.factory({
          entities: withMembership([
            ...demo,
            ...repositories,
            ...templateEntities(TEMPLATES_DIR),
          ]),
        }),
        mockServices.rootConfig.factory({
          data: {
            scaffolder: {
              localPublish: { directory: publishDir },
              gitopsRegistries: [
                {
                  host: 'registry.example.com',
                  username: 'portal',
                  password: PASSWORD,
                },
              ],
            },
          },
        }),
      ],
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

  /** Creates a task and waits for it to end, as the portal's task page does. */
  async function runTask(values: Record<string, unknown>): Promise<TaskResult> {
    const created = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', mockCredentials.user.header())
      .send({ templateRef: 'template:default/fix-base-image-digests', values });
    expect(created.status).toBe(201);
    const id = created.body.id;
    let status = '';
    while (!['completed', 'failed', 'cancelled'].includes(status)) {
      await new Promise(r => setTimeout(r, 100));
      const task = await request(backend.server)
        .get(`/api/scaffolder/v2/tasks/${id}`)
        .set('Authorization', mockCredentials.user.header());
      status = task.body.status;
    }
    const events = await request(backend.server)
      .get(`/api/scaffolder/v2/tasks/${id}/events`)
      .set('Authorization', mockCredentials.user.header());
    const all = events.body as Array<{ type: string; body: any }>;
    return {
      status,
      output: all.find(e => e.type === 'completion')?.body.output ?? {},
      log: all
        .filter(e => e.type === 'log')
        .map(e => e.body.message)
        .join('\n'),
    };
  }

  async function branches(name: string) {
    return (await git.listBranches({ fs, dir: join(publishDir, name) })).sort();
  }

  it('a preview run looks the digests up and shows the pins, and writes no branch', async () => {
    const result = await runTask({
      component: 'component:default/digests-floating',
      preview: true,
    });
    expect(result.status).toBe('completed');
    expect(Object.keys(result.output).sort()).toEqual(OUTPUT_KEYS);
    expect(result.output).toMatchObject({
      pullRequestUrl: '',
      branch: '',
      changed: true,
      where: 'preview',
      reason: 'preview',
    });
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
    expect(first.status).toBe('completed');
    expect(first.output).toMatchObject({
      branch: BRANCH,
      changed: true,
      where: 'local',
      reason: '',
      reused: false,
    });
    // One lookup per image: the challenge, then the answer.
    expect([...manifestRequests].sort()).toEqual([
      'docker.io/library/node:latest',
      'docker.io/library/node:latest',
      'registry.example.com/platform/runtime:latest',
      'registry.example.com/platform/runtime:latest',
    ]);
    const dir = join(publishDir, 'digests-floating');
    const tip = await git.resolveRef({ fs, dir, ref: BRANCH });
    const { blob } = await git.readBlob({
      fs,
      dir,
      oid: tip,
      filepath: 'Dockerfile',
    });
    expect(Buffer.from(blob).toString('utf8')).toBe(
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
    expect(second.status).toBe('completed');
    expect(second.output.reused).toBe(true);
    expect(second.output.pullRequestUrl).toBe(first.output.pullRequestUrl);
    expect(await git.resolveRef({ fs, dir, ref: BRANCH })).toBe(tip);
    expect(await branches('digests-floating')).toEqual(['main', BRANCH]);
  });

  it('a repository pinned already opens nothing and looks nothing up', async () => {
    const result = await runTask({
      component: 'component:default/digests-pinned',
    });
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({
      pullRequestUrl: '',
      branch: '',
      changed: false,
      where: 'none',
      reason: 'already fixed',
      diff: '',
    });
    expect(manifestRequests).toEqual([]);
    expect(await branches('digests-pinned')).toEqual(['main']);
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
