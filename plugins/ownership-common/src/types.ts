import type { OwnershipProblemKind } from './schema/openapi/generated/types';

/**
 * The shapes of the ownership REST API, generated from its one definition,
 * ownership-backend's `src/schema/openapi.yaml` (`node
 * scripts/openapi-generate.mjs plugins/ownership-backend
 * plugins/ownership-common`).
 */
export type {
  paths as OwnershipApiPaths,
  operations as OwnershipApiOperations,
  components as OwnershipApiComponents,
  ErrorBody as OwnershipErrorBody,
  OwnershipProblemKind,
  OwnershipProblem,
  ChatLink,
  Contact,
  OncallAnnotation,
  CodeownersInfo,
  OwnerInfo,
  EntityOwnership,
  TeamOwnership,
  ProblemEntry,
  ProblemLists,
  OwnershipCoverage,
} from './schema/openapi/generated/types';

/** The kinds of ownership problem the plugin reports, one list each. */
export const OWNERSHIP_PROBLEM_KINDS = [
  'owner-missing',
  'owner-malformed',
  'owner-unresolved',
  'owner-is-user',
  'owner-not-group',
  'group-without-members',
  'group-without-parent',
  'no-oncall',
  'codeowners-missing',
  'codeowners-mismatch',
  'orphan',
] as const satisfies readonly OwnershipProblemKind[];

/** Headings of the problem lists, in display order. */
export const PROBLEM_TITLES: Record<OwnershipProblemKind, string> = {
  'owner-missing': 'No owner',
  'owner-malformed': 'Malformed owner reference',
  'owner-unresolved': 'Owner not in the catalog',
  'owner-is-user': 'Owned by a person, not a team',
  'owner-not-group': 'Owner is not a group',
  'group-without-members': 'Owning group has no members',
  'group-without-parent': 'Owning group has no parent',
  'no-oncall': 'No on-call',
  'codeowners-missing': 'No CODEOWNERS',
  'codeowners-mismatch': 'CODEOWNERS names someone else',
  orphan: 'Orphaned in the catalog',
};
