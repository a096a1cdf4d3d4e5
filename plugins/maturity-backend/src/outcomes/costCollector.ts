import {
  Evidence,
  FactDeclaration,
  FactSet,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  FactCollector,
  FactCollectorContext,
} from '@cloud-native-portal/plugin-maturity-node';
import { DAY_MS, round2 } from './facts';
import {
  AllocationIndex,
  CostAllocation,
  OpenCostSource,
  parseAllocations,
} from './opencost';

const COLLECTOR_ID = 'cost';
const COLLECTOR_VERSION = 1;

/** Maps a catalog entity to its OpenCost allocation (default: the entity's name). */
export const COST_ALLOCATION_ANNOTATION =
  'cloud-native-portal.io/cost-allocation';

/** Facts of the `cost` collector (from OpenCost's allocation API). */
export const COST_FACTS: FactDeclaration[] = [
  {
    name: 'cost.monthlyCost',
    type: 'number',
    description:
      "The service's total cost in OpenCost's allocation window, scaled to 30 days, in the currency of OpenCost's prices.",
  },
  {
    name: 'cost.idleShare',
    type: 'number',
    description:
      'Share (0..1) of the CPU and RAM cost that paid for requested capacity the service did not use: sum over CPU and RAM of cost x max(0, 1 - usage / request), divided by the CPU and RAM cost.',
  },
];

/** The unused share of one resource: 1 - usage/request, clamped to 0..1. */
function idleOf(
  request: number | undefined,
  usage: number | undefined,
  efficiency: number | undefined,
): number | undefined {
  if (request !== undefined && usage !== undefined) {
    // Without a request, OpenCost charges what was used: nothing is idle.
    if (request <= 0) return 0;
    return Math.min(1, Math.max(0, 1 - usage / request));
  }
  if (efficiency !== undefined) return Math.min(1, Math.max(0, 1 - efficiency));
  return undefined;
}

const GIB = 1024 ** 3;
const pct = (share: number) => `${Math.round(share * 100)}%`;

/** Options of {@link createCostFactCollector}. */
export interface CostFactCollectorOptions {
  /** Undefined when OpenCost is not configured (every entity is then unknown). */
  source?: OpenCostSource;
  /** The aggregation the allocation names come from, for evidence (e.g. label:app). */
  aggregate: string;
  /** The currency of OpenCost's prices, for evidence. Default: USD. */
  currency?: string;
  /** How long one read serves before the source is checked again. Default: 5 minutes. */
  cacheMillis?: number;
  now?: () => number;
  /** Told once per read about allocations that were left out. */
  onSkipped?(reasons: string[], where: string): void;
}

/**
 * The maturity `cost` fact collector: cost per service and its idle share,
 * from OpenCost's allocation API (or a saved answer of it), read once and
 * shared by every entity of a cycle.
 */
