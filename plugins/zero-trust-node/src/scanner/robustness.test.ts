import { scanRepository } from './scanRepository';
import { treeOf } from '../testUtils/trees';
import { HELM_UNRENDERED_REASON } from './context';

const HARDENED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
`;

async function statusOf(
  files: Record<string, string | Buffer>,
  controlId = 'no-privilege',
) {
  const started = Date.now();
  const report = await scanRepository(treeOf(files));
  const elapsed = Date.now() - started;
  const result = report.results.find(r => r.controlId === controlId)!;
  return { result, report, elapsed };
}

// Bounds come from createRepositoryTree: 1 MiB per file (8 MiB for
// Kubernetes manifests), 5,000 files, 5,000 YAML documents and 50 MiB in all.
// Each bad input must end unknown with a reason (or be skipped), well within
// the time bound.
describe('robustness', () => {
  it('a huge manifest (9 MiB, over the 8 MiB manifest bound) is skipped and the pod controls are unknown', async () => {
    const huge = `${HARDENED}---\n${'# padding\n'.repeat(900_000)}`;
    const { result } = await statusOf({ 'k8s/huge.yaml': huge });
    expect(result.status).toBe('unknown');
    expect(result.reason).toContain('k8s/huge.yaml was not read (too-large');
  });

  it('a binary file named like a manifest is skipped with its reason', async () => {
    const binary = Buffer.concat([
      Buffer.from('apiVersion: v1\n'),
      Buffer.alloc(64, 0),
    ]);
    const { result, report } = await statusOf({
      'k8s/deployment.yaml': binary,
      'logo.png': Buffer.from([0x89, 0x50, 0, 0]),
    });
    expect(result.status).toBe('unknown');
    expect(result.reason).toContain(
      'k8s/deployment.yaml was not read (binary)',
    );
    expect(
      report.results.find(r => r.controlId === 'security-policy')!.status,
    ).toBe('fail');
  });

  it('invalid YAML in a manifest makes the pod controls unknown', async () => {
    const { result } = await statusOf({
      'k8s/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template: [unclosed\n',
    });
    expect(result.status).toBe('unknown');
    expect(result.reason).toContain(
      'k8s/deployment.yaml could not be parsed as YAML',
    );
  });

  it('a 10,000-document file stops at the document bound without hanging', async () => {
    const configMaps = Array.from(
      { length: 10_000 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n`,
    ).join('---\n');
    const { result, elapsed } = await statusOf({
      'k8s/all.yaml': `${HARDENED}---\n${configMaps}`,
    });
    // The Deployment read passes, but the unread documents could hide another.
    expect(result.status).toBe('unknown');
    expect(result.reason).toContain('over 5000 YAML documents');
    expect(elapsed).toBeLessThan(15_000);
  }, 30_000);

  it('a Kustomize resource outside the tree (../../etc) is reported and never read', async () => {
    const { result, report } = await statusOf({
      'deploy/kustomization.yaml': 'resources:\n  - ../../etc\n',
    });
    expect(result.status).toBe('unknown');
    expect(result.reason).toContain(
      "Kustomize resource '../../etc' in deploy/kustomization.yaml resolves outside the tree; not read",
    );
    expect(JSON.stringify(report)).not.toContain('passwd');
  });

  it('a missing Kustomize resource is reported', async () => {
    const { result } = await statusOf({
      'deploy/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    });
    expect(result.status).toBe('unknown');
    expect(result.reason).toContain(
      "'deployment.yaml' in deploy/kustomization.yaml is missing from the tree",
    );
  });

  it('a Helm chart without rendered manifests makes the pod controls unknown', async () => {
    const { result, report } = await statusOf({
      'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
      'chart/values.yaml': 'securityContext: {}\n',
      'chart/templates/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "api.fullname" . }}\nspec:\n  template:\n    spec:\n      securityContext:\n        {{- toYaml .Values.securityContext | nindent 8 }}\n',
    });
    expect(result).toMatchObject({
      status: 'unknown',
      reason: HELM_UNRENDERED_REASON,
    });
    for (const id of [
      'mtls-strict',
      'run-as-non-root',
      'seccomp',
      'no-host-access',
      'read-only-rootfs',
    ]) {
      expect(report.results.find(r => r.controlId === id)!.status).toBe(
        'unknown',
      );
    }
  });

  it('a Kustomize cycle terminates', async () => {
    const { result } = await statusOf({
      'a/kustomization.yaml': 'resources:\n  - ../b\n  - deployment.yaml\n',
      'a/deployment.yaml': HARDENED,
      'b/kustomization.yaml': 'resources:\n  - ../a\n',
    });
    expect(result.status).toBe('pass');
  });

  it('an empty tree: pod and CI controls do not apply, repository hygiene fails', async () => {
    const { report } = await statusOf({});
    expect(
      report.results.find(r => r.controlId === 'run-as-non-root')!.status,
    ).toBe('not-applicable');
    expect(
      report.results.find(r => r.controlId === 'ci-least-privilege')!.status,
    ).toBe('not-applicable');
    expect(
      report.results.find(r => r.controlId === 'security-policy')!.status,
    ).toBe('fail');
    expect(report.grade).toBe('F');
  });
});
