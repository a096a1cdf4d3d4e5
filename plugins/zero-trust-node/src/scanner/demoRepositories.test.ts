import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { scanRepository } from './scanRepository';
import { treeFromDir } from '../testUtils/trees';
import { HELM_UNRENDERED_REASON } from './context';

const REPOS = path.resolve(__dirname, '../../../../examples/repos');

/** A GitHub client whose default branch requires one review. */
const reviewed = (repo: string) => ({
  owner: 'brightpath',
  repo,
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
});

const ALL_POD = [
  'mtls-strict',
  'authz-default-deny',
  'network-default-deny',
  'workload-identity',
  'no-privilege',
  'read-only-rootfs',
  'seccomp',
];

/**
 * Grades without a GitHub token (code-owners is then unknown and excluded)
 * and with one that confirms required review. Failing controls follow
 * examples/README.md; differences are explained inline.
 */
const EXPECTED: Record<
  string,
  {
    grade: string;
    score: number;
    withReview: { grade: string; score: number };
    failing: string[];
  }
> = {
  'course-catalog-service': {
    grade: 'A',
    score: 100,
    withReview: { grade: 'A', score: 100 },
    failing: [],
  },
  'progress-events-consumer': {
    grade: 'B',
    score: 81.5,
    withReview: { grade: 'B', score: 82.5 },
    failing: [
      'authz-default-deny',
      'ci-pinned-actions',
      'sbom',
      'signed-images',
      'security-policy',
    ],
  },
  'thumbnail-function': {
    grade: 'C',
    score: 70.4,
    withReview: { grade: 'C', score: 71.9 },
    failing: [
      'mtls-strict',
      'authz-default-deny',
      'network-default-deny',
      'ci-pinned-actions',
      'sbom',
      'signed-images',
    ],
  },
  // Without a token search-indexer falls to F (59.3); the README's D (61.4) needs review confirmed.
  'search-indexer': {
    grade: 'F',
    score: 59.3,
    withReview: { grade: 'D', score: 61.4 },
    failing: [
      'mtls-strict',
      'authz-default-deny',
      'network-default-deny',
      'workload-identity',
      'image-pinned',
      'ci-pinned-actions',
      'sbom',
      'signed-images',
      'security-policy',
    ],
  },
  'enrolment-service': {
    grade: 'F',
    score: 37,
    withReview: { grade: 'F', score: 40.4 },
    failing: [
      ...ALL_POD,
      'image-pinned',
      'ci-least-privilege',
      'ci-pinned-actions',
      'sast',
      'sbom',
      'signed-images',
      'security-policy',
    ],
  },
  'certificate-service': {
    grade: 'F',
    score: 37,
    withReview: { grade: 'F', score: 40.4 },
    failing: [
      ...ALL_POD,
      'image-pinned',
      'ci-pinned-actions',
      'dependency-updates',
      'sast',
      'sbom',
      'signed-images',
      'security-policy',
    ],
  },
  // No CI: sast and sbom are not applicable, like the other CI controls
  // (README "Applicability"); it deploys redis and builds no image of its
  // own, so signed-images is not applicable either.
  'session-store': {
    grade: 'F',
    score: 38.5,
    withReview: { grade: 'F', score: 42.9 },
    failing: [...ALL_POD, 'dependency-updates', 'security-policy'],
  },
  // Helm is not rendered, so the pod controls are unknown rather than failing (README: 24.6 once rendered).
  'classroom-monolith': {
    grade: 'F',
    score: 25.8,
    withReview: { grade: 'F', score: 32.4 },
    failing: [
      'short-lived-credentials',
      'run-as-non-root',
      'image-pinned',
      'ci-least-privilege',
      'ci-pinned-actions',
      'dependency-updates',
      'sast',
      'sbom',
      'signed-images',
      'security-policy',
    ],
  },
  'quiz-engine': {
    grade: 'F',
    score: 24.6,
    withReview: { grade: 'F', score: 24.6 },
    failing: [
      ...ALL_POD,
      'run-as-non-root',
      'image-pinned',
      'ci-least-privilege',
      'ci-pinned-actions',
      'dependency-updates',
      'sast',
      'sbom',
      'signed-images',
      'security-policy',
      'code-owners',
    ],
  },
  // A VM: the mesh, network and identity controls have no Kubernetes workload to apply to (README counts them failed: 22.6).
  'legacy-reports': {
    grade: 'F',
    score: 26.7,
    withReview: { grade: 'F', score: 38.9 },
    failing: [
      'short-lived-credentials',
      'dependency-updates',
      'sast',
      'sbom',
      'security-policy',
    ],
  },
  'payments-gateway': {
    grade: 'F',
    score: 7.4,
    withReview: { grade: 'F', score: 12.3 },
    failing: [
      ...ALL_POD,
      'short-lived-credentials',
      'no-plaintext-secrets',
      'run-as-non-root',
      'image-pinned',
      'ci-least-privilege',
      'ci-pinned-actions',
      'ci-no-dangerous-trigger',
      'dependency-updates',
      'sast',
      'sbom',
      'signed-images',
    ],
  },
};

describe('demo repositories', () => {
  it.each(Object.entries(EXPECTED))('%s', async (name, expected) => {
    const tree = treeFromDir(path.join(REPOS, name));
    const report = await scanRepository(tree);
    const failing = report.results
      .filter(r => r.status === 'fail')
      .map(r => r.controlId);
    expect(failing.sort()).toEqual([...expected.failing].sort());
    expect({ score: report.score, grade: report.grade }).toEqual({
      score: expected.score,
      grade: expected.grade,
    });

    const withReview = await scanRepository(tree, { github: reviewed(name) });
    expect({ score: withReview.score, grade: withReview.grade }).toEqual(
      expected.withReview,
    );
  });

  it('reports the monolith Helm chart as unknown, with the reason', async () => {
    const report = await scanRepository(
      treeFromDir(path.join(REPOS, 'classroom-monolith')),
    );
    for (const id of [
      'no-privilege',
      'seccomp',
      'read-only-rootfs',
      'no-host-access',
    ]) {
      expect(report.results.find(r => r.controlId === id)).toMatchObject({
        status: 'unknown',
        reason: HELM_UNRENDERED_REASON,
      });
    }
  });
});
