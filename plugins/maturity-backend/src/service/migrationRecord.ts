import {
  FactSet,
  MaturityApiSchema,
  MaturityModel,
} from '@cloud-native-portal/plugin-maturity-common';
import { SnapshotAt, StoredEntityScore } from '../database/MaturityStore';
import { median } from '../outcomes/facts';

// The response types, as the API document (openapi.yaml) defines them.
export type MigrationRecord = MaturityApiSchema.MigrationRecord;
export type MigrationRecordRow = MaturityApiSchema.MigrationRecordRow;
export type MigrationRecordState = MaturityApiSchema.MigrationRecordState;
export type MigrationRecordMetric = MaturityApiSchema.MigrationRecordMetric;
export type MigrationAspect = MigrationRecordRow['aspect'];
type Unit = MigrationRecordMetric['unit'];
type Aggregate = MigrationRecordMetric['aggregate'];

interface MetricSpec {
  fact: string;
  label: string;
  unit: Unit;
  /** How the components' values make the system's. */
  aggregate: Aggregate;
}

interface AspectSpec {
  aspect: MigrationAspect;
  title: string;
  /** The model dimension whose levels the row shows. */
  dimension?: string;
  metrics: MetricSpec[];
}

/**
 * What each row reads: a dimension of the default model and the tracked
 * facts (maturity.trackedFacts) that measure its outcome.
 */
const ASPECTS: AspectSpec[] = [
  {
    aspect: 'architecture',
    title: 'Architecture',
    dimension: 'architecture',
    metrics: [],
  },
  {
    aspect: 'scalability',
    title: 'Scalability',
    dimension: 'scalability',
    metrics: [],
  },
  {
    aspect: 'deployment',
    title: 'Deployment',
    dimension: 'delivery',
    metrics: [
      {
        fact: 'delivery.productionDeploymentsPerWeek',
        label: 'Production deployments per week',
        unit: 'perWeek',
        aggregate: 'sum',
      },
      {
        fact: 'delivery.leadTimeHours',
        label: 'Lead time for changes',
        unit: 'hours',
        aggregate: 'median',
      },
    ],
  },
  {
    aspect: 'monitoring',
    title: 'Monitoring',
    dimension: 'observability',
    metrics: [],
  },
  {
    aspect: 'security',
    title: 'Security',
    dimension: 'security',
    metrics: [
      {
        fact: 'zeroTrust.score',
        label: 'Zero-trust posture',
        unit: 'score',
        aggregate: 'median',
      },
    ],
  },
  {
    aspect: 'operations',
    title: 'Operations workload',
    dimension: 'operations',
    metrics: [
      {
        fact: 'toil.teamToilPercent',
        label: 'Toil of the owning teams',
        unit: 'percent',
        aggregate: 'median',
      },
    ],
  },
  {
    aspect: 'cost',
    title: 'Cost',
    metrics: [
      {
        fact: 'cost.monthlyCost',
        label: 'Cost per month',
        unit: 'currency',
        aggregate: 'sum',
      },
      {
        fact: 'cost.idleShare',
        label: 'Idle share of requested capacity',
        unit: 'share',
        aggregate: 'costWeighted',
      },
    ],
  },
  {
    aspect: 'recovery',
    title: 'Failure recovery',
    dimension: 'reliability',
    metrics: [
      {
        fact: 'incidents.timeToRestoreHours',
        label: 'Time to restore',
        unit: 'hours',
        aggregate: 'median',
      },
      {
        fact: 'delivery.changeFailureRate',
        label: 'Change failure rate',
        unit: 'share',
        aggregate: 'median',
      },
    ],
  },
];

/** How the evidence names each way of making the system's value. */
const AGGREGATE_WORDS: Record<Aggregate, string> = {
  sum: 'sum',
  median: 'median',
  costWeighted: 'average weighted by cost',
};

/** The level counted as cloud-native in the record's evidence. */
const CLOUD_NATIVE_LEVEL = 3;
/** Snapshots this close to the first one count as the starting state. */
const FIRST_STATE_SPAN_MS = 86_400_000;

