import pRetry, { AbortError } from 'p-retry';
import { z } from 'zod';
import { changedFileReader } from './facts';

/**
 * One allocation of OpenCost's allocation API, reduced to what the cost
 * facts need. Costs are in the currency of OpenCost's pricing.
 */
export interface CostAllocation {
  name: string;
  /** The window the allocation covers (its set's window), in epoch millis. */
  windowStartMillis: number;
  windowEndMillis: number;
  /** Minutes the allocation ran within the window. */
  minutes: number;
  totalCost: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
  pvCost: number;
  networkCost: number;
  loadBalancerCost: number;
  sharedCost: number;
  externalCost: number;
  /** Average requested and used CPU cores (undefined when OpenCost gives none). */
  cpuCoreRequestAverage?: number;
  cpuCoreUsageAverage?: number;
  /** Average requested and used RAM, in bytes. */
  ramByteRequestAverage?: number;
  ramByteUsageAverage?: number;
  /** OpenCost's own efficiencies (usage / request, cost-weighted for total). */
  cpuEfficiency?: number;
  ramEfficiency?: number;
  totalEfficiency?: number;
}

/** A parsed allocation answer: allocations by name. */
export type AllocationIndex = Map<string, CostAllocation>;

/** Where the allocation answer comes from. */
export interface OpenCostSource {
  /** The file or query URL, for reasons and evidence. */
  where: string;
  /** The config key to set or fix when it cannot be read. */
  configKey: string;
  /** Reads the answer; undefined when `ifChanged` and it is unchanged. */
  read(options: { ifChanged: boolean }): Promise<string | undefined>;
}

const num = z.number().finite().nullish();

// The allocation fields used here; OpenCost sends many more.
const allocationSchema = z.object({
  name: z.string().optional(),
  window: z
    .object({ start: z.string().nullish(), end: z.string().nullish() })
    .nullish(),
  start: z.string().nullish(),
  end: z.string().nullish(),
  minutes: num,
  totalCost: z.number().finite(),
  cpuCost: num,
  cpuCostAdjustment: num,
  ramCost: num,
  ramCostAdjustment: num,
  gpuCost: num,
  gpuCostAdjustment: num,
  pvCost: num,
  pvCostAdjustment: num,
  networkCost: num,
  networkCostAdjustment: num,
  loadBalancerCost: num,
  loadBalancerCostAdjustment: num,
  sharedCost: num,
  externalCost: num,
  cpuCoreRequestAverage: num,
  cpuCoreUsageAverage: num,
  ramByteRequestAverage: num,
  ramByteUsageAverage: num,
  cpuEfficiency: num,
  ramEfficiency: num,
  totalEfficiency: num,
});

const answerSchema = z.object({
  code: z.number().int(),
  message: z.string().nullish(),
  data: z.unknown(),
});

/** OpenCost's names for what belongs to no workload. */
const RESERVED = new Set(['__idle__', '__unallocated__', '__unmounted__']);

function millis(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const value = Date.parse(text);
  return Number.isNaN(value) ? undefined : value;
}

function toAllocation(
  name: string,
  raw: z.infer<typeof allocationSchema>,
): CostAllocation | string {
  const start = millis(raw.window?.start) ?? millis(raw.start);
  const end = millis(raw.window?.end) ?? millis(raw.end);
  if (start === undefined || end === undefined || end <= start) {
    return `allocation "${name}" has no valid window (window.start/end or start/end)`;
  }
  const v = (n: number | null | undefined) => n ?? 0;
  const opt = (n: number | null | undefined) => n ?? undefined;
  return {
    name,
    windowStartMillis: start,
    windowEndMillis: end,
    minutes: raw.minutes ?? (end - start) / 60_000,
    totalCost: raw.totalCost,
    // Adjustments reconcile OpenCost's estimate with the cloud bill.
    cpuCost: v(raw.cpuCost) + v(raw.cpuCostAdjustment),
    ramCost: v(raw.ramCost) + v(raw.ramCostAdjustment),
    gpuCost: v(raw.gpuCost) + v(raw.gpuCostAdjustment),
    pvCost: v(raw.pvCost) + v(raw.pvCostAdjustment),
    networkCost: v(raw.networkCost) + v(raw.networkCostAdjustment),
    loadBalancerCost:
      v(raw.loadBalancerCost) + v(raw.loadBalancerCostAdjustment),
    sharedCost: v(raw.sharedCost),
    externalCost: v(raw.externalCost),
    cpuCoreRequestAverage: opt(raw.cpuCoreRequestAverage),
    cpuCoreUsageAverage: opt(raw.cpuCoreUsageAverage),
    ramByteRequestAverage: opt(raw.ramByteRequestAverage),
    ramByteUsageAverage: opt(raw.ramByteUsageAverage),
    cpuEfficiency: opt(raw.cpuEfficiency),
    ramEfficiency: opt(raw.ramEfficiency),
    totalEfficiency: opt(raw.totalEfficiency),
  };
}

/** Averages weighted by the minutes each part ran. */
function weighted(
  a: number | undefined,
  aMinutes: number,
  b: number | undefined,
  bMinutes: number,
): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const total = aMinutes + bMinutes;
  return total > 0 ? (a * aMinutes + b * bMinutes) / total : (a + b) / 2;
}

/**
 * Joins the same allocation of consecutive sets (an answer with a `step`, or
 * without `accumulate`): costs add up, averages are weighted by minutes, and
 * OpenCost's efficiencies are dropped (they are worked out again).
 */
