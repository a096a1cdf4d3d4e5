import { ControlResult } from '@cloud-native-portal/plugin-zero-trust-common';
import { scanRepository } from './scanRepository';
import { treeOf } from '../testUtils/trees';

/**
 * Verdict classes that were wrong on real repositories labeled by hand. Each
 * tree here is written for this test and is the smallest one showing the class.
 */

async function scan(files: Record<string, string>) {
  const report = await scanRepository(treeOf(files));
  const of = (id: string): ControlResult =>
    report.results.find(r => r.controlId === id)!;
  return { report, of };
}

const HARDENED_POD = `    spec:
      serviceAccountName: api
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.2
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
`;

const deployment = (name = 'api') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
${HARDENED_POD}`;

const PINNED_WORKFLOW = `name: test
on: pull_request
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - run: make test
`;

const POD_CONTROLS = [
  'run-as-non-root',
  'no-privilege',
  'read-only-rootfs',
  'no-host-access',
  'seccomp',
];

describe('verdict classes', () => {
  it('a repository that deploys only a third-party image, and builds none, has signed-images not applicable', async () => {
    const { of } = await scan({
      'deploy/redis.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
spec:
  template:
    spec:
      containers:
        - name: redis
          image: redis:7.2.5
`,
      '.github/workflows/lint.yml': PINNED_WORKFLOW,
    });
    expect(of('signed-images')).toMatchObject({
      status: 'not-applicable',
      reason: expect.stringContaining('builds no image of its own'),
    });
  });

  it('a repository with a Dockerfile whose CI signs nothing still fails signed-images', async () => {
    const { of } = await scan({
      Dockerfile: 'FROM node:22\nUSER node\n',
      '.github/workflows/test.yml': PINNED_WORKFLOW,
    });
    expect(of('signed-images').status).toBe('fail');
  });

  it('a repository with no CI at all gives every CI control the same verdict: not applicable, for one reason', async () => {
    const { of } = await scan({
      Dockerfile: 'FROM node:22\nUSER node\n',
      'k8s/deployment.yaml': deployment(),
    });
    const ci = [
      'ci-least-privilege',
      'ci-pinned-actions',
      'ci-no-dangerous-trigger',
      'sast',
      'sbom',
      'signed-images',
    ].map(of);
    expect(new Set(ci.map(r => r.status))).toEqual(new Set(['not-applicable']));
    expect(new Set(ci.map(r => r.reason)).size).toBe(1);
    expect(ci[0].reason).toContain('no CI pipeline');
  });

  it('a kustomization that lists helm template output generated at sync time keeps the pod controls judged', async () => {
    const { of } = await scan({
      'deploy/kustomization.yaml':
        'namespace: shop\nresources:\n  - deployment.yaml\n  - generated/redis.yaml\n',
      'deploy/deployment.yaml': deployment(),
      '.gitignore': 'deploy/generated/\n',
      Makefile:
        'render:\n\thelm template cache bitnami/redis > deploy/generated/redis.yaml\n',
    });
    for (const id of POD_CONTROLS) {
      expect(of(id)).toMatchObject({
        status: 'pass',
        reason: expect.stringContaining(
          'deploy/generated/redis.yaml is generated at sync time',
        ),
      });
    }
  });

  it('a kustomization resource written by a script (not ignored) is generated too, and a plainly missing one stays a gap', async () => {
    const generated = await scan({
      'deploy/kustomization.yaml':
        'resources:\n  - deployment.yaml\n  - rendered.yaml\n',
      'deploy/deployment.yaml': deployment(),
      'scripts/render.sh':
        '#!/bin/sh\nhelm template cache ./chart --output-dir out && cat out/*.yaml > deploy/rendered.yaml\n',
    });
    expect(generated.of('seccomp').status).toBe('pass');
    const missing = await scan({
      'deploy/kustomization.yaml':
        'resources:\n  - deployment.yaml\n  - forgotten.yaml\n',
      'deploy/deployment.yaml': deployment(),
    });
    expect(missing.of('seccomp')).toMatchObject({
      status: 'unknown',
      reason: expect.stringContaining('missing from the tree'),
    });
  });

  it('a literal password in a container env value fails no-plaintext-secrets, a placeholder does not', async () => {
    const withEnv = (value: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.2
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_PASSWORD
              value: ${value}
`;
    const literal = await scan({ 'k8s/api.yaml': withEnv('"Tr0ub4dor-88"') });
    expect(literal.of('no-plaintext-secrets')).toMatchObject({
      status: 'fail',
      evidence: [
        {
          path: 'k8s/api.yaml',
          line: 15,
          note: expect.stringContaining('DB_PASSWORD'),
        },
      ],
    });
    for (const placeholder of [
      'changeme',
      '"${DB_PASSWORD}"',
      '"<password>"',
    ]) {
      const { of } = await scan({ 'k8s/api.yaml': withEnv(placeholder) });
      expect(of('no-plaintext-secrets').status).toBe('pass');
    }
  });

  it('a literal password in chart values fails no-plaintext-secrets; a reference to an existing Secret does not', async () => {
    const { of } = await scan({
      'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 1.0.0\n',
      'chart/values.yaml': `image:
  tag: 1.4.2
postgresql:
  auth:
    username: shop
    password: s3cr3t-shop-2024
    existingSecret: shop-db
redis:
  passwordSecret: shop-redis
`,
    });
    expect(of('no-plaintext-secrets')).toMatchObject({
      status: 'fail',
      evidence: [
        {
          path: 'chart/values.yaml',
          line: 6,
          note: expect.stringContaining('password'),
        },
      ],
    });
  });

  it('a static cloud key in a workflow is found next to a GitHub token, and the evidence lists every finding', async () => {
    const workflow = `name: deploy
on: push
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-24.04
    env:
      GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
      RELEASE_TOKEN: ghp_${'a1B2c3D4e5'.repeat(3)}a1B2c3
      AWS_ACCESS_KEY_ID: AKIA${'Q7WX'.repeat(4)}
      AWS_SECRET_ACCESS_KEY: h7Kq2Lz9Vb4Nm1Xc8Rt5Yw3Pd6Sf0Gj2Hk4Ll7Qa
    steps:
      - run: ./deploy.sh
`;
    const { of } = await scan({ '.github/workflows/deploy.yml': workflow });
    const short = of('short-lived-credentials');
    expect(short.status).toBe('fail');
    expect(short.evidence.map(e => e.line).sort()).toEqual([10, 11, 12]);
    const plaintext = of('no-plaintext-secrets');
    expect(plaintext.status).toBe('fail');
    expect(plaintext.evidence.map(e => e.line).sort()).toEqual([10, 11, 12]);
    expect(plaintext.evidence.map(e => e.note).join('\n')).toMatch(
      /GitHub token[\s\S]*AWS access key id|AWS access key id[\s\S]*GitHub token/,
    );
  });

  it('the dangerous-trigger control cites only the offending line, not head_sha or pull_requests[0].number', async () => {
    const workflow = `name: report
on:
  workflow_run:
    workflows: [test]
    types: [completed]
permissions:
  contents: read
jobs:
  report:
    runs-on: ubuntu-24.04
    steps:
      - run: echo "sha \${{ github.event.workflow_run.head_sha }}"
      - run: echo "pr \${{ github.event.workflow_run.pull_requests[0].number }}"
      - run: echo "branch \${{ github.event.workflow_run.head_branch }}"
`;
    const { of } = await scan({ '.github/workflows/report.yml': workflow });
    const result = of('ci-no-dangerous-trigger');
    expect(result.status).toBe('fail');
    expect(result.evidence).toEqual([
      expect.objectContaining({
        path: '.github/workflows/report.yml',
        line: 14,
        note: expect.stringContaining('head_branch'),
      }),
    ]);
  });

  it('a Kustomize patch file is not scanned as a workload', async () => {
    const { of, report } = await scan({
      'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'base/deployment.yaml': deployment(),
      'overlays/prod/kustomization.yaml': `resources:
  - ../../base
patches:
  - path: resources-patch.yaml
`,
      'overlays/prod/resources-patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          resources:
            limits:
              memory: 512Mi
`,
    });
    for (const id of POD_CONTROLS) {
      const result = of(id);
      expect(result.status).toBe('pass');
      expect(result.evidence.map(e => e.path)).not.toContain(
        'overlays/prod/resources-patch.yaml',
      );
    }
    expect(
      report.results.every(
        r => r.status !== 'unknown' || r.controlId === 'code-owners',
      ),
    ).toBe(true);
  });
});
