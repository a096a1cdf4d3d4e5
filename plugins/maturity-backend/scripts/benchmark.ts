/*
 * Maturity engine benchmark, `yarn bench:maturity` from the repository root.
 * Prints figures; asserts nothing. Two parts, each labelled by what it
 * includes:
 *
 * 1. Store level (this file): the engine evaluates a synthetic catalog's
 *    stored facts directly against the store; no catalog, no scheduler, no
 *    REST for the cycle.
 * 2. End to end (endToEnd.ts, one child process per database and model):
 *    the real backend in-process, the catalog ingesting 10,000 synthetic
 *    components, cycles started with the maturity plugin's POST /cycles
 *    and results read back over REST; beside it, in the same run, the
 *    bare loop (bareLoop.ts) every figure is divided by.
 *
 * Environment:
 *   BENCH_MODE      all (default), store, cycle or e2e; cycle is the
 *                   store-level runCycle benchmark (cycleBench.ts)
 *   BENCH_PROFILE_DIR  <dir>: V8 CPU profiles of one full and one unchanged
 *                   cycle per database and model (e2e and cycle modes);
 *                   scripts/cpuProfile.ts summarises one
 *   BENCH_ENTITIES  components (default 10000)
 *   BENCH_RUNS      runs per median (default 3)
 *   BENCH_DBS       sqlite,postgres (default: both; PostgreSQL only when
 *                   BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is
 *                   set, as scripts/services.sh does); empty for none, as
 *                   in `BENCH_MODE=e2e BENCH_DBS= BENCH_SCALE=1`, which runs
 *                   the 100,000-entity run alone
 *   BENCH_DATA_DIR  keep the databases there between runs, so that the
 *                   catalog ingests the synthetic entities once (default: a
 *                   fresh temporary directory and fresh databases); the
 *                   scale run's catalog is kept in its sqlite-100000 folder
 *   BENCH_CYCLE_TIMEOUT_S  the cycle task's timeout (default: the larger of
 *                   40 s and 6 s per 1,000 entities, 600 s at 100,000);
 *                   triggers are spaced by half of it, as the plugin
 *                   requires
 *   BENCH_MEMORY    1: the cycle mode also samples the live heap (a full
 *                   garbage collection every 2 s during each cycle), which
 *                   slows the cycles; every run prints peak RSS and heap
 *                   above the catalog in memory, and the heap the engine
 *                   keeps between cycles
 *   BENCH_SCALE     1 to add the 100,000-entity run on SQLite (opt-in: the
 *                   catalog alone needs many minutes to ingest 100,000
 *                   entities on a 2-core machine); 0 or unset skips it
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createRepoFactCollector } from '@cloud-native-portal/plugin-maturity-node';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseMaturityStore } from '../src/database/DatabaseMaturityStore';
import { loadMaturityModel } from '../src/engine/loadModel';
import { CyclePhases, MaturityEngine } from '../src/engine/MaturityEngine';
import { createRouter } from '../src/router';
import { cycleBench, cycleConnections } from './cycleBench';
import type { EndToEndSpec, Figure } from './endToEnd';
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
    `\nStore level (engine and store only, from stored facts; no catalog, scheduler or REST for the cycle): ${label}, ${ENTITIES} entities, ${
      model.checks.length
    } checks, load ${loadavg()[0].toFixed(2)}`,
  );
  console.log(`  store facts (setup):                  ${ms(loadMs)}`);
  console.log(
    `  full evaluation from stored facts:     ${ms(evalMs)} (${(
      evalMs / ENTITIES
    ).toFixed(3)} ms/entity, results + scores + snapshots written)`,
  );
  const latency = (name: string, times: number[], note: string) =>
    console.log(
      `  ${name.padEnd(38)} p50 ${ms(percentile(times, 50))}, p95 ${ms(
        percentile(times, 95),
      )} ${note}`,
    );
  latency(
    'one entity refreshed on demand:',
    refreshTimes,
    '(collect from its tree + evaluate + store)',
  );
  latency(
    'roll-up, whole organization (HTTP):',
    org,
    `over ${ROLLUP_REQUESTS}; first (uncached) ${ms(org[0])}`,
  );
  latency(
    'roll-up, one group (HTTP):',
    group,
    `over ${ROLLUP_REQUESTS}; first (uncached) ${ms(group[0])}`,
  );
}

async function storeLevel(dbs: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'maturity-bench-'));
  try {
    if (dbs.includes('sqlite')) {
      const sqlite = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'maturity.sqlite') },
        useNullAsDefault: true,
      });
      await measure('SQLite (file)', sqlite);
      await sqlite.destroy();
    }
    const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
    if (pg && dbs.includes('postgres')) {
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
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The store-level cycle benchmark on each database. */
async function storeLevelCycles(dbs: string[]) {
  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const profileDir = process.env.BENCH_PROFILE_DIR
    ? resolve(process.env.BENCH_PROFILE_DIR)
    : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  for (const db of dbs) {
    if (db !== 'sqlite' && (db !== 'postgres' || !pg)) continue;
    const dir = mkdtempSync(join(tmpdir(), 'maturity-cycle-'));
    const connections = cycleConnections(db, dir, pg);
    try {
      await cycleBench({
        label: db === 'sqlite' ? 'SQLite (files)' : 'PostgreSQL 15',
        connect: connections.connect,
        entities: ENTITIES,
        runs,
        profileDir,
      });
    } finally {
      await connections.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

type E2eResult = Record<string, any>;

/** Runs endToEnd.ts in a child process and returns its result. */
function runChild(spec: EndToEndSpec): E2eResult {
  const child = spawnSync(
    process.execPath,
    [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      join(__dirname, 'endToEnd.ts'),
      JSON.stringify(spec),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const line = child.stdout.split('\n').find(l => l.startsWith('@@RESULT '));
  if (child.status !== 0 || !line) {
    throw new Error(
      `end-to-end run ${spec.db}/${spec.model} failed (exit ${child.status})`,
    );
  }
  return JSON.parse(line.slice('@@RESULT '.length));
}

interface Target {
  db: string;
  name: string;
  figure: number | undefined;
  unit: 'ms' | 'x' | 'MiB';
  target: number;
  /** The bare loop's median (ms) the figure is divided by, for times. */
  bareMs?: number;
  load?: number;
  note?: string;
}

const fmt = (value: number | undefined, unit: Target['unit']) => {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  if (unit === 'x') return `${value.toFixed(1)}×`;
  if (unit === 'MiB') return `${value.toFixed(0)} MiB`;
  return value >= 1000
    ? `${(value / 1000).toFixed(2)} s`
    : `${value.toFixed(1)} ms`;
};

/** A cycle's phases as the plugin logs them, each as a figure. */
function phasesFigures(phases: CyclePhases) {
  return `catalog reads ${fmt(phases.catalogMs, 'ms')}, collection ${fmt(
    phases.collectMs,
    'ms',
  )}, evaluation ${fmt(phases.evaluateMs, 'ms')}, storage ${fmt(
    phases.storeMs,
    'ms',
  )}`;
}

const runsOf = (f: Figure | undefined) =>
  f ? f.runs.map(r => fmt(r, 'ms')).join(', ') : '';

function printFigures(label: string, r: E2eResult) {
  const bare: Figure = r.bare;
  const ratio = (v: number | undefined) =>
    v === undefined || !Number.isFinite(v)
      ? ''
      : ` = ${(v / bare.median).toFixed(1)}× bare loop`;
  const line = (name: string, f: Figure | undefined, includes: string) => {
    if (!f) return;
    console.log(
      `  ${name.padEnd(34)} ${fmt(f.median, 'ms').padStart(9)}${ratio(
        f.median,
      )}  [runs ${runsOf(f)}; load ${f.load.toFixed(2)}]\n    (${includes})`,
    );
  };
  console.log(
    `\nEnd to end, ${label}: ${r.entities} components through the catalog, model ${r.model} (${r.bareDetail.checks} checks); medians of ${bare.runs.length}`,
  );
  console.log(
    `  backend start ${fmt(
      r.startupMs,
      'ms',
    )}; catalog ingestion of the feed ${fmt(
      r.ingestMs,
      'ms',
    )} (until queryEntities counts every component)`,
  );
  line(
    'bare loop',
    bare,
    `read ${r.bareDetail.entities} components from the catalog's database ${fmt(
      r.bareDetail.readMs,
      'ms',
    )}, collect + evaluate ${fmt(
      r.bareDetail.evaluateMs,
      'ms',
    )}, write in one transaction what the engine writes for a changed entity (fact sets per collector, results, dimensions, history) ${fmt(
      r.bareDetail.writeMs,
      'ms',
    )}, of which the results rows ${fmt(
      r.bareDetail.writeResultsMs,
      'ms',
    )} (the median run)`,
  );
  if (r.bareResultsOnly && r.fullReadable) {
    line(
      'bare loop, results rows only',
      r.bareResultsOnly,
      `the same runs up to their results rows: the bare loop of the measurements before 2026-12-07 (later), one row per entity; the full cycle (trigger → readable) is ${(
        r.fullReadable.median / r.bareResultsOnly.median
      ).toFixed(1)}× it`,
    );
  }
  line(
    'full cycle: trigger → start',
    r.fullStart,
    'POST /api/maturity/cycles until the cycle first reads the catalog',
  );
  line(
    'full cycle: trigger → readable',
    r.fullReadable,
    "every component changed (the owning teams' on-call changed); until GET /api/maturity/entities shows the new evaluation for a sample of three systems, confirmed for all components page by page",
  );
  line(
    'full cycle: trigger → end',
    r.fullDone,
    'until the plugin logs the end of the cycle',
  );
  line(
    'full cycle: engine time',
    r.fullEngine,
    `the duration the plugin logs: catalog read, collection, fact and result storage, history${
      r.fullPhases
        ? `; the median run's phases, as the plugin logs them: ${phasesFigures(
            r.fullPhases,
          )}`
        : ''
    }`,
  );
  if (r.catalogReadAll) {
    line(
      'catalog read alone',
      r.catalogReadAll,
      "every component through the catalog API, pages of 1,000, as a cycle reads them, with nothing else: the part of a cycle the bare loop reads from the catalog's table instead",
    );
  }
  if (r.catalogReadEtags) {
    line(
      'catalog read alone, refs and etags',
      r.catalogReadEtags,
      'the same pages with fields=kind,metadata.namespace,metadata.name,metadata.etag',
    );
  }
  line(
    'unchanged cycle: trigger → end',
    r.unchangedDone,
    'nothing changed since the previous cycle; until the plugin logs its end',
  );
  line(
    'unchanged cycle: engine time',
    r.unchangedEngine,
    'the duration the plugin logs',
  );
  line(
    'liveness p99 during a cycle',
    r.livenessP99,
    `GET /.backstage/health/v1/liveness every ~20 ms from trigger to end of a full cycle; max ${runsOf(
      r.livenessMax,
    )}`,
  );
  line(
    'catalog read p99 during a cycle',
    r.catalogP99,
    `GET /api/catalog/entities/by-query?limit=20 every ~20 ms, alongside; max ${runsOf(
      r.catalogMax,
    )}`,
  );
  if (r.loopDelayP99) {
    line(
      'event loop delay p99 during a cycle',
      r.loopDelayP99,
      `how long a task waited for the event loop (every task of the backend process, the catalog's included), alongside the polls; max ${runsOf(
        r.loopDelayMax,
      )}`,
    );
  }
  line(
    'liveness p99, no cycle',
    r.idleLivenessP99,
    'the same polls for 5 s with no cycle running: the floor of the figures above',
  );
  line(
    'catalog read p99, no cycle',
    r.idleCatalogP99,
    'the same polls for 5 s with no cycle running; on SQLite the catalog checks the kind filter entity by entity',
  );
  if (r.idleLoopDelayP99) {
    line(
      'event loop delay p99, no cycle',
      r.idleLoopDelayP99,
      `the same, with the polls alone; max ${runsOf(r.idleLoopDelayMax)}`,
    );
  }
  for (const [key, name] of [
    ['onDemandUnchanged', 'one entity on demand, repo unchanged'],
    ['onDemandChanged', 'one entity on demand, repo changed'],
  ]) {
    const o = r[key];
    if (!o) continue;
    console.log(
      `  ${name.padEnd(34)} p50 ${fmt(o.p50, 'ms')}, p95 ${fmt(
        o.p95,
        'ms',
      )}${ratio(o.p50)}  [${o.n} requests; load ${o.load.toFixed(
        2,
      )}]\n    (POST /api/maturity/entity/component/default/service-0/refresh over HTTP: read its 20-file tree, collect, evaluate, store, answer the report)`,
    );
  }
  console.log(
    `  peak RSS of the backend process: ${fmt(
      r.peakRssMiB,
      'MiB',
    )} (catalog and maturity in one process)`,
  );
}

function targetsOf(db: string, d: E2eResult, n?: E2eResult): Target[] {
  const bare = d.bare.median as number;
  const t: Target[] = [
    {
      db,
      name: 'full cycle, default model: trigger → readable',
      figure: d.fullReadable?.median,
      unit: 'ms',
      target: 1000,
      bareMs: bare,
      load: d.fullReadable?.load,
    },
    {
      db,
      name: 'full cycle, default model: ratio to the bare loop',
      figure: d.fullReadable ? d.fullReadable.median / bare : undefined,
      unit: 'x',
      target: 3,
      load: d.fullReadable?.load,
    },
  ];
  if (n) {
    t.push({
      db,
      name: 'full cycle, 9-check model: trigger → readable',
      figure: n.fullReadable?.median,
      unit: 'ms',
      target: 300,
      bareMs: n.bare.median,
      load: n.fullReadable?.load,
    });
  }
  t.push(
    {
      db,
      name: 'unchanged cycle, default model: trigger → end',
      figure: d.unchangedDone?.median,
      unit: 'ms',
      target: 200,
      bareMs: bare,
      load: d.unchangedDone?.load,
    },
    {
      db,
      name: 'trigger → start',
      figure: d.fullStart?.median,
      unit: 'ms',
      target: 100,
      bareMs: bare,
      load: d.fullStart?.load,
    },
    {
      db,
      name: 'one entity on demand, repo unchanged: p50',
      figure: d.onDemandUnchanged?.p50,
      unit: 'ms',
      target: 10,
      bareMs: bare,
      load: d.onDemandUnchanged?.load,
    },
    {
      db,
      name: 'one entity on demand, 20-file repo changed: p50',
      figure: d.onDemandChanged?.p50,
      unit: 'ms',
      target: 25,
      bareMs: bare,
      load: d.onDemandChanged?.load,
    },
    {
      db,
      name: `liveness p99 during a ${d.entities} cycle`,
      figure: d.livenessP99?.median,
      unit: 'ms',
      target: 100,
      bareMs: bare,
      load: d.livenessP99?.load,
    },
    {
      db,
      name: `catalog read p99 during a ${d.entities} cycle`,
      figure: d.catalogP99?.median,
      unit: 'ms',
      target: 100,
      bareMs: bare,
      load: d.catalogP99?.load,
    },
  );
  return t;
}

function printTargets(targets: Target[]) {
  console.log(
    '\nTargets (issue #15), medians; ratio = figure / bare loop median of the same run and database',
  );
  const verdict = (t: Target) => {
    if (t.figure === undefined || !Number.isFinite(t.figure)) {
      return 'not measured';
    }
    return t.figure <= t.target ? 'met' : 'NOT met';
  };
  const ratio = (t: Target) => {
    if (t.unit === 'x') return 'itself';
    if (!t.bareMs || t.figure === undefined) return '—';
    return `${(t.figure / t.bareMs).toFixed(2)}× (${fmt(t.bareMs, 'ms')})`;
  };
  const rows = targets.map(t => [
    t.db,
    t.name,
    fmt(t.figure, t.unit),
    `≤ ${fmt(t.target, t.unit)}`,
    ratio(t),
    t.load !== undefined ? t.load.toFixed(2) : '',
    verdict(t),
  ]);
  const header = [
    'db',
    'target',
    'figure',
    'target',
    'ratio to bare',
    'load',
    '',
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length)),
  );
  const print = (r: string[]) =>
    console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
  print(header);
  rows.forEach(print);
}

/** Removes a kept SQLite maturity database, so that a run starts it fresh. */
function removeSqliteMaturity(dir: string, model: string) {
  for (const suffix of ['', '-journal', '-wal', '-shm']) {
    rmSync(join(dir, `maturity-${model}.sqlite${suffix}`), { force: true });
  }
}

async function endToEnd(dbs: string[]) {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  const keep = process.env.BENCH_DATA_DIR
    ? resolve(process.env.BENCH_DATA_DIR)
    : undefined;
  const targets: Target[] = [];
  for (const db of dbs) {
    if (db === 'postgres' && !pg) {
      console.log(
        '\nPostgreSQL: skipped (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set)',
      );
      continue;
    }
    // BENCH_DATA_DIR keeps the catalog between runs (the catalog needs
    // minutes to ingest 10,000 entities on a loaded 2-core machine); each
    // run still feeds every entity and waits until the catalog serves them.
    // The maturity plugin's database is always fresh.
    const dir = keep
      ? join(keep, db)
      : mkdtempSync(join(tmpdir(), `maturity-e2e-${db}-`));
    mkdirSync(dir, { recursive: true });
    const prefix = keep ? 'bench_keep_' : `bench${Date.now()}_`;
    const label = db === 'sqlite' ? 'SQLite (files)' : 'PostgreSQL 15';
    const freshMaturity = async (model: string) => {
      if (db === 'sqlite') {
        removeSqliteMaturity(dir, model);
        return;
      }
      const admin = knexFactory({ client: 'pg', connection: pg });
      await admin.raw(
        `DROP DATABASE IF EXISTS "${prefix}maturity_${model}" WITH (FORCE)`,
      );
      await admin.destroy();
    };
    try {
      const spec = {
        db: db as EndToEndSpec['db'],
        dir,
        pg,
        prefix,
        entities: ENTITIES,
        runs,
        profileDir: process.env.BENCH_PROFILE_DIR
          ? resolve(process.env.BENCH_PROFILE_DIR)
          : undefined,
      };
      if (spec.profileDir) mkdirSync(spec.profileDir, { recursive: true });
      console.error(`\n${label}: default model`);
      await freshMaturity('default');
      const d = runChild({ ...spec, model: 'default' });
      printFigures(`${label}`, d);
      console.error(`\n${label}: 9-check model`);
      await freshMaturity('nine');
      const n = runChild({ ...spec, model: 'nine' });
      printFigures(`${label}`, n);
      targets.push(...targetsOf(label, d, n));
    } finally {
      if (!keep) {
        rmSync(dir, { recursive: true, force: true });
        if (db === 'postgres') {
          const admin = knexFactory({ client: 'pg', connection: pg });
          const { rows } = await admin.raw(
            'SELECT datname FROM pg_database WHERE datname LIKE ?',
            [`${prefix}%`],
          );
          for (const { datname } of rows) {
            await admin.raw(
              `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`,
            );
          }
          await admin.destroy();
        }
      }
    }
  }

  const scale = process.env.BENCH_SCALE;
  if (scale && scale !== '0') {
    // BENCH_DATA_DIR keeps this catalog too: ingesting 100,000 entities
    // takes the catalog about an hour here, and a later run goes on from
    // where an earlier one was stopped.
    const dir = keep
      ? join(keep, 'sqlite-100000')
      : mkdtempSync(join(tmpdir(), 'maturity-e2e-scale-'));
    mkdirSync(dir, { recursive: true });
    removeSqliteMaturity(dir, 'default');
    try {
      console.error('\nScale: 100,000 components, SQLite, default model');
      const s = runChild({
        db: 'sqlite',
        dir,
        model: 'default',
        entities: 100_000,
        runs: 1,
        scaleOnly: true,
      });
      console.log(
        `\nScale, SQLite: 100,000 components through the catalog; catalog ingestion ${fmt(
          s.ingestMs,
          'ms',
        )}; full cycle trigger → end ${fmt(s.fullDone.median, 'ms')} = ${(
          s.fullDone.median / s.bare.median
        ).toFixed(1)}× bare loop (${fmt(s.bare.median, 'ms')}); peak RSS ${fmt(
          s.peakRssMiB,
          'MiB',
        )} (backend process: catalog and maturity) [load ${s.fullDone.load.toFixed(
          2,
        )}]`,
      );
      // What the plugin logs of the same cycle: its own duration, and where
      // it went. Trigger → end also holds any wait before the cycle starts.
      console.log(
        `  the plugin's own duration of that cycle ${fmt(
          s.fullEngine.median,
          'ms',
        )}${
          s.fullPhases ? ` (${phasesFigures(s.fullPhases)})` : ''
        }; the first cycle over the whole catalog, trigger → end ${fmt(
          s.firstCycle?.doneMs,
          'ms',
        )}`,
      );
      targets.push(
        {
          db: 'SQLite (files)',
          name: 'scale: 100,000 entities, trigger → end',
          figure: s.fullDone.median,
          unit: 'ms',
          target: 10_000,
          bareMs: s.bare.median,
          load: s.fullDone.load,
        },
        {
          db: 'SQLite (files)',
          name: 'scale: peak RSS of the backend process',
          figure: s.peakRssMiB,
          unit: 'MiB',
          target: 1024,
        },
      );
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  } else {
    console.log(
      '\nScale (100,000 entities): skipped; set BENCH_SCALE=1 to run it (the catalog needs many minutes to ingest 100,000 entities here)',
    );
    targets.push({
      db: 'SQLite (files)',
      name: 'scale: 100,000 entities ≤ 10 s, peak RSS < 1 GiB',
      figure: undefined,
      unit: 'ms',
      target: 10_000,
    });
  }
  printTargets(targets);
}

async function main() {
  const mode = process.env.BENCH_MODE ?? 'all';
  const dbs = (process.env.BENCH_DBS ?? 'sqlite,postgres')
    .split(',')
    .filter(Boolean);
  console.log(
    `yarn bench:maturity on ${
      require('node:os').cpus().length
    } cores; load average ${loadavg()
      .map(l => l.toFixed(2))
      .join(' / ')} (1 / 5 / 15 min) at the start`,
  );
  if (mode === 'all' || mode === 'store') {
    await storeLevel(dbs);
    const peakMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      `  peak RSS of the store-level benchmark process: ${peakMb.toFixed(
        0,
      )} MiB`,
    );
  }
  if (mode === 'all' || mode === 'cycle') {
    await storeLevelCycles(dbs);
    console.log(
      `  peak RSS of the benchmark process so far (the catalog in memory included): ${(
        process.resourceUsage().maxRSS / 1024
      ).toFixed(0)} MiB`,
    );
  }
  if (mode === 'all' || mode === 'e2e') {
    await endToEnd(dbs);
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
