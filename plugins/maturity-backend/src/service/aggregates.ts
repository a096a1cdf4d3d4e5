import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import {
  Campaign,
  EntityFilters,
  MaturityStore,
  StoredEntityScore,
  TrendPoint,
} from '../database/MaturityStore';
import { MaturityEngine } from '../engine/MaturityEngine';
import { findRisks } from '../engine/risks';
import { buildMigrationRecord } from './migrationRecord';
import { median } from '../outcomes/facts';

/** The start of each period from `from` to now. */
export function periodStarts(
  from: Date,
  interval: 'day' | 'week' | 'month',
  now = new Date(),
): Date[] {
  const starts: Date[] = [];
  const cursor = new Date(
    Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()),
  );
  if (interval === 'month') cursor.setUTCDate(1);
  if (interval === 'week') {
    // Weeks start on Monday.
    cursor.setUTCDate(cursor.getUTCDate() - ((cursor.getUTCDay() + 6) % 7));
  }
  while (cursor <= now && starts.length < 1000) {
    starts.push(new Date(cursor));
    if (interval === 'day') cursor.setUTCDate(cursor.getUTCDate() + 1);
    else if (interval === 'week') cursor.setUTCDate(cursor.getUTCDate() + 7);
    else cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return starts;
}

/** An entity's history point, as a trend reads it. */
type TrendState = {
  level: number;
  score: number;
  /** False when no dimension was evaluated: no level or score to count. */
  evaluated: boolean;
};

/**
 * Average score and level distribution per period, from the history. Each
 * entity counts with its last snapshot at or before the end of the period:
 * `before` holds each entity's last snapshot at or before the first period's
 * start, `since` the later snapshots, oldest first. An entity whose snapshot
 * has no evaluated dimension is left out of that period.
 */
export function trendPoints(options: {
  starts: Date[];
  before: Map<string, TrendState>;
  since: Array<TrendState & { entityRef: string; createdAtMs: number }>;
  now?: Date;
}): TrendPoint[] {
  const { starts, since } = options;
  const nowMs = (options.now ?? new Date()).getTime();
  const current = new Map<string, TrendState>(options.before);
  const points: TrendPoint[] = [];
  let i = 0;
  starts.forEach((start, index) => {
    const end =
      index + 1 < starts.length ? starts[index + 1].getTime() : nowMs + 1;
    while (i < since.length && since[i].createdAtMs < end) {
      current.set(since[i].entityRef, since[i]);
      i++;
    }
    const levels: Record<string, number> = {
      '1': 0,
      '2': 0,
      '3': 0,
      '4': 0,
      '5': 0,
    };
    let sum = 0;
    let count = 0;
    for (const s of current.values()) {
      if (!s.evaluated) continue;
      levels[String(s.level)] += 1;
      sum += s.score;
      count++;
    }
    points.push({
      period: start.toISOString().slice(0, 10),
      averageScore: count ? Math.round((sum / count) * 10) / 10 : 0,
      levels,
      entityCount: count,
    });
  });
  return points.filter(p => p.entityCount > 0);
}

/**
 * The checks that hold entities back, ranked by how many entities' next
 * overall level each one blocks. An entity's overall level is its lowest
 * evaluated dimension level, so the checks that block its next level are the
 * blocking checks (measured, failing at level + 1) of the dimensions at that
 * lowest level; a hard level-5 check failing everywhere blocks nothing while
 * the entities are at level 2. Ties, and checks that block no entity's next
 * level, go by how many entities fail them, then by unknowns, then by id.
 */