export function createCostFactCollector(
  options: CostFactCollectorOptions,
): FactCollector {
  const now = options.now ?? Date.now;
  const cacheMillis = options.cacheMillis ?? 5 * 60_000;
  const currency = options.currency ?? 'USD';
  let index: AllocationIndex | undefined;
  let checkedAt = -Infinity;
  let pending: Promise<AllocationIndex> | undefined;

  async function refresh(source: OpenCostSource): Promise<AllocationIndex> {
    const text = await source.read({ ifChanged: index !== undefined });
    if (text !== undefined) {
      const parsed = parseAllocations(text);
      if (parsed.skipped.length)
        options.onSkipped?.(parsed.skipped, source.where);
      index = parsed.allocations;
    }
    checkedAt = now();
    return index!;
  }

  function allocations(source: OpenCostSource): Promise<AllocationIndex> {
    if (index && now() - checkedAt <= cacheMillis) {
      return Promise.resolve(index);
    }
    if (!pending) {
      pending = refresh(source).finally(() => {
        pending = undefined;
      });
    }
    return pending;
  }

  const money = (value: number) => `${value.toFixed(2)} ${currency}`;

  function facts(a: CostAllocation, where: string) {
    const windowDays = (a.windowEndMillis - a.windowStartMillis) / DAY_MS;
    const monthly = (a.totalCost * 30) / windowDays;
    const window = `${new Date(
      a.windowStartMillis,
    ).toISOString()} to ${new Date(a.windowEndMillis).toISOString()}`;
    const split = [
      ['CPU', a.cpuCost],
      ['RAM', a.ramCost],
      ['GPU', a.gpuCost],
      ['storage', a.pvCost],
      ['network', a.networkCost],
      ['load balancers', a.loadBalancerCost],
      ['shared', a.sharedCost],
      ['external', a.externalCost],
    ]
      .filter(([, cost]) => (cost as number) !== 0)
      .map(([label, cost]) => `${label} ${money(cost as number)}`)
      .join(', ');

    const result: FactSet['facts'] = {
      'cost.monthlyCost': round2(monthly),
    };
    const evidence: Record<string, Evidence[]> = {
      'cost.monthlyCost': [
        {
          note: `OpenCost allocation "${a.name}" (aggregate ${options.aggregate}) in ${where}`,
        },
        {
          note: `${money(a.totalCost)} from ${window} (${round2(
            windowDays,
          )} days, ran ${round2(
            a.minutes / 1440,
          )} of them), scaled to 30 days: ${money(monthly)}`,
        },
        ...(split ? [{ note: `split: ${split}` }] : []),
      ],
    };
    const unknown: Record<string, string> = {};

    const cpuIdle = idleOf(
      a.cpuCoreRequestAverage,
      a.cpuCoreUsageAverage,
      a.cpuEfficiency,
    );
    const ramIdle = idleOf(
      a.ramByteRequestAverage,
      a.ramByteUsageAverage,
      a.ramEfficiency,
    );
    const cpuCost = Math.max(0, a.cpuCost);
    const ramCost = Math.max(0, a.ramCost);
    if (cpuIdle === undefined || ramIdle === undefined) {
      unknown[
        'cost.idleShare'
      ] = `OpenCost gives no CPU and RAM requests and usage (or efficiencies) for "${a.name}"`;
    } else if (cpuCost + ramCost <= 0) {
      unknown[
        'cost.idleShare'
      ] = `"${a.name}" had no CPU or RAM cost from ${window}: there is nothing to be idle`;
    } else {
      const idleCost = cpuCost * cpuIdle + ramCost * ramIdle;
      result['cost.idleShare'] = round2(idleCost / (cpuCost + ramCost));
      const usage = (
        label: string,
        request: number | undefined,
        used: number | undefined,
        unit: (n: number) => string,
        cost: number,
        idle: number,
      ) =>
        request !== undefined && used !== undefined
          ? `${label}: requested ${unit(request)} on average, used ${unit(
              used,
            )}; ${pct(idle)} of its ${money(cost)} idle`
          : `${label}: ${pct(idle)} of its ${money(
              cost,
            )} idle (from OpenCost's efficiency)`;
      evidence['cost.idleShare'] = [
        {
          note: `idle share = (CPU cost x CPU idle + RAM cost x RAM idle) / (CPU + RAM cost), idle = max(0, 1 - usage / request): ${money(
            idleCost,
          )} of ${money(cpuCost + ramCost)} from ${window}`,
        },
        {
          note: usage(
            'CPU',
            a.cpuCoreRequestAverage,
            a.cpuCoreUsageAverage,
            n => `${n.toFixed(2)} cores`,
            cpuCost,
            cpuIdle,
          ),
        },
        {
          note: usage(
            'RAM',
            a.ramByteRequestAverage,
            a.ramByteUsageAverage,
            n => `${(n / GIB).toFixed(2)} GiB`,
            ramCost,
            ramIdle,
          ),
        },
        ...(a.totalEfficiency !== undefined
          ? [
              {
                note: `OpenCost's own totalEfficiency: ${round2(
                  a.totalEfficiency,
                )}`,
              },
            ]
          : []),
      ];
    }
    return { facts: result, evidence, unknown };
  }

  return {
    id: COLLECTOR_ID,
    version: COLLECTOR_VERSION,
    facts: COST_FACTS,
    // Of the entity: its ref and annotations.
    readsRefAndAnnotationsOnly: true,
    async collect({ entity }: FactCollectorContext): Promise<FactSet> {
      const collectedAt = now();
      const base = {
        collector: COLLECTOR_ID,
        version: COLLECTOR_VERSION,
        collectedAt: new Date(collectedAt).toISOString(),
      };
      const source = options.source;
      if (!source) {
        return {
          ...base,
          status: 'unknown',
          reason:
            'cost is not configured: set maturity.outcomes.opencost.baseUrl to the OpenCost API, or maturity.outcomes.opencost.file to a saved /allocation/compute answer',
          facts: {},
        };
      }
      let read: AllocationIndex;
      try {
        read = await allocations(source);
      } catch (e) {
        return {
          ...base,
          status: 'unknown',
          reason: `OpenCost's allocations at ${
            source.where
          } could not be read: ${(e as Error).message} (${source.configKey})`,
          facts: {},
        };
      }
      const annotated =
        entity.metadata.annotations?.[COST_ALLOCATION_ANNOTATION]?.trim();
      const name = annotated || entity.metadata.name;
      const allocation =
        read.get(name) ?? read.get(name.toLocaleLowerCase('en-US'));
      if (!allocation) {
        const reason = `no OpenCost allocation "${name}" (aggregate ${
          options.aggregate
        }) in ${source.where}${
          annotated
            ? ` (from the annotation ${COST_ALLOCATION_ANNOTATION})`
            : `: set the annotation ${COST_ALLOCATION_ANNOTATION} to the service's allocation name`
        }`;
        return {
          ...base,
          status: 'ok',
          facts: {},
          unknown: Object.fromEntries(COST_FACTS.map(f => [f.name, reason])),
        };
      }
      const result = facts(allocation, source.where);
      return {
        ...base,
        status: 'ok',
        facts: result.facts,
        evidence: result.evidence,
        ...(Object.keys(result.unknown).length
          ? { unknown: result.unknown }
          : {}),
      };
    },
  };
}
