import { resolve } from 'path';
import { REPO_FACTS } from '@cloud-native-portal/plugin-maturity-common';
import { createRepositoryTree } from '../createRepositoryTree';
import { readLocalTree } from '../readers';
import {
  collectRepoFacts,
  HELM_DECIDED_FACTS,
  HELM_ONLY_REASON,
} from './collectRepoFacts';
import { createRepoFactCollector } from './createRepoFactCollector';
import {
  isPinnedByTagOrDigest,
  parseDockerfile,
  parseImageReference,
} from '../evidence';

const DEMO = resolve(__dirname, '../../../../examples/repos');
const demo = async (name: string) =>
  collectRepoFacts(await readLocalTree(resolve(DEMO, name)));

const memTree = (files: Record<string, string>) =>
  createRepositoryTree({
    source: 'mem',
    files: Object.entries(files).map(([path, text]) => ({
      path,
      content: Buffer.from(text),
    })),
  });

describe('repo facts on the demo trees', () => {
  it('course-catalog-service is the reference service', async () => {
    const { facts, evidence, unknown } = await demo('course-catalog-service');
    expect(unknown).toEqual({});
    expect(facts).toMatchObject({
      'repo.gitops.argocdApplicationCount': 3,
      'repo.manifests.kustomizeOverlayCount': 3,
      'repo.delivery.progressive': true,
      'repo.observability.tracing': true,
      'repo.observability.sloFileCount': 2,
      'repo.workloads.allRunAsNonRoot': true,
      'repo.workloads.topologySpread': true,
      'repo.workloads.minReplicas': 3,
      'repo.dockerfile.baseImagesPinned': true,
      'repo.dockerfile.nonRootUser': true,
      'repo.ci.readOnlyDefaultPermissions': true,
      'repo.ci.signsImages': true,
      'repo.ci.producesSbom': true,
      'repo.ci.sast': true,
      'repo.ci.usesOidc': true,
    });
    expect(evidence['repo.workloads.minReplicas']).toEqual([
      expect.objectContaining({
        path: 'deploy/base/autoscaling.yaml',
        line: 10,
      }),
    ]);
  });

  it('enrolment-service has no tracing and a tag-only FROM', async () => {
    const { facts, evidence } = await demo('enrolment-service');
    expect(facts['repo.observability.tracing']).toBe(false);
    expect(facts['repo.observability.metrics']).toBe(true);
    expect(facts['repo.ci.readOnlyDefaultPermissions']).toBe(false);
    expect(facts['repo.workloads.dedicatedServiceAccount']).toBe(false);
    expect(evidence['repo.dockerfile.baseImagesPinned']).toEqual([
      {
        path: 'Dockerfile',
        line: 1,
        note: 'eclipse-temurin:21-jre-jammy: pinned by tag only',
      },
    ]);
  });

  it('payments-gateway uses write-all', async () => {
    const { facts, evidence } = await demo('payments-gateway');
    expect(facts['repo.ci.readOnlyDefaultPermissions']).toBe(false);
    expect(evidence['repo.ci.readOnlyDefaultPermissions']).toContainEqual({
      path: '.github/workflows/pr-labeler.yml',
      line: 10,
      note: 'job label uses write-all',
    });
    expect(facts['repo.dockerfile.baseImagesPinned']).toBe(false);
    expect(facts['repo.workloads.allRunAsNonRoot']).toBe(false);
  });

  it('classroom-monolith reports its workload facts unknown (Helm only)', async () => {
    const { facts, unknown } = await demo('classroom-monolith');
    expect(facts['repo.manifests.helmChartCount']).toBe(1);
    expect(facts['repo.manifests.workloadCount']).toBe(0);
    expect(facts['repo.manifests.invalidYamlCount']).toBe(0);
    for (const name of HELM_DECIDED_FACTS) {
      expect(unknown[name]).toBe(HELM_ONLY_REASON);
      expect(facts).not.toHaveProperty(name);
    }
    expect(facts['repo.dockerfile.nonRootUser']).toBe(false);
  });

  it('thumbnail-function can scale to zero', async () => {
    const { facts } = await demo('thumbnail-function');
    expect(facts['repo.scaling.scaleToZero']).toBe(true);
    expect(facts['repo.scaling.autoscaler']).toBe(true);
    expect(facts['repo.workloads.statefulWithoutStorage']).toBe(false);
    expect(facts['repo.workloads.minReplicas']).toBeNull();
  });

  it('session-store is stateful without storage', async () => {
    const { facts, evidence } = await demo('session-store');
    expect(facts['repo.workloads.statefulWithoutStorage']).toBe(true);
    expect(evidence['repo.workloads.statefulWithoutStorage']).toEqual([
      expect.objectContaining({ path: 'knative/service.yaml', line: 17 }),
    ]);
    expect(facts['repo.ci.workflowCount']).toBe(0);
    expect(facts['repo.ci.readOnlyDefaultPermissions']).toBeNull();
  });

  it('legacy-reports has no container and no workloads', async () => {
    const { facts, unknown } = await demo('legacy-reports');
    expect(unknown).toEqual({});
    expect(facts).toMatchObject({
      'repo.dockerfile.present': false,
      'repo.dockerfile.baseImagesPinned': null,
      'repo.dockerfile.nonRootUser': null,
      'repo.manifests.workloadCount': 0,
      'repo.workloads.allHaveResources': false,
      'repo.workloads.allRunAsNonRoot': false,
      'repo.workloads.minReplicas': null,
      'repo.ci.workflowCount': 1,
      'repo.ci.runsTests': false,
    });
  });

  it('progress-events-consumer: KEDA scaling', async () => {
    const { facts } = await demo('progress-events-consumer');
    expect(facts['repo.workloads.minReplicas']).toBe(2);
    expect(facts['repo.workloads.topologySpread']).toBe(false);
  });
});