export async function rankBlockingChecks(
  store: MaturityStore,
  engine: Pick<MaturityEngine, 'model'>,
  filters: EntityFilters,
  limit: number,
) {
  const entities = await store.listAllEntityScores(filters);
  const blocking = new Map<string, number>();
  for (const e of entities) {
    const evaluated = e.dimensions.filter(
      d => d.status !== 'not-evaluated' && typeof d.level === 'number',
    );
    if (evaluated.length === 0) continue;
    const lowest = Math.min(...evaluated.map(d => d.level as number));
    const ids = new Set(
      evaluated.filter(d => d.level === lowest).flatMap(d => d.blockingChecks),
    );
    for (const id of ids) blocking.set(id, (blocking.get(id) ?? 0) + 1);
  }
  const counts = new Map(
    (await store.getFailingChecks(filters, 10_000)).map(c => [c.checkId, c]),
  );
  const ids = new Set([...blocking.keys(), ...counts.keys()]);
  const checks = new Map(engine.model.checks.map(c => [c.id, c]));
  return [...ids]
    .map(checkId => ({
      checkId,
      title: checks.get(checkId)?.title ?? checkId,
      dimension: checks.get(checkId)?.dimension,
      level: checks.get(checkId)?.level,
      blocking: blocking.get(checkId) ?? 0,
      failing: counts.get(checkId)?.failing ?? 0,
      unknown: counts.get(checkId)?.unknown ?? 0,
    }))
    .filter(c => c.blocking > 0 || c.failing > 0)
    .sort(
      (a, b) =>
        b.blocking - a.blocking ||
        b.failing - a.failing ||
        b.unknown - a.unknown ||
        a.checkId.localeCompare(b.checkId),
    )
    .slice(0, limit);
}

/** Days before the deadline from which an unfinished campaign is due soon. */
export const CAMPAIGN_DUE_SOON_DAYS = 14;

/**
 * Where a campaign stands against its deadline: `met` once every targeted
 * entity reaches the target (whatever the date), `overdue` after the
 * deadline day, `due-soon` within {@link CAMPAIGN_DUE_SOON_DAYS} days of it,
 * otherwise `open`. `daysLeft` counts whole days from today (UTC) to the
 * deadline, negative once it has passed.
 */
export function campaignDue(
  deadline: string,
  allMet: boolean,
  now = new Date(),
): { state: 'met' | 'open' | 'due-soon' | 'overdue'; daysLeft: number } {
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  const daysLeft = Math.round(
    (Date.parse(`${deadline}T00:00:00Z`) - today) / 86400_000,
  );
  let state: 'met' | 'open' | 'due-soon' | 'overdue' = 'open';
  if (allMet) state = 'met';
  else if (daysLeft < 0) state = 'overdue';
  else if (daysLeft <= CAMPAIGN_DUE_SOON_DAYS) state = 'due-soon';
  return { state, daysLeft };
}

function percentOf(met: number, total: number) {
  return total ? Math.round((met / total) * 1000) / 10 : 100;
}

/**
 * Progress of a campaign: who meets the target, who is short, who was not
 * evaluated in the campaign's dimension, and whom to nudge. A targeted
 * entity whose dimension is not evaluated (no check of it could be
 * measured) is neither met nor short: it is counted apart, never as level 1.
 * With `entityRefs`, only those entities count (the ones the caller may
 * read). `checkTitle` names the blocking checks.
 */
export async function campaignProgress(
  store: MaturityStore,
  campaign: Campaign,
  entityRefs?: string[],
  options: { checkTitle?: (id: string) => string; now?: Date } = {},
) {
  const entities = await store.listAllEntityScores(
    entityRefs ? { ...campaign.filters, entityRefs } : campaign.filters,
  );
  const title = options.checkTitle ?? ((id: string) => id);
  const short: Array<{
    entityRef: string;
    title?: string;
    ownerRef?: string;
    level: number;
    blockingChecks: Array<{ checkId: string; title: string }>;
  }> = [];
  const notEvaluated: Array<{
    entityRef: string;
    title?: string;
    ownerRef?: string;
  }> = [];
  let met = 0;
  for (const e of entities) {
    const dim = e.dimensions.find(d => d.dimension === campaign.dimension);
    if (
      !dim ||
      dim.status === 'not-evaluated' ||
      dim.level === null ||
      dim.level === undefined
    ) {
      notEvaluated.push({
        entityRef: e.entityRef,
        title: e.title,
        ownerRef: e.ownerRef,
      });
    } else if (dim.level >= campaign.targetLevel) {
      met++;
    } else {
      short.push({
        entityRef: e.entityRef,
        title: e.title,
        ownerRef: e.ownerRef,
        level: dim.level,
        blockingChecks: dim.blockingChecks.map(checkId => ({
          checkId,
          title: title(checkId),
        })),
      });
    }
  }
  short.sort(
    (a, b) => a.level - b.level || a.entityRef.localeCompare(b.entityRef),
  );
  const owners = new Map<string, number>();
  for (const s of [...short, ...notEvaluated]) {
    const key = s.ownerRef ?? 'none';
    owners.set(key, (owners.get(key) ?? 0) + 1);
  }
  return {
    progress: {
      total: entities.length,
      met,
      short: short.length,
      notEvaluated: notEvaluated.length,
      percent: percentOf(met, entities.length),
    },
    due: campaignDue(
      campaign.deadline,
      entities.length > 0 && met === entities.length,
      options.now,
    ),
    entitiesShort: short,
    entitiesNotEvaluated: notEvaluated,
    owners: [...owners]
      .map(([ownerRef, count]) => ({ ownerRef, count }))
      .sort(
        (a, b) => b.count - a.count || a.ownerRef.localeCompare(b.ownerRef),
      ),
  };
}

