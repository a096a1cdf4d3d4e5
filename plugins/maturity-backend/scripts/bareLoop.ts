/*
 * The bare loop of `yarn bench:maturity`: the floor a cycle is compared
 * with. It reads every entity from the catalog's own database (one SELECT),
 * computes the same facts with the same collectors (catalog, ownership,
 * template and repository), evaluates the same checks with the same
 * evaluator, and writes, in one transaction into emptied tables, the rows
 * the engine writes for a changed entity in their simplest form:
 * - its fact sets, one row per collector (without the engine's version,
 *   status and collection time columns);
 * - one row of results, score, level and dimensions (the engine writes
 *   two: the results, and the score with the entity's catalog fields);
 * - one row per evaluated dimension (without the failing and unknown check
 *   lists);
 * - a history point (without tracked metrics, and without first reading
 *   the last point, as the engine does to keep one a day).
 * No REST, no scheduler, no change detection.
 *
 * The figures also give the time to the results rows alone: the bare loop
 * of the measurements before 2026-12-07 (evening), which wrote one row per
 * entity.
 */
import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  CheckResult,
  EntityScore,
  FactSet,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  CatalogSnapshot,
  collectEntityFacts,
  createRepoFactCollector,
  entityCollectors,
  evaluateFactSets,
  installedCollectorIds,
  openSourceTree,
} from '@cloud-native-portal/plugin-maturity-node';
import knexFactory, { Knex } from 'knex';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pgValuesPlaceholders } from '../src/database/DatabaseMaturityStore';
import { loadMaturityModel } from '../src/engine/loadModel';

export interface BareLoopOptions {
  db: 'sqlite' | 'postgres';
  /** SQLite: the backend's data directory (catalog.sqlite). */
  dir: string;
  /** PostgreSQL: the server's connection string. */
  pg?: string;
  /** PostgreSQL: the catalog plugin's database. */
  catalogDatabase: string;
  /** PostgreSQL: a scratch database the loop writes to. */
  bareDatabase: string;
  /** The model file, or the default model when undefined. */
  modelFile?: string;
  allowedLocalRoots: string[];
}

export interface BareLoopResult {
  entities: number;
  checks: number;
  readMs: number;
  evaluateMs: number;
  /** The results row of every entity (its results, score and dimensions). */
  writeResultsMs: number;
  /** Every row: the results rows, then facts, dimensions and history. */
  writeMs: number;
  totalMs: number;
  /** Read, evaluate and the results rows alone: the earlier bare loop. */
  resultsOnlyMs: number;
  load: number;
}

async function connect(
  options: BareLoopOptions,
  which: 'catalog' | 'bare',
): Promise<Knex> {
  if (options.db === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(options.dir, `${which}.sqlite`) },
      useNullAsDefault: true,
    });
  }
  const database =
    which === 'catalog' ? options.catalogDatabase : options.bareDatabase;
  if (which === 'bare') {
    const admin = knexFactory({ client: 'pg', connection: options.pg });
    const exists = await admin
      .select('datname')
      .from('pg_database')
      .where('datname', database);
    if (exists.length === 0) await admin.raw(`CREATE DATABASE "${database}"`);
    await admin.destroy();
  }
  const url = new URL(options.pg!);
  url.pathname = `/${database}`;
  return knexFactory({ client: 'pg', connection: url.toString() });
}

/**
 * The bare loop's tables, the engine's in their simplest form: fact sets per
 * entity and collector, one results row per entity, evaluated dimensions,
 * and history.
 */
export async function createBareTables(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('bare_results'))) {
    await knex.schema.createTable('bare_results', t => {
      t.string('entity_ref').primary();
      t.integer('level').notNullable();
      t.float('score').notNullable();
      t.text('dimensions').notNullable();
      t.text('results').notNullable();
      t.string('evaluated_at').notNullable();
    });
  }
  if (!(await knex.schema.hasTable('bare_facts'))) {
    await knex.schema.createTable('bare_facts', t => {
      t.string('entity_ref').notNullable();
      t.string('collector').notNullable();
      t.text('payload').notNullable();
      t.primary(['entity_ref', 'collector']);
    });
  }
  if (!(await knex.schema.hasTable('bare_dimensions'))) {
    await knex.schema.createTable('bare_dimensions', t => {
      t.string('entity_ref').notNullable();
      t.string('dimension').notNullable();
      t.integer('level').notNullable();
      t.float('score').notNullable();
      t.primary(['entity_ref', 'dimension']);
    });
  }
  if (!(await knex.schema.hasTable('bare_history'))) {
    await knex.schema.createTable('bare_history', t => {
      t.increments('id');
      t.string('entity_ref').notNullable();
      t.integer('level').notNullable();
      t.float('score').notNullable();
      t.text('dimensions').notNullable();
      t.string('created_at').notNullable();
    });
  }
}

/** What the bare loop computed for one entity. */
export interface BareEntity {
  entityRef: string;
  factSets: FactSet[];
  results: CheckResult[];
  score: EntityScore;
}

/**
 * Collects and evaluates every component with the repository, catalog and
 * ownership collectors, one after another.
 */
