/*
 * The maturity API's types, by the names the UI uses. Every shape comes from
 * the types generated from the API's one definition, maturity-backend's
 * `src/schema/openapi.yaml` (generated into maturity-common as `MaturityApiSchema`); none
 * is written here by hand.
 */
import type { MaturityApiSchema } from '@cloud-native-portal/plugin-maturity-common';

type EntityFilters = MaturityApiSchema.EntityFilters;
type operations = MaturityApiSchema.operations;

export type Campaign = MaturityApiSchema.Campaign;
export type CampaignDetail = MaturityApiSchema.CampaignDetail;
export type CheckReport = MaturityApiSchema.CheckReport;
export type CycleStartResponse = MaturityApiSchema.CycleStartResponse;
export type CycleStatus = MaturityApiSchema.CycleStatus;
export type Decomposition = MaturityApiSchema.Decomposition;
export type DimensionReport = MaturityApiSchema.DimensionReport;
export type EntityReport = MaturityApiSchema.EntityReport;
export type EntityScoreItem = MaturityApiSchema.EntityScoreItem;
export type EntityScorePage = MaturityApiSchema.EntityScorePage;
export type FailingCheck = MaturityApiSchema.FailingCheck;
export type FactEntity = MaturityApiSchema.FactEntity;
export type FactSet = MaturityApiSchema.FactSet;
export type FactStatusCount = MaturityApiSchema.FactStatusCount;
export type FactSummary = MaturityApiSchema.FactSummary;
export type FleetCandidate = MaturityApiSchema.FleetCandidate;
export type FleetCandidates = MaturityApiSchema.FleetCandidates;
export type FleetFixState = MaturityApiSchema.FleetFixState;
export type FleetRun = MaturityApiSchema.FleetRun;
export type FleetRunItem = MaturityApiSchema.FleetRunItem;
export type FleetRunSummary = MaturityApiSchema.FleetRunSummary;
export type HistoryPoint = MaturityApiSchema.HistoryPoint;
export type HistoryResponse = MaturityApiSchema.HistoryResponse;
export type ModelResponse = MaturityApiSchema.ModelResponse;
export type NewCampaign = MaturityApiSchema.NewCampaign;
export type NewFleetRun = MaturityApiSchema.NewFleetRun;
export type NewWaiver = MaturityApiSchema.NewWaiver;
export type ReviewComponent = MaturityApiSchema.ReviewComponent;
export type ReviewResponse = MaturityApiSchema.ReviewResponse;
export type Risk = MaturityApiSchema.Risk;
export type Rollup = MaturityApiSchema.Rollup;
export type RollupPage = MaturityApiSchema.RollupPage;
export type TrendPoint = MaturityApiSchema.TrendPoint;
export type Waiver = MaturityApiSchema.Waiver;
export type WaiverAuditEntry = MaturityApiSchema.WaiverAuditEntry;

/** Filters shared by the list, roll-up, trend and failing-check requests. */
export type MaturityFilters = EntityFilters;

/** Which entities a campaign targets. */
export type CampaignFilters = EntityFilters;

/** How roll-ups are grouped (the `groupBy` of GET /rollups). */
export type MaturityGroupBy = NonNullable<
  NonNullable<operations['getRollups']['parameters']['query']>['groupBy']
>;

/** How a fact summary is grouped (the `groupBy` of GET /facts/summary). */
export type FactSummaryGroupBy = NonNullable<
  NonNullable<operations['getFactSummary']['parameters']['query']>['groupBy']
>;

/** A page of GET /facts/entities. */
export type FactEntityPage =
  operations['listEntitiesByFact']['responses']['200']['content']['application/json'];

/** The length of a trend's periods (the `interval` of GET /trends). */
export type TrendInterval = NonNullable<
  NonNullable<operations['getTrends']['parameters']['query']>['interval']
>;
