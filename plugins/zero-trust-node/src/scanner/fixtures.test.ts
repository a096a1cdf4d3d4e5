import path from 'node:path';
import fs from 'node:fs';
import { Octokit } from '@octokit/rest';
import { ControlStatus } from '@cloud-native-portal/plugin-zero-trust-common';
import { scanRepository } from './scanRepository';
import { treeFromDir } from '../testUtils/trees';
import { NO_GITHUB_TOKEN_REASON } from './controls/repo';

const FIXTURES = path.join(__dirname, '__fixtures__');

/** Expected outcome per fixture: `<control>/<variant>`, with a key piece of evidence. */
const EXPECTED: Record<
  string,
  {
    status: ControlStatus;
    evidence?: { path: string; line?: number };
    reason?: string;
  }
> = {
  'mtls-strict/pass': {
    status: 'pass',
    evidence: { path: 'k8s/mesh.yaml', line: 8 },
  },
  'mtls-strict/fail': {
    status: 'fail',
    evidence: { path: 'k8s/mesh.yaml', line: 8 },
  },
  'mtls-strict/tricky': {
    status: 'fail',
    evidence: { path: 'mesh/peer-authentication.yaml', line: 7 },
    reason: 'no mode (PERMISSIVE)',
  },
  'mtls-strict/tricky-port-level-disable': {
    status: 'fail',
    reason: 'portLevelMtls DISABLE',
  },
  'mtls-strict/tricky-kustomize-overlay': {
    status: 'pass',
    evidence: { path: 'deploy/base/mesh.yaml' },
  },
  'mtls-strict/tricky-linkerd': { status: 'pass' },
  'authz-default-deny/pass': {
    status: 'pass',
    evidence: { path: 'k8s/authz.yaml', line: 6 },
  },
  'authz-default-deny/fail': {
    status: 'fail',
    evidence: { path: 'k8s/deploy.yaml' },
    reason: 'Istio allows everything',
  },
  'authz-default-deny/tricky': {
    status: 'fail',
    reason: 'without an empty-spec deny-all',
  },
  'authz-default-deny/tricky-allow-all-rule': {
    status: 'fail',
    reason: 'allows every request',
  },
  'network-default-deny/pass': {
    status: 'pass',
    evidence: { path: 'k8s/netpol.yaml', line: 7 },
  },
  'network-default-deny/fail': { status: 'fail', reason: 'no NetworkPolicy' },
  'network-default-deny/tricky': {
    status: 'fail',
    evidence: { path: 'k8s/netpol.yaml', line: 8 },
    reason: 'select only some pods',
  },
  'network-default-deny/tricky-ingress-only': { status: 'fail' },
  'workload-identity/pass': {
    status: 'pass',
    evidence: { path: 'k8s/deploy.yaml', line: 16 },
  },
  'workload-identity/fail': {
    status: 'fail',
    reason: 'default ServiceAccount',
  },
  'workload-identity/tricky': {
    status: 'pass',
    evidence: { path: 'k8s/deploy.yaml', line: 6 },
  },
  'workload-identity/tricky-explicit-default': {
    status: 'fail',
    evidence: { path: 'k8s/deploy.yaml', line: 15 },
  },
  'short-lived-credentials/pass': {
    status: 'pass',
    evidence: { path: '.github/workflows/deploy.yml', line: 15 },
  },
  'short-lived-credentials/fail': {
    status: 'fail',
    evidence: { path: '.github/workflows/deploy.yml', line: 16 },
  },
  'short-lived-credentials/tricky': {
    status: 'fail',
    evidence: { path: 'k8s/token.yaml', line: 9 },
  },
  'no-plaintext-secrets/pass': { status: 'pass' },
  'no-plaintext-secrets/fail': {
    status: 'fail',
    evidence: { path: 'k8s/secret.yaml', line: 6 },
  },
  'no-plaintext-secrets/tricky': {
    status: 'fail',
    evidence: { path: 'config/application.properties', line: 3 },
  },
  'no-plaintext-secrets/tricky-documented-example': { status: 'pass' },
  'no-plaintext-secrets/tricky-private-key': {
    status: 'fail',
    evidence: { path: 'certs/tls.key', line: 1 },
  },
  'run-as-non-root/pass': {
    status: 'pass',
    evidence: { path: 'Dockerfile', line: 3 },
  },
  'run-as-non-root/fail': {
    status: 'fail',
    evidence: { path: 'k8s/deploy.yaml', line: 18 },
  },
  'run-as-non-root/tricky': {
    status: 'fail',
    evidence: { path: 'k8s/deploy.yaml', line: 26 },
    reason: 'runAsNonRoot: false',
  },
  'run-as-non-root/tricky-dockerfile-stage': {
    status: 'pass',
    evidence: { path: 'Dockerfile', line: 5 },
  },
  'run-as-non-root/tricky-user-root': {
    status: 'fail',
    evidence: { path: 'Dockerfile', line: 4 },
  },
  'run-as-non-root/tricky-every-kind': {
    status: 'fail',
    evidence: { path: 'k8s/rollout.yaml' },
    reason: 'Rollout/canary',
  },
  'no-privilege/pass': { status: 'pass' },
  'no-privilege/fail': {
    status: 'fail',
    evidence: { path: 'k8s/deploy.yaml', line: 25 },
  },
  'no-privilege/tricky': {
    status: 'fail',
    reason: 'container setup: privileged: true',
  },
  'read-only-rootfs/pass': {
    status: 'pass',
    evidence: { path: 'k8s/deploy.yaml', line: 26 },
  },
  'read-only-rootfs/fail': {
    status: 'fail',
    evidence: { path: 'k8s/deploy.yaml' },
  },
  'read-only-rootfs/tricky': {
    status: 'fail',
    evidence: { path: 'k8s/cronjob.yaml', line: 22 },
    reason: 'CronJob/nightly',
  },
  'no-host-access/pass': { status: 'pass' },
  'no-host-access/fail': {
    status: 'fail',
    evidence: { path: 'k8s/deploy.yaml', line: 21 },
  },
  'no-host-access/tricky': { status: 'fail', reason: 'hostPath volume logs' },
  'seccomp/pass': {
    status: 'pass',
    evidence: { path: 'k8s/deploy.yaml', line: 20 },
  },
  'seccomp/fail': { status: 'fail' },
  'seccomp/tricky': { status: 'fail', reason: 'seccomp Unconfined' },
  'image-pinned/pass': { status: 'pass' },
  'image-pinned/fail': {
    status: 'fail',
    evidence: { path: 'k8s/deploy.yaml', line: 23 },
    reason: 'uses :latest',
  },
  'image-pinned/tricky': {
    status: 'pass',
    evidence: { path: 'k8s/deploy.yaml', line: 23 },
  },
  'image-pinned/tricky-dockerfile-stage': { status: 'pass' },
  'image-pinned/tricky-registry-port-no-tag': {
    status: 'fail',
    reason: 'has no tag',
  },
  'ci-least-privilege/pass': {
    status: 'pass',
    evidence: { path: '.github/workflows/ci.yml', line: 7 },
  },
  'ci-least-privilege/fail': {
    status: 'fail',
    reason: 'no top-level permissions',
  },
  'ci-least-privilege/tricky': {
    status: 'fail',
    evidence: { path: '.github/workflows/ci.yml', line: 18 },
    reason: 'write-all',
  },
  'ci-least-privilege/tricky-commented-write-all': { status: 'pass' },
  'ci-pinned-actions/pass': { status: 'pass' },
  'ci-pinned-actions/fail': {
    status: 'fail',
    evidence: { path: '.github/workflows/ci.yml', line: 14 },
  },
  'ci-pinned-actions/tricky': { status: 'fail', reason: '@main is not pinned' },
  'ci-no-dangerous-trigger/pass': { status: 'pass' },
  'ci-no-dangerous-trigger/fail': {
    status: 'fail',
    evidence: { path: '.github/workflows/pr.yml', line: 14 },
    reason: 'pull_request_target',
  },
  'ci-no-dangerous-trigger/tricky': {
    status: 'fail',
    evidence: { path: '.github/workflows/pr.yml', line: 14 },
    reason: 'github.event.pull_request.title',
  },
  'ci-no-dangerous-trigger/tricky-workflow-run-head-branch': {
    status: 'fail',
    reason: 'workflow_run checks out the PR head',
  },
  'dependency-updates/pass': { status: 'pass' },
  'dependency-updates/fail': { status: 'fail' },
  'dependency-updates/tricky': {
    status: 'pass',
    evidence: { path: 'package.json' },
  },
  'sast/pass': { status: 'pass' },
  'sast/fail': { status: 'fail' },
  'sast/tricky': { status: 'fail' },
  'sbom/pass': { status: 'pass' },
  'sbom/fail': { status: 'fail' },
  'sbom/tricky': { status: 'pass', evidence: { path: 'sbom/app.cdx.json' } },
  'signed-images/pass': { status: 'pass' },
  'signed-images/fail': { status: 'fail' },
  'signed-images/tricky': { status: 'fail' },
  'signed-images/tricky-no-images': { status: 'not-applicable' },
  'security-policy/pass': { status: 'pass' },
  'security-policy/fail': { status: 'fail' },
  'security-policy/tricky': {
    status: 'pass',
    evidence: { path: 'docs/security.md' },
  },
  'code-owners/pass': {
    status: 'pass',
    evidence: { path: '.github/CODEOWNERS' },
  },
  'code-owners/fail': { status: 'fail' },
  'code-owners/tricky': { status: 'unknown', reason: NO_GITHUB_TOKEN_REASON },
};

