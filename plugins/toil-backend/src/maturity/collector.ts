import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  FactSet,
  TOIL_FACTS,
  unknownReasons,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  FactCollector,
  FactCollectorContext,
} from '@cloud-native-portal/plugin-maturity-node';
import { ToilFactsResponse } from '@cloud-native-portal/plugin-toil-common';

const COLLECTOR_ID = 'toil';
const COLLECTOR_VERSION = 1;

/** Options of {@link createToilFactCollector}. */
export interface ToilFactCollectorOptions {
  /** Fetches the toil plugin's bulk facts (GET /api/toil/facts). */
  fetchFacts(): Promise<ToilFactsResponse>;
  /** How long one response serves a cycle, in milliseconds. */
  cacheMillis: number;
  now?: () => number;
}

/**
 * The maturity `toil` fact collector. It reads the register through the toil
 * plugin's bulk facts endpoint and keeps one response per cycle, so scoring
 * many entities costs one request.
 */
export function createToilFactCollector(
  options: ToilFactCollectorOptions,
): FactCollector {
  const now = options.now ?? Date.now;
  let cached: { at: number; response: Promise<ToilFactsResponse> } | undefined;

  function facts(): Promise<ToilFactsResponse> {
    if (!cached || now() - cached.at > options.cacheMillis) {
      const response = options.fetchFacts();
      cached = { at: now(), response };
      // A failed request is not cached: the next entity retries.
      response.catch(() => {
        if (cached?.response === response) cached = undefined;
      });
    }
    return cached.response;
  }

  return {
    id: COLLECTOR_ID,
    version: COLLECTOR_VERSION,
    facts: TOIL_FACTS,
    // Of the entity: its ref and annotations.
    readsRefAndAnnotationsOnly: true,
    async collect({ entity }: FactCollectorContext): Promise<FactSet> {
      const base = {
        collector: COLLECTOR_ID,
        version: COLLECTOR_VERSION,
        collectedAt: new Date(now()).toISOString(),
      };
      let response: ToilFactsResponse;
      try {
        response = await facts();
      } catch (e) {
        return {
          ...base,
          status: 'unknown',
          reason: `The toil register could not be read: ${
            (e as Error).message
          }`,
          facts: {},
        };
      }
      const ref = stringifyEntityRef(entity);
      const row = response.entities[ref];
      if (!row) {
        // No toil recorded is missing evidence, not a failure: the toil
        // checks stay unknown (the scorecard asks for the register), so a
        // new service is scored as its golden path promised.
        const reason = unknownReasons.noToilRecorded(ref);
        return {
          ...base,
          status: 'ok',
          facts: {},
          unknown: {
            'toil.registerExists': reason,
            'toil.teamToilPercent': reason,
            'toil.topTaskHasAutomationPlan': reason,
            'toil.routineRemediationAutomated': reason,
          },
        };
      }
      const unknown: Record<string, string> = {};
      const values: FactSet['facts'] = {
        'toil.registerExists': true,
        'toil.topTaskHasAutomationPlan': row.topTaskHasAutomationPlan,
        'toil.routineRemediationAutomated': row.routineRemediationAutomated,
      };
      if (row.teamToilPercent === null) {
        unknown['toil.teamToilPercent'] =
          row.teamToilPercentReason ?? 'the team toil % is unknown';
      } else {
        values['toil.teamToilPercent'] = row.teamToilPercent;
      }
      return {
        ...base,
        status: 'ok',
        facts: values,
        evidence: {
          'toil.registerExists': [{ note: 'Rows in the toil register' }],
        },
        ...(Object.keys(unknown).length ? { unknown } : {}),
      };
    },
  };
}