/** Weeks of history a campaign's progress chart shows before its start. */
export const CAMPAIGN_HISTORY_WEEKS_BEFORE = 12;

/**
 * A campaign's progress over time, from the stored history: per week (per
 * day when the campaign spans at most 31 days), the targeted entities that
 * met the target level in the campaign's dimension, those short of it and
 * those not evaluated, each entity counting with its last snapshot at or
 * before the end of the period. The targeted entities are today's (the
 * campaign's filters now). It starts {@link CAMPAIGN_HISTORY_WEEKS_BEFORE}
 * weeks before the campaign was created, so the chart shows where the
 * campaign started from; periods before any targeted entity was scored are
 * left out.
 */
export async function campaignHistory(
  store: MaturityStore,
  campaign: Campaign,
  entityRefs?: string[],
  now = new Date(),
) {
  const entities = await store.listAllEntityScores(
    entityRefs ? { ...campaign.filters, entityRefs } : campaign.filters,
  );
  const refs = entities.map(e => e.entityRef);
  const created = new Date(campaign.createdAt);
  const span =
    (Date.parse(`${campaign.deadline}T00:00:00Z`) - created.getTime()) /
    86400_000;
  const interval: 'day' | 'week' = span <= 31 ? 'day' : 'week';
  const from = new Date(
    created.getTime() -
      (interval === 'day' ? 14 : CAMPAIGN_HISTORY_WEEKS_BEFORE * 7) * 86400_000,
  );
  const starts = periodStarts(from, interval, now);
  if (starts.length === 0 || refs.length === 0) {
    return { interval, points: [] };
  }
  const before = await store.getSnapshotsAt(refs, starts[0]);
  const since = await store.getSnapshotsSince(refs, starts[0]);
  const current = new Map<string, Record<string, number>>();
  for (const [ref, s] of before) current.set(ref, s.dimensions);
  const points: Array<{
    period: string;
    met: number;
    short: number;
    notEvaluated: number;
    total: number;
    percent: number;
  }> = [];
  let i = 0;
  starts.forEach((start, index) => {
    const end =
      index + 1 < starts.length
        ? starts[index + 1].getTime()
        : now.getTime() + 1;
    while (i < since.length && since[i].createdAtMs < end) {
      current.set(since[i].entityRef, since[i].dimensions);
      i++;
    }
    if (current.size === 0) return;
    let met = 0;
    let short = 0;
    for (const dimensions of current.values()) {
      const level = dimensions[campaign.dimension];
      if (typeof level !== 'number') continue;
      if (level >= campaign.targetLevel) met++;
      else short++;
    }
    points.push({
      period: start.toISOString().slice(0, 10),
      met,
      short,
      // Not yet scored in that period, or scored without evidence for the
      // dimension.
      notEvaluated: refs.length - met - short,
      total: refs.length,
      percent: percentOf(met, refs.length),
    });
  });
  return { interval, points };
}

