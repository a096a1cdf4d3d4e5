import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  collectRepoFacts,
  readLocalTree,
} from '@cloud-native-portal/plugin-maturity-node';
import { scanRepository } from '@cloud-native-portal/plugin-zero-trust-node';
import { promises as fs, readdirSync } from 'fs';
import { join, resolve } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { listFiles } from './files';
import { FixKind, FixPlan, planDiff, planFix, planSummary } from './fixes';
import { scanMaturity } from './scan';

const CATALOG_INFO = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: reviews-api
spec:
  type: service
  lifecycle: production
  owner: group:default/courses-team
`;

function deployment(
  name: string,
  options: { namespace?: string; labels?: string; replicas?: number } = {},
) {
  const labels = options.labels ?? `app: ${name}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${options.namespace ? `\n  namespace: ${options.namespace}` : ''}
spec:
  replicas: ${options.replicas ?? 2}
  selector:
    matchLabels:
      ${labels}
  template:
    metadata:
      labels:
        ${labels}
    spec:
      containers:
        - name: ${name}
          image: ghcr.io/brightpath/${name}:1.0.0
`;
}

const BASE_KUSTOMIZATION = `# The service's base: every overlay builds on it.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml # the API
  - service.yaml
labels:
  - pairs: { app.kubernetes.io/part-of: reviews }
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: reviews-api
spec:
  selector: { app: reviews-api }
  ports: [{ port: 80, targetPort: 8080 }]
