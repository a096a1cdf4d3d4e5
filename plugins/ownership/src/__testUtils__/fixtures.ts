import { Entity } from '@backstage/catalog-model';
import { EntityOwnership, OwnershipCoverage } from '../api/types';
import { OwnershipApi } from '../api/OwnershipApi';

/** A demo component entity. */
export const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'data-team' },
});

/** certificate-service: owned by a group with no members and no on-call. */
export const certificateOwnership: EntityOwnership = {
  entityRef: 'component:default/certificate-service',
  kind: 'Component',
  title: 'Certificate service',
  rawOwner: 'data-team',
  ownerRef: 'group:default/data-team',
  owner: {
    entityRef: 'group:default/data-team',
    name: 'data-team',
    title: 'Data Team',
    email: 'data@brightpath.example',
    chat: [{ title: 'Slack', url: 'https://chat.example/data' }],
    kind: 'Group',
    parentChain: [
      {
        entityRef: 'group:default/growth',
        name: 'growth',
        title: 'Growth',
        chat: [],
      },
      {
        entityRef: 'group:default/engineering',
        name: 'engineering',
        title: 'Engineering',
        chat: [],
      },
    ],
    members: [],
  },
  oncall: [],
  codeowners: {
    status: 'present',
    defaultOwners: ['@brightpath/data-team'],
    errors: [],
    matchesOwner: true,
  },
  validGroupOwner: true,
  facts: {},
  problems: [
    {
      kind: 'group-without-members',
      message:
        'The owning group Data Team has no members, so nobody can be reached.',
      fix: 'Add Users with spec.memberOf: [data-team].',
      fixTemplateRef: 'template:default/fix-catalog-owner',
    },
  ],
};

/** Coverage of a small catalog. */
export const coverage: OwnershipCoverage = {
  generatedAt: '2026-11-22T12:00:00.000Z',
  total: 4,
  validGroupOwner: 3,
  percentage: 75,
  problems: {
    'owner-missing': [
      {
        entityRef: 'component:default/quiz-engine',
        title: 'Quiz engine',
        rawOwner: 'unassigned',
        message:
          'Nobody owns this: spec.owner is the placeholder "unassigned".',
      },
    ],
    'owner-malformed': [],
    'owner-unresolved': [],
    'owner-is-user': [],
    'owner-not-group': [],
    'group-without-members': [],
    'group-without-parent': [],
    'no-oncall': [],
    'codeowners-missing': [],
    'codeowners-mismatch': [],
    orphan: [],
  },
  teams: [
    {
      groupRef: 'group:default/engineering',
      title: 'Engineering',
      parentRef: null,
      depth: 0,
      memberCount: 1,
      direct: 0,
      total: 3,
      descendantGroups: ['group:default/courses-team'],
      problemCount: 0,
    },
    {
      groupRef: 'group:default/courses-team',
      title: 'Courses Team',
      parentRef: 'group:default/engineering',
      depth: 1,
      memberCount: 3,
      direct: 3,
      total: 3,
      descendantGroups: [],
      problemCount: 0,
    },
  ],
};

/** An OwnershipApi whose methods are jest mocks. */
export function mockOwnershipApi(
  overrides: Partial<OwnershipApi> = {},
): OwnershipApi {
  return {
    getEntityOwnership: jest.fn(async () => certificateOwnership),
    getCoverage: jest.fn(async () => coverage),
    getCoverageCsv: jest.fn(async () => new Blob(['section\n'])),
    ...overrides,
  };
}
