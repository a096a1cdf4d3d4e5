import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * A recorded timeline (examples/history): per entity and date, how far its
 * overall level, score and dimension levels stood below today's. Offsets are
 * 0 or less; 0 is the level the portal computes today.
 */
const timelineSchema = z.object({
  description: z.string().optional(),
  generatedBy: z.string().optional(),
  seed: z.string().optional(),
  entities: z.record(
    z.string().min(1),
    z.array(
      z
        .object({
          at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
          level: z.number().int().max(0),
          score: z.number().max(0),
          dimensions: z.record(z.string().min(1), z.number().int().max(0)),
        })
        .strict(),
    ),
  ),
});

export type RecordedTimeline = z.infer<typeof timelineSchema>;

/** Parses a timeline file; an invalid one names the file and the field. */
export function parseTimeline(text: string, file: string): RecordedTimeline {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const parsed = timelineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** The latest stored snapshot of an entity: today's levels. */
export type CurrentSnapshot = {
  entityRef: string;
  level: number;
  score: number;
  dimensions: Record<string, number>;
  modelVersion: string;
};

/**
 * The tracked outcomes of an entity as they stood at a past date (e.g. its
 * delivery figures over the window that ended then), for a point's metrics.
 */
export type MetricsAt = (
  entityRef: string,
  at: Date,
) => Promise<Record<string, number>>;

/** Metrics per entity ref and point date (YYYY-MM-DD). */
export type PointMetrics = Map<string, Map<string, Record<string, number>>>;

/**
 * Works out the metrics of every past point of a timeline, one point at a
 * time (the sources read their history once and answer for each date). A
 * point whose metrics cannot be worked out gets none.
 */
export async function timelineMetrics(
  timeline: RecordedTimeline,
  metricsAt: MetricsAt,
  before: Date,
): Promise<PointMetrics> {
  const out: PointMetrics = new Map();
  for (const [entityRef, points] of Object.entries(timeline.entities)) {
    const byDate = new Map<string, Record<string, number>>();
    for (const point of points) {
      const at = new Date(`${point.at}T12:00:00Z`);
      if (at >= before) continue;
      byDate.set(point.at, await metricsAt(entityRef, at));
    }
    out.set(entityRef, byDate);
  }
  return out;
}

/** One snapshot row as stored in maturity_snapshots. */
export type HistoryRow = {
  entity_ref: string;
  level: number;
  score: number;
  dimensions: string;
  metrics: string;
  model_version: string;
  created_at: Date;
};

const clamp = (n: number, min: number, max: number) =>
  Math.min(max, Math.max(min, n));

/**
 * The snapshot rows a timeline gives, anchored on today's snapshots: each
 * point is today's level, score and dimension levels plus the point's
 * offsets (levels stay within 1-5, scores within 0-100). Dimensions not
 * evaluated today stay out of every point, as in a live snapshot. Points
 * dated after `before` are left out. A point's tracked outcomes come from
 * `metrics`, worked out from the sources as of its date.
 */
export function historyRows(
  timeline: RecordedTimeline,
  current: Map<string, CurrentSnapshot>,
  before: Date,
  metrics?: PointMetrics,
): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (const [entityRef, points] of Object.entries(timeline.entities)) {
    const today = current.get(entityRef);
    if (!today) continue;
    for (const point of points) {
      const at = new Date(`${point.at}T12:00:00Z`);
      if (at >= before) continue;
      const dimensions = Object.fromEntries(
        Object.entries(today.dimensions).map(([dimension, level]) => [
          dimension,
          clamp(level + (point.dimensions[dimension] ?? 0), 1, 5),
        ]),
      );
      rows.push({
        entity_ref: entityRef,
        level: clamp(today.level + point.level, 1, 5),
        score: clamp(Math.round((today.score + point.score) * 10) / 10, 0, 100),
        dimensions: JSON.stringify(dimensions),
        metrics: JSON.stringify(metrics?.get(entityRef)?.get(point.at) ?? {}),
        model_version: today.modelVersion,
        created_at: at,
      });
    }
  }
  return rows;
}

/** What one attempt to apply the timeline did. */
export type HistoryOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'waiting'; reason: string }
  | { status: 'applied'; entities: number; points: number };

/**
 * Applies a recorded timeline once, to a history that holds nothing older
 * than the timeline's last point (a fresh start). It waits until the first
 * evaluation has scored the timeline's entities, since every point is
 * anchored on today's snapshot; after `give up` it applies what it can.
 * Runs in one transaction, so replicas cannot apply it twice.
 */
