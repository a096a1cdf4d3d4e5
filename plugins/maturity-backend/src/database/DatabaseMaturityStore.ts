import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  CheckResult,
  FactSet,
  LevelNumber,
} from '@cloud-native-portal/plugin-maturity-common';
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Knex } from 'knex';
import {
  Campaign,
  CheckShortfall,
  EntityEvaluation,
  EntityFilters,
  EvaluationState,
  FactEntry,
  FailingCheckCount,
  MaturityStore,
  Page,
  Rollup,
  RollupGroupBy,
  ScoreSnapshot,
  SnapshotAt,
  StoredEntityScore,
  TrendInterval,
  TrendPoint,
  Waiver,
  WaiverAuditEntry,
} from './MaturityStore';
import { periodStarts, trendPoints } from '../service/aggregates';

const migrationsDir = resolvePackagePath(
  '@cloud-native-portal/plugin-maturity-backend',
  'migrations',
);

// Rows per multi-row statement: a bulk write's chunk on PostgreSQL (and
// elsewhere, but SQLite, where rows are written one by one), and a list of
// refs per query. Knex writes SQLite multi-row inserts as a compound
// SELECT, which SQLite caps at 500 terms; a PostgreSQL statement takes at
// most 65,535 parameters (the widest rows here, scores, take 3,400 a chunk).
const CHUNK = 100;
const LARGE_CHUNK = 450;
// Rows per multi-row upsert of wide rows (results with evidence, scores).
const RESULT_CHUNK = 100;
const SCORE_CHUNK = 200;

/** Lets other work (HTTP requests, timers) run between bulk statements. */
const yieldToEventLoop = () => new Promise<void>(r => setImmediate(r));

// How long SQLite rows are written (better-sqlite3 runs each statement on
// the event loop) before other work gets a turn. A request waits for the
// turn in progress at each of its own steps, so this bounds what a bulk
// write adds to every step of a liveness probe or a catalog read. By time,
// not rows: a row of facts costs many times a row of dimension levels.
const SQLITE_TURN_MS = 8;

/** The part of a better-sqlite3 connection the bulk writes use. */
interface SqliteConnection {
  prepare(sql: string): { run(...values: unknown[]): unknown };
}

/** The part of a node-postgres connection the bulk writes use. */
interface PgConnection {
  query(config: {
    name?: string;
    text: string;
    values: unknown[];
  }): Promise<unknown>;
}

// The named PostgreSQL statements of full chunks, by table, columns,
// conflict and chunk size: built and named once per process.
const pgStatements = new Map<string, { name: string; text: string }>();

// Prepared upserts per better-sqlite3 connection, by SQL text.
const sqliteStatements = new WeakMap<
  SqliteConnection,
  Map<string, { run(...values: unknown[]): unknown }>
>();

function sqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.valueOf();
  if (typeof value === 'boolean') return Number(value);
  return value;
}

/** The last history point of each of these entities. */
function latestSnapshots(tx: Knex.Transaction, entityRefs: string[]) {
  return tx('maturity_snapshots').whereIn(
    'id',
    tx('maturity_snapshots')
      .max('id')
      .whereIn('entity_ref', entityRefs)
      .groupBy('entity_ref'),
  );
}

/**
 * The VALUES rows of a PostgreSQL multi-row INSERT, numbered in order:
 * "($1, $2), ($3, $4)" for two rows of two columns.
 */
export function pgValuesPlaceholders(
  rowCount: number,
  columnCount: number,
): string {
  return Array.from(
    { length: rowCount },
    (_, r) =>
      `(${Array.from(
        { length: columnCount },
        (__, c) => `$${r * columnCount + c + 1}`,
      ).join(', ')})`,
  ).join(', ');
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

function toIso(value: unknown): string {
  return new Date(value as string | number | Date).toISOString();
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return (
    err?.code === '23505' ||
    err?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /unique constraint/i.test(err?.message ?? '')
  );
}

type ScoreRow = {
  entity_ref: string;
  kind: string;
  title: string | null;
  owner_ref: string | null;
  system_ref: string | null;
  domain_ref: string | null;
  lifecycle: string | null;
  type: string | null;
  tier: number | null;
  tags: string;
  level: number;
  score: number;
  dimensions: string;
  model_version: string;
  evaluated_at: unknown;
};

type WaiverRow = {
  id: string;
  entity_ref: string;
  check_id: string;
  reason: string;
  created_by: string;
  created_at: unknown;
  expires_at: unknown;
  revoked_at: unknown | null;
  revoked_by: string | null;
};

function toScore(row: ScoreRow): StoredEntityScore {
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    title: row.title ?? undefined,
    ownerRef: row.owner_ref ?? undefined,
    systemRef: row.system_ref ?? undefined,
    domainRef: row.domain_ref ?? undefined,
    lifecycle: row.lifecycle ?? undefined,
    type: row.type ?? undefined,
    tier: row.tier ?? undefined,
    tags: JSON.parse(row.tags),
    level: row.level as LevelNumber,
    score: Number(row.score),
    dimensions: JSON.parse(row.dimensions),
    modelVersion: row.model_version,
    evaluatedAt: toIso(row.evaluated_at),
  };
}

function toWaiver(row: WaiverRow, now = new Date()): Waiver {
  const expiresAt = toIso(row.expires_at);
  return {
    id: row.id,
    entityRef: row.entity_ref,
    checkId: row.check_id,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    expiresAt,
    revokedAt: row.revoked_at ? toIso(row.revoked_at) : undefined,
    revokedBy: row.revoked_by ?? undefined,
    active: !row.revoked_at && new Date(expiresAt) > now,
  };
}

