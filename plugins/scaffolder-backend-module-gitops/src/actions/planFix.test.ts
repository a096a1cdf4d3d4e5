import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { promises as fs } from 'fs';
import { join } from 'path';
import { listFiles } from '../lib/files';
import { createPlanFixAction } from './planFix';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
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

const KUSTOMIZATION = `# Applied by Argo CD.
resources:
  - deployment.yaml
`;

describe('gitops:plan-fix', () => {
  const workspace = createMockDirectory();

  async function run(
    repository: Record<string, any>,
    input: Record<string, unknown> = {},
  ) {
    workspace.setContent({ repository });
    const ctx = createMockActionContext({
      input: {
        repositoryPath: 'repository',
        outputPath: 'change',
        fix: 'pod-disruption-budget',
        ...input,
      } as any,
      workspacePath: workspace.path,
    });
    await createPlanFixAction().handler(ctx);
    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    return { ctx, outputs };
  }

  it('writes the full new content of each added and modified file into outputPath at its repository path, with a diff and a summary naming the check', async () => {
    const { outputs } = await run({
      deploy: {
        'kustomization.yaml': KUSTOMIZATION,
        'deployment.yaml': DEPLOYMENT,
      },
    });
    expect(outputs.changed).toBe(true);
    expect(outputs.added).toEqual(['deploy/api-pdb.yaml']);
    expect(outputs.modified).toEqual(['deploy/kustomization.yaml']);
    expect(outputs.reason).toBe('');
    const change = join(workspace.path, 'change');
    expect(await listFiles(change)).toEqual([
      'deploy/api-pdb.yaml',
      'deploy/kustomization.yaml',
    ]);
    expect(
      await fs.readFile(join(change, 'deploy/kustomization.yaml'), 'utf8'),
    ).toBe(
      '# Applied by Argo CD.\nresources:\n  - deployment.yaml\n  - api-pdb.yaml\n',
    );
    expect(outputs.diff).toContain('+++ b/deploy/api-pdb.yaml');
    expect(outputs.diff).toContain('+  - api-pdb.yaml');
    expect(outputs.summary).toContain('(`scale-pdb`)');
    expect(outputs.summary).toContain(
      '- `deploy/api-pdb.yaml`: PodDisruptionBudget api-pdb (minAvailable: 1) for Deployment api',
    );
    expect(outputs.checkId).toBe('scale-pdb');
    // Read-only towards the repository.
    expect(
      await fs.readFile(
        join(workspace.path, 'repository/deploy/kustomization.yaml'),
        'utf8',
      ),
    ).toBe(KUSTOMIZATION);
  });

  it('a repository that is fixed already is not an error: changed false, nothing written, the summary says why', async () => {
    const { outputs } = await run(
      {
        'k8s/deployment.yaml': DEPLOYMENT,
        'k8s/deny.yaml':
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: default-deny }\nspec: { podSelector: {}, policyTypes: [Ingress, Egress] }\n',
      },
      { fix: 'default-deny-network-policy' },
    );
    expect(outputs.changed).toBe(false);
    expect(outputs.added).toEqual([]);
    expect(outputs.modified).toEqual([]);
    expect(outputs.reason).toBe('already fixed');
    expect(outputs.diff).toBe('');
    expect(outputs.summary).toContain(
      'Nothing to change: Every namespace of the workloads has a default-deny NetworkPolicy already.',
    );
    expect(await listFiles(join(workspace.path, 'change'))).toEqual([]);
  });

  it('an outputPath that escapes the workspace is refused by name', async () => {
    await expect(
      run({ 'k8s/deployment.yaml': DEPLOYMENT }, { outputPath: '../escape' }),
    ).rejects.toThrow('outputPath "../escape" is outside the workspace');
  });

  it('an outputPath inside repositoryPath is refused: it is emptied first', async () => {
    await expect(
      run(
        { 'k8s/deployment.yaml': DEPLOYMENT },
        { outputPath: 'repository/change' },
      ),
    ).rejects.toThrow(
      /outputPath "repository\/change" overlaps repositoryPath/,
    );
  });

  it('a repositoryPath that is not a directory is refused by name', async () => {
    await expect(
      run({ 'k8s/deployment.yaml': DEPLOYMENT }, { repositoryPath: 'missing' }),
    ).rejects.toThrow('repositoryPath "missing" is not a directory');
  });
});