export async function applyRecordedHistory(options: {
  db: Knex;
  timeline: RecordedTimeline;
  now: Date;
  /** Apply with the entities scored so far instead of waiting for all. */
  giveUpWaiting?: boolean;
  /**
   * The points' tracked outcomes: asked once the timeline's entities are
   * scored, and before the transaction, so the sources are not read while
   * it is open.
   */
  metrics?: () => Promise<PointMetrics | undefined>;
}): Promise<HistoryOutcome> {
  const { db, timeline, now } = options;
  const refs = Object.keys(timeline.entities);
  const dates = Object.values(timeline.entities)
    .flat()
    .map(p => new Date(`${p.at}T12:00:00Z`).getTime())
    .filter(t => t < now.getTime());
  if (refs.length === 0 || dates.length === 0) {
    return { status: 'skipped', reason: 'the timeline has no past point' };
  }
  const lastPoint = new Date(Math.max(...dates));

  /** Today's snapshots of the timeline's entities, or why not to apply. */
  async function readiness(
    q: Knex | Knex.Transaction,
  ): Promise<HistoryOutcome | Map<string, CurrentSnapshot>> {
    const older = await q('maturity_snapshots')
      .where('created_at', '<=', lastPoint)
      .first('id');
    if (older) {
      return { status: 'skipped', reason: 'the maturity history is not empty' };
    }
    const latest: Array<{
      entity_ref: string;
      level: number;
      score: unknown;
      dimensions: string;
      model_version: string;
    }> = await q('maturity_snapshots')
      .whereIn(
        'id',
        q('maturity_snapshots')
          .max('id')
          .whereIn('entity_ref', refs)
          .groupBy('entity_ref'),
      )
      .select('entity_ref', 'level', 'score', 'dimensions', 'model_version');
    const current = new Map<string, CurrentSnapshot>(
      latest.map(row => [
        row.entity_ref,
        {
          entityRef: row.entity_ref,
          level: Number(row.level),
          score: Number(row.score),
          dimensions: JSON.parse(row.dimensions),
          modelVersion: row.model_version,
        },
      ]),
    );
    const missing = refs.filter(ref => !current.has(ref));
    if (current.size === 0 || (missing.length > 0 && !options.giveUpWaiting)) {
      return {
        status: 'waiting',
        reason: `${missing.length} of ${refs.length} entities of the timeline have no score yet`,
      };
    }
    return current;
  }

  const ready = await readiness(db);
  if (!(ready instanceof Map)) return ready;
  const metrics = await options.metrics?.();
  return db.transaction(async tx => {
    // Again inside: another replica may have applied it meanwhile.
    const current = await readiness(tx);
    if (!(current instanceof Map)) return current;
    const rows = historyRows(timeline, current, now, metrics);
    for (let i = 0; i < rows.length; i += 200) {
      await tx('maturity_snapshots').insert(rows.slice(i, i + 200));
    }
    // Trends and roll-ups cached for the previous data are stale now.
    await tx('maturity_data_version').where({ id: 1 }).increment('version', 1);
    return {
      status: 'applied' as const,
      entities: current.size,
      points: rows.length,
    };
  });
}

/**
 * The timeline as a scheduled task: attempts until the first evaluation has
 * scored the timeline's entities, at most `maxAttempts` times (then applies
 * what is scored), and aborts `signal` once it has applied or skipped.
 */
export class RecordedHistorySeeder {
  readonly #ended = new AbortController();
  #attempts = 0;

  constructor(
    private readonly options: {
      db: () => Promise<Knex>;
      file: string;
      logger: LoggerService;
      maxAttempts?: number;
      now?: () => Date;
      /** Works out each point's tracked outcomes as of its date. */
      metricsAt?: MetricsAt;
    },
  ) {}

  #metrics?: Promise<PointMetrics | undefined>;

  /** The points' metrics, worked out once, outside any transaction. */
  async #pointMetrics(
    timeline: RecordedTimeline,
    now: Date,
  ): Promise<PointMetrics | undefined> {
    const { metricsAt, logger } = this.options;
    if (!metricsAt) return undefined;
    this.#metrics ??= timelineMetrics(timeline, metricsAt, now).catch(e => {
      logger.warn(
        `Recorded maturity history goes without outcomes: ${
          (e as Error).message
        }`,
      );
      return undefined;
    });
    return this.#metrics;
  }

  /** Aborted once the timeline has been applied or skipped. */
  get signal(): AbortSignal {
    return this.#ended.signal;
  }

  async attempt(): Promise<HistoryOutcome> {
    if (this.signal.aborted) {
      return { status: 'skipped', reason: 'seeding has ended' };
    }
    const { file, logger } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 20;
    this.#attempts += 1;
    const timeline = parseTimeline(await readFile(file, 'utf8'), file);
    const now = this.options.now?.() ?? new Date();
    const outcome = await applyRecordedHistory({
      db: await this.options.db(),
      timeline,
      now,
      giveUpWaiting: this.#attempts >= maxAttempts,
      metrics: () => this.#pointMetrics(timeline, now),
    });
    if (outcome.status === 'waiting') {
      logger.info(
        `Recorded maturity history waits for the first evaluation (attempt ${
          this.#attempts
        } of ${maxAttempts}): ${outcome.reason}`,
      );
      return outcome;
    }
    this.#ended.abort();
    if (outcome.status === 'applied') {
      logger.info(
        `Recorded maturity history applied from ${file}: ${outcome.points} points for ${outcome.entities} entities`,
      );
    } else {
      logger.info(`Recorded maturity history not applied: ${outcome.reason}`);
    }
    return outcome;
  }
}