`;

/** A Kustomize base with two overlays, each in its own namespace. */
const KUSTOMIZE_REPO = {
  'catalog-info.yaml': CATALOG_INFO,
  'deploy/base/kustomization.yaml': BASE_KUSTOMIZATION,
  'deploy/base/deployment.yaml': deployment('reviews-api'),
  'deploy/base/service.yaml': SERVICE,
  'deploy/overlays/dev/kustomization.yaml':
    'resources: [../../base]\nnamespace: reviews-dev\n',
  'deploy/overlays/prod/kustomization.yaml':
    'resources: [../../base]\nnamespace: reviews-prod\n',
};

describe('planFix', () => {
  const repo = createMockDirectory();
  const merged = createMockDirectory();

  async function plan(
    files: Record<string, string>,
    fix: FixKind,
    options: { skippedPaths?: string[] } = {},
  ) {
    repo.setContent(files);
    const tree = await readLocalTree(repo.path);
    return { tree, plan: await planFix(tree, fix, options) };
  }

  /** The repository with the plan merged, as the pull request would leave it. */
  async function mergedTree(files: Record<string, string>, p: FixPlan) {
    merged.setContent({ ...files, ...Object.fromEntries(p.files) });
    return merged.path;
  }

  describe('pod-disruption-budget', () => {
    it('a Deployment in a Kustomize base with no PodDisruptionBudget gets one beside it, listed in the base kustomization with its comments kept', async () => {
      const { plan: p } = await plan(KUSTOMIZE_REPO, 'pod-disruption-budget');
      expect(p.added).toEqual(['deploy/base/reviews-api-pdb.yaml']);
      expect(p.modified).toEqual(['deploy/base/kustomization.yaml']);
      expect(parse(p.files.get('deploy/base/reviews-api-pdb.yaml')!)).toEqual({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'reviews-api-pdb' },
        spec: {
          minAvailable: 1,
          selector: { matchLabels: { app: 'reviews-api' } },
        },
      });
      const kustomization = p.files.get('deploy/base/kustomization.yaml')!;
      expect(kustomization).toContain(
        "# The service's base: every overlay builds on it.",
      );
      expect(kustomization).toContain('- deployment.yaml # the API');
      expect(kustomization).toContain(
        'pairs: { app.kubernetes.io/part-of: reviews }',
      );
      expect(parse(kustomization).resources).toEqual([
        'deployment.yaml',
        'service.yaml',
        'reviews-api-pdb.yaml',
      ]);
      expect(p.reason).toBeUndefined();
    });

    it('merging the plan turns the repo.scaling.pdb fact true and makes the scale-pdb check pass', async () => {
      const { plan: p } = await plan(KUSTOMIZE_REPO, 'pod-disruption-budget');
      expect(
        collectRepoFacts(await readLocalTree(repo.path)).facts[
          'repo.scaling.pdb'
        ],
      ).toBe(false);
      const before = await scanMaturity(repo.path);
      expect(before.results.find(r => r.checkId === 'scale-pdb')?.status).toBe(
        'fail',
      );
      const dir = await mergedTree(KUSTOMIZE_REPO, p);
      expect(
        collectRepoFacts(await readLocalTree(dir)).facts['repo.scaling.pdb'],
      ).toBe(true);
      const after = await scanMaturity(dir);
      expect(after.results.find(r => r.checkId === 'scale-pdb')?.status).toBe(
        'pass',
      );
      // Run again on the merged repository: nothing left to add.
      const again = await planFix(
        await readLocalTree(dir),
        'pod-disruption-budget',
      );
      expect(again.files.size).toBe(0);
      expect(again.reason).toBe('already fixed');
    });

    it('a Deployment that an existing PodDisruptionBudget selects gets none: nothing changes, reason already fixed', async () => {
      const { plan: p } = await plan(
        {
          'k8s/deployment.yaml': deployment('api', {
            labels: 'app: api\n      tier: web',
          }),
          'k8s/pdb.yaml':
            'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: api }\nspec:\n  maxUnavailable: 1\n  selector: { matchLabels: { app: api } }\n',
        },
        'pod-disruption-budget',
      );
      expect(p.files.size).toBe(0);
      expect(p.added).toEqual([]);
      expect(p.modified).toEqual([]);
      expect(p.reason).toBe('already fixed');
      expect(planSummary(p)).toContain(
        'Nothing to change: Every Deployment and StatefulSet (1) has a PodDisruptionBudget',
      );
    });

    it('a PodDisruptionBudget in another namespace does not count: the Deployment gets its own, in its namespace', async () => {
      const { plan: p } = await plan(
        {
          'k8s/deployment.yaml': deployment('api', { namespace: 'shop' }),
          'k8s/pdb.yaml':
            'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: api, namespace: other }\nspec:\n  minAvailable: 1\n  selector: { matchLabels: { app: api } }\n',
        },
        'pod-disruption-budget',
      );
      expect(p.added).toEqual(['k8s/api-pdb.yaml']);
      expect(parse(p.files.get('k8s/api-pdb.yaml')!).metadata).toEqual({
        name: 'api-pdb',
        namespace: 'shop',
      });
    });

    it('a workload with no selector gets no PodDisruptionBudget, and a note names it', async () => {
      const { plan: p } = await plan(
        {
          'k8s/worker.yaml':
            'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: worker }\nspec:\n  template:\n    metadata: { labels: { app: worker } }\n    spec: { containers: [{ name: w, image: busybox }] }\n',
        },
        'pod-disruption-budget',
      );
      expect(p.files.size).toBe(0);
      expect(p.reason).toBe('needs a change by hand');
      expect(p.notes.join('\n')).toMatch(
        /StatefulSet worker \(k8s\/worker\.yaml\) has no spec\.selector\.matchLabels/,
      );
    });

    it('a manifest that is not YAML is named in the notes and never written; the other workload is still fixed', async () => {
      const files = {
        'k8s/api.yaml': deployment('api'),
        'k8s/broken.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: broken\nspec: [\n',
      };
      const { plan: p } = await plan(files, 'pod-disruption-budget');
      expect(p.added).toEqual(['k8s/api-pdb.yaml']);
      expect([...p.files.keys()]).not.toContain('k8s/broken.yaml');
      expect(p.notes.join('\n')).toMatch(
        /k8s\/broken\.yaml could not be parsed as YAML/,
      );
    });

    it('a kustomization.yaml that is not YAML is never rewritten: its workload is left with a note', async () => {
      const { plan: p } = await plan(
        {
          'k8s/kustomization.yaml': 'resources: [deployment.yaml\n  - : :\n',
          'k8s/deployment.yaml': deployment('api'),
        },
        'pod-disruption-budget',
      );
      expect(p.files.size).toBe(0);
      expect(p.notes.join('\n')).toMatch(
        /k8s\/kustomization\.yaml could not be parsed as YAML.*add its PodDisruptionBudget by hand/,
      );
    });

    it('a YAML bomb (aliases expanding a billion times) is not expanded: named in the notes, nothing written over it', async () => {
      const bomb = [
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
        'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
        'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
        'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
        'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
        'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
        'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
        'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
        'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
        'apiVersion: apps/v1',
        'kind: Deployment',
      ].join('\n');
      const { plan: p } = await plan(
        { 'k8s/bomb.yaml': bomb, 'k8s/api.yaml': deployment('api') },
        'pod-disruption-budget',
      );
      expect(p.added).toEqual(['k8s/api-pdb.yaml']);
      expect(p.notes.join('\n')).toMatch(/k8s\/bomb\.yaml could not be parsed/);
    });

    it('a manifest over the reader size limit is not read: named in the notes', async () => {
      const huge = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: big }\ndata:\n  blob: "${'x'.repeat(
        9 * 1024 * 1024,
      )}"\n`;
      const { plan: p } = await plan(
        { 'k8s/huge.yaml': huge, 'k8s/api.yaml': deployment('api') },
        'pod-disruption-budget',
      );
      expect(p.added).toEqual(['k8s/api-pdb.yaml']);
      expect(p.notes.join('\n')).toMatch(
        /k8s\/huge\.yaml was not read \(too-large/,
      );
    });

    it('a Helm chart is not edited: a note says to add the PodDisruptionBudget to its templates by hand', async () => {
      const { plan: p } = await plan(
        {
          'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
          'chart/values.yaml': 'replicaCount: 2\n',
          'chart/templates/deployment.yaml':
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
        },
        'pod-disruption-budget',
      );
      expect(p.files.size).toBe(0);
      expect(p.notes).toContain(
        "Helm chart chart: add the PodDisruptionBudget to the chart's templates by hand",
      );
      expect(p.reason).toBe('needs a change by hand');
    });

    it('a kustomization.yaml under skippedPaths (not copied) is never written: its workload is left with a note', async () => {
      const { plan: p } = await plan(
        { 'k8s/deployment.yaml': deployment('api') },
        'pod-disruption-budget',
        { skippedPaths: ['k8s/kustomization.yaml'] },
      );
      expect(p.files.size).toBe(0);
      expect(p.notes.join('\n')).toMatch(
        /k8s\/kustomization\.yaml was not copied/,
      );
    });

    it('a new file under a skipped directory is never written', async () => {
      const { plan: p } = await plan(
        { 'k8s/deployment.yaml': deployment('api') },
        'pod-disruption-budget',
        { skippedPaths: ['k8s/'] },
      );
      expect(p.files.size).toBe(0);
      expect(p.notes.join('\n')).toMatch(/k8s\/api-pdb\.yaml was not copied/);
    });

    it('a single-replica Deployment gets its PodDisruptionBudget and a note about drains', async () => {
      const { plan: p } = await plan(
        { 'k8s/deployment.yaml': deployment('api', { replicas: 1 }) },
        'pod-disruption-budget',
      );
      expect(p.added).toEqual(['k8s/api-pdb.yaml']);
      expect(p.notes.join('\n')).toMatch(/Deployment api runs 1 replica/);
    });

    it('a repository with 300 manifests that are not YAML keeps its summary short enough for a pull request body: 50 notes, the rest counted', async () => {
      const files: Record<string, string> = {
        'k8s/api.yaml': deployment('api'),
      };
      for (let i = 0; i < 300; i++) {
        files[
          `k8s/broken-${i}.yaml`
        ] = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: b${i}\n`;
      }
      const { plan: p } = await plan(files, 'pod-disruption-budget');
      expect(p.notes.length).toBeGreaterThanOrEqual(300);
      const summary = planSummary(p);
      expect(summary.length).toBeLessThan(65536);
      expect(summary).toMatch(/- … and \d+ more, in the task log/);
    });

    it('a repository with no workloads changes nothing: reason no workloads', async () => {
      const { plan: p } = await plan(
        { 'README.md': '# docs\n', 'catalog-info.yaml': CATALOG_INFO },
        'pod-disruption-budget',
      );
      expect(p.files.size).toBe(0);
      expect(p.reason).toBe('no workloads');
    });

    it('the diff shows the added file against /dev/null and the kustomization edit as a hunk', async () => {
      const { tree, plan: p } = await plan(
        KUSTOMIZE_REPO,
        'pod-disruption-budget',
      );
      const diff = planDiff(tree, p);
      expect(diff).toContain('--- /dev/null');
      expect(diff).toContain('+++ b/deploy/base/reviews-api-pdb.yaml');
      expect(diff).toContain('--- a/deploy/base/kustomization.yaml');
      expect(diff).toContain('+  - reviews-api-pdb.yaml');
      expect(planSummary(p)).toContain(
        '**A PodDisruptionBudget protects capacity** (`scale-pdb`)',
      );
    });
  });

  describe('default-deny-network-policy', () => {
    it('a base used by two overlay namespaces gets one default-deny NetworkPolicy in the base; the zero-trust control and the sec-network-default-deny check pass once merged', async () => {
      const { plan: p } = await plan(
        KUSTOMIZE_REPO,
        'default-deny-network-policy',
      );
      expect(p.added).toEqual(['deploy/base/default-deny-network-policy.yaml']);
      expect(p.modified).toEqual(['deploy/base/kustomization.yaml']);
      expect(
        parse(p.files.get('deploy/base/default-deny-network-policy.yaml')!),
      ).toEqual({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny' },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      });

      const control = async (dir: string) =>
        (await scanRepository(await readLocalTree(dir))).results.find(
          r => r.controlId === 'network-default-deny',
        )?.status;
      expect(await control(repo.path)).toBe('fail');
      const dir = await mergedTree(KUSTOMIZE_REPO, p);
      expect(await control(dir)).toBe('pass');
      const after = await scanMaturity(dir);
      expect(
        after.results.find(r => r.checkId === 'sec-network-default-deny')
          ?.status,
      ).toBe('pass');
    });

    it('workloads with their own namespaces get one policy per namespace, each in that namespace', async () => {
      const files = {
        'k8s/api.yaml': deployment('api', { namespace: 'shop' }),
        'k8s/worker.yaml': deployment('worker', { namespace: 'jobs' }),
        'k8s/web.yaml': deployment('web', { namespace: 'shop' }),
      };
      const { plan: p } = await plan(files, 'default-deny-network-policy');
      expect(p.added).toEqual([
        'k8s/default-deny-network-policy-jobs.yaml',
        'k8s/default-deny-network-policy.yaml',
      ]);
      const namespaces = p.added.map(
        path => parse(p.files.get(path)!).metadata.namespace,
      );
      expect(namespaces.sort()).toEqual(['jobs', 'shop']);
      const dir = await mergedTree(files, p);
      const report = await scanRepository(await readLocalTree(dir));
      expect(
        report.results.find(r => r.controlId === 'network-default-deny')
          ?.status,
      ).toBe('pass');
    });

    it('manifests that set no namespace get a policy per directory, each applied where its workloads are', async () => {
      const { plan: p } = await plan(
        {
          'api/deployment.yaml': deployment('api'),
          'worker/deployment.yaml': deployment('worker'),
        },
        'default-deny-network-policy',
      );
      expect(p.added).toEqual([
        'api/default-deny-network-policy.yaml',
        'worker/default-deny-network-policy.yaml',
      ]);
      expect(
        parse(p.files.get('api/default-deny-network-policy.yaml')!).metadata,
      ).toEqual({ name: 'default-deny' });
    });

    it('a Deployment listed by a kustomization in a parent directory: the new file is listed there by its relative path', async () => {
      const { plan: p } = await plan(
        {
          'deploy/kustomization.yaml':
            'resources:\n  - app/deployment.yaml\nnamespace: shop\n',
          'deploy/app/deployment.yaml': deployment('api'),
        },
        'default-deny-network-policy',
      );
      expect(p.added).toEqual(['deploy/app/default-deny-network-policy.yaml']);
      expect(
        parse(p.files.get('deploy/kustomization.yaml')!).resources,
      ).toEqual([
        'app/deployment.yaml',
        'app/default-deny-network-policy.yaml',
      ]);
    });

    it('an existing default-deny NetworkPolicy needs nothing: reason already fixed', async () => {
      const { plan: p } = await plan(
        {
          'k8s/api.yaml': deployment('api', { namespace: 'shop' }),
          'k8s/deny.yaml':
            'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny-all, namespace: shop }\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
        },
        'default-deny-network-policy',
      );
      expect(p.files.size).toBe(0);
      expect(p.reason).toBe('already fixed');
    });

    it('a NetworkPolicy named default-deny that allows all ingress is not overwritten: a note says to change it by hand', async () => {
      const files = {
        'k8s/api.yaml': deployment('api', { namespace: 'shop' }),
        'k8s/policy.yaml':
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: default-deny, namespace: shop }\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  ingress: [{}]\n',
      };
      const { plan: p } = await plan(files, 'default-deny-network-policy');
      expect(p.files.size).toBe(0);
      expect(p.notes.join('\n')).toMatch(
        /NetworkPolicy default-deny \(k8s\/policy\.yaml\) is named default-deny but does not deny/,
      );
    });

    it('every generated document parses as a single Kubernetes object', async () => {
      const { plan: p } = await plan(
        KUSTOMIZE_REPO,
        'default-deny-network-policy',
      );
      for (const path of p.added) {
        const docs = parseAllDocuments(p.files.get(path)!);
        expect(docs).toHaveLength(1);
        expect(docs[0].errors).toEqual([]);
      }
    });
  });

  // The demo's local repositories (examples/local-repos) fail both checks:
  // the fleet remediation demo runs these fixes on them.
  const LOCAL_REPOS = resolve(__dirname, '../../../../examples/local-repos');
  describe.each(readdirSync(LOCAL_REPOS))('demo repository %s', name => {
    it.each([
      ['pod-disruption-budget', 'scale-pdb'],
      ['default-deny-network-policy', 'sec-network-default-deny'],
    ] as const)('%s: merging the plan makes %s pass', async (fix, checkId) => {
      const source = join(LOCAL_REPOS, name);
      const files: Record<string, string> = {};
      for (const path of await listFiles(source)) {
        files[path] = await fs.readFile(join(source, path), 'utf8');
      }
      const { plan: p } = await plan(files, fix);
      expect(p.added.length).toBeGreaterThan(0);
      expect(
        (await scanMaturity(repo.path)).results.find(r => r.checkId === checkId)
          ?.status,
      ).toBe('fail');
      const after = await scanMaturity(await mergedTree(files, p));
      expect(after.results.find(r => r.checkId === checkId)?.status).toBe(
        'pass',
      );
    });
  });
});
