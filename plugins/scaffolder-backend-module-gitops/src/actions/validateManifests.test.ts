import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createValidateManifestsAction } from './validateManifests';

jest.setTimeout(60_000);

const deployment = (extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/x/web@sha256:${'a'.repeat(64)}
${extra}`;

describe('gitops:validate-manifests', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  const run = (input: Record<string, unknown> = {}, isDryRun = false) => {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
      isDryRun,
    });
    return { ctx, go: () => createValidateManifestsAction().handler(ctx) };
  };

  it('passes a valid manifest and reports the scans', async () => {
    workspace.setContent({ 'deploy.yaml': deployment('') });
    const { ctx, go } = run({}, true);
    await go();
    expect(ctx.output).toHaveBeenCalledWith('validatedObjects', 1);
    expect(ctx.output).toHaveBeenCalledWith(
      'zeroTrustGrade',
      expect.anything(),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'maturityLevel',
      expect.any(Number),
    );
  });

  it('fails on YAML that does not parse (an unclosed flow mapping)', async () => {
    workspace.setContent({ 'bad.yaml': 'a: { b: 1\n' });
    await expect(run().go()).rejects.toThrow(/bad.yaml: not valid YAML/);
  });

  it('fails on an object that breaks its schema (replicas: "three")', async () => {
    workspace.setContent({
      'deploy.yaml': deployment('').replace(
        'spec:\n  selector',
        'spec:\n  replicas: three\n  selector',
      ),
    });
    await expect(run().go()).rejects.toThrow(/apps\/v1 Deployment web/);
  });

  it('fails on a workflow job without runs-on', async () => {
    workspace.setContent({
      '.github': {
        workflows: {
          'ci.yml': 'on: push\njobs:\n  test:\n    steps:\n      - run: echo\n',
        },
      },
    });
    await expect(run().go()).rejects.toThrow(/job test has no runs-on/);
  });

  it('fails below the zero-trust grade the template asks for (minGrade A on a bare Deployment)', async () => {
    workspace.setContent({ 'deploy.yaml': deployment('') });
    await expect(run({ minGrade: 'A' }).go()).rejects.toThrow(
      /zero-trust grade [B-F] is below A/,
    );
  });

  it('fails below the maturity level the template asks for (minLevel 5)', async () => {
    workspace.setContent({ 'deploy.yaml': deployment('') });
    await expect(run({ minLevel: 5 }).go()).rejects.toThrow(
      /maturity level \d is below 5/,
    );
  });

  it('reports kinds with no packaged schema, and fails on them only when asked', async () => {
    workspace.setContent({
      'server.yaml':
        'apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata:\n  name: s\nspec: {}\n',
    });
    const lenient = run();
    await lenient.go();
    expect(lenient.ctx.output).toHaveBeenCalledWith('unvalidatedObjects', [
      'server.yaml: policy.linkerd.io/v1beta3 Server s',
    ]);
    await expect(run({ requireSchemas: true }).go()).rejects.toThrow(
      /no packaged schema/,
    );
  });

  it('rejects a path outside the workspace ("../..")', async () => {
    await expect(run({ path: '../..' }).go()).rejects.toThrow(
      /path "..\/.." is outside/,
    );
  });
});
