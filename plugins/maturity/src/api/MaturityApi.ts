import { createApiRef } from '@backstage/core-plugin-api';
import type {
  Campaign,
  CampaignDetail,
  CycleStartResponse,
  CycleStatus,
  EntityReport,
  EntityScorePage,
  FactEntityPage,
  FactSet,
  FactSummary,
  FactSummaryGroupBy,
  FailingCheck,
  FleetCandidates,
  FleetRun,
  FleetRunSummary,
  HistoryResponse,
  MaturityFilters,
  MaturityGroupBy,
  ModelResponse,
  NewCampaign,
  NewFleetRun,
  NewWaiver,
  ReviewResponse,
  Risk,
  RollupPage,
  TrendInterval,
  TrendPoint,
  Waiver,
} from './types';

/** Pagination of list requests. */
export interface Paging {
  limit?: number;
  offset?: number;
}

/**
 * The browser client of the maturity REST API (mounted at /api/maturity).
 * Its types are generated from the API's definition, maturity-backend's
 * `src/schema/openapi.yaml`.
 */
export interface MaturityApi {
  /** GET /model */
  getModel(): Promise<ModelResponse>;
  /** GET /entity/:kind/:namespace/:name */
  getEntityReport(entityRef: string): Promise<EntityReport>;
  /** GET /entity/:kind/:namespace/:name/history */
  getHistory(
    entityRef: string,
    range?: { from?: string; to?: string; limit?: number },
  ): Promise<HistoryResponse>;
  /** GET /entity/:kind/:namespace/:name/facts: every collector's fact set, with evidence. */
  getEntityFacts(entityRef: string): Promise<{ items: FactSet[] }>;
  /** GET /facts/summary: a numeric fact per owner group (with descendants) or system. */
  getFactSummary(options: {
    collector: string;
    fact: string;
    groupBy?: FactSummaryGroupBy;
    filters?: MaturityFilters;
  }): Promise<{ items: FactSummary[] }>;
  /** GET /facts/entities: entities with a value for a fact (optionally compared), paginated. */
  listEntitiesByFact(
    options: {
      collector: string;
      fact: string;
      op?: 'gt' | 'gte' | 'lt' | 'lte' | 'eq';
      value?: string;
      filters?: MaturityFilters;
    },
    paging?: Paging,
  ): Promise<FactEntityPage>;
  /** POST /entity/:kind/:namespace/:name/refresh */
  refreshEntity(entityRef: string): Promise<EntityReport>;
  /** POST /cycles: starts a whole evaluation cycle now. */
  startCycle(): Promise<CycleStartResponse>;
  /** GET /cycles/current */
  getCurrentCycle(): Promise<CycleStatus>;
  /** GET /entities */
  listEntities(
    filters?: MaturityFilters,
    paging?: Paging,
  ): Promise<EntityScorePage>;
  /** GET /rollups */
  getRollups(
    groupBy: MaturityGroupBy,
    filters?: MaturityFilters,
    paging?: Paging,
  ): Promise<RollupPage>;
  /** GET /trends */
  getTrends(options: {
    filters?: MaturityFilters;
    from?: string;
    interval?: TrendInterval;
  }): Promise<{ items: TrendPoint[] }>;
  /** GET /checks/failing */
  getFailingChecks(
    filters?: MaturityFilters,
    limit?: number,
  ): Promise<{ items: FailingCheck[] }>;
  /** GET /risks */
  getRisks(systemRef: string): Promise<{ items: Risk[] }>;
  /** GET /review?system= (or ?domain= for a domain ref) */
  getReview(ref: string, since: string): Promise<ReviewResponse>;
  /** GET /waivers (active ones) */
  listWaivers(entityRef: string): Promise<{ items: Waiver[] }>;
  /** POST /waivers */
  createWaiver(waiver: NewWaiver): Promise<Waiver>;
  /** DELETE /waivers/:id */
  revokeWaiver(id: string): Promise<Waiver>;
  /** GET /campaigns */
  listCampaigns(): Promise<{ items: Campaign[] }>;
  /** GET /campaigns/:id */
  getCampaign(id: string): Promise<CampaignDetail>;
  /** POST /campaigns */
  createCampaign(campaign: NewCampaign): Promise<Campaign>;
  /** DELETE /campaigns/:id */
  deleteCampaign(id: string): Promise<void>;
  /**
   * POST /campaigns/:id/notify: tells each team with services short of the
   * goal, once per team.
   */
  notifyCampaignOwners(id: string): Promise<{
    items: Array<{ owner: string; entityCount: number }>;
    unowned: number;
  }>;
  /**
   * GET /fleet/checks/:checkId/candidates: the services a check's fix could
   * be proposed to, each with where its fix stands.
   */
  getFleetCandidates(
    checkId: string,
    filters?: Pick<MaturityFilters, 'owner' | 'system' | 'domain'>,
  ): Promise<FleetCandidates>;
  /** GET /fleet/runs: fleet actions, newest first (the audit trail). */
  listFleetRuns(options?: {
    checkId?: string;
    limit?: number;
  }): Promise<{ items: FleetRunSummary[] }>;
  /**
   * POST /fleet/runs: starts opening (or previewing) one fix pull request per
   * service; answers the started run, to be polled with {@link MaturityApi.getFleetRun}.
   */
  createFleetRun(run: NewFleetRun): Promise<FleetRun>;
  /** GET /fleet/runs/:id: a fleet action with each repository's result. */
  getFleetRun(id: string): Promise<FleetRun>;
}

/** The API reference of {@link MaturityApi}. */
export const maturityApiRef = createApiRef<MaturityApi>({
  id: 'plugin.maturity.api',
});
