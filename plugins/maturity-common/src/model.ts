import { Evidence } from './facts';

/**
 * A rule over facts, in the model's small declarative language. Exactly one
 * form per object:
 * - `{ all: Rule[] }`, `{ any: Rule[] }`, `{ not: Rule }`;
 * - `{ fact, <operator>: value }` with one operator: `equals`, `notEquals`,
 *   `greaterThan`, `greaterThanOrEqual`, `lessThan`, `lessThanOrEqual`,
 *   `in` (value is one of a list), `contains` (array or string contains value),
 *   `exists` (true: the fact has a non-null value; false: it has none);
 * - `{ count: fact, <numeric operator>: n }`: the length of an array fact.
 */
export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | FactCondition
  | CountCondition;

/** Comparison operators usable on a fact. */
export type ComparisonOperator =
  | 'equals'
  | 'notEquals'
  | 'greaterThan'
  | 'greaterThanOrEqual'
  | 'lessThan'
  | 'lessThanOrEqual'
  | 'in'
  | 'contains'
  | 'exists';

/** `{ fact: 'repo.dockerfile.present', equals: true }` */
export type FactCondition = { fact: string } & Partial<
  Record<ComparisonOperator, unknown>
>;

/** `{ count: 'repo.manifests.kinds', greaterThanOrEqual: 1 }` */
export type CountCondition = { count: string } & Partial<
  Record<
    | 'equals'
    | 'greaterThan'
    | 'greaterThanOrEqual'
    | 'lessThan'
    | 'lessThanOrEqual',
    number
  >
>;

/** Maturity levels, 1 (Traditional) to 5 (Self-healing). */
export type LevelNumber = 1 | 2 | 3 | 4 | 5;

/** A level's name and meaning. */
export interface LevelDefinition {
  level: LevelNumber;
  name: string;
  description: string;
}

/** A dimension of maturity, e.g. Delivery (GitOps). */
export interface DimensionDefinition {
  id: string;
  title: string;
  description: string;
  /** Weight in the entity's 0-100 score. */
  weight: number;
}

/** How much work a check's fix takes; orders next steps after weight. */
export type Effort = 'small' | 'medium' | 'large';

/** A software template that fixes a failing check. */
export interface FixTemplate {
  /** Template entity ref, e.g. `template:default/adopt-gitops`. */
  ref: string;
  /** Values to prefill; `${{ entity.* }}` placeholders are filled per entity. */
  values?: Record<string, string>;
}

/** One check of the model. */
export interface CheckDefinition {
  /** Stable id, unique in the model, e.g. `delivery-gitops`. */
  id: string;
  dimension: string;
  /** The level this check gates (2..5). */
  level: Exclude<LevelNumber, 1>;
  title: string;
  /** One line: why it matters. */
  why: string;
  /** How to fix it. */
  how: string;
  /** Weight within its dimension's score (1..10). */
  weight: number;
  effort: Effort;
  /** The kind of evidence read: catalog, repo, toil, ops, ownership, security. */
  evidence: 'catalog' | 'repo' | 'toil' | 'ops' | 'ownership' | 'security';
  rule: Rule;
  /** When set and false, the check is not applicable to the entity. */
  applicableWhen?: Rule;
  fixTemplate?: FixTemplate;
  /** A guide URL. */
  guide?: string;
}

/** A versioned maturity model: declarative data, never code. */
export interface MaturityModel {
  id: string;
  version: string;
  title: string;
  description?: string;
  levels: LevelDefinition[];
  dimensions: DimensionDefinition[];
  checks: CheckDefinition[];
  /**
   * Fact collectors whose facts the model may reference without them being
   * installed; their checks evaluate as unknown until they are.
   */
  optionalCollectors?: string[];
}

/** The outcome of one check for one entity. */
export type CheckStatus =
  | 'pass'
  | 'fail'
  | 'unknown'
  | 'not-applicable'
  | 'waived';

/** One check's stored result. */
export interface CheckResult {
  checkId: string;
  status: CheckStatus;
  /** Why the result is unknown, not applicable or waived. */
  reason?: string;
  evidence: Evidence[];
}

/**
 * Whether a dimension could be scored: `not-evaluated` when none of its
 * checks was measured (every one unknown or not applicable), so no level can
 * be claimed either way.
 */
export type DimensionStatus = 'evaluated' | 'not-evaluated';

/** A dimension's level and score for one entity. */
export interface DimensionScore {
  dimension: string;
  /**
   * The highest level demonstrated by measured checks; null when the
   * dimension is not evaluated.
   */
  level: LevelNumber | null;
  /**
   * `not-evaluated` when no check of the dimension was measured. Scores
   * stored before this field existed have no status: read them as evaluated.
   */
  status?: DimensionStatus;
  /** 0-100 over the dimension's measured, applicable checks; null when not evaluated. */
  score: number | null;
  /** Checks that were measured and fail at level + 1, and so block it. */
  blockingChecks: string[];
  /** Checks of the dimension whose result is known (not unknown). */
  measuredChecks?: number;
  /** Checks of the dimension in the model. */
  totalChecks?: number;
}

/** How many of the model's checks were measured for an entity. */
export interface ScoreCoverage {
  /** Checks whose result is pass, fail, waived or not applicable. */
  measured: number;
  /** Checks in the model. */
  total: number;
}

/** An entity's overall maturity. */
export interface EntityScore {
  /** Lowest level among evaluated dimensions; 1 when none is evaluated. */
  level: LevelNumber;
  /** Weighted 0-100 score over evaluated dimensions; 0 when none is. */
  score: number;
  dimensions: DimensionScore[];
  /** How many checks the level and score rest on. */
  coverage?: ScoreCoverage;
}
