/*
 * The maturity API's types, by the names the UI uses. Every shape comes from
 * the types generated from the API's one definition, maturity-backend's
 * `src/schema/openapi.yaml` (see src/schema/openapi/generated/types.ts); none
 * is written here by hand.
 */
import type {
  EntityFilters,
  operations,
} from '../schema/openapi/generated/types';

export type {
  Campaign,
  CampaignDetail,
  CheckReport,
  Decomposition,
  DimensionReport,
  EntityReport,
  EntityScoreItem,
  EntityScorePage,
  FailingCheck,
  FactEntity,
  FactSet,
  FactStatusCount,
  FactSummary,
  HistoryPoint,
  HistoryResponse,
  ModelResponse,
  NewCampaign,
  NewWaiver,
  ReviewComponent,
  ReviewResponse,
  Risk,
  Rollup,
  RollupPage,
  TrendPoint,
  Waiver,
  WaiverAuditEntry,
} from '../schema/openapi/generated/types';

/** Filters shared by the list, roll-up, trend and failing-check requests. */
export type MaturityFilters = EntityFilters;

/** Which entities a campaign targets. */
export type CampaignFilters = EntityFilters;

/** How roll-ups are grouped (the `groupBy` of GET /rollups). */
export type MaturityGroupBy = NonNullable<
  NonNullable<operations['getRollups']['parameters']['query']>['groupBy']
>;

/** The length of a trend's periods (the `interval` of GET /trends). */
export type TrendInterval = NonNullable<
  NonNullable<operations['getTrends']['parameters']['query']>['interval']
>;
