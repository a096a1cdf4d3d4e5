import {
  CheckResult,
  DimensionScore,
  Evidence,
  FactSet,
  LevelNumber,
} from '@cloud-native-portal/plugin-maturity-common';

/** The catalog fields stored beside a score, for roll-ups and filters. */
export interface ScoredEntityInfo {
  entityRef: string;
  kind: string;
  title?: string;
  ownerRef?: string;
  systemRef?: string;
  domainRef?: string;
  lifecycle?: string;
  type?: string;
  tier?: number;
  tags: string[];
}

/** One entity's evaluation, ready to store. */
export interface EntityEvaluation {
  entity: ScoredEntityInfo;
  level: LevelNumber;
  score: number;
  dimensions: DimensionScore[];
  results: CheckResult[];
  modelVersion: string;
  /** Tracked numeric facts kept in the history (e.g. zeroTrust.score). */
  metrics?: Record<string, number>;
  /** Per dimension, the ids of its failing and unknown checks. */
  dimensionChecks?: Record<string, { failing: string[]; unknown: string[] }>;
  /**
   * Hash of what the evaluation read (facts, waivers, catalog fields, model);
   * a later cycle skips the entity while it stays the same.
   */
  inputHash?: string;
}

/** What a cycle needs to know to skip an entity that did not change. */
export interface EvaluationState {
  /** The input hash of the entity's last evaluation, if it stored one. */
  inputHash?: string;
  /** When the entity's last history point was written. */
  snapshotAt?: Date;
}

/** A stored entity score with its catalog fields. */
export interface StoredEntityScore extends ScoredEntityInfo {
  level: LevelNumber;
  score: number;
  dimensions: DimensionScore[];
  modelVersion: string;
  evaluatedAt: string;
}

/** One point of an entity's history. */
export interface ScoreSnapshot {
  level: LevelNumber;
  score: number;
  /** Level per dimension id. */
  dimensions: Record<string, number>;
  /** Tracked numeric facts at that run. */
  metrics: Record<string, number>;
  modelVersion: string;
  createdAt: string;
}

/** A waiver as stored. */
export interface Waiver {
  id: string;
  entityRef: string;
  checkId: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  revokedBy?: string;
  /** Active: not revoked and not yet expired. */
  active: boolean;
}

/** One audit row of a waiver change. */
export interface WaiverAuditEntry {
  waiverId: string;
  action: 'created' | 'revoked';
  actor: string;
  at: string;
}

/** Filters shared by roll-ups and lists. */
export interface EntityFilters {
  kind?: string;
  /** Owner group ref: entities owned by it or any group below it. */
  owner?: string;
  system?: string;
  domain?: string;
  lifecycle?: string;
  tag?: string;
  /** spec.type, e.g. service. */
  type?: string;
  /** Tier annotation (1 = critical). */
  tier?: number;
  /**
   * Only these entities (lowercase refs): the ones a user may read under a
   * conditional read decision. Set by the API, never taken from a request.
   */
  entityRefs?: string[];
}

/** How roll-ups are grouped. */
export type RollupGroupBy = 'owner' | 'system' | 'domain';

/** One group of a roll-up. */
export interface Rollup {
  /** The owner group, system or domain ref (or `none`). */
  key: string;
  /** Scored entities of the group, evaluated or not. */
  entityCount: number;
  /**
   * Entities of `entityCount` with no evaluated dimension: none of their
   * checks could be measured. They have no level or score to roll up.
   */
  notEvaluatedCount: number;
  /** Over the evaluated entities; null when none is. */
  averageScore: number | null;
  /** Evaluated entities per overall level, keys 1..5. */
  levels: Record<string, number>;
  /** Per dimension: entities per level and the average dimension score. */
  dimensions: Record<
    string,
    { levels: Record<string, number>; averageScore: number }
  >;
}

/** A page of results. */
export interface Page<T> {
  items: T[];
  totalCount: number;
  limit: number;
  offset: number;
}

/** A check's failure count across entities. */
export interface FailingCheckCount {
  checkId: string;
  failing: number;
  unknown: number;
}

/** One period of a trend. */
export interface TrendPoint {
  /** Start of the period (ISO date). */
  period: string;
  averageScore: number;
  levels: Record<string, number>;
  /**
   * Entities with an evaluated dimension at the end of the period. One whose
   * last history point has none is left out, never counted as level 1.
   */
  entityCount: number;
}

/** The length of a trend's periods. */
export type TrendInterval = 'day' | 'week' | 'month';

/** A campaign: a dimension level to reach by a deadline. */
export interface Campaign {
  id: string;
  title: string;
  description?: string;
  dimension: string;
  targetLevel: number;
  /** YYYY-MM-DD */
  deadline: string;
  filters: EntityFilters;
  createdBy: string;
  createdAt: string;
}

/** The latest snapshot at or before a point in time. */
export interface SnapshotAt {
  entityRef: string;
  level: number;
  score: number;
  dimensions: Record<string, number>;
  /** Tracked numeric facts, when asked for. */
  metrics?: Record<string, number>;
  createdAt: string;
}

/** One entity's fact sets, with their serialised payloads when at hand. */
export interface FactEntry {
  entityRef: string;
  factSets: FactSet[];
  /** Each set as JSON, in the same order; serialised by the store if absent. */
  payloads?: string[];
}

/** An entity that fails a check, or whose result for it is unknown. */
export interface CheckShortfall {
  entityRef: string;
  title?: string;
  ownerRef?: string;
  result: 'fail' | 'unknown';
}

