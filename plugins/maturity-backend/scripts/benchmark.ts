/*
 * Maturity engine benchmark: a synthetic catalog of 10,000 entities with
 * facts from a realistic spread, on SQLite and (when configured) PostgreSQL.
 * Prints figures; asserts nothing. Run from the repository root:
 *
 *   yarn bench:maturity
 *
 * PostgreSQL is measured when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
 * is set (scripts/services.sh sets it).
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createRepoFactCollector } from '@cloud-native-portal/plugin-maturity-node';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseMaturityStore } from '../src/database/DatabaseMaturityStore';
import { loadMaturityModel } from '../src/engine/loadModel';
import { MaturityEngine } from '../src/engine/MaturityEngine';
import { createRouter } from '../src/router';
import { createSyntheticCatalog } from './syntheticCatalog';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 10_000);
const ROLLUP_REQUESTS = 200;
const REFRESHES = 50;

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function measure(label: string, knex: Knex) {
  const config = mockServices.rootConfig({ data: {} });
  const collectors = [createRepoFactCollector()];
  const model = loadMaturityModel(config, collectors);
  const store = await DatabaseMaturityStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });

  // Stored facts for every entity (what collection would have written).
  const loadStart = performance.now();
  const synthetic = createSyntheticCatalog(ENTITIES);
  const teams = synthetic.groups.filter(g => g.ref.includes('team-'));
  const infos = synthetic.infos;
  await store.replaceGroupClosure(synthetic.closure);
  await store.saveFacts(synthetic.facts);
  const loadMs = performance.now() - loadStart;

  // A catalog holding the one entity refreshed on demand, pointing at a demo tree.
  const examples = resolve(__dirname, '../../../examples');
  const refreshed: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'service-0',
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `file:${join(
          examples,
          'entities.yaml',
        )}`,
        'backstage.io/source-location': 'dir:./repos/course-catalog-service/',
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: teams[0].ref },
  };
  const engine = new MaturityEngine({
    store,
    model,
    collectors,
    catalog: catalogServiceMock({ entities: [refreshed] }),
    auth: mockServices.auth(),
    logger: mockServices.rootLogger({ level: 'error' }),
    allowedLocalRoots: [examples],
    entityKinds: ['Component'],
    retentionDays: 400,
  });

  const evalStart = performance.now();
  await engine.evaluateStored(infos, { snapshot: true });
  const evalMs = performance.now() - evalStart;

  const refreshTimes: number[] = [];
  for (let i = 0; i < REFRESHES; i++) {
    const t = performance.now();
    await engine.refreshEntity('component:default/service-0');
    refreshTimes.push(performance.now() - t);
  }

  // The roll-up endpoint over HTTP on loopback.
  const app = express();
  app.use(
    '/api/maturity',
    await createRouter({
      engine,
      store,
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.user(),
      }),
      permissions: mockServices.permissions(),
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise(r => server.once('listening', r));
  const base = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }/api/maturity`;
  const timeRequests = async (path: string) => {
    const times: number[] = [];
    for (let i = 0; i < ROLLUP_REQUESTS; i++) {
      const t = performance.now();
      const res = await fetch(`${base}${path}`);
      if (!res.ok)
        throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.json();
      times.push(performance.now() - t);
    }
    return times;
  };
  const org = await timeRequests('/rollups?groupBy=owner&limit=50');
  const group = await timeRequests(
    `/rollups?groupBy=owner&owner=${encodeURIComponent(
      'group:default/area-1',
    )}&limit=50`,
  );
  server.close();

  console.log(
    `\n${label}, ${ENTITIES} entities, ${model.checks.length} checks`,
  );
  console.log(`  store facts (setup):                  ${ms(loadMs)}`);
  console.log(
    `  full evaluation from stored facts:     ${ms(evalMs)} (${(
      evalMs / ENTITIES
    ).toFixed(3)} ms/entity, results + scores + snapshots written)`,
  );
  console.log(
    `  one entity refreshed on demand:        p50 ${ms(
      percentile(refreshTimes, 50),
    )}, p95 ${ms(
      percentile(refreshTimes, 95),
    )} (collect from its tree + evaluate + store)`,
  );
  console.log(
    `  roll-up, whole organization (HTTP):    p50 ${ms(
      percentile(org, 50),
    )}, p95 ${ms(
      percentile(org, 95),
    )} over ${ROLLUP_REQUESTS}; first (uncached) ${ms(org[0])}`,
  );
  console.log(
    `  roll-up, one group (HTTP):             p50 ${ms(
      percentile(group, 50),
    )}, p95 ${ms(
      percentile(group, 95),
    )} over ${ROLLUP_REQUESTS}; first (uncached) ${ms(group[0])}`,
  );
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'maturity-bench-'));
  try {
    const sqlite = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'maturity.sqlite') },
      useNullAsDefault: true,
    });
    await measure('SQLite (file)', sqlite);
    await sqlite.destroy();

    const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
    if (pg) {
      const admin = knexFactory({ client: 'pg', connection: pg });
      const db = `maturity_bench_${Date.now()}`;
      await admin.raw(`CREATE DATABASE ${db}`);
      const postgres = knexFactory({
        client: 'pg',
        connection: `${pg.replace(/\/$/, '')}/${db}`,
      });
      try {
        await measure('PostgreSQL 15', postgres);
      } finally {
        await postgres.destroy();
        await admin.raw(`DROP DATABASE ${db}`);
        await admin.destroy();
      }
    } else {
      console.log('\nPostgreSQL: skipped (no connection string)');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`\npeak RSS of the benchmark process: ${peakMb.toFixed(0)} MiB`);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
