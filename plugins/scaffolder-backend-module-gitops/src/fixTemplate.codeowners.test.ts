import { TestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { promises as fs } from 'fs';
import {
  branchTip,
  createFixtureRepositories,
  EXAMPLES_DIR,
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

// templates/fix-codeowners runs as a real scaffolder task (not a dry run)
// against git repositories the portal published on its own disk, with the
// demo organisation's groups (github.com/team-slug) in the catalog, and the
// output keys the fleet remediation runner reads are read back.
const BRANCH = 'portal/fix-owner-codeowners-match';

const catalogInfo = (name: string, owner = 'group:default/payments-team') =>
  serviceCatalogInfo(name, owner);

describe('templates/fix-codeowners runs as a scaffolder task', () => {
  let backend: TestBackend;
  let root: string;
  let publishDir: string;

  beforeAll(async () => {
    ({ root, publishDir } = await fixTemplateWorkspace('fix-codeowners-'));
    // A group that names no GitHub team, for a repository with no slug.
    const unmapped: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'unmapped-team', namespace: 'default' },
      spec: { type: 'team', children: [] },
    };
    const repositories = await createFixtureRepositories({
      publishDir,
      fixtures: [
        {
          name: 'owners-elsewhere',
          files: {
            'catalog-info.yaml': catalogInfo('owners-elsewhere'),
            '.github/CODEOWNERS':
              '# Reviews\n* @brightpath/old-team # until the move\n/docs/ @brightpath/writers\n',
          },
        },
        {
          name: 'owners-match',
          files: {
            'catalog-info.yaml': catalogInfo('owners-match'),
            '.github/CODEOWNERS': '* @brightpath/payments-team\n',
          },
        },
        {
          name: 'owners-unmapped',
          files: {
            'catalog-info.yaml': catalogInfo(
              'owners-unmapped',
              'group:default/unmapped-team',
            ),
            'README.md': '# unmapped\n',
          },
        },
      ],
    });
    backend = await startFixTemplateBackend({
      publishDir,
      entities: [unmapped, ...repositories],
      config: { maturity: { allowedLocalRoots: [EXAMPLES_DIR] } },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  const runTask = (values: Record<string, unknown>) =>
    runTemplateTask(backend.server, 'template:default/fix-codeowners', values);
  const branches = (name: string) => localBranches(publishDir, name);

  it('a preview run writes no branch, and reports the change with where preview and reason preview', async () => {
    const result = await runTask({
      component: 'component:default/owners-elsewhere',
      preview: true,
    });
    expectPreviewOfChange(result);
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
    expectCommittedLocally(first, BRANCH);
    expect(first.output.pullRequestUrl).toMatch(
      /^file:\/\/.*\/owners-elsewhere#portal\/fix-owner-codeowners-match$/,
    );
    const name = 'owners-elsewhere';
    const tip = await branchTip(publishDir, name, BRANCH);
    expect(
      await readOnBranch(publishDir, name, BRANCH, '.github/CODEOWNERS'),
    ).toBe(
      '# Reviews\n* @brightpath/old-team @brightpath/payments-team # until the move\n/docs/ @brightpath/writers\n',
    );

    const second = await runTask({
      component: 'component:default/owners-elsewhere',
    });
    await expectReusedBranch(second, first, {
      publishDir,
      name,
      branch: BRANCH,
      tip,
    });
  });

  it('a repository whose CODEOWNERS names the team already opens nothing: reason already fixed', async () => {
    const result = await runTask({
      component: 'component:default/owners-match',
    });
    expectAlreadyFixed(result);
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
