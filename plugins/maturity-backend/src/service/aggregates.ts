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

/**
 * Average score and level distribution per period, from the history. Each
 * entity counts with its last snapshot at or before the end of the period:
 * `before` holds each entity's last snapshot at or before the first period's
 * start, `since` the later snapshots, oldest first.
 */
export function trendPoints(options: {
  starts: Date[];
  before: Map<string, { level: number; score: number }>;
  since: Array<{
    entityRef: string;
    level: number;
    score: number;
    createdAtMs: number;
  }>;
  now?: Date;
}): TrendPoint[] {
  const { starts, since } = options;
  const nowMs = (options.now ?? new Date()).getTime();
  const current = new Map<string, { level: number; score: number }>(
    options.before,
  );
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
    for (const s of current.values()) {
      levels[String(s.level)] += 1;
      sum += s.score;
    }
    points.push({
      period: start.toISOString().slice(0, 10),
      averageScore: current.size
        ? Math.round((sum / current.size) * 10) / 10
        : 0,
      levels,
      entityCount: current.size,
    });
  });
  return points.filter(p => p.entityCount > 0);
}

/**
 * Progress of a campaign: who meets the target, who is short, whom to nudge.
 * With `entityRefs`, only those entities count (the ones the caller may read).
 */
export async function campaignProgress(
  store: MaturityStore,
  campaign: Campaign,
  entityRefs?: string[],
) {
  const entities = await store.listAllEntityScores(
    entityRefs ? { ...campaign.filters, entityRefs } : campaign.filters,
  );
  const short: Array<{
    entityRef: string;
    title?: string;
    ownerRef?: string;
    level: number;
    blockingChecks: string[];
  }> = [];
  let met = 0;
  for (const e of entities) {
    const dim = e.dimensions.find(d => d.dimension === campaign.dimension);
    const level = dim?.level ?? 1;
    if (level >= campaign.targetLevel) {
      met++;
    } else {
      short.push({
        entityRef: e.entityRef,
        title: e.title,
        ownerRef: e.ownerRef,
        level,
        blockingChecks: dim?.blockingChecks ?? [],
      });
    }
  }
  const owners = new Map<string, number>();
  for (const s of short) {
    const key = s.ownerRef ?? 'none';
    owners.set(key, (owners.get(key) ?? 0) + 1);
  }
  return {
    progress: {
      total: entities.length,
      met,
      percent: entities.length
        ? Math.round((met / entities.length) * 1000) / 10
        : 100,
    },
    entitiesShort: short,
    owners: [...owners]
      .map(([ownerRef, count]) => ({ ownerRef, count }))
      .sort(
        (a, b) => b.count - a.count || a.ownerRef.localeCompare(b.ownerRef),
      ),
  };
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
  const failing = await store.getFailingChecks(filters, 10);
  const checks = new Map(engine.model.checks.map(c => [c.id, c]));
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
    topFailingChecks: failing.map(f => ({
      ...f,
      title: checks.get(f.checkId)?.title ?? f.checkId,
      dimension: checks.get(f.checkId)?.dimension,
      level: checks.get(f.checkId)?.level,
    })),
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
 * A numeric fact summarised per owner group (with descendants) or system.
 * Owner roll-ups follow the group hierarchy through the stored closure.
 */
export async function summarizeFact(
  store: MaturityStore,
  options: {
    collector: string;
    fact: string;
    groupBy: 'owner' | 'system';
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
        : [entity.systemRef ?? 'none'];
    for (const key of keys) {
      const list = groups.get(key) ?? [];
      list.push(value);
      groups.set(key, list);
    }
  }
  return [...groups]
    .map(([key, values]) => ({
      key,
      entityCount: values.length,
      average:
        Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) /
        10,
      min: Math.min(...values),
      max: Math.max(...values),
    }))
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
