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

// templates/fix-pod-disruption-budget and fix-default-deny run as real
// scaffolder tasks (not dry runs), against git repositories the portal
// published on its own disk, and read back the output keys the fleet
// remediation runner reads.
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

function catalogInfo(name: string, location = 'dir:./') {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    backstage.io/source-location: ${location}
spec:
  type: service
  lifecycle: production
  owner: group:default/assessments-team
`;
}

const DEPLOYMENT = `apiVersion: apps/v1
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

const PDB = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: api, namespace: grading }
spec:
  minAvailable: 1
  selector: { matchLabels: { app: api } }
`;

interface TaskResult {
  status: string;
  output: Record<string, any>;
  log: string;
}

describe('fix templates run as scaffolder tasks', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let root: string;
  let publishDir: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(join(os.tmpdir(), 'fix-templates-'));
    publishDir = join(root, 'repos');
    const folders = join(root, 'folders');
    await fs.mkdir(publishDir);
    // A folder the portal reads but cannot branch: not a git repository.
    await fs.mkdir(join(folders, 'folder-api/k8s'), { recursive: true });
    await fs.writeFile(
      join(folders, 'folder-api/catalog-info.yaml'),
      catalogInfo('folder-api'),
    );
    await fs.writeFile(
      join(folders, 'folder-api/k8s/deployment.yaml'),
      DEPLOYMENT,
    );

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
          'fix-needs-pdb',
          {
            'catalog-info.yaml': catalogInfo('fix-needs-pdb'),
            'k8s/deployment.yaml': DEPLOYMENT,
          },
        ],
        [
          'fix-has-pdb',
          {
            'catalog-info.yaml': catalogInfo('fix-has-pdb'),
            'k8s/deployment.yaml': DEPLOYMENT,
            'k8s/pdb.yaml': PDB,
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
    const folderEntities = withLocation(
      parseAllDocuments(catalogInfo('folder-api')).map(d => d.toJS() as Entity),
      join(folders, 'folder-api/catalog-info.yaml'),
    );
    backend = await startTestBackend({
      features: [
        import('@backstage/plugin-scaffolder-backend'),
        scaffolderModuleGitops,
        catalogServiceMock.factory({
          entities: withMembership([
            ...demo,
            ...repositories,
            ...folderEntities,
            ...templateEntities(TEMPLATES_DIR),
          ]),
        }),
        mockServices.rootConfig.factory({
          data: {
            scaffolder: { localPublish: { directory: publishDir } },
            maturity: { allowedLocalRoots: [EXAMPLES_DIR, folders] },
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
  async function runTask(
    template: string,
    values: Record<string, unknown>,
  ): Promise<TaskResult> {
    const created = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', mockCredentials.user.header())
      .send({ templateRef: `template:default/${template}`, values });
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

  it('a preview run writes no branch, and reports the change with where preview and reason preview', async () => {
    const result = await runTask('fix-pod-disruption-budget', {
      component: 'component:default/fix-needs-pdb',
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
    expect(result.output.diff).toContain('+++ b/k8s/api-pdb.yaml');
    expect(result.output.summary).toContain('(`scale-pdb`)');
    expect(await branches('fix-needs-pdb')).toEqual(['main']);
  });

  it('running twice with the same branch commits once: the second run reuses the branch', async () => {
    const first = await runTask('fix-pod-disruption-budget', {
      component: 'component:default/fix-needs-pdb',
    });
    expect(first.status).toBe('completed');
    expect(first.output).toMatchObject({
      branch: 'portal/fix-scale-pdb',
      changed: true,
      where: 'local',
      reason: '',
      reused: false,
    });
    expect(first.output.pullRequestUrl).toMatch(
      /^file:\/\/.*\/fix-needs-pdb#portal\/fix-scale-pdb$/,
    );
    expect(first.log).toMatch(
      /Committed [0-9a-f]{7} on branch portal\/fix-scale-pdb of local repository fix-needs-pdb/,
    );
    const dir = join(publishDir, 'fix-needs-pdb');
    const tip = await git.resolveRef({ fs, dir, ref: 'portal/fix-scale-pdb' });

    const second = await runTask('fix-pod-disruption-budget', {
      component: 'component:default/fix-needs-pdb',
    });
    expect(second.status).toBe('completed');
    expect(second.log).toMatch(
      /Reusing [0-9a-f]{7} on branch portal\/fix-scale-pdb .*the branch already holds this change/,
    );
    expect(second.output.pullRequestUrl).toBe(first.output.pullRequestUrl);
    expect(second.output.reused).toBe(true);
    expect(await branches('fix-needs-pdb')).toEqual([
      'main',
      'portal/fix-scale-pdb',
    ]);
    expect(await git.resolveRef({ fs, dir, ref: 'portal/fix-scale-pdb' })).toBe(
      tip,
    );
    const files = await git.listFiles({ fs, dir, ref: 'portal/fix-scale-pdb' });
    expect(files).toContain('k8s/api-pdb.yaml');
  });

  it('a repository fixed already opens nothing: changed false, where none, reason already fixed, no branch', async () => {
    const result = await runTask('fix-pod-disruption-budget', {
      component: 'component:default/fix-has-pdb',
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
    expect(await branches('fix-has-pdb')).toEqual(['main']);
  });

  it('a preview of a repository fixed already says so: where preview, changed false, reason already fixed', async () => {
    const result = await runTask('fix-pod-disruption-budget', {
      component: 'component:default/fix-has-pdb',
      preview: true,
    });
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({
      changed: false,
      where: 'preview',
      reason: 'already fixed',
    });
    expect(result.output.summary).toContain(
      'Nothing to change: Every Deployment and StatefulSet (1) has a PodDisruptionBudget selecting its pods already.',
    );
  });

  it('a folder the portal reads (no git, no GitHub) opens nothing and says to apply the change by hand', async () => {
    const result = await runTask('fix-default-deny', {
      component: 'component:default/folder-api',
    });
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({
      pullRequestUrl: '',
      changed: true,
      where: 'none',
      reason:
        'the repository is a folder the portal reads, not a git repository it can branch; apply the change by hand',
    });
    expect(result.output.diff).toContain(
      '+++ b/k8s/default-deny-network-policy.yaml',
    );
  });

  it('fix-default-deny on a local repository commits the NetworkPolicy to portal/fix-sec-network-default-deny', async () => {
    const result = await runTask('fix-default-deny', {
      component: 'component:default/fix-has-pdb',
    });
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({
      branch: 'portal/fix-sec-network-default-deny',
      changed: true,
      where: 'local',
    });
    expect(await branches('fix-has-pdb')).toEqual([
      'main',
      'portal/fix-sec-network-default-deny',
    ]);
  });
});