/** A GitHub client whose default branch requires one review. */
const reviewedRepo = {
  owner: 'acme',
  repo: 'api',
  octokit: {
    request: { endpoint: { DEFAULTS: {} } },
    repos: {
      get: async () => ({ data: { default_branch: 'main' } }),
      getBranchProtection: async () => ({
        data: {
          required_pull_request_reviews: { required_approving_review_count: 1 },
        },
      }),
    },
  } as unknown as Octokit,
};

const fixtureDirs = fs
  .readdirSync(FIXTURES)
  .flatMap(control =>
    fs
      .readdirSync(path.join(FIXTURES, control))
      .map(variant => `${control}/${variant}`),
  );

describe('control fixtures', () => {
  it('has a pass, fail and tricky fixture for every control, each with an expectation', () => {
    const { ZERO_TRUST_CONTROLS } = jest.requireActual(
      '@cloud-native-portal/plugin-zero-trust-common',
    );
    for (const control of ZERO_TRUST_CONTROLS) {
      for (const variant of ['pass', 'fail', 'tricky']) {
        expect(fixtureDirs).toContain(`${control.id}/${variant}`);
      }
    }
    expect(fixtureDirs.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', async (name, expected) => {
    const [controlId, variant] = name.split('/');
    const tree = treeFromDir(path.join(FIXTURES, controlId, variant));
    const report = await scanRepository(
      tree,
      controlId === 'code-owners' && variant === 'pass'
        ? { github: reviewedRepo }
        : {},
    );
    const result = report.results.find(r => r.controlId === controlId)!;
    expect({ status: result.status, reason: result.reason }).toEqual(
      expect.objectContaining({ status: expected.status }),
    );
    expect(result.reason ?? '').toContain(expected.reason ?? '');
    const wanted: Record<string, unknown> = expected.evidence ?? {};
    const matched = result.evidence.some(e =>
      Object.entries(wanted).every(
        ([key, value]) => (e as Record<string, unknown>)[key] === value,
      ),
    );
    // Reported with the evidence so a mismatch shows what was found.
    expect({ matched, evidence: result.evidence }).toMatchObject({
      matched: expected.evidence ? true : matched,
    });
  });
});
