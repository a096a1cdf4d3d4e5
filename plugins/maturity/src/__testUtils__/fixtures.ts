import type { Entity } from '@backstage/catalog-model';
import type { MaturityApi } from '../api';
import type { EntityReport, ReviewResponse, Rollup } from '../api';

/** The demo service the component tests render. */
export const serviceEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'course-catalog-service', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'courses-team' },
};

/** A scorecard of the demo service. */
export const report: EntityReport = {
  entityRef: 'component:default/course-catalog-service',
  title: 'Course catalog service',
  modelVersion: '1.0.0',
  evaluatedAt: '2026-11-02T10:00:00.000Z',
  level: 2,
  levelName: 'Foundational',
  score: 61.4,
  dimensions: [
    {
      dimension: 'delivery',
      title: 'Delivery (GitOps)',
      level: 2,
      levelName: 'Foundational',
      score: 55,
      blockingChecks: ['delivery-manifests'],
    },
    {
      dimension: 'observability',
      title: 'Observability',
      level: 3,
      levelName: 'Cloud-native',
      score: 80,
      blockingChecks: ['obs-slo'],
    },
  ],
  checks: [
    {
      checkId: 'delivery-ci',
      status: 'pass',
      evidence: [{ path: '.github/workflows/ci.yml', line: 3 }],
      title: 'CI builds and tests every change',
      dimension: 'delivery',
      level: 2,
      why: 'Every change is built.',
      how: 'Add a CI workflow.',
    },
    {
      checkId: 'delivery-manifests',
      status: 'fail',
      evidence: [{ note: 'no Kubernetes manifests found' }],
      title: 'Declarative deploy manifests',
      dimension: 'delivery',
      level: 3,
      why: 'Deploys are reproducible.',
      how: 'Commit manifests under deploy/.',
      effort: 'medium',
      fixTemplate: {
        ref: 'template:default/adopt-gitops',
        values: { entityRef: '${{ entity.ref }}', branch: 'main' },
      },
    },
    {
      checkId: 'obs-slo',
      status: 'unknown',
      reason: 'the SLO collector is not installed',
      evidence: [{ annotation: 'cloud-native-portal/slo' }],
      title: 'SLOs are defined',
      dimension: 'observability',
      level: 4,
    },
  ],
  nextSteps: [
    {
      checkId: 'delivery-manifests',
      status: 'fail',
      evidence: [],
      title: 'Declarative deploy manifests',
      dimension: 'delivery',
      level: 3,
      why: 'Deploys are reproducible.',
      effort: 'medium',
      fixTemplate: {
        ref: 'template:default/adopt-gitops',
        values: { entityRef: '${{ entity.ref }}', branch: 'main' },
      },
    },
  ],
  waivers: [
    {
      id: '6f1c6a0e-1d1b-4c55-9a0d-7d3f2b1c0a11',
      entityRef: 'component:default/course-catalog-service',
      checkId: 'obs-slo',
      reason: 'SLO tooling arrives next quarter',
      createdBy: 'user:default/liam.chen',
      createdAt: '2026-10-01T00:00:00.000Z',
      expiresAt: '2027-01-31T23:59:59.000Z',
      active: true,
    },
  ],
};

/** Owner roll-ups of a parent group and one child. */
export const rollups: Rollup[] = [
  {
    key: 'group:default/courses-team',
    entityCount: 3,
    notEvaluatedCount: 0,
    averageScore: 58.2,
    levels: { '1': 1, '2': 2 },
    dimensions: {
      delivery: { levels: { '1': 1, '2': 2 }, averageScore: 50 },
      observability: { levels: { '3': 3 }, averageScore: 70 },
    },
  },
  {
    key: 'group:default/learning-experience',
    entityCount: 6,
    notEvaluatedCount: 0,
    averageScore: 63.9,
    levels: { '2': 4, '3': 2 },
    dimensions: {
      delivery: { levels: { '2': 4, '3': 2 }, averageScore: 60 },
      observability: { levels: { '4': 6 }, averageScore: 85 },
    },
  },
];

