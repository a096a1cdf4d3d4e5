import { TestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
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
  runTemplateTask,
  serviceCatalogInfo,
  startFixTemplateBackend,
} from './__testUtils__/fixTemplateTasks';
import { withLocation } from './__testUtils__/templateHarness';

jest.setTimeout(120_000);

// templates/fix-pod-disruption-budget and fix-default-deny run as real
// scaffolder tasks (not dry runs), against git repositories the portal
// published on its own disk, and read back the output keys the fleet
// remediation runner reads.
const BRANCH = 'portal/fix-scale-pdb';

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

describe('fix templates run as scaffolder tasks', () => {
  let backend: TestBackend;
  let root: string;
  let publishDir: string;

  beforeAll(async () => {
    ({ root, publishDir } = await fixTemplateWorkspace('fix-templates-'));
    const folders = join(root, 'folders');
    // A folder the portal reads but cannot branch: not a git repository.
    await fs.mkdir(join(folders, 'folder-api/k8s'), { recursive: true });
    await fs.writeFile(
      join(folders, 'folder-api/catalog-info.yaml'),
      serviceCatalogInfo('folder-api'),
    );
    await fs.writeFile(
      join(folders, 'folder-api/k8s/deployment.yaml'),
      DEPLOYMENT,
    );

    const repositories = await createFixtureRepositories({
      publishDir,
      fixtures: [
        {
          name: 'fix-needs-pdb',
          files: {
            'catalog-info.yaml': serviceCatalogInfo('fix-needs-pdb'),
            'k8s/deployment.yaml': DEPLOYMENT,
          },
        },
        {
          name: 'fix-has-pdb',
          files: {
            'catalog-info.yaml': serviceCatalogInfo('fix-has-pdb'),
            'k8s/deployment.yaml': DEPLOYMENT,
            'k8s/pdb.yaml': PDB,
          },
        },
      ],
    });
    const folderEntities = withLocation(
      parseAllDocuments(serviceCatalogInfo('folder-api')).map(
        d => d.toJS() as Entity,
      ),
      join(folders, 'folder-api/catalog-info.yaml'),
    );
    backend = await startFixTemplateBackend({
      publishDir,
      entities: [...repositories, ...folderEntities],
      config: { maturity: { allowedLocalRoots: [EXAMPLES_DIR, folders] } },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  const runTask = (template: string, values: Record<string, unknown>) =>
    runTemplateTask(backend.server, `template:default/${template}`, values);
  const branches = (name: string) => localBranches(publishDir, name);

  it('a preview run writes no branch, and reports the change with where preview and reason preview', async () => {
    const result = await runTask('fix-pod-disruption-budget', {
      component: 'component:default/fix-needs-pdb',
      preview: true,
    });
    expectPreviewOfChange(result);
    expect(result.output.diff).toContain('+++ b/k8s/api-pdb.yaml');
    expect(result.output.summary).toContain('(`scale-pdb`)');
    expect(await branches('fix-needs-pdb')).toEqual(['main']);
  });

  it('running twice with the same branch commits once: the second run reuses the branch', async () => {
    const first = await runTask('fix-pod-disruption-budget', {
      component: 'component:default/fix-needs-pdb',
    });
    expectCommittedLocally(first, BRANCH);
    expect(first.output.pullRequestUrl).toMatch(
      /^file:\/\/.*\/fix-needs-pdb#portal\/fix-scale-pdb$/,
    );
    expect(first.log).toMatch(
      /Committed [0-9a-f]{7} on branch portal\/fix-scale-pdb of local repository fix-needs-pdb/,
    );
    const name = 'fix-needs-pdb';
    const tip = await branchTip(publishDir, name, BRANCH);

    const second = await runTask('fix-pod-disruption-budget', {
      component: 'component:default/fix-needs-pdb',
    });
    await expectReusedBranch(second, first, {
      publishDir,
      name,
      branch: BRANCH,
      tip,
    });
    const files = await git.listFiles({
      fs,
      dir: join(publishDir, name),
      ref: BRANCH,
    });
    expect(files).toContain('k8s/api-pdb.yaml');
  });

  it('a repository fixed already opens nothing: changed false, where none, reason already fixed, no branch', async () => {
    const result = await runTask('fix-pod-disruption-budget', {
      component: 'component:default/fix-has-pdb',
    });
    expectAlreadyFixed(result);
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
