import { TestBackend } from '@backstage/backend-test-utils';
import { promises as fs } from 'fs';
import { parse } from 'yaml';
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
import { DEFAULT_OTLP_ENDPOINT } from './lib/fixTracing';

jest.setTimeout(120_000);

// templates/fix-opentelemetry runs as a real scaffolder task (not a dry
// run), against git repositories the portal published on its own disk, and
// the output keys the fleet remediation runner reads are read back.
const BRANCH = 'portal/fix-obs-tracing';

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

describe('templates/fix-opentelemetry runs as a scaffolder task', () => {
  let backend: TestBackend;
  let root: string;
  let publishDir: string;

  beforeAll(async () => {
    ({ root, publishDir } = await fixTemplateWorkspace('fix-opentelemetry-'));
    const repositories = await createFixtureRepositories({
      publishDir,
      fixtures: [
        {
          name: 'otel-untraced',
          files: {
            'catalog-info.yaml': serviceCatalogInfo('otel-untraced'),
            'k8s/deployment.yaml': DEPLOYMENT,
            'requirements.txt': 'fastapi==0.115.5\n',
          },
        },
        {
          name: 'otel-custom-endpoint',
          files: {
            'catalog-info.yaml': serviceCatalogInfo('otel-custom-endpoint'),
            'k8s/deployment.yaml': DEPLOYMENT,
          },
        },
        {
          name: 'otel-traced',
          files: {
            'catalog-info.yaml': serviceCatalogInfo('otel-traced'),
            'k8s/deployment.yaml': TRACED_DEPLOYMENT,
          },
        },
      ],
    });
    backend = await startFixTemplateBackend({
      publishDir,
      entities: repositories,
      config: { maturity: { allowedLocalRoots: [EXAMPLES_DIR] } },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  const runTask = (values: Record<string, unknown>) =>
    runTemplateTask(
      backend.server,
      'template:default/fix-opentelemetry',
      values,
    );
  const branches = (name: string) => localBranches(publishDir, name);
  const onBranch = (name: string, path: string) =>
    readOnBranch(publishDir, name, BRANCH, path);

  it('a preview run writes no branch, and reports the change with where preview and reason preview', async () => {
    const result = await runTask({
      component: 'component:default/otel-untraced',
      preview: true,
    });
    expectPreviewOfChange(result);
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
    expectCommittedLocally(first, BRANCH);
    expect(first.output.pullRequestUrl).toMatch(
      /^file:\/\/.*\/otel-untraced#portal\/fix-obs-tracing$/,
    );
    const deployment = await onBranch('otel-untraced', 'k8s/deployment.yaml');
    expect(deployment).toContain('# The grading API.');
    expect(parse(deployment).spec.template.spec.containers[0].env).toEqual([
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: DEFAULT_OTLP_ENDPOINT },
      { name: 'OTEL_SERVICE_NAME', value: 'api' },
    ]);
    expect(await onBranch('otel-untraced', 'requirements.txt')).toContain(
      'opentelemetry-exporter-otlp==',
    );
    const name = 'otel-untraced';
    const tip = await branchTip(publishDir, name, BRANCH);

    const second = await runTask({
      component: 'component:default/otel-untraced',
    });
    await expectReusedBranch(second, first, {
      publishDir,
      name,
      branch: BRANCH,
      tip,
    });
  });

  it('the otlpEndpoint parameter reaches the manifests', async () => {
    const result = await runTask({
      component: 'component:default/otel-custom-endpoint',
      otlpEndpoint: 'http://tempo.tracing.svc:4317',
    });
    expect(result.status).toBe('completed');
    expect(result.output).toMatchObject({ branch: BRANCH, where: 'local' });
    const deployment = parse(
      await onBranch('otel-custom-endpoint', 'k8s/deployment.yaml'),
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
    expectAlreadyFixed(result);
    expect(await branches('otel-traced')).toEqual(['main']);
  });
});