export async function evaluateBare(
  entities: Entity[],
  options: { modelFile?: string; allowedLocalRoots: string[] },
): Promise<{ out: BareEntity[]; checks: number }> {
  const collectors = [createRepoFactCollector()];
  const model = loadMaturityModel(
    new ConfigReader(
      options.modelFile ? { maturity: { modelFile: options.modelFile } } : {},
    ),
    collectors,
  );
  const installed = installedCollectorIds(collectors);
  const snapshot = new CatalogSnapshot(entities);
  const forEntity = entityCollectors(snapshot, collectors, {});
  const out: BareEntity[] = [];
  for (const entity of entities) {
    if (entity.kind !== 'Component') continue;
    const opened = await openSourceTree(entity, {
      allowedLocalRoots: options.allowedLocalRoots,
    });
    const factSets = await collectEntityFacts(
      {
        entity,
        sourceTree: 'tree' in opened ? opened.tree : undefined,
        sourceTreeError: 'error' in opened ? opened.error : undefined,
      },
      forEntity,
      {},
    );
    const { results, score } = evaluateFactSets(
      model,
      factSets,
      installed,
      new Set(),
    );
    out.push({
      entityRef: stringifyEntityRef(entity),
      factSets,
      results,
      score,
    });
  }
  return { out, checks: model.checks.length };
}

/**
 * Creates the bare loop's tables, or empties them, before it is timed: the
 * engine overwrites its rows, the loop writes them into empty tables.
 */
export async function clearBareTables(knex: Knex): Promise<void> {
  await createBareTables(knex);
  for (const table of [
    'bare_results',
    'bare_facts',
    'bare_dimensions',
    'bare_history',
  ]) {
    await knex(table).truncate();
  }
}

/**
 * Inserts rows, the quickest way there is: on SQLite with one prepared
 * better-sqlite3 statement; on PostgreSQL with multi-row INSERTs of 500
 * through one named prepared statement (the rows left over in one unnamed
 * statement).
 */
async function insertRows(
  trx: Knex.Transaction,
  table: string,
  rows: Array<Record<string, string | number>>,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  if (trx.client.config.client !== 'better-sqlite3') {
    const pg = await trx.client.acquireConnection();
    const sql = (count: number) =>
      `INSERT INTO ${table} (${columns.join(
        ', ',
      )}) VALUES ${pgValuesPlaceholders(count, columns.length)}`;
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      const values = part.flatMap(row => columns.map(c => row[c]));
      await pg.query(
        part.length === 500
          ? { name: `bare_${table}`, text: sql(500), values }
          : { text: sql(part.length), values },
      );
    }
    return;
  }
  const connection = await trx.client.acquireConnection();
  const statement = connection.prepare(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns
      .map(() => '?')
      .join(', ')})`,
  );
  for (const row of rows) statement.run(...columns.map(c => row[c]));
}

/**
 * Writes the bare loop's rows in one transaction, the results rows first.
 * Returns when the results rows were written and when all were.
 */
export async function writeBareRows(
  knex: Knex,
  out: BareEntity[],
): Promise<{ resultsMs: number; allMs: number }> {
  const at = new Date().toISOString();
  const t0 = performance.now();
  let resultsMs = 0;
  await knex.transaction(async trx => {
    await insertRows(
      trx,
      'bare_results',
      out.map(e => ({
        entity_ref: e.entityRef,
        level: e.score.level,
        score: e.score.score,
        dimensions: JSON.stringify(e.score.dimensions),
        results: JSON.stringify(e.results),
        evaluated_at: at,
      })),
    );
    resultsMs = performance.now() - t0;
    await insertRows(
      trx,
      'bare_facts',
      out.flatMap(e =>
        e.factSets.map(set => ({
          entity_ref: e.entityRef,
          collector: set.collector,
          payload: JSON.stringify(set),
        })),
      ),
    );
    await insertRows(
      trx,
      'bare_dimensions',
      out.flatMap(e =>
        e.score.dimensions.flatMap(d =>
          d.level === null || d.score === null
            ? []
            : [
                {
                  entity_ref: e.entityRef,
                  dimension: d.dimension,
                  level: d.level,
                  score: d.score,
                },
              ],
        ),
      ),
    );
    await insertRows(
      trx,
      'bare_history',
      out.map(e => ({
        entity_ref: e.entityRef,
        level: e.score.level,
        score: e.score.score,
        dimensions: JSON.stringify(
          Object.fromEntries(
            e.score.dimensions
              .filter(d => d.level !== null)
              .map(d => [d.dimension, d.level]),
          ),
        ),
        created_at: at,
      })),
    );
  });
  return { resultsMs, allMs: performance.now() - t0 };
}

export async function runBareLoop(
  options: BareLoopOptions,
): Promise<BareLoopResult> {
  const catalog = await connect(options, 'catalog');
  const bare = await connect(options, 'bare');
  try {
    await clearBareTables(bare);

    const t0 = performance.now();
    const rows: Array<{ final_entity: string }> = await catalog(
      'final_entities',
    ).select('final_entity');
    const entities: Entity[] = rows
      .filter(r => r.final_entity)
      .map(r => JSON.parse(r.final_entity));
    const t1 = performance.now();

    const { out, checks } = await evaluateBare(entities, options);
    const t2 = performance.now();

    const written = await writeBareRows(bare, out);
    const t3 = performance.now();
    return {
      entities: out.length,
      checks,
      readMs: t1 - t0,
      evaluateMs: t2 - t1,
      writeResultsMs: written.resultsMs,
      writeMs: t3 - t2,
      totalMs: t3 - t0,
      resultsOnlyMs: t2 - t0 + written.resultsMs,
      load: loadavg()[0],
    };
  } finally {
    await catalog.destroy();
    await bare.destroy();
  }
}