/** The knex implementation of {@link MaturityStore}, for SQLite and PostgreSQL. */
export class DatabaseMaturityStore implements MaturityStore {
  /** Connects, and runs the migrations unless the database service says not to. */
  static async create(options: {
    database: DatabaseService;
    /**
     * On PostgreSQL, bulk writes use named prepared statements (the
     * default). Turn them off behind a connection pooler that does not keep
     * them, such as PgBouncer before 1.21 in transaction pooling mode.
     */
    preparedStatements?: boolean;
  }): Promise<DatabaseMaturityStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseMaturityStore(
      client,
      options.preparedStatements ?? true,
    );
  }

  /** The migrations folder, for tests that step through migrations. */
  static readonly migrationsDir = migrationsDir;

  private constructor(
    private readonly db: Knex,
    private readonly preparedStatements: boolean,
  ) {}

  // Roll-ups keyed by query, valid for one data version (see dataVersion).
  private readonly rollupCache = new Map<
    string,
    { version: string; page: Page<Rollup> }
  >();
  // Failing-check counts per filter set, valid for one data version: the
  // count reads every entity's dimension rows.
  private readonly failingCache = new Map<
    string,
    { version: string; counts: FailingCheckCount[] }
  >();
  // Trends per filter set, interval and periods, valid for one data version:
  // a trend reads every matching entity's history.
  private readonly trendCache = new Map<
    string,
    { version: string; points: TrendPoint[] }
  >();

  /**
   * A cheap stamp that changes whenever scores or the hierarchy change, in
   * this replica or another one sharing the database.
   */
  private async dataVersion(): Promise<string> {
    const row = await this.db('maturity_data_version').where({ id: 1 }).first();
    return String(row?.version ?? 0);
  }

  private async bumpDataVersion(tx: Knex.Transaction) {
    await tx('maturity_data_version').where({ id: 1 }).increment('version', 1);
  }

  private get isBetterSqlite(): boolean {
    return (
      (this.db.client as { driverName?: string }).driverName ===
      'better-sqlite3'
    );
  }

  private get isPostgres(): boolean {
    return (this.db.client as { driverName?: string }).driverName === 'pg';
  }

  /**
   * Inserts rows (all with the same columns), replacing the stored row on a
   * conflict of `conflict` when given, with statements prepared once per
   * table, set of columns and connection: no SQL is built, parsed or
   * planned per chunk. On SQLite (better-sqlite3) one statement runs once
   * per row, and no statement holds a chunk's bound values until garbage
   * collection. On PostgreSQL a named statement inserts `chunk` rows at a
   * time (the server keeps its plan for the session); the rows left over go
   * in one unnamed statement. Without `preparedStatements`, every statement
   * is unnamed. Other databases get knex multi-row inserts. The event loop
   * gets turns in between.
   */
  private async bulkInsert(
    tx: Knex.Transaction,
    table: string,
    rows: Array<Record<string, unknown>>,
    options: { conflict?: string[]; chunk: number },
  ): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]);
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const { conflict } = options;
    const update = conflict ? columns.filter(c => !conflict.includes(c)) : [];
    const insertSql = (values: string) =>
      `INSERT INTO ${quote(table)} (${columns
        .map(quote)
        .join(', ')}) VALUES ${values}${
        conflict
          ? ` ON CONFLICT (${conflict.map(quote).join(', ')}) DO ${
              update.length
                ? `UPDATE SET ${update
                    .map(c => `${quote(c)} = excluded.${quote(c)}`)
                    .join(', ')}`
                : 'NOTHING'
            }`
          : ''
      }`;
    if (!this.isBetterSqlite && !this.isPostgres) {
      for (const part of chunks(rows, options.chunk)) {
        const insert = tx(table).insert(part);
        await (conflict ? insert.onConflict(conflict).merge() : insert);
        await yieldToEventLoop();
      }
      return;
    }
    const connection = await (
      tx as unknown as {
        client: { acquireConnection(): Promise<unknown> };
      }
    ).client.acquireConnection();
    if (this.isBetterSqlite) {
      const sqlite = connection as SqliteConnection;
      const sql = insertSql(`(${columns.map(() => '?').join(', ')})`);
      let statements = sqliteStatements.get(sqlite);
      if (!statements) {
        statements = new Map();
        sqliteStatements.set(sqlite, statements);
      }
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        statements.set(sql, statement);
      }
      let turn = performance.now();
      for (const row of rows) {
        statement.run(...columns.map(c => sqliteValue(row[c])));
        if (performance.now() - turn >= SQLITE_TURN_MS) {
          await yieldToEventLoop();
          turn = performance.now();
        }
      }
      return;
    }
    const pg = connection as PgConnection;
    const rowsSql = (count: number) =>
      pgValuesPlaceholders(count, columns.length);
    // The statement that writes a full chunk, looked up once per call.
    let full: { name: string; text: string } | undefined;
    if (this.preparedStatements && rows.length >= options.chunk) {
      const key = JSON.stringify([table, columns, conflict, options.chunk]);
      full = pgStatements.get(key);
      if (!full) {
        const text = insertSql(rowsSql(options.chunk));
        full = {
          name: `maturity_${createHash('sha1')
            .update(text)
            .digest('hex')
            .slice(0, 20)}`,
          text,
        };
        pgStatements.set(key, full);
      }
    }
    for (const part of chunks(rows, options.chunk)) {
      const values: unknown[] = [];
      for (const row of part) {
        for (const c of columns) values.push(row[c] ?? null);
      }
      await (full && part.length === options.chunk
        ? pg.query({ ...full, values })
        : pg.query({ text: insertSql(rowsSql(part.length)), values }));
      await yieldToEventLoop();
    }
  }

  async saveFacts(entries: FactEntry[]): Promise<void> {
    // One transaction (one commit) for the lot.
    await this.db.transaction(tx => this.writeFacts(tx, entries));
  }

  /** Upserts fact sets, one row per entity and collector. */
  private async writeFacts(
    tx: Knex.Transaction,
    entries: FactEntry[],
  ): Promise<void> {
    const rows: Array<Record<string, unknown>> = [];
    for (const { entityRef, factSets, payloads } of entries) {
      for (let i = 0; i < factSets.length; i++) {
        const set = factSets[i];
        rows.push({
          entity_ref: entityRef,
          collector: set.collector,
          version: set.version,
          status: set.status,
          payload: payloads?.[i] ?? JSON.stringify(set),
          collected_at: new Date(set.collectedAt),
        });
      }
    }
    await this.bulkInsert(tx, 'maturity_facts', rows, {
      conflict: ['entity_ref', 'collector'],
      chunk: LARGE_CHUNK,
    });
  }

  async getFacts(entityRefs: string[]): Promise<Map<string, FactSet[]>> {
    const out = new Map<string, FactSet[]>();
    for (const part of chunks(entityRefs, 500)) {
      const rows = await this.db('maturity_facts')
        .whereIn('entity_ref', part)
        .select('entity_ref', 'payload');
      for (const row of rows) {
        const list = out.get(row.entity_ref) ?? [];
        list.push(JSON.parse(row.payload));
        out.set(row.entity_ref, list);
      }
    }
    return out;
  }

  async listFactEntityRefs(): Promise<string[]> {
    const rows = await this.db('maturity_facts')
      .distinct('entity_ref')
      .orderBy('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  async saveEvaluations(
    evaluations: EntityEvaluation[],
    options: { at: Date; snapshot: boolean; facts?: FactEntry[] },
  ): Promise<void> {
    if (evaluations.length === 0) {
      if (options.facts?.length) await this.saveFacts(options.facts);
      return;
    }
    // One transaction (one commit) per call, facts included, in multi-row
    // statements; the event loop gets a turn between statements.
    await this.db.transaction(async tx => {
      if (options.facts) await this.writeFacts(tx, options.facts);
      const refs = evaluations.map(e => e.entity.entityRef);
      for (const part of chunks(refs, 500)) {
        await tx('maturity_entity_dimensions')
          .whereIn('entity_ref', part)
          .delete();
      }

      // One row per entity holds every check's result and evidence.
      const results = evaluations.map(e => ({
        entity_ref: e.entity.entityRef,
        results: JSON.stringify(e.results),
        evaluated_at: options.at,
      }));
      await this.bulkInsert(tx, 'maturity_entity_results', results, {
        conflict: ['entity_ref'],
        chunk: RESULT_CHUNK,
      });

      // A dimension that was not evaluated has no level to roll up: the
      // team and rollup views show it as not evaluated, not as level 1.
      const dimensions = evaluations.flatMap(e =>
        e.dimensions
          .flatMap(d =>
            d.level === null || d.score === null
              ? []
              : [{ ...d, level: d.level, score: d.score }],
          )
          .map(d => ({
            entity_ref: e.entity.entityRef,
            dimension: d.dimension,
            level: d.level,
            score: d.score,
            failing: JSON.stringify(
              e.dimensionChecks?.[d.dimension]?.failing ?? [],
            ),
            unknown: JSON.stringify(
              e.dimensionChecks?.[d.dimension]?.unknown ?? [],
            ),
          })),
      );
      await this.bulkInsert(tx, 'maturity_entity_dimensions', dimensions, {
        chunk: LARGE_CHUNK,
      });

      // When a history point is due, write it; either way each score row
      // keeps the time of its entity's last history point.
      const snapshotAt = options.snapshot
        ? await this.appendSnapshots(tx, evaluations, options.at)
        : undefined;
      const scores = evaluations.map(e => ({
        entity_ref: e.entity.entityRef,
        kind: e.entity.kind,
        title: e.entity.title ?? null,
        owner_ref: e.entity.ownerRef ?? null,
        system_ref: e.entity.systemRef ?? null,
        domain_ref: e.entity.domainRef ?? null,
        lifecycle: e.entity.lifecycle ?? null,
        type: e.entity.type ?? null,
        tier: e.entity.tier ?? null,
        tags: JSON.stringify(e.entity.tags),
        level: e.level,
        score: e.score,
        dimensions: JSON.stringify(e.dimensions),
        model_version: e.modelVersion,
        evaluated_at: options.at,
        input_hash: e.inputHash ?? null,
        ...(snapshotAt
          ? { snapshot_at: snapshotAt.get(e.entity.entityRef) ?? null }
          : {}),
      }));
      await this.bulkInsert(tx, 'maturity_entity_scores', scores, {
        conflict: ['entity_ref'],
        chunk: SCORE_CHUNK,
      });
      await this.bumpDataVersion(tx);
    });
  }

  /**
   * History records every change, plus one point a day when nothing changed,
   * so frequent cycles do not multiply rows for entities that stand still.
   * Returns, per entity, when its last history point now is.
   */
  private async appendSnapshots(
    tx: Knex.Transaction,
    evaluations: EntityEvaluation[],
    at: Date,
  ): Promise<Map<string, Date>> {
    const refs = evaluations.map(e => e.entity.entityRef);
    const last = new Map<string, { key: string; at: number }>();
    for (const part of chunks(refs, 500)) {
      const rows = await latestSnapshots(tx, part).select(
        'entity_ref',
        'level',
        'score',
        'dimensions',
        'metrics',
        'created_at',
      );
      for (const row of rows) {
        last.set(row.entity_ref, {
          key: `${row.level}|${Number(row.score)}|${row.dimensions}|${
            row.metrics ?? '{}'
          }`,
          at: new Date(row.created_at).getTime(),
        });
      }
    }
    const snapshotAt = new Map<string, Date>();
    const snapshots = evaluations
      .map(e => {
        const dimensions = JSON.stringify(
          Object.fromEntries(
            e.dimensions
              .filter(d => d.level !== null)
              .map(d => [d.dimension, d.level]),
          ),
        );
        const metrics = JSON.stringify(e.metrics ?? {});
        return {
          row: {
            entity_ref: e.entity.entityRef,
            level: e.level,
            score: e.score,
            dimensions,
            metrics,
            model_version: e.modelVersion,
            created_at: at,
          },
          key: `${e.level}|${e.score}|${dimensions}|${metrics}`,
        };
      })
      .filter(({ row, key }) => {
        const previous = last.get(row.entity_ref);
        const due =
          !previous ||
          previous.key !== key ||
          at.getTime() - previous.at >= 86400_000;
        snapshotAt.set(
          row.entity_ref,
          due ? at : new Date(previous?.at ?? at.getTime()),
        );
        return due;
      })
      .map(({ row }) => row);
    await this.bulkInsert(tx, 'maturity_snapshots', snapshots, {
      chunk: LARGE_CHUNK,
    });
    return snapshotAt;
  }

  async getEvaluationStates(
    entityRefs: string[],
  ): Promise<Map<string, EvaluationState>> {
    const out = new Map<string, EvaluationState>();
    for (const part of chunks(entityRefs, 500)) {
      const rows = await this.db('maturity_entity_scores')
        .whereIn('entity_ref', part)
        .select('entity_ref', 'input_hash', 'snapshot_at');
      for (const row of rows) {
        out.set(row.entity_ref, {
          inputHash: row.input_hash ?? undefined,
          snapshotAt: row.snapshot_at ? new Date(row.snapshot_at) : undefined,
        });
      }
    }
    return out;
  }

  async carryForwardSnapshots(entityRefs: string[], at: Date): Promise<void> {
    if (entityRefs.length === 0) return;
    await this.db.transaction(async tx => {
      for (const part of chunks(entityRefs, 500)) {
        const rows = await latestSnapshots(tx, part).select(
          'entity_ref',
          'level',
          'score',
          'dimensions',
          'metrics',
          'model_version',
        );
        for (const copies of chunks(rows, LARGE_CHUNK)) {
          await tx('maturity_snapshots').insert(
            copies.map(row => ({ ...row, created_at: at })),
          );
        }
        await yieldToEventLoop();
      }
      // Their scores stand as evaluated; only the time of their last
      // history point moves.
      for (const part of chunks(entityRefs, 500)) {
        await tx('maturity_entity_scores')
          .whereIn('entity_ref', part)
          .update({ snapshot_at: at });
      }
      // Trends read the history.
      await this.bumpDataVersion(tx);
    });
  }

  async getEntityScore(
    entityRef: string,
  ): Promise<StoredEntityScore | undefined> {
    const row = await this.db<ScoreRow>('maturity_entity_scores')
      .where({ entity_ref: entityRef })
      .first();
    return row ? toScore(row) : undefined;
  }

  async getCheckResults(entityRef: string): Promise<CheckResult[]> {
    const row = await this.db('maturity_entity_results')
      .where({ entity_ref: entityRef })
      .first();
    return row ? JSON.parse(row.results) : [];
  }

  async getCheckResultsOf(
    entityRefs: string[],
  ): Promise<Map<string, CheckResult[]>> {
    const out = new Map<string, CheckResult[]>();
    for (const part of chunks(entityRefs, 500)) {
      const rows = await this.db('maturity_entity_results')
        .whereIn('entity_ref', part)
        .select('entity_ref', 'results');
      for (const row of rows) out.set(row.entity_ref, JSON.parse(row.results));
    }
    return out;
  }

  async getCheckLists(
    entityRefs: string[],
  ): Promise<Map<string, { failing: string[]; unknown: string[] }>> {
    const out = new Map<string, { failing: string[]; unknown: string[] }>();
    for (const part of chunks(entityRefs, 500)) {
      const rows: Array<{
        entity_ref: string;
        failing: string | null;
        unknown: string | null;
      }> = await this.db('maturity_entity_dimensions')
        .whereIn('entity_ref', part)
        .select('entity_ref', 'failing', 'unknown');
      for (const row of rows) {
        let lists = out.get(row.entity_ref);
        if (!lists)
          out.set(row.entity_ref, (lists = { failing: [], unknown: [] }));
        lists.failing.push(...JSON.parse(row.failing ?? '[]'));
        lists.unknown.push(...JSON.parse(row.unknown ?? '[]'));
      }
    }
    return out;
  }

  async getFailingOrUnknownChecks(
    entityRefs: string[],
  ): Promise<Map<string, string[]>> {
    // The dimensions' JSON lists joined in SQL: one row per entity to read
    // and parse instead of one per dimension.
    const lists = `COALESCE(failing, '[]') || ',' || COALESCE(unknown, '[]')`;
    const joined = this.isBetterSqlite
      ? `group_concat(${lists}, ',')`
      : `string_agg(${lists}, ',')`;
    const out = new Map<string, string[]>();
    for (const part of chunks(entityRefs, 500)) {
      const rows: Array<{ entity_ref: string; ids: string }> = await this.db(
        'maturity_entity_dimensions',
      )
        .whereIn('entity_ref', part)
        .groupBy('entity_ref')
        .select('entity_ref', this.db.raw(`${joined} as ids`));
      for (const row of rows) {
        out.set(
          row.entity_ref,
          (JSON.parse(`[${row.ids}]`) as string[][]).flat(),
        );
      }
    }
    return out;
  }

  private applyFilters(
    query: Knex.QueryBuilder,
    filters: EntityFilters,
    alias = 's',
  ): Knex.QueryBuilder {
    if (filters.kind) query.where(`${alias}.kind`, filters.kind.toLowerCase());
    if (filters.system) query.where(`${alias}.system_ref`, filters.system);
    if (filters.domain) query.where(`${alias}.domain_ref`, filters.domain);
    if (filters.lifecycle) query.where(`${alias}.lifecycle`, filters.lifecycle);
    if (filters.type) query.where(`${alias}.type`, filters.type);
    if (filters.tier !== undefined) query.where(`${alias}.tier`, filters.tier);
    if (filters.entityRefs) {
      query.whereIn(`${alias}.entity_ref`, filters.entityRefs);
    }
    if (filters.tag) {
      // Tags are stored as a JSON array of strings; match the quoted element.
      const needle = JSON.stringify(filters.tag)
        .replace(/[\\%_]/g, m => `\\${m}`)
        .toLowerCase();
      query.whereRaw(`LOWER(${alias}.tags) LIKE ? ESCAPE '\\'`, [
        `%${needle}%`,
      ]);
    }
    if (filters.owner) {
      const owner = filters.owner;
      query.where(q =>
        q
          .where(`${alias}.owner_ref`, owner)
          .orWhereIn(
            `${alias}.owner_ref`,
            this.db('maturity_group_closure')
              .select('descendant_ref')
              .where('ancestor_ref', owner),
          ),
      );
    }
    return query;
  }

  async listEntityScores(
    filters: EntityFilters,
    page: { limit: number; offset: number },
  ): Promise<Page<StoredEntityScore>> {
    const base = () =>
      this.applyFilters(this.db('maturity_entity_scores as s'), filters);
    const [{ count }] = await base().count({ count: '*' });
    const rows = await base()
      .select('s.*')
      .orderBy('s.entity_ref')
      .limit(page.limit)
      .offset(page.offset);
    return {
      items: rows.map(toScore),
      totalCount: Number(count),
      limit: page.limit,
      offset: page.offset,
    };
  }

  async getHistory(
    entityRef: string,
    range: { from?: Date; to?: Date; limit: number },
  ): Promise<ScoreSnapshot[]> {
    const query = this.db('maturity_snapshots').where({
      entity_ref: entityRef,
    });
    if (range.from) query.where('created_at', '>=', range.from);
    if (range.to) query.where('created_at', '<=', range.to);
    // The most recent `limit` points, returned oldest first.
    const rows = await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(range.limit);
    return rows.reverse().map(row => ({
      level: row.level,
      score: Number(row.score),
      dimensions: JSON.parse(row.dimensions),
      metrics: row.metrics ? JSON.parse(row.metrics) : {},
      modelVersion: row.model_version,
      createdAt: toIso(row.created_at),
    }));
  }

  async pruneSnapshots(olderThan: Date): Promise<number> {
    return this.db.transaction(async tx => {
      const deleted = await tx('maturity_snapshots')
        .where('created_at', '<', olderThan)
        .delete();
      // Trends read the history, so a pruned history is new data.
      if (deleted > 0) await this.bumpDataVersion(tx);
      return deleted;
    });
  }

  async deleteEntities(entityRefs: string[]): Promise<void> {
    for (const part of chunks(entityRefs, 500)) {
      await this.db.transaction(async tx => {
        await this.bumpDataVersion(tx);
        for (const table of [
          'maturity_facts',
          'maturity_entity_results',
          'maturity_entity_dimensions',
          'maturity_entity_scores',
        ]) {
          await tx(table).whereIn('entity_ref', part).delete();
        }
      });
    }
  }

  async listScoredEntityRefs(): Promise<string[]> {
    const rows = await this.db('maturity_entity_scores').select('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  async replaceGroupClosure(
    rows: Array<{ ancestor: string; descendant: string; depth: number }>,
  ): Promise<void> {
    const key = (ancestor: string, descendant: string, depth: number) =>
      `${ancestor}\u0000${descendant}\u0000${depth}`;
    const wanted = new Set(
      rows.map(r => key(r.ancestor, r.descendant, r.depth)),
    );
    await this.db.transaction(async tx => {
      // Most cycles find the hierarchy as it was: leave it, and the data
      // version with it, so that cached roll-ups and trends stay valid.
      const stored = await tx('maturity_group_closure').select(
        'ancestor_ref',
        'descendant_ref',
        'depth',
      );
      if (
        stored.length === wanted.size &&
        stored.every(r =>
          wanted.has(key(r.ancestor_ref, r.descendant_ref, Number(r.depth))),
        )
      ) {
        return;
      }
      await this.bumpDataVersion(tx);
      await tx('maturity_group_closure').delete();
      for (const part of chunks(rows)) {
        await tx('maturity_group_closure').insert(
          part.map(r => ({
            ancestor_ref: r.ancestor,
            descendant_ref: r.descendant,
            depth: r.depth,
          })),
        );
      }
    });
  }

  /**
   * Roll-ups aggregate in SQL per direct key (owner, system or domain), then
   * fan owner keys out to every ancestor group in memory: a parent group sees
   * its children's entities without joining the hierarchy into every row.
   */
  async getRollups(options: {
    groupBy: RollupGroupBy;
    filters: EntityFilters;
    limit: number;
    offset: number;
  }): Promise<Page<Rollup>> {
    const key = JSON.stringify([options.groupBy, options.filters]);
    const version = await this.dataVersion();
    let cached = this.rollupCache.get(key);
    if (!cached || cached.version !== version) {
      cached = {
        version,
        page: await this.computeRollups(options.groupBy, options.filters),
      };
      if (this.rollupCache.size >= 100) {
        this.rollupCache.delete(this.rollupCache.keys().next().value!);
      }
      this.rollupCache.set(key, cached);
    }
    const all = cached.page.items;
    return {
      items: all.slice(options.offset, options.offset + options.limit),
      totalCount: all.length,
      limit: options.limit,
      offset: options.offset,
    };
  }

  private async computeRollups(
    groupBy: RollupGroupBy,
    filters: EntityFilters,
  ): Promise<Page<Rollup>> {
    const options = { groupBy, filters };
    const columns: Record<RollupGroupBy, string> = {
      owner: 's.owner_ref',
      system: 's.system_ref',
      domain: 's.domain_ref',
    };
    const column = columns[options.groupBy];
    // An entity none of whose dimensions was evaluated has no dimension
    // row. Its stored level 1 and score 0 stand for nothing measured: it
    // is counted apart, never in the levels or the average.
    const evaluated = `case when exists (select 1 from maturity_entity_dimensions e where e.entity_ref = s.entity_ref) then 1 else 0 end`;
    const levelRows = await this.applyFilters(
      this.db('maturity_entity_scores as s')
        .select(
          this.db.raw(`${column} as direct_key`),
          's.level',
          this.db.raw(`${evaluated} as evaluated`),
        )
        .count({ n: '*' })
        .sum({ score_sum: 's.score' })
        .groupBy(column, 's.level')
        .groupByRaw(evaluated),
      options.filters,
    );
    const dimensionRows = await this.applyFilters(
      this.db('maturity_entity_dimensions as d')
        .join('maturity_entity_scores as s', 's.entity_ref', 'd.entity_ref')
        .select(
          this.db.raw(`${column} as direct_key`),
          'd.dimension',
          'd.level',
        )
        .count({ n: '*' })
        .sum({ score_sum: 'd.score' })
        .groupBy(column, 'd.dimension', 'd.level'),
      options.filters,
    );

    const directKeys = [
      ...new Set(levelRows.map((r: any) => r.direct_key ?? 'none')),
    ] as string[];
    const fanOut =
      options.groupBy === 'owner'
        ? await this.getAncestors(directKeys.filter(k => k !== 'none'))
        : new Map<string, string[]>();
    const keysOf = (direct: string | null) =>
      fanOut.get(direct ?? '') ?? [direct ?? 'none'];

    type Acc = {
      rollup: Rollup;
      scoreSum: number;
      dims: Map<string, { sum: number; n: number }>;
    };
    const acc = new Map<string, Acc>();
    const get = (key: string) => {
      let a = acc.get(key);
      if (!a) {
        a = {
          rollup: {
            key,
            entityCount: 0,
            notEvaluatedCount: 0,
            averageScore: null,
            levels: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
            dimensions: {},
          },
          scoreSum: 0,
          dims: new Map(),
        };
        acc.set(key, a);
      }
      return a;
    };
    for (const row of levelRows as any[]) {
      for (const key of keysOf(row.direct_key)) {
        const a = get(key);
        a.rollup.entityCount += Number(row.n);
        if (Number(row.evaluated) === 0) {
          a.rollup.notEvaluatedCount += Number(row.n);
          continue;
        }
        a.rollup.levels[String(row.level)] += Number(row.n);
        a.scoreSum += Number(row.score_sum);
      }
    }
    for (const row of dimensionRows as any[]) {
      for (const key of keysOf(row.direct_key)) {
        const a = get(key);
        const dim = (a.rollup.dimensions[row.dimension] ??= {
          levels: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
          averageScore: 0,
        });
        dim.levels[String(row.level)] += Number(row.n);
        const sums = a.dims.get(row.dimension) ?? { sum: 0, n: 0 };
        sums.sum += Number(row.score_sum);
        sums.n += Number(row.n);
        a.dims.set(row.dimension, sums);
      }
    }
    const round = (n: number) => Math.round(n * 10) / 10;
    const all = [...acc.values()]
      .map(a => {
        const evaluatedCount =
          a.rollup.entityCount - a.rollup.notEvaluatedCount;
        a.rollup.averageScore = evaluatedCount
          ? round(a.scoreSum / evaluatedCount)
          : null;
        for (const [dimension, sums] of a.dims) {
          a.rollup.dimensions[dimension].averageScore = round(
            sums.sum / sums.n,
          );
        }
        return a.rollup;
      })
      .sort((a, b) => a.key.localeCompare(b.key));
    return { items: all, totalCount: all.length, limit: all.length, offset: 0 };
  }

  async getFailingChecks(
    filters: EntityFilters,
    limit: number,
  ): Promise<FailingCheckCount[]> {
    const key = JSON.stringify(filters);
    const version = await this.dataVersion();
    let cached = this.failingCache.get(key);
    if (!cached || cached.version !== version) {
      cached = { version, counts: await this.countFailingChecks(filters) };
      if (this.failingCache.size >= 100) {
        this.failingCache.delete(this.failingCache.keys().next().value!);
      }
      this.failingCache.set(key, cached);
    }
    return cached.counts.slice(0, limit);
  }

  private async countFailingChecks(
    filters: EntityFilters,
  ): Promise<FailingCheckCount[]> {
    const rows: Array<{ failing: string | null; unknown: string | null }> =
      await this.applyFilters(
        this.db('maturity_entity_dimensions as d')
          .join('maturity_entity_scores as s', 's.entity_ref', 'd.entity_ref')
          .select('d.failing', 'd.unknown'),
        filters,
      );
    const byCheck = new Map<string, FailingCheckCount>();
    const add = (ids: string | null, key: 'failing' | 'unknown') => {
      for (const checkId of ids ? (JSON.parse(ids) as string[]) : []) {
        const entry = byCheck.get(checkId) ?? {
          checkId,
          failing: 0,
          unknown: 0,
        };
        entry[key] += 1;
        byCheck.set(checkId, entry);
      }
    };
    for (const row of rows) {
      add(row.failing, 'failing');
      add(row.unknown, 'unknown');
    }
    return [...byCheck.values()].sort(
      (a, b) =>
        b.failing - a.failing ||
        b.unknown - a.unknown ||
        a.checkId.localeCompare(b.checkId),
    );
  }

  /**
   * Trends are cached per filter set, interval and periods for one data
   * version. `from` counts by the start of its first period: a snapshot
   * between that start and `from` lands in the first period either way, so
   * every `from` within one period gives the same trend.
   */
  async getTrends(options: {
    filters: EntityFilters;
    from: Date;
    interval: TrendInterval;
  }): Promise<TrendPoint[]> {
    const now = new Date();
    const starts = periodStarts(options.from, options.interval, now);
    if (starts.length === 0) return [];
    const key = JSON.stringify([
      options.filters,
      options.interval,
      starts[0].toISOString(),
      starts[starts.length - 1].toISOString(),
    ]);
    const version = await this.dataVersion();
    let cached = this.trendCache.get(key);
    if (!cached || cached.version !== version) {
      cached = {
        version,
        points: await this.computeTrends(options.filters, starts, now),
      };
      if (this.trendCache.size >= 100) {
        this.trendCache.delete(this.trendCache.keys().next().value!);
      }
      this.trendCache.set(key, cached);
    }
    return cached.points;
  }

  /**
   * Reads only what a trend needs: level and score of the matching
   * entities' snapshots, selected in SQL rather than by lists of refs.
   */
  private async computeTrends(
    filters: EntityFilters,
    starts: Date[],
    now: Date,
  ): Promise<TrendPoint[]> {
    const from = starts[0];
    const matching = () =>
      this.applyFilters(
        this.db('maturity_entity_scores as s').select('s.entity_ref'),
        filters,
      );
    // A history point with no evaluated dimension stores '{}' (see
    // appendSnapshots): its level 1 and score 0 stand for nothing measured.
    const evaluated = this.db.raw(
      `case when dimensions = '{}' then 0 else 1 end as evaluated`,
    );
    const beforeRows: Array<{
      entity_ref: string;
      level: number;
      score: unknown;
      evaluated: unknown;
    }> = await this.db('maturity_snapshots')
      .whereIn(
        'id',
        this.db('maturity_snapshots')
          .max('id')
          .whereIn('entity_ref', matching())
          .where('created_at', '<=', from)
          .groupBy('entity_ref'),
      )
      .select('entity_ref', 'level', 'score', evaluated);
    const sinceRows: Array<{
      entity_ref: string;
      level: number;
      score: unknown;
      evaluated: unknown;
      created_at: unknown;
    }> = await this.db('maturity_snapshots')
      .whereIn('entity_ref', matching())
      .where('created_at', '>', from)
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .select('entity_ref', 'level', 'score', evaluated, 'created_at');
    return trendPoints({
      starts,
      before: new Map(
        beforeRows.map(r => [
          r.entity_ref,
          {
            level: Number(r.level),
            score: Number(r.score),
            evaluated: Number(r.evaluated) === 1,
          },
        ]),
      ),
      since: sinceRows.map(r => ({
        entityRef: r.entity_ref,
        level: Number(r.level),
        score: Number(r.score),
        evaluated: Number(r.evaluated) === 1,
        createdAtMs: new Date(r.created_at as string | number | Date).getTime(),
      })),
      now,
    });
  }

  async createWaiver(input: {
    entityRef: string;
    checkId: string;
    reason: string;
    createdBy: string;
    expiresAt: Date;
  }): Promise<Waiver> {
    const now = new Date();
    const id = randomUUID();
    const activeKey = `${input.entityRef}|${input.checkId}`;
    try {
      await this.db.transaction(async tx => {
        // A lapsed waiver no longer holds the check's active slot.
        const lapsed = await tx('maturity_waivers')
          .where({ active_key: activeKey })
          .where('expires_at', '<=', now)
          .select('id');
        for (const { id: lapsedId } of lapsed) {
          await tx('maturity_waivers').where({ id: lapsedId }).update({
            active_key: null,
            revoked_at: now,
            revoked_by: 'system:expired',
          });
          await tx('maturity_waiver_audit').insert({
            waiver_id: lapsedId,
            action: 'revoked',
            actor: 'system:expired',
            at: now,
            details: JSON.stringify({ reason: 'expired' }),
          });
        }
        const row = {
          id,
          entity_ref: input.entityRef,
          check_id: input.checkId,
          reason: input.reason,
          created_by: input.createdBy,
          created_at: now,
          expires_at: input.expiresAt,
          revoked_at: null,
          revoked_by: null,
          active_key: activeKey,
        };
        await tx('maturity_waivers').insert(row);
        await tx('maturity_waiver_audit').insert({
          waiver_id: id,
          action: 'created',
          actor: input.createdBy,
          at: now,
          details: JSON.stringify({
            entityRef: input.entityRef,
            checkId: input.checkId,
            reason: input.reason,
            expiresAt: input.expiresAt.toISOString(),
          }),
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new ConflictError(
          `An active waiver already exists for check '${input.checkId}' on ${input.entityRef}`,
        );
      }
      throw e;
    }
    const row = await this.db<WaiverRow>('maturity_waivers')
      .where({ id })
      .first();
    return toWaiver(row!);
  }

  async listWaivers(options: {
    entityRef?: string;
    includeInactive?: boolean;
  }): Promise<Waiver[]> {
    const query = this.db<WaiverRow>('maturity_waivers');
    if (options.entityRef) query.where({ entity_ref: options.entityRef });
    if (!options.includeInactive) {
      query.whereNull('revoked_at').where('expires_at', '>', new Date());
    }
    const rows = await query.orderBy([
      { column: 'entity_ref' },
      { column: 'check_id' },
      { column: 'created_at', order: 'desc' },
    ]);
    return rows.map(r => toWaiver(r));
  }

  async getWaiver(id: string): Promise<Waiver | undefined> {
    const row = await this.db<WaiverRow>('maturity_waivers')
      .where({ id })
      .first();
    return row ? toWaiver(row) : undefined;
  }

  async revokeWaiver(id: string, actor: string): Promise<Waiver> {
    const now = new Date();
    await this.db.transaction(async tx => {
      const updated = await tx('maturity_waivers')
        .where({ id })
        .whereNull('revoked_at')
        .update({ revoked_at: now, revoked_by: actor, active_key: null });
      if (updated === 0) {
        throw new NotFoundError(`No active waiver with id '${id}'`);
      }
      await tx('maturity_waiver_audit').insert({
        waiver_id: id,
        action: 'revoked',
        actor,
        at: now,
        details: JSON.stringify({}),
      });
    });
    const row = await this.db<WaiverRow>('maturity_waivers')
      .where({ id })
      .first();
    return toWaiver(row!);
  }

  async getWaiverAudit(waiverId: string): Promise<WaiverAuditEntry[]> {
    const rows = await this.db('maturity_waiver_audit')
      .where({ waiver_id: waiverId })
      .orderBy('id');
    return rows.map(r => ({
      waiverId: r.waiver_id,
      action: r.action,
      actor: r.actor,
      at: toIso(r.at),
    }));
  }

  async getActiveWaivers(
    entityRefs: string[],
  ): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    const now = new Date();
    for (const part of chunks(entityRefs, 500)) {
      const rows = await this.db('maturity_waivers')
        .whereIn('entity_ref', part)
        .whereNull('revoked_at')
        .where('expires_at', '>', now)
        .select('entity_ref', 'check_id');
      for (const row of rows) {
        const set = out.get(row.entity_ref) ?? new Set<string>();
        set.add(row.check_id);
        out.set(row.entity_ref, set);
      }
    }
    return out;
  }

  async listCheckShortfalls(
    check: { id: string; dimension: string },
    filters: EntityFilters,
  ): Promise<CheckShortfall[]> {
    // The check id as a JSON string element, to narrow the rows in SQL.
    const needle = `%${JSON.stringify(check.id).replace(
      /[\\%_]/g,
      m => `\\${m}`,
    )}%`;
    const rows: Array<{
      entity_ref: string;
      title: string | null;
      owner_ref: string | null;
      failing: string | null;
      unknown: string | null;
    }> = await this.applyFilters(
      this.db('maturity_entity_dimensions as d')
        .join('maturity_entity_scores as s', 's.entity_ref', 'd.entity_ref')
        .where('d.dimension', check.dimension)
        .where(q =>
          q
            .whereRaw(`d.failing LIKE ? ESCAPE '\\'`, [needle])
            .orWhereRaw(`d.unknown LIKE ? ESCAPE '\\'`, [needle]),
        )
        .select(
          'd.entity_ref',
          's.title',
          's.owner_ref',
          'd.failing',
          'd.unknown',
        )
        .orderBy('d.entity_ref'),
      filters,
    );
    const out: CheckShortfall[] = [];
    for (const row of rows) {
      const has = (ids: string | null) =>
        (JSON.parse(ids ?? '[]') as string[]).includes(check.id);
      let result: CheckShortfall['result'] | undefined;
      if (has(row.failing)) result = 'fail';
      else if (has(row.unknown)) result = 'unknown';
      if (!result) continue;
      out.push({
        entityRef: row.entity_ref,
        title: row.title ?? undefined,
        ownerRef: row.owner_ref ?? undefined,
        result,
      });
    }
    return out;
  }

  async getAncestors(groupRefs: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const part of chunks(groupRefs, 500)) {
      const rows = await this.db('maturity_group_closure')
        .whereIn('descendant_ref', part)
        .orderBy('depth')
        .select('ancestor_ref', 'descendant_ref');
      for (const row of rows) {
        const list = out.get(row.descendant_ref) ?? [];
        list.push(row.ancestor_ref);
        out.set(row.descendant_ref, list);
      }
    }
    return out;
  }

  async listAllEntityScores(
    filters: EntityFilters,
  ): Promise<StoredEntityScore[]> {
    const rows = await this.applyFilters(
      this.db('maturity_entity_scores as s').select('s.*'),
      filters,
    ).orderBy('s.entity_ref');
    return rows.map(toScore);
  }

  async getCollectorFacts(
    collector: string,
    entityRefs: string[],
  ): Promise<Map<string, FactSet>> {
    const out = new Map<string, FactSet>();
    for (const part of chunks(entityRefs, 500)) {
      const rows = await this.db('maturity_facts')
        .where({ collector })
        .whereIn('entity_ref', part)
        .select('entity_ref', 'payload');
      for (const row of rows) out.set(row.entity_ref, JSON.parse(row.payload));
    }
    return out;
  }

  private toSnapshotAt(row: any): SnapshotAt {
    return {
      entityRef: row.entity_ref,
      level: row.level,
      score: Number(row.score),
      dimensions: JSON.parse(row.dimensions),
      ...(row.metrics !== undefined
        ? { metrics: row.metrics ? JSON.parse(row.metrics) : {} }
        : {}),
      createdAt: toIso(row.created_at),
    };
  }

  async getFirstSnapshotTime(entityRefs: string[]): Promise<Date | undefined> {
    let first: number | undefined;
    for (const part of chunks(entityRefs, 500)) {
      const [row] = await this.db('maturity_snapshots')
        .whereIn('entity_ref', part)
        .min({ first: 'created_at' });
      if (row?.first === null || row?.first === undefined) continue;
      const at = new Date(toIso(row.first)).getTime();
      if (first === undefined || at < first) first = at;
    }
    return first === undefined ? undefined : new Date(first);
  }

  async getSnapshotsAt(
    entityRefs: string[],
    at: Date,
    options?: { metrics?: boolean },
  ): Promise<Map<string, SnapshotAt>> {
    const columns = [
      'entity_ref',
      'level',
      'score',
      'dimensions',
      'created_at',
    ];
    if (options?.metrics) columns.push('metrics');
    const out = new Map<string, SnapshotAt>();
    for (const part of chunks(entityRefs, 500)) {
      const rows = await this.db('maturity_snapshots')
        .whereIn(
          'id',
          this.db('maturity_snapshots')
            .max('id')
            .whereIn('entity_ref', part)
            .where('created_at', '<=', at)
            .groupBy('entity_ref'),
        )
        .select(columns);
      for (const row of rows) out.set(row.entity_ref, this.toSnapshotAt(row));
    }
    return out;
  }

  async getSnapshotsSince(
    entityRefs: string[],
    from: Date,
  ): Promise<Array<SnapshotAt & { createdAtMs: number }>> {
    const out: Array<SnapshotAt & { createdAtMs: number }> = [];
    for (const part of chunks(entityRefs, 500)) {
      const rows = await this.db('maturity_snapshots')
        .whereIn('entity_ref', part)
        .where('created_at', '>', from)
        .select('entity_ref', 'level', 'score', 'dimensions', 'created_at');
      for (const row of rows) {
        const snapshot = this.toSnapshotAt(row);
        out.push({
          ...snapshot,
          createdAtMs: new Date(snapshot.createdAt).getTime(),
        });
      }
    }
    return out.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  async createCampaign(
    input: Omit<Campaign, 'id' | 'createdAt'>,
  ): Promise<Campaign> {
    const campaign: Campaign = {
      ...input,
      id: randomUUID(),
      createdAt: new Date().toISOString(),
    };
    await this.db('maturity_campaigns').insert({
      id: campaign.id,
      title: campaign.title,
      description: campaign.description ?? null,
      dimension: campaign.dimension,
      target_level: campaign.targetLevel,
      deadline: campaign.deadline,
      filters: JSON.stringify(campaign.filters),
      created_by: campaign.createdBy,
      created_at: new Date(campaign.createdAt),
    });
    return campaign;
  }

  private toCampaign(row: any): Campaign {
    return {
      id: row.id,
      title: row.title,
      description: row.description ?? undefined,
      dimension: row.dimension,
      targetLevel: row.target_level,
      deadline: row.deadline,
      filters: JSON.parse(row.filters),
      createdBy: row.created_by,
      createdAt: toIso(row.created_at),
    };
  }

  async listCampaigns(): Promise<Campaign[]> {
    const rows = await this.db('maturity_campaigns').orderBy([
      { column: 'deadline' },
      { column: 'title' },
    ]);
    return rows.map(r => this.toCampaign(r));
  }

  async getCampaign(id: string): Promise<Campaign | undefined> {
    const row = await this.db('maturity_campaigns').where({ id }).first();
    return row ? this.toCampaign(row) : undefined;
  }

  async deleteCampaign(id: string): Promise<void> {
    const deleted = await this.db('maturity_campaigns').where({ id }).delete();
    if (deleted === 0) throw new NotFoundError(`No campaign with id '${id}'`);
  }
}
