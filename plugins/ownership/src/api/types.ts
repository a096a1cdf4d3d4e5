/** The kinds of ownership problem the backend reports. */
export type OwnershipProblemKind =
  | 'owner-missing'
  | 'owner-malformed'
  | 'owner-unresolved'
  | 'owner-is-user'
  | 'owner-not-group'
  | 'group-without-members'
  | 'group-without-parent'
  | 'no-oncall'
  | 'codeowners-missing'
  | 'codeowners-mismatch'
  | 'orphan';

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

/** A problem in plain words, with its fix. */
export interface OwnershipProblem {
  kind: OwnershipProblemKind;
  message: string;
  fix: string;
  fixTemplateRef?: string;
}

/** A chat link or handle. */
export interface ChatLink {
  title: string;
  url: string;
}

/** A group or user and how to reach it. */
export interface Contact {
  entityRef: string;
  name: string;
  title?: string;
  email?: string;
  chat: ChatLink[];
}

/** An on-call annotation of the entity or its owner. */
export interface OncallAnnotation {
  source: 'entity' | 'owner';
  provider: 'PagerDuty' | 'Opsgenie';
  annotation: string;
  value: string;
}

/** One entity's ownership, as served by `GET /entity/:kind/:namespace/:name`. */
export interface EntityOwnership {
  entityRef: string;
  kind: string;
  title: string;
  rawOwner: string | null;
  ownerRef: string | null;
  owner?: Contact & {
    kind: string;
    parentChain: Contact[];
    members: Contact[];
  };
  oncall: OncallAnnotation[];
  codeowners: {
    status: 'present' | 'absent' | 'unknown';
    path?: string;
    defaultOwners: string[];
    errors: Array<{ line: number; message: string }>;
    matchesOwner?: boolean;
    reason?: string;
  };
  validGroupOwner: boolean;
  problems: OwnershipProblem[];
}

/** One group's ownership counts. */
export interface TeamOwnership {
  groupRef: string;
  title: string;
  parentRef: string | null;
  depth: number;
  memberCount: number;
  direct: number;
  total: number;
  descendantGroups: string[];
  problemCount: number;
}

/** One entry of a problem list. */
export interface ProblemEntry {
  entityRef: string;
  title: string;
  rawOwner: string | null;
  message: string;
}

/** Coverage of the whole catalog, as served by `GET /coverage`. */
export interface OwnershipCoverage {
  generatedAt: string;
  total: number;
  validGroupOwner: number;
  percentage: number | null;
  problems: Record<OwnershipProblemKind, ProblemEntry[]>;
  teams: TeamOwnership[];
}