/** A review of the migrating system. */
export const review: ReviewResponse = {
  system: 'system:default/learning-platform',
  since: '2026-08-01T00:00:00.000Z',
  components: [
    {
      entityRef: 'component:default/enrolment-service',
      title: 'Enrolment service',
      type: 'service',
      ownerRef: 'group:default/courses-team',
      level: 3,
      score: 72,
      dimensions: [
        { dimension: 'delivery', level: 3, score: 70 },
        { dimension: 'observability', level: 2, score: 40 },
      ],
      before: {
        level: 2,
        score: 60,
        dimensions: { delivery: 2, observability: 2 },
      },
    },
  ],
  decomposition: [
    {
      monolith: 'component:default/classroom-monolith',
      title: 'Classroom (monolith)',
      capabilities: [
        {
          name: 'enrolment',
          extractedTo: 'component:default/enrolment-service',
          extractedAt: '2025-09-14T00:00:00.000Z',
        },
        { name: 'reporting' },
      ],
      remaining: ['reporting'],
    },
  ],
  risks: [
    {
      id: 'big-bang-extraction',
      title: 'Big-bang extraction without tracing',
      severity: 'high',
      entities: ['component:default/enrolment-service'],
      detail: '3 services extracted within 60 days lack tracing',
      guidance: 'Extract one or two stateless capabilities first.',
    },
  ],
  topFailingChecks: [
    {
      checkId: 'obs-tracing',
      title: 'Distributed tracing',
      dimension: 'observability',
      level: 3,
      blocking: 3,
      failing: 4,
      unknown: 1,
    },
  ],
};

/** A MaturityApi whose every method is a jest mock that rejects until set. */
export function mockMaturityApi(
  overrides: Partial<Record<keyof MaturityApi, jest.Mock<any, any>>> = {},
): jest.Mocked<MaturityApi> {
  const unset = (name: string) =>
    jest.fn(() => Promise.reject(new Error(`${name} not mocked`)));
  return {
    getModel: jest.fn(async () => ({
      model: {
        id: 'm',
        version: '1.0.0',
        title: 'Model',
        levels: [],
        dimensions: [
          {
            id: 'delivery',
            title: 'Delivery (GitOps)',
            description: '',
            weight: 1,
          },
          {
            id: 'observability',
            title: 'Observability',
            description: '',
            weight: 1,
          },
        ],
        checks: [],
      },
      installedCollectors: [],
    })),
    getEntityReport: unset('getEntityReport'),
    getHistory: jest.fn(async () => ({ items: [] })),
    getEntityFacts: jest.fn(async () => ({ items: [] })),
    getFactSummary: jest.fn(async () => ({ items: [] })),
    listEntitiesByFact: jest.fn(async () => ({
      items: [],
      totalCount: 0,
      limit: 100,
      offset: 0,
    })),
    refreshEntity: unset('refreshEntity'),
    startCycle: unset('startCycle'),
    getCurrentCycle: unset('getCurrentCycle'),
    listEntities: unset('listEntities'),
    getRollups: unset('getRollups'),
    getTrends: jest.fn(async () => ({ items: [] })),
    getFailingChecks: jest.fn(async () => ({ items: [] })),
    getRisks: jest.fn(async () => ({ items: [] })),
    getReview: unset('getReview'),
    listWaivers: jest.fn(async () => ({ items: [] })),
    createWaiver: unset('createWaiver'),
    revokeWaiver: unset('revokeWaiver'),
    listCampaigns: jest.fn(async () => ({ items: [] })),
    getCampaign: unset('getCampaign'),
    createCampaign: unset('createCampaign'),
    deleteCampaign: unset('deleteCampaign'),
    notifyCampaignOwners: unset('notifyCampaignOwners'),
    ...overrides,
  } as unknown as jest.Mocked<MaturityApi>;
}
