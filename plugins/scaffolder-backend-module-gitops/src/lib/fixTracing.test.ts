import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  collectRepoFacts,
  readLocalTree,
} from '@cloud-native-portal/plugin-maturity-node';
import { promises as fs, readdirSync } from 'fs';
import { join, resolve } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { listFiles } from './files';
import { FixPlan, planFix } from './fixes';
import { DEFAULT_OTLP_ENDPOINT, OTEL_PACKAGES } from './fixTracing';
import { scanMaturity } from './scan';

const DEPLOYMENT = `# The API: serves the gradebook.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: grades-api # stable name
spec:
  replicas: 2
  selector:
    matchLabels: { app: grades-api }
  template:
    metadata:
      labels: { app: grades-api }
    spec:
      initContainers:
        - name: migrate
          image: ghcr.io/brightpath/grades-api:1.0.0
      containers:
        - name: api
          image: ghcr.io/brightpath/grades-api:1.0.0
          env:
            # The database, from a secret.
            - name: DATABASE_URL
              valueFrom: { secretKeyRef: { name: db, key: url } }
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:   {name: grades-api}   # odd spacing, kept
spec:
  selector: { app: grades-api }
  ports: [{ port: 80, targetPort: 8080 }]
`;

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: '0 2 * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/brightpath/report:1.0.0
`;

const PACKAGE_JSON = `{
    "name": "grades-api",
    "private": true,
    "dependencies": {
        "express": "^4.21.1",
        "pg": "^8.13.1"
    },
    "files": ["dist"]
}
`;

function envOf(container: any): Record<string, unknown> {
  return Object.fromEntries(
    (container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]),
  );
}

describe('planFix opentelemetry', () => {
  const repo = createMockDirectory();
  const merged = createMockDirectory();

  async function plan(
    files: Record<string, string>,
    options: { skippedPaths?: string[]; otlpEndpoint?: string } = {},
  ) {
    repo.setContent(files);
    const tree = await readLocalTree(repo.path);
    return { tree, plan: await planFix(tree, 'opentelemetry', options) };
  }

  async function tracingAfter(files: Record<string, string>, p: FixPlan) {
    merged.setContent({ ...files, ...Object.fromEntries(p.files) });
    return collectRepoFacts(await readLocalTree(merged.path)).facts[
      'repo.observability.tracing'
    ];
  }

  it('adds the endpoint and service name to every container of a Deployment, keeping its comments and key order, and leaves init containers alone', async () => {
    const files = { 'k8s/deployment.yaml': DEPLOYMENT };
    const { plan: p } = await plan(files);
    expect(p.modified).toEqual(['k8s/deployment.yaml']);
    expect(p.added).toEqual([]);
    const text = p.files.get('k8s/deployment.yaml')!;
    expect(text).toContain('# The API: serves the gradebook.');
    expect(text).toContain('name: grades-api # stable name');
    expect(text).toContain('# The database, from a secret.');
    const value = parse(text);
    expect(Object.keys(value)).toEqual([
      'apiVersion',
      'kind',
      'metadata',
      'spec',
    ]);
    const podSpec = value.spec.template.spec;
    expect(podSpec.containers[0].env).toEqual([
      {
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'db', key: 'url' } },
      },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: DEFAULT_OTLP_ENDPOINT },
      { name: 'OTEL_SERVICE_NAME', value: 'grades-api' },
    ]);
    expect(podSpec.initContainers[0].env).toBeUndefined();
    expect(p.reason).toBeUndefined();
    expect(p.changes[0].what).toContain('Deployment grades-api container api');
    expect(await tracingAfter(files, p)).toBe(true);
  });

  it('uses the otlpEndpoint input when given', async () => {
    const { plan: p } = await plan(
      { 'k8s/deployment.yaml': DEPLOYMENT },
      { otlpEndpoint: 'http://tempo.tracing.svc:4317' },
    );
    const env = envOf(
      parse(p.files.get('k8s/deployment.yaml')!).spec.template.spec
        .containers[0],
    );
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(
      'http://tempo.tracing.svc:4317',
    );
  });

  it('refuses an otlpEndpoint that is not an http(s) URL, naming it', async () => {
    await expect(
      plan(
        { 'k8s/deployment.yaml': DEPLOYMENT },
        { otlpEndpoint: 'collector:4317\nkind: Secret' },
      ),
    ).rejects.toThrow(/otlpEndpoint must be an http:\/\/ or https:\/\/ URL/);
    await expect(
      plan({ 'k8s/deployment.yaml': DEPLOYMENT }, { otlpEndpoint: 'ftp://x' }),
    ).rejects.toThrow(/got "ftp:\/\/x"/);
  });

  it('in a multi-document file, edits only the workload documents and keeps the others byte for byte', async () => {
    const text = `${SERVICE}---\n${DEPLOYMENT}---\n# trailing document\n${CRONJOB}`;
    const files = { 'deploy/all.yaml': text };
    const { plan: p } = await plan(files);
    const out = p.files.get('deploy/all.yaml')!;
    expect(
      out.startsWith(`${SERVICE}---\n# The API: serves the gradebook.`),
    ).toBe(true);
    expect(out).toContain('# trailing document');
    const docs = parseAllDocuments(out).map(d => d.toJS());
    expect(docs.map(d => d.kind)).toEqual(['Service', 'Deployment', 'CronJob']);
    expect(docs[0]).toEqual(parse(SERVICE));
    expect(
      envOf(docs[2].spec.jobTemplate.spec.template.spec.containers[0]),
    ).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: DEFAULT_OTLP_ENDPOINT,
      OTEL_SERVICE_NAME: 'nightly-report',
    });
    expect(
      envOf(docs[1].spec.template.spec.containers[0]).OTEL_SERVICE_NAME,
    ).toBe('grades-api');
    expect(await tracingAfter(files, p)).toBe(true);
  });

  it('keeps an unedited document between two edited ones byte for byte, with the comments around it', async () => {
    const text = `${DEPLOYMENT}# after the API\n---\n${SERVICE}# before the report\n---\n${CRONJOB}`;
    const { plan: p } = await plan({ 'deploy/all.yaml': text });
    const out = p.files.get('deploy/all.yaml')!;
    expect(out).toContain(`---\n${SERVICE}# before the report\n---\n`);
    expect(out).toContain('# after the API\n---\n');
    expect(parseAllDocuments(out).map(d => d.toJS().kind)).toEqual([
      'Deployment',
      'Service',
      'CronJob',
    ]);
  });

  it('a Node repository gets the SDK and auto-instrumentation in package.json, its indentation kept, and NODE_OPTIONS on the containers', async () => {
    const files = {
      'package.json': PACKAGE_JSON,
      'k8s/deployment.yaml': DEPLOYMENT,
    };
    const { plan: p } = await plan(files);
    expect(p.modified).toEqual(['k8s/deployment.yaml', 'package.json']);
    const pkg = p.files.get('package.json')!;
    expect(pkg).toContain('    "dependencies": {\n');
    expect(pkg).toContain('"files": ["dist"]');
    expect(pkg.endsWith('}\n')).toBe(true);
    const json = JSON.parse(pkg);
    expect(Object.keys(json.dependencies)).toEqual([
      '@opentelemetry/auto-instrumentations-node',
      '@opentelemetry/sdk-node',
      'express',
      'pg',
    ]);
    expect(json.dependencies['@opentelemetry/sdk-node']).toBe(
      OTEL_PACKAGES.npm['@opentelemetry/sdk-node'],
    );
    const env = envOf(
      parse(p.files.get('k8s/deployment.yaml')!).spec.template.spec
        .containers[0],
    );
    expect(env.NODE_OPTIONS).toBe(
      '--require @opentelemetry/auto-instrumentations-node/register',
    );
    expect(p.notes.join('\n')).toContain('lockfile');
  });

  it('a Node package with no workloads: package.json alone makes the check pass', async () => {
    const files = { 'package.json': '{"name":"lib"}' };
    const { plan: p } = await plan(files);
    expect(p.modified).toEqual(['package.json']);
    expect(JSON.parse(p.files.get('package.json')!).dependencies).toEqual(
      OTEL_PACKAGES.npm,
    );
    expect(await tracingAfter(files, p)).toBe(true);
  });

  it('a Python repository gets opentelemetry-distro and the OTLP exporter in requirements.txt, and a note on opentelemetry-instrument', async () => {
    const files = {
      'requirements.txt': 'fastapi==0.115.5\nuvicorn[standard]==0.32.1',
      'requirements-dev.txt': 'pytest==8.3.3\n',
      'deploy/deployment.yaml': DEPLOYMENT,
    };
    const { plan: p } = await plan(files);
    expect(p.modified).toEqual(['deploy/deployment.yaml', 'requirements.txt']);
    expect(p.files.get('requirements.txt')).toBe(
      'fastapi==0.115.5\nuvicorn[standard]==0.32.1\nopentelemetry-distro==0.49b2\nopentelemetry-exporter-otlp==1.28.2\n',
    );
    expect(p.notes.join('\n')).toContain('opentelemetry-instrument');
    expect(
      envOf(
        parse(p.files.get('deploy/deployment.yaml')!).spec.template.spec
          .containers[0],
      ).NODE_OPTIONS,
    ).toBeUndefined();
    // The dependency alone makes the check pass too.
    expect(
      await tracingAfter(
        { 'requirements.txt': files['requirements.txt'] },
        {
          ...p,
          files: new Map([
            ['requirements.txt', p.files.get('requirements.txt')!],
          ]),
        },
      ),
    ).toBe(true);
  });

  it('.NET, Java and Go dependency files are left with notes saying what to add', async () => {
    const { plan: p } = await plan({
      'Api.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web" />\n',
      'pom.xml': '<project />\n',
      'go.mod': 'module example.com/api\n\ngo 1.23\n',
      'k8s/deployment.yaml': DEPLOYMENT,
    });
    expect(p.modified).toEqual(['k8s/deployment.yaml']);
    const notes = p.notes.join('\n');
    expect(notes).toContain(
      'dotnet add package OpenTelemetry.Extensions.Hosting --version 1.9.0',
    );
    expect(notes).toContain('AddOtlpExporter()');
    expect(notes).toContain('-javaagent:');
    expect(notes).toContain('go.opentelemetry.io/contrib/instrumentation');
  });

  it('never writes a manifest or dependency file under skippedPaths', async () => {
    const { plan: p } = await plan(
      {
        'k8s/deployment.yaml': DEPLOYMENT,
        'other/cronjob.yaml': CRONJOB,
        'package.json': PACKAGE_JSON,
      },
      { skippedPaths: ['k8s', 'package.json'] },
    );
    expect([...p.files.keys()]).toEqual(['other/cronjob.yaml']);
    const notes = p.notes.join('\n');
    expect(notes).toContain('k8s/deployment.yaml was not copied');
    expect(notes).toContain('package.json was not copied');
  });

  it('leaves a manifest with an unparsable document untouched, with a note', async () => {
    const broken = `${DEPLOYMENT}---\nkind: [unclosed\n`;
    const { plan: p } = await plan({
      'k8s/deployment.yaml': broken,
      'k8s/cronjob.yaml': CRONJOB,
    });
    expect([...p.files.keys()]).toEqual(['k8s/cronjob.yaml']);
    expect(p.notes.join('\n')).toMatch(
      /Deployment grades-api \(k8s\/deployment\.yaml\): k8s\/deployment\.yaml could not be parsed as YAML/,
    );
  });

  it('notes a dependency file the tree did not read (too large) and does not write it', async () => {
    repo.setContent({
      'package.json': JSON.stringify({
        name: 'big',
        description: 'x'.repeat(2000),
      }),
      'k8s/deployment.yaml': DEPLOYMENT,
    });
    const tree = await readLocalTree(repo.path, { maxFileBytes: 1000 });
    const p = await planFix(tree, 'opentelemetry');
    expect([...p.files.keys()]).toEqual(['k8s/deployment.yaml']);
    expect(p.notes.join('\n')).toMatch(
      /package\.json was not read \(.+\); add OpenTelemetry to it by hand/,
    );
  });

  it('leaves an unparsable package.json untouched, with a note', async () => {
    const { plan: p } = await plan({ 'package.json': '{ "name": ' });
    expect(p.files.size).toBe(0);
    expect(p.reason).toBe('needs a change by hand');
    expect(p.notes.join('\n')).toContain(
      'package.json could not be parsed as JSON',
    );
  });

  it('a Helm chart is not edited: a note says to add the environment to its templates', async () => {
    const { plan: p } = await plan({
      'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
      'chart/templates/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
    });
    expect(p.files.size).toBe(0);
    expect(p.reason).toBe('needs a change by hand');
    expect(p.notes.join('\n')).toContain('Helm chart chart');
  });

  it('a repository instrumented already (an OTLP endpoint in a ConfigMap) is already fixed, with no files', async () => {
    const { plan: p } = await plan({
      'k8s/deployment.yaml': DEPLOYMENT,
      'k8s/config.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: otel }\ndata:\n  OTEL_EXPORTER_OTLP_ENDPOINT: http://collector:4317\n',
    });
    expect(p.files.size).toBe(0);
    expect(p.reason).toBe('already fixed');
    expect(p.unchanged).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  it('a repository with an OpenTelemetry dependency is already fixed', async () => {
    const { plan: p } = await plan({
      'requirements.txt': 'opentelemetry-distro==0.49b2\n',
      'k8s/deployment.yaml': DEPLOYMENT,
    });
    expect(p.files.size).toBe(0);
    expect(p.reason).toBe('already fixed');
  });

  it('no workloads and no dependency file: no workloads', async () => {
    const { plan: p } = await plan({ 'README.md': '# docs\n' });
    expect(p.files.size).toBe(0);
    expect(p.reason).toBe('no workloads');
  });

  // The demo's local repositories (examples/local-repos) have no tracing:
  // the fleet remediation demo runs this fix on them.
  const LOCAL_REPOS = resolve(__dirname, '../../../../examples/local-repos');
  it.each(readdirSync(LOCAL_REPOS))(
    'demo repository %s: merging the plan makes obs-tracing pass',
    async name => {
      const source = join(LOCAL_REPOS, name);
      const files: Record<string, string> = {};
      for (const path of await listFiles(source)) {
        files[path] = await fs.readFile(join(source, path), 'utf8');
      }
      const { plan: p } = await plan(files);
      expect(p.modified.length).toBeGreaterThan(0);
      const check = (r: Awaited<ReturnType<typeof scanMaturity>>) =>
        r.results.find(x => x.checkId === 'obs-tracing')?.status;
      expect(check(await scanMaturity(repo.path))).toBe('fail');
      merged.setContent({ ...files, ...Object.fromEntries(p.files) });
      expect(check(await scanMaturity(merged.path))).toBe('pass');
    },
  );
});
