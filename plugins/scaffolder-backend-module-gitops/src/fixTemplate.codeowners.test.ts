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

// templates/fix-codeowners runs as a real scaffolder task (not a dry run)
// against git repositories the portal published on its own disk, with the
// demo organisation's groups (github.com/team-slug) in the catalog, and the
// output keys the fleet remediation runner reads are read back.
const TEMPLATES_DIR = resolve(__dirname, '../../../templates');
const EXAMPLES_DIR = resolve(__dirname, '../../../examples');
const BRANCH = 'portal/fix-owner-codeowners-match';

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

function catalogInfo(name: string, owner = 'group:default/payments-team') {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    backstage.io/source-location: dir:./
spec:
  type: service
  lifecycle: production
  owner: ${owner}
`;
}

interface TaskResult {
  status: string;
  output: Record<string, any>;
  log: string;
}

describe('templates/fix-codeowners runs as a scaffolder task', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let root: string;
  let publishDir: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(join(os.tmpdir(), 'fix-codeowners-'));
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
    // A group that names no GitHub team, for a repository with no slug.
    const unmapped: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'unmapped-team', namespace: 'default' },
      spec: { type: 'team', children: [] },
    };
    const maker = await startTemplateHarness();
    const repositories: Entity[] = [];
    try {
      for (const [name, files] of [
        [
          'owners-elsewhere',
          {
            'catalog-info.yaml': catalogInfo('owners-elsewhere'),
            '.github/CODEOWNERS':
              '# Reviews\n* @brightpath/old-team # until the move\n/docs/ @brightpath/writers\n',
          },
        ],
        [
          'owners-match',
          {
            'catalog-info.yaml': catalogInfo('owners-match'),
            '.github/CODEOWNERS': '* @brightpath/payments-team\n',
          },
        ],
        [
          'owners-unmapped',
          {
            'catalog-info.yaml': catalogInfo(
              'owners-unmapped',
              'group:default/unmapped-team',
            ),
            'README.md': '# unmapped\n',
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
            unmapped,
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
      .send({ templateRef: 'template:default/fix-codeowners', values });
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
    const result = await runTask({
      component: 'component:default/owners-elsewhere',
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
    expect(result.output.diff).toContain(
      '+* @brightpath/old-team @brightpath/payments-team # until the move',
    );
    expect(result.output.summary).toContain('(`owner-codeowners-match`)');
    expect(result.output.summary).toContain(
      'named @brightpath/old-team: they stay owners',
    );
    expect(await branches('owners-elsewhere')).toEqual(['main']);
  });

  it(`a real run commits the change to ${BRANCH}; a second run reuses the branch`, async () => {
    const first = await runTask({
      component: 'component:default/owners-elsewhere',
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
      /^file:\/\/.*\/owners-elsewhere#portal\/fix-owner-codeowners-match$/,
    );
    const dir = join(publishDir, 'owners-elsewhere');
    const tip = await git.resolveRef({ fs, dir, ref: BRANCH });
    const { blob } = await git.readBlob({
      fs,
      dir,
      oid: tip,
      filepath: '.github/CODEOWNERS',
    });
    expect(Buffer.from(blob).toString('utf8')).toBe(
      '# Reviews\n* @brightpath/old-team @brightpath/payments-team # until the move\n/docs/ @brightpath/writers\n',
    );

    const second = await runTask({
      component: 'component:default/owners-elsewhere',
    });
    expect(second.status).toBe('completed');
    expect(second.log).toMatch(
      /Reusing [0-9a-f]{7} on branch portal\/fix-owner-codeowners-match .*the branch already holds this change/,
    );
    expect(second.output.reused).toBe(true);
    expect(second.output.pullRequestUrl).toBe(first.output.pullRequestUrl);
    expect(await branches('owners-elsewhere')).toEqual(['main', BRANCH]);
    expect(await git.resolveRef({ fs, dir, ref: BRANCH })).toBe(tip);
  });

  it('a repository whose CODEOWNERS names the team already opens nothing: reason already fixed', async () => {
    const result = await runTask({
      component: 'component:default/owners-match',
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
    expect(await branches('owners-match')).toEqual(['main']);
  });

  it('an owner with no GitHub team opens nothing: reason needs a change by hand, the summary says which annotation to set', async () => {
    const result = await runTask({
      component: 'component:default/owners-unmapped',
    });
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({
      changed: false,
      where: 'none',
      reason: 'needs a change by hand',
    });
    expect(result.output.summary).toContain(
      'Set the annotation github.com/team-slug (org/team) on the group unmapped-team',
    );
    expect(result.log).toContain(
      'group:default/unmapped-team names no GitHub team',
    );
    expect(await branches('owners-unmapped')).toEqual(['main']);
  });
});
