import { createRepositoryTree } from '../createRepositoryTree';
import {
  isPasswordLikeName,
  isPinnedByDigest,
  isPinnedByTagOrDigest,
  isPlaceholder,
  parseDockerfile,
  parseImageReference,
  readRepositoryEvidence,
} from './index';

const tree = (files: Record<string, string>) =>
  createRepositoryTree({
    source: 'mem',
    files: Object.entries(files).map(([path, text]) => ({
      path,
      content: Buffer.from(text),
    })),
  });

const DIGEST = `sha256:${'b'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    ['node', { repository: 'node' }],
    ['node:22', { repository: 'node', tag: '22' }],
    [
      'localhost:5000/team/app:1.2',
      { registry: 'localhost:5000', repository: 'team/app', tag: '1.2' },
    ],
    [
      'registry:5000/team/app',
      { registry: 'registry:5000', repository: 'team/app' },
    ],
    [
      `ghcr.io/acme/api:1.0@${DIGEST}`,
      {
        registry: 'ghcr.io',
        repository: 'acme/api',
        tag: '1.0',
        digest: DIGEST,
      },
    ],
  ])('splits %s', (raw, parts) => {
    expect(parseImageReference(raw)).toMatchObject(parts);
  });

  it.each([
    ['node', false, false],
    ['node:latest', false, false],
    ['node:LATEST', false, false],
    ['node:22', true, false],
    [`node@${DIGEST}`, true, true],
    ['node@sha256:short', false, false],
    ['node:${TAG}', false, false],
    ['ghcr.io/acme/api:{{ .Values.tag }}', false, false],
    ['scratch', true, true],
  ])(
    'an image %s is pinned by tag or digest: %s, by digest: %s',
    (raw, byTagOrDigest, byDigest) => {
      const image = parseImageReference(raw);
      expect(isPinnedByTagOrDigest(image)).toBe(byTagOrDigest);
      expect(isPinnedByDigest(image)).toBe(byDigest);
    },
  );
});

describe('parseDockerfile', () => {
  it('a Dockerfile with the backtick escape directive, continuations and a stage chain', () => {
    const parsed = parseDockerfile(
      'Dockerfile',
      [
        '# escape=`',
        'ARG BASE=node:22.11.0-slim',
        'FROM --platform=$BUILDPLATFORM ${BASE} AS deps',
        'USER app',
        'RUN echo one `',
        '    two',
        'FROM deps',
      ].join('\n'),
    );
    expect(
      parsed.stages.map(s => [s.from, s.parent, s.image?.tag, s.line]),
    ).toEqual([
      ['node:22.11.0-slim', undefined, '22.11.0-slim', 3],
      ['deps', 0, undefined, 7],
    ]);
    expect(parsed.finalUser).toEqual({ value: 'app', line: 4 });
  });

  it('a FROM with an unresolved build argument is marked unresolved', () => {
    const parsed = parseDockerfile('Dockerfile', 'FROM node:${VERSION}\n');
    expect(parsed.stages[0].image?.unresolved).toBe(true);
  });
});

describe('secret names and placeholders', () => {
  it.each([
    ['DB_PASSWORD', true],
    ['apiKey', true],
    ['client_secret', true],
    ['existingSecret', false],
    ['passwordSecret', false],
    ['secretName', false],
    ['LOG_LEVEL', false],
  ])('%s is password-like: %s', (name, expected) => {
    expect(isPasswordLikeName(name)).toBe(expected);
  });

  it.each([
    ['changeme', true],
    ['${DB_PASSWORD}', true],
    ['{{ .Values.password }}', true],
    ['<password>', true],
    ['abc', true],
    ['Tr0ub4dor-88', false],
  ])('%s is a placeholder: %s', (value, expected) => {
    expect(isPlaceholder(value)).toBe(expected);
  });
});

describe('readRepositoryEvidence', () => {
  const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0
`;

  it('tells Kustomize bases, overlays and patches apart; a patch is not a workload', () => {
    const evidence = readRepositoryEvidence(
      tree({
        'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
        'base/deployment.yaml': DEPLOYMENT,
        'overlays/prod/kustomization.yaml':
          'namespace: prod\nresources:\n  - ../../base\n  - extra.yaml\npatchesStrategicMerge:\n  - patch.yaml\n',
        'overlays/prod/extra.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n',
        'overlays/prod/patch.yaml': DEPLOYMENT,
      }),
    );
    const k = evidence.kubernetes;
    expect(k.workloads.map(w => [w.object.doc.path, w.object.origin])).toEqual([
      ['base/deployment.yaml', 'base'],
    ]);
    expect(k.workloads[0].object.namespaces).toEqual(['prod']);
    expect(k.objects.find(o => o.kind === 'ConfigMap')?.origin).toBe('overlay');
    expect(k.patches.map(p => p.path)).toEqual(['overlays/prod/patch.yaml']);
  });

  it('a repository that only deploys third-party images builds no image of its own; one with a CI image build does', () => {
    const deploysOnly = readRepositoryEvidence(
      tree({
        'k8s/redis.yaml': DEPLOYMENT.replace(
          'ghcr.io/acme/api:1.0.0',
          'redis:7',
        ),
      }),
    );
    expect(deploysOnly.images.buildsOwnImage).toBe(false);
    expect(deploysOnly.images.deployed.map(i => i.image.repository)).toEqual([
      'redis',
    ]);
    const builds = readRepositoryEvidence(
      tree({
        '.github/workflows/release.yml':
          'on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: ko build ./cmd/api\n',
      }),
    );
    expect(builds.images.buildsOwnImage).toBe(true);
    expect(builds.images.builds[0]).toMatchObject({
      path: '.github/workflows/release.yml',
      line: 6,
    });
  });

  it('reads a tree once: the same tree gives the same evidence object', () => {
    const t = tree({ 'k8s/api.yaml': DEPLOYMENT });
    expect(readRepositoryEvidence(t)).toBe(readRepositoryEvidence(t));
  });
});

describe('Helm templates', () => {
  it('a chart template is marked as not parsed, and is no workload', () => {
    const evidence = readRepositoryEvidence(
      tree({
        'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
        'chart/templates/deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
      }),
    );
    expect(evidence.kubernetes.helmCharts).toEqual(['chart']);
    expect(evidence.kubernetes.workloads).toEqual([]);
    expect(evidence.kubernetes.helmTemplates.map(t => t.path)).toEqual([
      'chart/templates/deployment.yaml',
    ]);
  });
});