describe('repo facts on in-memory trees', () => {
  const deployment = (podSc: string, containerSc: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      securityContext: ${podSc}
      containers:
        - name: app
          image: app:1.0
          securityContext: ${containerSc}
`;

  it('lets a container-level runAsNonRoot: false override the pod level', () => {
    const { facts, evidence } = collectRepoFacts(
      memTree({
        'd.yaml': deployment('{runAsNonRoot: true}', '{runAsNonRoot: false}'),
      }),
    );
    expect(facts['repo.workloads.allRunAsNonRoot']).toBe(false);
    expect(evidence['repo.workloads.allRunAsNonRoot'][0]).toMatchObject({
      path: 'd.yaml',
      line: 12,
    });
  });

  it('lets a container-level runAsNonRoot: true stand without the pod level', () => {
    const { facts } = collectRepoFacts(
      memTree({ 'd.yaml': deployment('{}', '{runAsNonRoot: true}') }),
    );
    expect(facts['repo.workloads.allRunAsNonRoot']).toBe(true);
  });

  it('fails read-only permissions on a job-level write-all', () => {
    const { facts, evidence } = collectRepoFacts(
      memTree({
        '.github/workflows/ci.yml': [
          'on: push',
          'permissions: read-all',
          'jobs:',
          '  a:',
          '    runs-on: ubuntu-latest',
          '    permissions: write-all',
          '    steps: [{run: make test}]',
        ].join('\n'),
      }),
    );
    expect(facts['repo.ci.readOnlyDefaultPermissions']).toBe(false);
    expect(evidence['repo.ci.readOnlyDefaultPermissions']).toContainEqual({
      path: '.github/workflows/ci.yml',
      line: 6,
      note: 'job a uses write-all',
    });
    expect(facts['repo.ci.runsTests']).toBe(true);
  });

  it('accepts {} and read/none maps as read-only top-level permissions', () => {
    const wf = (perms: string) => `on: push\npermissions: ${perms}\njobs: {}\n`;
    const { facts } = collectRepoFacts(
      memTree({
        '.github/workflows/a.yml': wf('{}'),
        '.github/workflows/b.yaml': wf('{contents: read, issues: none}'),
      }),
    );
    expect(facts['repo.ci.readOnlyDefaultPermissions']).toBe(true);
    const { facts: writes } = collectRepoFacts(
      memTree({ '.github/workflows/a.yml': wf('{contents: write}') }),
    );
    expect(writes['repo.ci.readOnlyDefaultPermissions']).toBe(false);
  });

  it('does not treat FROM <earlier stage> as an image', () => {
    const dockerfile = [
      'ARG BASE=node:22.11.0-slim',
      'FROM ${BASE} AS deps',
      'USER app',
      'FROM deps AS build',
      'RUN npm ci',
      'FROM --platform=linux/amd64 build',
    ].join('\n');
    const parsed = parseDockerfile('Dockerfile', dockerfile);
    expect(parsed.stages.map(s => [s.from, s.parent, s.image?.tag])).toEqual([
      ['node:22.11.0-slim', undefined, '22.11.0-slim'],
      ['deps', 0, undefined],
      ['build', 1, undefined],
    ]);
    // The final stage inherits USER app through the stage chain.
    expect(parsed.finalUser).toEqual({ value: 'app', line: 3 });
    const { facts } = collectRepoFacts(memTree({ Dockerfile: dockerfile }));
    expect(facts['repo.dockerfile.baseImagesPinned']).toBe(true);
    expect(facts['repo.dockerfile.nonRootUser']).toBe(true);
  });

  it.each([
    ['node:latest', false],
    ['node', false],
    ['registry:5000/team/app', false],
    ['registry:5000/team/app:1.2', true],
    [`alpine@sha256:${'a'.repeat(64)}`, true],
    ['scratch', true],
  ])('pins %s: %s', (image, pinned) => {
    expect(isPinnedByTagOrDigest(parseImageReference(image))).toBe(pinned);
  });

  it.each([
    ['USER root', false],
    ['USER 0:0', false],
    ['USER 0', false],
    ['USER 10001:10001', true],
    ['', false],
  ])('final stage "%s" is non-root: %s', (user, nonRoot) => {
    const { facts } = collectRepoFacts(
      memTree({ Dockerfile: `FROM a:1\n${user}\n` }),
    );
    expect(facts['repo.dockerfile.nonRootUser']).toBe(nonRoot);
  });

  it('counts invalid YAML with path, line and message', () => {
    const { facts, evidence } = collectRepoFacts(
      memTree({
        'k8s/broken.yaml': 'apiVersion: v1\nkind: Service\nspec: {a: [1, 2}\n',
      }),
    );
    expect(facts['repo.manifests.invalidYamlCount']).toBe(1);
    expect(evidence['repo.manifests.invalidYamlCount']).toEqual([
      {
        path: 'k8s/broken.yaml',
        line: expect.any(Number),
        note: expect.any(String),
      },
    ]);
  });

  it('reads the pod templates of CronJobs, Knative Services and Rollouts', () => {
    const { facts } = collectRepoFacts(
      memTree({
        'w.yaml': `
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: job, image: job:1, resources: {requests: {cpu: 1}, limits: {cpu: 1}}}]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api}
spec:
  replicas: 4
  template:
    spec:
      containers: [{name: api, image: api:1}]