function join(a: CostAllocation, b: CostAllocation): CostAllocation {
  return {
    name: a.name,
    windowStartMillis: Math.min(a.windowStartMillis, b.windowStartMillis),
    windowEndMillis: Math.max(a.windowEndMillis, b.windowEndMillis),
    minutes: a.minutes + b.minutes,
    totalCost: a.totalCost + b.totalCost,
    cpuCost: a.cpuCost + b.cpuCost,
    ramCost: a.ramCost + b.ramCost,
    gpuCost: a.gpuCost + b.gpuCost,
    pvCost: a.pvCost + b.pvCost,
    networkCost: a.networkCost + b.networkCost,
    loadBalancerCost: a.loadBalancerCost + b.loadBalancerCost,
    sharedCost: a.sharedCost + b.sharedCost,
    externalCost: a.externalCost + b.externalCost,
    cpuCoreRequestAverage: weighted(
      a.cpuCoreRequestAverage,
      a.minutes,
      b.cpuCoreRequestAverage,
      b.minutes,
    ),
    cpuCoreUsageAverage: weighted(
      a.cpuCoreUsageAverage,
      a.minutes,
      b.cpuCoreUsageAverage,
      b.minutes,
    ),
    ramByteRequestAverage: weighted(
      a.ramByteRequestAverage,
      a.minutes,
      b.ramByteRequestAverage,
      b.minutes,
    ),
    ramByteUsageAverage: weighted(
      a.ramByteUsageAverage,
      a.minutes,
      b.ramByteUsageAverage,
      b.minutes,
    ),
  };
}

/**
 * Parses an answer of OpenCost's `GET /allocation/compute` (or
 * `/allocation`): `{ code, data: [ { <name>: allocation, ... }, ... ] }`.
 * Throws, with the reason, when the answer is not one; an allocation that
 * cannot be used is left out and reported through `skipped`.
 */
export function parseAllocations(text: string): {
  allocations: AllocationIndex;
  skipped: string[];
} {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new Error(`it is not valid JSON: ${(e as Error).message}`);
  }
  const answer = answerSchema.safeParse(body);
  if (!answer.success) {
    throw new Error(
      'it is not an OpenCost allocation answer ({ code, data: [...] })',
    );
  }
  if (answer.data.code !== 200) {
    throw new Error(
      `OpenCost answered code ${answer.data.code}${
        answer.data.message ? `: ${answer.data.message}` : ''
      }`,
    );
  }
  const sets = answer.data.data;
  if (!Array.isArray(sets)) {
    throw new Error('its data is not a list of allocation sets');
  }
  const allocations: AllocationIndex = new Map();
  const skipped: string[] = [];
  for (const set of sets) {
    if (!set || typeof set !== 'object') continue;
    for (const [name, value] of Object.entries(set)) {
      if (RESERVED.has(name)) continue;
      const parsed = allocationSchema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        skipped.push(
          `allocation "${name}": ${issue.path.join('.')}: ${issue.message}`,
        );
        continue;
      }
      const allocation = toAllocation(name, parsed.data);
      if (typeof allocation === 'string') {
        skipped.push(allocation);
        continue;
      }
      const seen = allocations.get(name);
      allocations.set(name, seen ? join(seen, allocation) : allocation);
    }
  }
  return { allocations, skipped };
}

/** A saved allocation answer on the backend's disk (re-read when it changes). */
export function openCostFileSource(path: string): OpenCostSource {
  return {
    where: path,
    configKey: 'maturity.outcomes.opencost.file',
    read: changedFileReader(path),
  };
}

/** Options of {@link openCostApiSource}. */
export interface OpenCostApiSourceOptions {
  baseUrl: string;
  window: string;
  aggregate: string;
  /** Retries after a 5xx answer or a network error. Default: 2. */
  retries?: number;
  /** The first back-off (doubling). Default: 1 s. */
  minTimeoutMillis?: number;
  /** How long the request may take. Default: 60 s. */
  requestTimeoutMillis?: number;
  fetch?: typeof fetch;
}

/** OpenCost's allocation API: `GET /allocation/compute?window=&aggregate=&accumulate=true`. */
export function openCostApiSource(
  options: OpenCostApiSourceOptions,
): OpenCostSource {
  const url = new URL(
    `${options.baseUrl.replace(/\/+$/, '')}/allocation/compute`,
  );
  url.searchParams.set('window', options.window);
  url.searchParams.set('aggregate', options.aggregate);
  url.searchParams.set('accumulate', 'true');
  const doFetch = options.fetch ?? fetch;
  const where = url.toString();
  return {
    where,
    configKey: 'maturity.outcomes.opencost.baseUrl',
    read: () =>
      pRetry(
        async () => {
          let response: Response;
          try {
            response = await doFetch(url, {
              headers: { Accept: 'application/json' },
              signal: AbortSignal.timeout(
                options.requestTimeoutMillis ?? 60_000,
              ),
            });
          } catch (e) {
            const error = e as Error & { cause?: { code?: string } };
            // fetch fails with a TypeError, which p-retry would not retry.
            throw new Error(
              `OpenCost is unreachable: ${error.message}${
                error.cause?.code ? ` (${error.cause.code})` : ''
              }`,
            );
          }
          const text = await response.text();
          if (!response.ok) {
            const message = `OpenCost answered ${response.status} ${
              response.statusText
            }${text ? `: ${text.slice(0, 200)}` : ''}`;
            if (response.status >= 500) throw new Error(message);
            throw new AbortError(message);
          }
          return text;
        },
        {
          retries: options.retries ?? 2,
          minTimeout: options.minTimeoutMillis ?? 1000,
        },
      ),
  };
}
