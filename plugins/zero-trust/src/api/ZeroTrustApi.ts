import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  ControlStatusCount,
  EntityPosture,
  FactEntityPage,
  PostureSummaryRow,
  ScoreHistoryPoint,
} from './types';

/** Reads zero-trust posture from the maturity REST API. */
export interface ZeroTrustApi {
  /** The entity's posture; undefined when it has not been scanned yet. */
  getEntityPosture(
    entity: CompoundEntityRef,
  ): Promise<EntityPosture | undefined>;
  /** The entity's posture score over time, oldest first. */
  getScoreHistory(entity: CompoundEntityRef): Promise<ScoreHistoryPoint[]>;
  /** Posture score per owner group (including descendant groups) or system. */
  getPostureSummary(groupBy: 'owner' | 'system'): Promise<PostureSummaryRow[]>;
  /** Pass/fail/unknown/not-applicable counts of every control. */
  getControlStatusCounts(): Promise<ControlStatusCount[]>;
  /** Entities with at least one failing Critical control. */
  getEntitiesWithCriticalFailures(options?: {
    limit?: number;
    offset?: number;
  }): Promise<FactEntityPage>;
}

/** The API reference of {@link ZeroTrustApi}. */
export const zeroTrustApiRef = createApiRef<ZeroTrustApi>({
  id: 'plugin.zero-trust.api',
});