/** Persistence of the maturity engine. */
export interface MaturityStore {
  /**
   * Upserts facts per entity and collector, in one transaction. `payloads`,
   * when given, are the fact sets already serialised as JSON, in order.
   */
  saveFacts(entries: FactEntry[]): Promise<void>;
  getFacts(entityRefs: string[]): Promise<Map<string, FactSet[]>>;
  listFactEntityRefs(): Promise<string[]>;

  /** Stores latest results and scores and, when `snapshot`, appends history. */
  saveEvaluations(
    evaluations: EntityEvaluation[],
    options: {
      at: Date;
      snapshot: boolean;
      /** Facts to store in the same transaction (as {@link saveFacts}). */
      facts?: FactEntry[];
    },
  ): Promise<void>;
  /** Per stored entity, its input hash and the time of its last history point. */
  getEvaluationStates(
    entityRefs: string[],
  ): Promise<Map<string, EvaluationState>>;
  /**
   * Copies the last history point of each entity to `at`: a cycle that
   * skipped them because nothing changed still keeps one point a day. Their
   * scores stand, with the `evaluatedAt` of their last evaluation.
   */
  carryForwardSnapshots(entityRefs: string[], at: Date): Promise<void>;
  getEntityScore(entityRef: string): Promise<StoredEntityScore | undefined>;
  getCheckResults(entityRef: string): Promise<CheckResult[]>;
  /** Each entity's stored check results; entities without any are absent. */
  getCheckResultsOf(entityRefs: string[]): Promise<Map<string, CheckResult[]>>;
  /**
   * Per entity, the ids of its failing and of its unknown checks as last
   * stored (from the per-dimension lists); entities with no evaluated
   * dimension are absent.
   */
  getCheckLists(
    entityRefs: string[],
  ): Promise<Map<string, { failing: string[]; unknown: string[] }>>;
  /**
   * Per entity, the ids of its failing and unknown checks together, as last
   * stored: one row per entity, for the comparison of every evaluated page.
   * Entities with no evaluated dimension are absent.
   */
  getFailingOrUnknownChecks(
    entityRefs: string[],
  ): Promise<Map<string, string[]>>;
  listEntityScores(
    filters: EntityFilters,
    page: { limit: number; offset: number },
  ): Promise<Page<StoredEntityScore>>;
  getHistory(
    entityRef: string,
    range: { from?: Date; to?: Date; limit: number },
  ): Promise<ScoreSnapshot[]>;
  pruneSnapshots(olderThan: Date): Promise<number>;
  /** Removes everything stored for entities no longer in the catalog. */
  deleteEntities(entityRefs: string[]): Promise<void>;
  listScoredEntityRefs(): Promise<string[]>;

  replaceGroupClosure(
    rows: Array<{ ancestor: string; descendant: string; depth: number }>,
  ): Promise<void>;
  getRollups(options: {
    groupBy: RollupGroupBy;
    filters: EntityFilters;
    limit: number;
    offset: number;
  }): Promise<Page<Rollup>>;
  getFailingChecks(
    filters: EntityFilters,
    limit: number,
  ): Promise<FailingCheckCount[]>;
  /**
   * Average score and level distribution per period from `from` to now; each
   * entity counts with its last snapshot at or before the end of a period.
   */
  getTrends(options: {
    filters: EntityFilters;
    from: Date;
    interval: TrendInterval;
  }): Promise<TrendPoint[]>;

  createWaiver(waiver: {
    entityRef: string;
    checkId: string;
    reason: string;
    createdBy: string;
    expiresAt: Date;
  }): Promise<Waiver>;
  listWaivers(options: {
    entityRef?: string;
    includeInactive?: boolean;
  }): Promise<Waiver[]>;
  getWaiver(id: string): Promise<Waiver | undefined>;

  /** Per group, itself and every group above it in the hierarchy. */
  getAncestors(groupRefs: string[]): Promise<Map<string, string[]>>;
  /** Every scored entity matching the filters (no paging; for aggregates). */
  listAllEntityScores(filters: EntityFilters): Promise<StoredEntityScore[]>;
  /** Facts of one collector for the given entities. */
  getCollectorFacts(
    collector: string,
    entityRefs: string[],
  ): Promise<Map<string, FactSet>>;
  /**
   * Per entity, the last snapshot at or before `at`; with `metrics`, the
   * tracked facts it recorded too.
   */
  getSnapshotsAt(
    entityRefs: string[],
    at: Date,
    options?: { metrics?: boolean },
  ): Promise<Map<string, SnapshotAt>>;
  /** The earliest snapshot of any of the given entities; undefined without history. */
  getFirstSnapshotTime(entityRefs: string[]): Promise<Date | undefined>;
  /** Snapshots of the given entities since `from`, oldest first. */
  getSnapshotsSince(
    entityRefs: string[],
    from: Date,
  ): Promise<Array<SnapshotAt & { createdAtMs: number }>>;

  createCampaign(
    campaign: Omit<Campaign, 'id' | 'createdAt'>,
  ): Promise<Campaign>;
  listCampaigns(): Promise<Campaign[]>;
  getCampaign(id: string): Promise<Campaign | undefined>;
  deleteCampaign(id: string): Promise<void>;
  revokeWaiver(id: string, actor: string): Promise<Waiver>;
  getWaiverAudit(waiverId: string): Promise<WaiverAuditEntry[]>;
  /** Active waivers per entity: check ids. */
  getActiveWaivers(entityRefs: string[]): Promise<Map<string, Set<string>>>;
  /**
   * The scored entities that fail a check, or whose result for it is
   * unknown, within the filters; from the per-dimension lists of failing and
   * unknown checks.
   */
  listCheckShortfalls(
    check: { id: string; dimension: string },
    filters: EntityFilters,
  ): Promise<CheckShortfall[]>;
}

/** Evidence re-export for store users. */
export type { Evidence };