/** One component's state: levels per dimension and numeric facts. */
interface ComponentState {
  entityRef: string;
  dimensions: Record<string, number | null>;
  metrics: Record<string, number>;
  /** Check ids blocking the next level, per dimension (now only). */
  blocking?: Record<string, string[]>;
}

/** The lower median: the level at least half of the components reach. */
function lowerMedian(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function aggregate(
  spec: MetricSpec,
  states: ComponentState[],
): MigrationRecordMetric {
  const measured = states.filter(s => Number.isFinite(s.metrics[spec.fact]));
  const values = measured.map(s => s.metrics[spec.fact]);
  let value: number | null = null;
  if (values.length > 0) {
    if (spec.aggregate === 'sum') {
      value = values.reduce((a, b) => a + b, 0);
    } else if (spec.aggregate === 'median') {
      value = median(values);
    } else {
      // Idle share weighted by each component's cost: idle cost / total cost.
      let cost = 0;
      let idle = 0;
      for (const s of measured) {
        const c = s.metrics['cost.monthlyCost'];
        if (!Number.isFinite(c)) continue;
        cost += c;
        idle += c * s.metrics[spec.fact];
      }
      value = cost > 0 ? idle / cost : median(values);
    }
  }
  return {
    fact: spec.fact,
    label: spec.label,
    unit: spec.unit,
    aggregate: spec.aggregate,
    value: value === null ? null : Math.round(value * 1000) / 1000,
    measured: measured.length,
  };
}

function stateOf(
  spec: AspectSpec,
  states: ComponentState[],
  context: {
    levelName: (level: number) => string | undefined;
    checkTitle: (id: string) => string;
    /** Why each metric's collector could not measure, now. */
    unmeasured?: (fact: string) => string | undefined;
    when: 'then' | 'now';
    at?: string;
  },
): MigrationRecordState {
  const evidence: string[] = [];
  const out: MigrationRecordState = {
    components: states.length,
    metrics: spec.metrics.map(m => aggregate(m, states)),
    evidence,
  };
  if (spec.dimension) {
    const dimension = spec.dimension;
    const levels = states
      .map(s => s.dimensions[dimension])
      .filter((l): l is number => typeof l === 'number');
    out.level = lowerMedian(levels);
    if (out.level !== null) out.levelName = context.levelName(out.level);
    out.atOrAbove3 = levels.filter(l => l >= CLOUD_NATIVE_LEVEL).length;
    if (levels.length > 0) {
      evidence.push(
        `${out.atOrAbove3} of ${levels.length} evaluated component${
          levels.length === 1 ? '' : 's'
        } at level ${CLOUD_NATIVE_LEVEL} or above${
          context.at ? ` on ${context.at.slice(0, 10)}` : ''
        }`,
      );
    } else if (states.length > 0) {
      evidence.push(`No component had the ${dimension} dimension evaluated`);
    }
    if (context.when === 'now') {
      const blocking = new Map<string, number>();
      for (const s of states) {
        for (const id of s.blocking?.[dimension] ?? []) {
          blocking.set(id, (blocking.get(id) ?? 0) + 1);
        }
      }
      const top = [...blocking].sort((a, b) => b[1] - a[1]).slice(0, 3);
      for (const [id, count] of top) {
        evidence.push(
          `Blocking the next level: ${context.checkTitle(
            id,
          )} (${count} component${count === 1 ? '' : 's'})`,
        );
      }
    }
  }
  for (const metric of out.metrics) {
    if (metric.measured > 0) {
      evidence.push(
        `${metric.label}: ${AGGREGATE_WORDS[metric.aggregate]} of ${
          metric.measured
        } of ${states.length} component${states.length === 1 ? '' : 's'}`,
      );
    } else if (context.when === 'then') {
      evidence.push(`${metric.label}: not recorded at the first snapshot`);
    } else {
      // One reason, from one component: say so when there are more.
      const why = context.unmeasured?.(metric.fact);
      const which = states.length > 1 ? ` for ${states.length} components` : '';
      const example = states.length > 1 ? 'for example: ' : '';
      evidence.push(
        `${metric.label}: not measured${which}${
          why ? ` (${example}${why})` : ''
        }`,
      );
    }
  }
  return out;
}

function numericFacts(sets: FactSet[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const set of sets ?? []) {
    if (set.status !== 'ok') continue;
    for (const [name, value] of Object.entries(set.facts)) {
      if (typeof value === 'number' && Number.isFinite(value)) {
        out[name] = value;
      }
    }
  }
  return out;
}

/**
 * Builds a system's (or domain's) migration record: each aspect's state at
 * the first snapshot of its history and now. "Then" counts the components
 * that had a snapshot within a day of the first one, with the tracked facts
 * those snapshots recorded; "now" counts every component in scope, with its
 * current facts.
 */
export async function buildMigrationRecord(options: {
  components: StoredEntityScore[];
  facts: Map<string, FactSet[]>;
  model: MaturityModel;
  firstSnapshotTime: (refs: string[]) => Promise<Date | undefined>;
  snapshotsAt: (refs: string[], at: Date) => Promise<Map<string, SnapshotAt>>;
}): Promise<MigrationRecord> {
  const { components, facts, model } = options;
  const refs = components.map(c => c.entityRef);
  const first = refs.length ? await options.firstSnapshotTime(refs) : undefined;
  const levelNames = new Map(model.levels.map(l => [l.level, l.name]));
  const checkTitles = new Map(model.checks.map(c => [c.id, c.title]));
  const dimensions = new Set(model.dimensions.map(d => d.id));

  const nowStates: ComponentState[] = components.map(c => ({
    entityRef: c.entityRef,
    dimensions: Object.fromEntries(
      c.dimensions.map(d => [d.dimension, d.level]),
    ),
    metrics: numericFacts(facts.get(c.entityRef)),
    blocking: Object.fromEntries(
      c.dimensions.map(d => [d.dimension, d.blockingChecks ?? []]),
    ),
  }));

  let thenStates: ComponentState[] = [];
  if (first) {
    const snapshots = await options.snapshotsAt(
      refs,
      new Date(first.getTime() + FIRST_STATE_SPAN_MS),
    );
    thenStates = [...snapshots.values()].map(s => ({
      entityRef: s.entityRef,
      dimensions: s.dimensions,
      metrics: s.metrics ?? {},
    }));
  }

  // Why a collector could not measure now, from the current fact sets.
  const unmeasured = (fact: string): string | undefined => {
    const collector = fact.slice(0, fact.indexOf('.'));
    for (const sets of facts.values()) {
      const set = sets.find(s => s.collector === collector);
      if (set?.status === 'unknown' && set.reason) return set.reason;
      if (set?.unknown?.[fact]) return set.unknown[fact];
    }
    if (!facts.size) return undefined;
    if (
      ![...facts.values()].some(sets =>
        sets.some(s => s.collector === collector),
      )
    ) {
      return `no '${collector}' collector is installed`;
    }
    return undefined;
  };

  const context = {
    levelName: (level: number) => levelNames.get(level as never),
    checkTitle: (id: string) => checkTitles.get(id) ?? id,
  };
  return {
    firstSnapshotAt: first ? first.toISOString() : null,
    rows: ASPECTS.map(spec => {
      const row = {
        ...spec,
        dimension:
          spec.dimension && dimensions.has(spec.dimension)
            ? spec.dimension
            : undefined,
      };
      return {
        aspect: spec.aspect,
        title: spec.title,
        ...(row.dimension ? { dimension: row.dimension } : {}),
        then: stateOf(row, thenStates, {
          ...context,
          when: 'then',
          at: first?.toISOString(),
        }),
        now: stateOf(row, nowStates, { ...context, unmeasured, when: 'now' }),
      };
    }),
  };
}
