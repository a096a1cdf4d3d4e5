import type {
  CheckStatus,
  DimensionScore,
  Effort,
  Evidence,
  FixTemplate,
  LevelNumber,
  MaturityModel,
} from '@cloud-native-portal/plugin-maturity-common';

/** Filters shared by the list, roll-up, trend and failing-check requests. */
export interface MaturityFilters {
  kind?: string;
  owner?: string;
  system?: string;
  domain?: string;
  lifecycle?: string;
  tag?: string;
}

/** How roll-ups and trends are grouped. */
export type MaturityGroupBy = 'owner' | 'system' | 'domain';

/** A check's result joined with its definition, as GET /entity returns it. */
export interface CheckReport {
  checkId: string;
  status: CheckStatus;
  reason?: string;
  evidence: Evidence[];
  title: string;
  dimension: string;
  level: number;
  why?: string;
  how?: string;
  weight?: number;
  effort?: Effort;
  fixTemplate?: FixTemplate;
  guide?: string;
}

/** A dimension's level with its display names. */
export interface DimensionReport extends DimensionScore {
  title?: string;
  levelName?: string;
}

/** A waiver of one check for one entity. */
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
  active: boolean;
}

/** An entity's scorecard (GET /entity/:kind/:namespace/:name). */
export interface EntityReport {
  entityRef: string;
  title?: string;
  modelId?: string;
  modelVersion?: string;
  evaluatedAt?: string;
  level: LevelNumber;
  levelName: string;
  score: number;
  dimensions: DimensionReport[];
  checks: CheckReport[];
  nextSteps: CheckReport[];
  waivers: Waiver[];
}

/** One point of an entity's history. */
export interface HistoryPoint {
  level: number;
  score: number;
  dimensions: Record<string, number>;
  metrics?: Record<string, number>;
  modelVersion: string;
  createdAt: string;
}

/** The model in force and the installed collectors (GET /model). */
export interface ModelResponse {
  model: MaturityModel;
  installedCollectors: string[];
}

/** One entity's latest score (GET /entities). */
export interface EntityScoreItem {
  entityRef: string;
  kind: string;
  title?: string;
  ownerRef?: string;
  systemRef?: string;
  domainRef?: string;
  lifecycle?: string;
  type?: string;
  tags?: string[];
  level: number;
  score: number;
  dimensions: DimensionScore[];
  modelVersion?: string;
  evaluatedAt?: string;
}

/** A page of results. */
export interface PageOf<T> {
  items: T[];
  totalCount: number;
}

/** One group of a roll-up (GET /rollups). */
export interface Rollup {
  key: string;
  entityCount: number;
  averageScore: number;
  levels: Record<string, number>;
  dimensions: Record<
    string,
    { levels: Record<string, number>; averageScore: number }
  >;
}

/** A check that fails across entities (GET /checks/failing). */
export interface FailingCheck {
  checkId: string;
  title: string;
  dimension?: string;
  level?: number;
  failing: number;
  unknown: number;
}

/** An architecture anti-pattern found in a system (GET /risks). */
export interface Risk {
  id: string;
  title: string;
  severity: 'high' | 'medium';
  entities: string[];
  detail?: string;
  guidance?: string;
  evidence?: Evidence[];
}

/** One period of a trend (GET /trends). */
export interface TrendPoint {
  period: string;
  averageScore: number;
  levels: Record<string, number>;
  entityCount: number;
}

/** A component in the review view, with its levels then and now. */
export interface ReviewComponent {
  entityRef: string;
  title?: string;
  type?: string;
  ownerRef?: string;
  level: number;
  score: number;
  dimensions: Array<{ dimension: string; level: number; score: number }>;
  before: {
    level: number;
    score: number;
    dimensions: Record<string, number>;
  } | null;
}

/** A monolith's decomposition progress. */
export interface Decomposition {
  monolith: string;
  title?: string;
  capabilities: Array<{
    name: string;
    extractedTo?: string;
    extractedAt?: string;
  }>;
  remaining: string[];
}

/** The architecture review of a system or domain (GET /review). */
export interface ReviewResponse {
  system: string;
  since: string;
  components: ReviewComponent[];
  decomposition: Decomposition[];
  risks: Risk[];
  topFailingChecks: FailingCheck[];
}

/** Which entities a campaign targets. */
export interface CampaignFilters {
  kind?: string;
  lifecycle?: string;
  type?: string;
  tag?: string;
  system?: string;
  owner?: string;
  tier?: number;
}

/** A named goal: entities at a dimension level by a deadline. */
export interface Campaign {
  id: string;
  title: string;
  description?: string;
  dimension: string;
  targetLevel: number;
  deadline: string;
  filters: CampaignFilters;
  createdBy: string;
  createdAt: string;
  progress: { total: number; met: number; percent: number };
}

/** A campaign with the entities still short and the owners to nudge. */
export interface CampaignDetail extends Campaign {
  entitiesShort: Array<{
    entityRef: string;
    title?: string;
    ownerRef?: string;
    level: number;
    blockingChecks: string[];
  }>;
  owners: Array<{ ownerRef: string; count: number }>;
}

/** The body of POST /campaigns. */
export interface NewCampaign {
  title: string;
  description?: string;
  dimension: string;
  targetLevel: number;
  deadline: string;
  filters: CampaignFilters;
}