/**
 * The architecture review of a system (or domain): each component's levels
 * now and at `since`, the monolith's decomposition, risks and top failures.
 * With `entityRefs`, only those entities appear (the ones the caller may
 * read).
 */
export async function buildReview(
  store: MaturityStore,
  engine: MaturityEngine,
  options: {
    system?: string;
    domain?: string;
    since: Date;
    entityRefs?: string[];
  },
) {
  const scope: EntityFilters = options.entityRefs
    ? { entityRefs: options.entityRefs }
    : {};
  const filters: EntityFilters = options.system
    ? { ...scope, system: options.system }
    : { ...scope, domain: options.domain };
  const components = await store.listAllEntityScores(filters);
  const refs = components.map(c => c.entityRef);
  const before = await store.getSnapshotsAt(refs, options.since);

  // Decomposition: monoliths in scope, and the services anywhere in the
  // catalog that point back at them.
  const allScored = await store.listAllEntityScores(scope);
  const catalogFacts = await store.getCollectorFacts(
    'catalog',
    allScored.map(e => e.entityRef),
  );
  const inScope = new Set(refs);
  const decomposition = [...catalogFacts]
    .filter(
      ([ref, set]) =>
        inScope.has(ref) && set.facts['catalog.type'] === 'monolith',
    )
    .map(([monolith, set]) => {
      type Capability = {
        name: string;
        extractedTo?: string;
        extractedAt?: string;
      };
      const capabilities: Capability[] = (
        (set.facts['catalog.capabilities'] as string[] | null) ?? []
      ).map(name => ({ name }));
      const extra: Capability[] = [];
      for (const [ref, facts] of catalogFacts) {
        if (facts.facts['catalog.extractedFrom'] !== monolith) continue;
        const name = facts.facts['catalog.extractedCapability'];
        const at = facts.facts['catalog.extractedAt'];
        const target =
          capabilities.find(c => c.name === name && !c.extractedTo) ??
          (() => {
            const added: Capability = {
              name: typeof name === 'string' ? name : ref,
            };
            extra.push(added);
            return added;
          })();
        target.extractedTo = ref;
        target.extractedAt = typeof at === 'string' ? at : undefined;
      }
      const all = [...capabilities, ...extra];
      return {
        monolith,
        title: components.find(c => c.entityRef === monolith)?.title,
        capabilities: all,
        remaining: all.filter(c => !c.extractedTo).map(c => c.name),
      };
    });

  const facts = await store.getFacts(refs);
  const migrationRecord = await buildMigrationRecord({
    components,
    facts,
    model: engine.model,
    firstSnapshotTime: r => store.getFirstSnapshotTime(r),
    snapshotsAt: (r, at) => store.getSnapshotsAt(r, at, { metrics: true }),
  });
  return {
    system: options.system,
    domain: options.domain,
    since: options.since.toISOString(),
    components: components.map((c: StoredEntityScore) => {
      const b = before.get(c.entityRef);
      return {
        entityRef: c.entityRef,
        title: c.title,
        type: c.type,
        ownerRef: c.ownerRef,
        level: c.level,
        score: c.score,
        dimensions: c.dimensions.map(d => ({
          dimension: d.dimension,
          level: d.level,
          score: d.score,
        })),
        before: b
          ? { level: b.level, score: b.score, dimensions: b.dimensions }
          : null,
      };
    }),
    decomposition,
    risks: findRisks(facts),
    topFailingChecks: await rankBlockingChecks(store, engine, filters, 10),
    migrationRecord,
  };
}

async function collectorFacts(
  store: MaturityStore,
  collector: string,
  filters: EntityFilters,
): Promise<Array<{ entity: StoredEntityScore; set: FactSet }>> {
  const entities = await store.listAllEntityScores(filters);
  const sets = await store.getCollectorFacts(
    collector,
    entities.map(e => e.entityRef),
  );
  return entities
    .filter(e => sets.get(e.entityRef)?.status === 'ok')
    .map(entity => ({ entity, set: sets.get(entity.entityRef)! }));
}

/**
 * A numeric fact summarised per owner group (with descendants), system or
 * domain. Owner roll-ups follow the group hierarchy through the stored
 * closure.
 */