`,
      }),
    );
    expect(facts['repo.manifests.workloadCount']).toBe(2);
    expect(facts['repo.workloads.allHaveResources']).toBe(false);
    expect(facts['repo.workloads.minReplicas']).toBe(4);
    expect(facts['repo.delivery.progressive']).toBe(true);
  });

  it('counts Knative Eventing delivery retries and timeouts as timeouts and retries', () => {
    const trigger = (delivery: string) =>
      memTree({
        'deploy/eventing.yaml': `
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: mailer}
spec:
  broker: default
  subscriber:
    ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: mailer}
${delivery}`,
      });
    const bounded = collectRepoFacts(
      trigger(`  delivery:
    retry: 5
    backoffPolicy: exponential
    backoffDelay: PT0.5S
    timeout: PT60S
`),
    );
    expect(bounded.facts['repo.workloads.timeoutsRetries']).toBe(true);
    expect(bounded.evidence['repo.workloads.timeoutsRetries']).toEqual([
      {
        path: 'deploy/eventing.yaml',
        line: 10,
        note: 'Trigger/mailer: 5 delivery retries (exponential backoff)',
      },
      {
        path: 'deploy/eventing.yaml',
        line: 13,
        note: 'Trigger/mailer: delivery timeout PT60S',
      },
    ]);
    // No delivery spec, retry 0 or a non-number retry: no policy.
    for (const delivery of [
      '',
      '  delivery:\n    retry: 0\n',
      '  delivery:\n    retry: "5"\n    backoffDelay: PT1S\n',
    ]) {
      expect(
        collectRepoFacts(trigger(delivery)).facts[
          'repo.workloads.timeoutsRetries'
        ],
      ).toBe(false);
    }
  });

  it('gives false "all" facts and null minReplicas without workloads', () => {
    const { facts, unknown } = collectRepoFacts(
      memTree({ 'README.md': '# hi' }),
    );
    expect(unknown).toEqual({});
    expect(facts['repo.workloads.allHaveProbes']).toBe(false);
    expect(facts['repo.workloads.dedicatedServiceAccount']).toBe(false);
    expect(facts['repo.workloads.minReplicas']).toBeNull();
    expect(facts['repo.workloads.logsToFile']).toBe(false);
  });

  it('produces every declared fact, either as a value or as unknown', async () => {
    for (const name of [
      'classroom-monolith',
      'course-catalog-service',
      'legacy-reports',
    ]) {
      const { facts, unknown } = await demo(name);
      for (const { name: fact } of REPO_FACTS) {
        expect([fact, fact in facts || fact in unknown]).toEqual([fact, true]);
      }
      expect(
        Object.keys(facts).every(f => REPO_FACTS.some(d => d.name === f)),
      ).toBe(true);
    }
  });
});

describe('createRepoFactCollector', () => {
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'x' },
  };

  it('declares the repo facts', () => {
    const collector = createRepoFactCollector();
    expect(collector).toMatchObject({
      id: 'repo',
      version: 1,
      facts: REPO_FACTS,
    });
  });

  it('reports unknown with the reason when there is no source tree', async () => {
    const set = await createRepoFactCollector().collect({
      entity,
      sourceTreeError: 'missing annotation backstage.io/source-location',
    });
    expect(set).toMatchObject({
      collector: 'repo',
      status: 'unknown',
      reason: 'missing annotation backstage.io/source-location',
      facts: {},
    });
  });

  it('returns ok facts with evidence and unknowns for a tree', async () => {
    const sourceTree = await readLocalTree(resolve(DEMO, 'classroom-monolith'));
    const set = await createRepoFactCollector().collect({ entity, sourceTree });
    expect(set.status).toBe('ok');
    expect(set.unknown?.['repo.workloads.allRunAsNonRoot']).toBe(
      HELM_ONLY_REASON,
    );
    expect(set.evidence?.['repo.manifests.helmChartCount']).toEqual([
      { path: 'deploy/helm/classroom/Chart.yaml' },
    ]);
  });
});

describe('repo facts on hostile manifests', () => {
  it('does not throw on wrongly typed fields (spec: "x", containers: 5, env: {})', () => {
    const tree = memTree({
      'bad.yaml': [
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec: x',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: 5}\nspec: {template: {spec: {containers: 5}}}',
        'apiVersion: apps/v1\nkind: StatefulSet\nspec: {template: {spec: {containers: [null, {env: {}, resources: 1, securityContext: x}]}}}',
        'apiVersion: v1\nkind: List\nitems: [null, 3]',
        'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nspec: [1]',
        'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nspec: {portLevelMtls: 3}',
      ].join('\n---\n'),
      '.github/workflows/x.yml': 'jobs: [1, 2]\npermissions: 7',
      Dockerfile: 'FROM\nUSER\n',
      'package.json': '{not json',
    });
    const { facts } = collectRepoFacts(tree);
    expect(facts['repo.manifests.workloadCount']).toBe(2);
    expect(facts['repo.workloads.allHaveResources']).toBe(false);
    expect(facts['repo.ci.readOnlyDefaultPermissions']).toBe(false);
    expect(facts['repo.dockerfile.baseImagesPinned']).toBe(false);
  });
});
