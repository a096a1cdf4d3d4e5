import { FactValue } from '@cloud-native-portal/plugin-maturity-common';

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
] as const;

/** One kind of ownership problem. */
export type OwnershipProblemKind = (typeof OWNERSHIP_PROBLEM_KINDS)[number];

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

/** A problem in plain words, with how to fix it. */
export interface OwnershipProblem {
  kind: OwnershipProblemKind;
  /** What is wrong, in plain words. */
  message: string;
  /** How to fix it, in plain words. */
  fix: string;
  /** A Software Template that opens a pull request fixing it, when one applies. */
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

/** What the repository's CODEOWNERS says, when it could be read. */
export interface CodeownersInfo {
  status: 'present' | 'absent' | 'unknown';
  path?: string;
  /** Owners of the rule covering the whole repository. */
  defaultOwners: string[];
  /** Lines skipped for invalid syntax. */
  errors: Array<{ line: number; message: string }>;
  /** Whether the default owners name the catalog owner or its members. */
  matchesOwner?: boolean;
  /** Why the status is unknown. */
  reason?: string;
}

/** The owner resolved from `spec.owner`. */
export interface OwnerInfo extends Contact {
  kind: string;
  /** Parent groups, nearest first; stops at a cycle. */
  parentChain: Contact[];
  members: Contact[];
}

/** Everything the plugin knows about one entity's ownership. */
export interface EntityOwnership {
  entityRef: string;
  kind: string;
  title: string;
  /** `spec.owner` as written, or null when absent. */
  rawOwner: string | null;
  /** `spec.owner` as a full entity ref; null when missing or malformed. */
  ownerRef: string | null;
  /** The resolved owner, when it is in the catalog. */
  owner?: OwnerInfo;
  oncall: OncallAnnotation[];
  codeowners: CodeownersInfo;
  /** The owner is a Group that exists. */
  validGroupOwner: boolean;
  problems: OwnershipProblem[];
  /** The ownership facts the maturity engine stores, plus the two below. */
  facts: Record<string, FactValue>;
}

/** Ownership counts of one group. */
export interface TeamOwnership {
  groupRef: string;
  title: string;
  parentRef: string | null;
  /** Distance from the top of the hierarchy (0 for a root group). */
  depth: number;
  memberCount: number;
  /** Entities whose owner is this group. */
  direct: number;
  /** Entities owned by this group or any group below it. */
  total: number;
  /** Groups below this one, at any depth. */
  descendantGroups: string[];
  /** Problems of the entities it owns directly. */
  problemCount: number;
}

/** One entry of a problem list. */
export interface ProblemEntry {
  entityRef: string;
  title: string;
  rawOwner: string | null;
  message: string;
}

/** Ownership coverage of the whole catalog. */
export interface OwnershipCoverage {
  generatedAt: string;
  /** Entities checked. */
  total: number;
  /** Entities whose owner is a Group that exists. */
  validGroupOwner: number;
  /** validGroupOwner / total × 100, one decimal; null when there are none. */
  percentage: number | null;
  problems: Record<OwnershipProblemKind, ProblemEntry[]>;
  teams: TeamOwnership[];
}