export async function summarizeFact(
  store: MaturityStore,
  options: {
    collector: string;
    fact: string;
    groupBy: 'owner' | 'system' | 'domain';
    filters: EntityFilters;
  },
) {
  const rows = await collectorFacts(store, options.collector, options.filters);
  const groups = new Map<string, number[]>();
  const ancestors =
    options.groupBy === 'owner'
      ? await store.getAncestors([
          ...new Set(rows.map(r => r.entity.ownerRef).filter(Boolean)),
        ] as string[])
      : new Map<string, string[]>();
  for (const { entity, set } of rows) {
    const value = set.facts[options.fact];
    if (typeof value !== 'number') continue;
    const keys =
      options.groupBy === 'owner'
        ? ancestors.get(entity.ownerRef ?? '') ?? [entity.ownerRef ?? 'none']
        : [
            (options.groupBy === 'system'
              ? entity.systemRef
              : entity.domainRef) ?? 'none',
          ];
    for (const key of keys) {
      const list = groups.get(key) ?? [];
      list.push(value);
      groups.set(key, list);
    }
  }
  // Three decimals keep shares (0..1), such as a change failure rate, apart.
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return [...groups]
    .map(([key, values]) => {
      const sum = values.reduce((a, b) => a + b, 0);
      return {
        key,
        entityCount: values.length,
        average: round(sum / values.length),
        median: round(median(values)),
        sum: round(sum),
        min: Math.min(...values),
        max: Math.max(...values),
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Counts of pass/fail/unknown/not-applicable per status-valued fact. */
export async function countStatuses(
  store: MaturityStore,
  options: { collector: string; filters: EntityFilters },
) {
  const rows = await collectorFacts(store, options.collector, options.filters);
  const counts = new Map<
    string,
    {
      fact: string;
      pass: number;
      fail: number;
      unknown: number;
      notApplicable: number;
    }
  >();
  const bucket = {
    pass: 'pass',
    fail: 'fail',
    unknown: 'unknown',
    'not-applicable': 'notApplicable',
  } as const;
  for (const { set } of rows) {
    for (const [fact, value] of Object.entries(set.facts)) {
      if (typeof value !== 'string' || !(value in bucket)) continue;
      const entry = counts.get(fact) ?? {
        fact,
        pass: 0,
        fail: 0,
        unknown: 0,
        notApplicable: 0,
      };
      entry[bucket[value as keyof typeof bucket]] += 1;
      counts.set(fact, entry);
    }
  }
  return [...counts.values()].sort(
    (a, b) => b.fail - a.fail || a.fact.localeCompare(b.fact),
  );
}

/** Entities whose fact compares as asked, paginated. */
export async function entitiesByFact(
  store: MaturityStore,
  options: {
    collector: string;
    fact: string;
    op?: 'gt' | 'gte' | 'lt' | 'lte' | 'eq';
    value?: string;
    filters: EntityFilters;
    limit: number;
    offset: number;
  },
) {
  const rows = await collectorFacts(store, options.collector, options.filters);
  const target =
    options.value !== undefined && !Number.isNaN(Number(options.value))
      ? Number(options.value)
      : options.value;
  const matches = rows
    .map(({ entity, set }) => ({ entity, value: set.facts[options.fact] }))
    .filter(({ value }) => {
      if (value === undefined || value === null) return false;
      if (!options.op || target === undefined) return true;
      if (options.op === 'eq') return String(value) === String(target);
      if (typeof value !== 'number' || typeof target !== 'number') return false;
      switch (options.op) {
        case 'gt':
          return value > target;
        case 'gte':
          return value >= target;
        case 'lt':
          return value < target;
        default:
          return value <= target;
      }
    });
  return {
    items: matches
      .slice(options.offset, options.offset + options.limit)
      .map(({ entity, value }) => ({
        entityRef: entity.entityRef,
        title: entity.title,
        ownerRef: entity.ownerRef,
        systemRef: entity.systemRef,
        value,
      })),
    totalCount: matches.length,
    limit: options.limit,
    offset: options.offset,
  };
}
