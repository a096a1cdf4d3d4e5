import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import os from 'os';
import { join, resolve } from 'path';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import {
  createFixtureRepository,
  startTemplateHarness,
  templateEntities,
  withLocation,
  withMembership,
} from './__testUtils__/templateHarness';
import { DEFAULT_OTLP_ENDPOINT } from './lib/fixTracing';
import { scaffolderModuleGitops } from './module';

jest.setTimeout(120_000);

// templates/fix-opentelemetry runs as a real scaffolder task (not a dry
// run), against git repositories the portal published on its own disk, and
// the output keys the fleet remediation runner reads are read back.
const TEMPLATES_DIR = resolve(__dirname, '../../../templates');
const EXAMPLES_DIR = resolve(__dirname, '../../../examples');
const BRANCH = 'portal/fix-obs-tracing';

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

const DEPLOYMENT = `# The grading API.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: grading
spec:
  replicas: 2
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/brightpath/api:1.0.0
`;

const TRACED_DEPLOYMENT = DEPLOYMENT.replace(
  'image: ghcr.io/brightpath/api:1.0.0\n',
  'image: ghcr.io/brightpath/api:1.0.0\n          env:\n            - name: OTEL_EXPORTER_OTLP_ENDPOINT\n              value: http://collector:4317\n',
);

interface TaskResult {
  status: string;
  output: Record<string, any>;
  log: string;
}

describe('templates/fix-opentelemetry runs as a scaffolder task', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let root: string;
  let publishDir: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(join(os.tmpdir(), 'fix-opentelemetry-'));
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
      for (const [name, files] of [
        [
          'otel-untraced',
          {
            'catalog-info.yaml': catalogInfo('otel-untraced'),
            'k8s/deployment.yaml': DEPLOYMENT,
            'requirements.txt': 'fastapi==0.115.5\n',
          },
        ],
        [
          'otel-custom-endpoint',
          {
            'catalog-info.yaml': catalogInfo('otel-custom-endpoint'),
            'k8s/deployment.yaml': DEPLOYMENT,
          },
        ],
        [
          'otel-traced',
          {
            'catalog-info.yaml': catalogInfo('otel-traced'),
            'k8s/deployment.yaml': TRACED_DEPLOYMENT,
          },
        ],
      ] as const) {
        repositories.push(
          ...(await createFixtureRepository({
            harness: maker,
            templatesDir: TEMPLATES_DIR,
            publishDir,
            fixture: { name, files: { ...files } },
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
            scaffolder: { localPublish: { directory: publishDir } },
            maturity: { allowedLocalRoots: [EXAMPLES_DIR] },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  /** Creates a task and waits for it to end, as the portal's task page does. */
  async function runTask(values: Record<string, unknown>): Promise<TaskResult> {
    const created = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', mockCredentials.user.header())
      .send({ templateRef: 'template:default/fix-opentelemetry', values });
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

  async function readOnBranch(name: string, path: string) {
    const dir = join(publishDir, name);
    const oid = await git.resolveRef({ fs, dir, ref: BRANCH });
    const { blob } = await git.readBlob({ fs, dir, oid, filepath: path });
    return Buffer.from(blob).toString('utf8');
  }

  it('a preview run writes no branch, and reports the change with where preview and reason preview', async () => {
    const result = await runTask({
      component: 'component:default/otel-untraced',
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
    expect(result.output.diff).toContain('+++ b/k8s/deployment.yaml');
    expect(result.output.diff).toContain('+opentelemetry-distro==');
    expect(result.output.summary).toContain('(`obs-tracing`)');
    expect(result.output.summary).toContain('opentelemetry-instrument');
    expect(await branches('otel-untraced')).toEqual(['main']);
  });

  it('a real run commits the change to portal/fix-obs-tracing; a second run reuses the branch', async () => {
    const first = await runTask({
      component: 'component:default/otel-untraced',
    });
    expect(first.status).toBe('completed');
    expect(Object.keys(first.output).sort()).toEqual(OUTPUT_KEYS);
    expect(first.output).toMatchObject({
      branch: BRANCH,
      changed: true,
      where: 'local',
      reason: '',
      reused: false,
    });
    expect(first.output.pullRequestUrl).toMatch(
      /^file:\/\/.*\/otel-untraced#portal\/fix-obs-tracing$/,
    );
    const deployment = await readOnBranch(
      'otel-untraced',
      'k8s/deployment.yaml',
    );
    expect(deployment).toContain('# The grading API.');
    expect(parse(deployment).spec.template.spec.containers[0].env).toEqual([
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: DEFAULT_OTLP_ENDPOINT },
      { name: 'OTEL_SERVICE_NAME', value: 'api' },
    ]);
    expect(await readOnBranch('otel-untraced', 'requirements.txt')).toContain(
      'opentelemetry-exporter-otlp==',
    );
    const dir = join(publishDir, 'otel-untraced');
    const tip = await git.resolveRef({ fs, dir, ref: BRANCH });

    const second = await runTask({
      component: 'component:default/otel-untraced',
    });
    expect(second.status).toBe('completed');
    expect(second.log).toMatch(
      /Reusing [0-9a-f]{7} on branch portal\/fix-obs-tracing .*the branch already holds this change/,
    );
    expect(second.output.reused).toBe(true);
    expect(second.output.pullRequestUrl).toBe(first.output.pullRequestUrl);
    expect(await git.resolveRef({ fs, dir, ref: BRANCH })).toBe(tip);
    expect(await branches('otel-untraced')).toEqual(['main', BRANCH]);
  });

  it('the otlpEndpoint parameter reaches the manifests', async () => {
    const result = await runTask({
      component: 'component:default/otel-custom-endpoint',
      otlpEndpoint: 'http://tempo.tracing.svc:4317',
    });
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({ branch: BRANCH, where: 'local' });
    const deployment = parse(
      await readOnBranch('otel-custom-endpoint', 'k8s/deployment.yaml'),
    );
    expect(deployment.spec.template.spec.containers[0].env[0]).toEqual({
      name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      value: 'http://tempo.tracing.svc:4317',
    });
  });

  it('a repository traced already opens nothing: changed false, where none, reason already fixed, no branch', async () => {
    const result = await runTask({
      component: 'component:default/otel-traced',
    });
    expect(result.status).toBe('completed');
    expect(Object.keys(result.output).sort()).toEqual(OUTPUT_KEYS);
    expect(result.output).toMatchObject({
      pullRequestUrl: '',
      branch: '',
      changed: false,
      where: 'none',
      reason: 'already fixed',
      diff: '',
    });
    expect(await branches('otel-traced')).toEqual(['main']);
  });
});
