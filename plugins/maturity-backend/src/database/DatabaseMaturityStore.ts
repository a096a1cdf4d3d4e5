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
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  EntityEvaluation,
  EntityFilters,
  FailingCheckCount,
  MaturityStore,
  Page,
  Rollup,
  RollupGroupBy,
  ScoreSnapshot,
  StoredEntityScore,
  Waiver,
  WaiverAuditEntry,
} from './MaturityStore';

const migrationsDir = resolvePackagePath(
  '@cloud-native-portal/plugin-maturity-backend',
  'migrations',
);

// Rows per multi-row insert: stays under SQLite's bound-variable limit.
const CHUNK = 100;

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
  }): Promise<DatabaseMaturityStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseMaturityStore(client);
  }

  /** The migrations folder, for tests that step through migrations. */
  static readonly migrationsDir = migrationsDir;

  private constructor(private readonly db: Knex) {}

  async saveFacts(
    entries: Array<{ entityRef: string; factSets: FactSet[] }>,
  ): Promise<void> {
    const rows = entries.flatMap(({ entityRef, factSets }) =>
      factSets.map(set => ({
        entity_ref: entityRef,
        collector: set.collector,
        version: set.version,
        status: set.status,
        payload: JSON.stringify(set),
        collected_at: new Date(set.collectedAt),
      })),
    );
    for (const part of chunks(rows, 500)) {
      await this.db.transaction(async tx => {
        for (const batch of chunks(part, 50)) {
          await tx('maturity_facts')
            .insert(batch)
            .onConflict(['entity_ref', 'collector'])
            .merge();
        }
      });
    }
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
    options: { at: Date; snapshot: boolean },
  ): Promise<void> {
    for (const part of chunks(evaluations, 200)) {
      await this.db.transaction(async tx => {
        const refs = part.map(e => e.entity.entityRef);
        await tx('maturity_check_results').whereIn('entity_ref', refs).delete();
        await tx('maturity_entity_dimensions')
          .whereIn('entity_ref', refs)
          .delete();

        const results = part.flatMap(e =>
          e.results.map(r => ({
            entity_ref: e.entity.entityRef,
            check_id: r.checkId,
            status: r.status,
            reason: r.reason ?? null,
            evidence: JSON.stringify(r.evidence),
            evaluated_at: options.at,
          })),
        );
        for (const rows of chunks(results)) {
          await tx('maturity_check_results').insert(rows);
        }

        const dimensions = part.flatMap(e =>
          e.dimensions.map(d => ({
            entity_ref: e.entity.entityRef,
            dimension: d.dimension,
            level: d.level,
            score: d.score,
          })),
        );
        for (const rows of chunks(dimensions)) {
          await tx('maturity_entity_dimensions').insert(rows);
        }

        const scores = part.map(e => ({
          entity_ref: e.entity.entityRef,
          kind: e.entity.kind,
          title: e.entity.title ?? null,
          owner_ref: e.entity.ownerRef ?? null,
          system_ref: e.entity.systemRef ?? null,
          domain_ref: e.entity.domainRef ?? null,
          lifecycle: e.entity.lifecycle ?? null,
          type: e.entity.type ?? null,
          tags: JSON.stringify(e.entity.tags),
          level: e.level,
          score: e.score,
          dimensions: JSON.stringify(e.dimensions),
          model_version: e.modelVersion,
          evaluated_at: options.at,
        }));
        for (const rows of chunks(scores, 50)) {
          await tx('maturity_entity_scores')
            .insert(rows)
            .onConflict('entity_ref')
            .merge();
        }

        if (options.snapshot) {
          const snapshots = part.map(e => ({
            entity_ref: e.entity.entityRef,
            level: e.level,
            score: e.score,
            dimensions: JSON.stringify(
              Object.fromEntries(e.dimensions.map(d => [d.dimension, d.level])),
            ),
            model_version: e.modelVersion,
            created_at: options.at,
          }));
          for (const rows of chunks(snapshots)) {
            await tx('maturity_snapshots').insert(rows);
          }
        }
      });
    }
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
    const rows = await this.db('maturity_check_results')
      .where({ entity_ref: entityRef })
      .orderBy('check_id');
    return rows.map(row => ({
      checkId: row.check_id,
      status: row.status,
      reason: row.reason ?? undefined,
      evidence: JSON.parse(row.evidence),
    }));
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
      modelVersion: row.model_version,
      createdAt: toIso(row.created_at),
    }));
  }

  async pruneSnapshots(olderThan: Date): Promise<number> {
    return this.db('maturity_snapshots')
      .where('created_at', '<', olderThan)
      .delete();
  }

  async deleteEntities(entityRefs: string[]): Promise<void> {
    for (const part of chunks(entityRefs, 500)) {
      await this.db.transaction(async tx => {
        for (const table of [
          'maturity_facts',
          'maturity_check_results',
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
    await this.db.transaction(async tx => {
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
   * The grouping key per scored entity: owner groups fan out to every ancestor
   * group (a parent sees its children's entities), systems and domains map 1:1.
   */
  private groupedEntities(groupBy: RollupGroupBy, filters: EntityFilters) {
    const query = this.db('maturity_entity_scores as s');
    if (groupBy === 'owner') {
      query
        .leftJoin(
          'maturity_group_closure as c',
          'c.descendant_ref',
          's.owner_ref',
        )
        .select(
          this.db.raw(
            "COALESCE(c.ancestor_ref, s.owner_ref, 'none') as group_key",
          ),
        );
    } else {
      const column = groupBy === 'system' ? 's.system_ref' : 's.domain_ref';
      query.select(this.db.raw(`COALESCE(${column}, 'none') as group_key`));
    }
    query.select('s.entity_ref', 's.level', 's.score');
    return this.applyFilters(query, filters);
  }

  async getRollups(options: {
    groupBy: RollupGroupBy;
    filters: EntityFilters;
    limit: number;
    offset: number;
  }): Promise<Page<Rollup>> {
    const grouped = () =>
      this.groupedEntities(options.groupBy, options.filters).as('g');

    const [{ count }] = await this.db
      .from(grouped())
      .countDistinct({ count: 'g.group_key' });

    const keyRows = await this.db
      .from(grouped())
      .select('g.group_key')
      .count({ entity_count: '*' })
      .avg({ average_score: 'g.score' })
      .groupBy('g.group_key')
      .orderBy('g.group_key')
      .limit(options.limit)
      .offset(options.offset);
    const keys = keyRows.map(r => r.group_key as string);
    if (keys.length === 0) {
      return {
        items: [],
        totalCount: Number(count),
        limit: options.limit,
        offset: options.offset,
      };
    }

    const levelRows = await this.db
      .from(grouped())
      .whereIn('g.group_key', keys)
      .select('g.group_key', 'g.level')
      .count({ n: '*' })
      .groupBy('g.group_key', 'g.level');

    const dimensionRows = await this.db
      .from(grouped())
      .join('maturity_entity_dimensions as d', 'd.entity_ref', 'g.entity_ref')
      .whereIn('g.group_key', keys)
      .select('g.group_key', 'd.dimension', 'd.level')
      .count({ n: '*' })
      .sum({ score_sum: 'd.score' })
      .groupBy('g.group_key', 'd.dimension', 'd.level');

    const rollups = new Map<string, Rollup>();
    for (const row of keyRows) {
      rollups.set(row.group_key as string, {
        key: row.group_key as string,
        entityCount: Number(row.entity_count),
        averageScore: Math.round(Number(row.average_score) * 10) / 10,
        levels: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
        dimensions: {},
      });
    }
    for (const row of levelRows) {
      rollups.get(row.group_key as string)!.levels[String(row.level)] = Number(
        row.n,
      );
    }
    const dimensionSums = new Map<string, { sum: number; n: number }>();
    for (const row of dimensionRows) {
      const rollup = rollups.get(row.group_key as string)!;
      const dim = (rollup.dimensions[row.dimension as string] ??= {
        levels: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
        averageScore: 0,
      });
      dim.levels[String(row.level)] = Number(row.n);
      const key = `${row.group_key}\u0000${row.dimension}`;
      const acc = dimensionSums.get(key) ?? { sum: 0, n: 0 };
      acc.sum += Number(row.score_sum);
      acc.n += Number(row.n);
      dimensionSums.set(key, acc);
    }
    for (const [key, acc] of dimensionSums) {
      const [groupKey, dimension] = key.split('\u0000');
      rollups.get(groupKey)!.dimensions[dimension].averageScore =
        Math.round((acc.sum / acc.n) * 10) / 10;
    }
    return {
      items: keys.map(k => rollups.get(k)!),
      totalCount: Number(count),
      limit: options.limit,
      offset: options.offset,
    };
  }

  async getFailingChecks(
    filters: EntityFilters,
    limit: number,
  ): Promise<FailingCheckCount[]> {
    const entities = this.applyFilters(
      this.db('maturity_entity_scores as s').select('s.entity_ref'),
      filters,
    );
    const rows: Array<{ check_id: string; status: string; n: unknown }> =
      await this.db('maturity_check_results as r')
        .whereIn('r.entity_ref', entities)
        .whereIn('r.status', ['fail', 'unknown'])
        .select('r.check_id', 'r.status')
        .count({ n: '*' })
        .groupBy('r.check_id', 'r.status');
    const byCheck = new Map<string, FailingCheckCount>();
    for (const row of rows) {
      const entry = byCheck.get(row.check_id) ?? {
        checkId: row.check_id,
        failing: 0,
        unknown: 0,
      };
      if (row.status === 'fail') entry.failing = Number(row.n);
      else entry.unknown = Number(row.n);
      byCheck.set(row.check_id, entry);
    }
    return [...byCheck.values()]
      .sort(
        (a, b) =>
          b.failing - a.failing ||
          b.unknown - a.unknown ||
          a.checkId.localeCompare(b.checkId),
      )
      .slice(0, limit);
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
}
