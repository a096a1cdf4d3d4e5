/*
 * The bare loop of `yarn bench:maturity`: the floor a cycle is compared
 * with. It reads every entity from the catalog's own database (one SELECT),
 * computes the same facts with the same collectors, evaluates the same
 * checks with the same evaluator, and writes the same data the engine
 * stores (per entity: results, score, level and dimension levels) as one row
 * per entity in one transaction. No REST, no scheduler, no history.
 */
import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
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
  writeMs: number;
  totalMs: number;
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
 * The bare loop's one table: per component, its results, score, level and
 * dimension levels as one row.
 */
export async function createBareResultsTable(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('bare_results')) return;
  await knex.schema.createTable('bare_results', t => {
    t.string('entity_ref').primary();
    t.integer('level').notNullable();
    t.float('score').notNullable();
    t.text('dimensions').notNullable();
    t.text('results').notNullable();
    t.string('evaluated_at').notNullable();
  });
}

export async function runBareLoop(
  options: BareLoopOptions,
): Promise<BareLoopResult> {
  const collectors = [createRepoFactCollector()];
  const model = loadMaturityModel(
    new ConfigReader(
      options.modelFile ? { maturity: { modelFile: options.modelFile } } : {},
    ),
    collectors,
  );
  const installed = installedCollectorIds(collectors);
  const catalog = await connect(options, 'catalog');
  const bare = await connect(options, 'bare');
  try {
    await createBareResultsTable(bare);

    const t0 = performance.now();
    const rows: Array<{ final_entity: string }> = await catalog(
      'final_entities',
    ).select('final_entity');
    const entities: Entity[] = rows
      .filter(r => r.final_entity)
      .map(r => JSON.parse(r.final_entity));
    const t1 = performance.now();

    const snapshot = new CatalogSnapshot(entities);
    const forEntity = entityCollectors(snapshot, collectors, {});
    const scored = entities.filter(e => e.kind === 'Component');
    const at = new Date().toISOString();
    const out: Array<Record<string, string | number>> = [];
    for (const entity of scored) {
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
        entity_ref: stringifyEntityRef(entity),
        level: score.level,
        score: score.score,
        dimensions: JSON.stringify(score.dimensions),
        results: JSON.stringify(results),
        evaluated_at: at,
      });
    }
    const t2 = performance.now();

    await bare.transaction(async trx => {
      await trx('bare_results').delete();
      await trx.batchInsert('bare_results', out, 500);
    });
    const t3 = performance.now();
    return {
      entities: scored.length,
      checks: model.checks.length,
      readMs: t1 - t0,
      evaluateMs: t2 - t1,
      writeMs: t3 - t2,
      totalMs: t3 - t0,
      load: loadavg()[0],
    };
  } finally {
    await catalog.destroy();
    await bare.destroy();
  }
}
