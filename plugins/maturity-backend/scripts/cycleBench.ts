/*
 * Store-level cycle benchmark of `yarn bench:maturity` (BENCH_MODE=cycle):
 * `MaturityEngine.runCycle` over the synthetic catalog, served page by page
 * from memory (no catalog database, no scheduler, no REST), writing to a
 * fresh maturity database. Beside it, in the same process and run, a bare
 * loop over the same entities: the same collectors and evaluator, one row
 * per component (results, score, level, dimensions) in one transaction.
 *
 * Every figure is CPU time of this process (`process.cpuUsage`, user +
 * system) and wall time, each with its ratio to the bare loop's. On
 * PostgreSQL the server's own CPU is not in the CPU figure; it is in the
 * wall time.
 *
 * BENCH_PROFILE_DIR: after the measured runs, one more full and one more
 * unchanged cycle of each model run under the V8 profiler, which writes
 * `cycle-<db>-<model>-<kind>.cpuprofile` there.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  CATALOG_FILTER_EXISTS,
  EntityFilterQuery,
} from '@backstage/catalog-client';
import {
  Entity,
  RELATION_CHILD_OF,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  createRepoFactCollector,
  toRef,
} from '@cloud-native-portal/plugin-maturity-node';
import knexFactory, { Knex } from 'knex';
import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import { loadavg } from 'node:os';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseMaturityStore } from '../src/database/DatabaseMaturityStore';
import { loadMaturityModel } from '../src/engine/loadModel';
import { MaturityEngine } from '../src/engine/MaturityEngine';
import { clearBareTables, evaluateBare, writeBareRows } from './bareLoop';
import { startCpuProfile } from './cpuProfile';
import { createSyntheticEntities } from './syntheticEntities';

/** One measured run: CPU and wall milliseconds. */
interface Sample {
  cpu: number;
  wall: number;
  load: number;
}

/** Medians of a figure's runs, with the runs. */
export interface CycleFigure {
  name: string;
  includes: string;
  runs: Sample[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function timed(
  fn: () => Promise<unknown>,
  profile?: string,
): Promise<Sample> {
  const stopProfile = profile ? await startCpuProfile() : undefined;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await fn();
  const wall = performance.now() - wall0;
  const cpu1 = process.cpuUsage(cpu0);
  await stopProfile?.(profile!);
  return { cpu: (cpu1.user + cpu1.system) / 1000, wall, load: loadavg()[0] };
}

const MiB = 1024 * 1024;

/** V8's full garbage collection, for memory figures read after it. */
const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * BENCH_MEMORY=1: every 2 s during a cycle, a full collection, and the heap
 * in use after it: the live memory, without the garbage V8 lets pile up
 * below its limit. The collections slow the cycles: time figures of such a
 * run are not comparable.
 */
const LIVE_SAMPLES = process.env.BENCH_MEMORY === '1';

/**
 * What the process needed while `fn` ran, above what it held right before
 * (after a full collection; that is, on top of the catalog in memory): its
 * peak resident memory and peak heap in use, sampled every 20 ms (the
 * engine yields to the event loop every 50 entities, so a sample falls in
 * every stretch of work), and with BENCH_MEMORY=1 its peak live heap.
 */
async function peakAbove(
  fn: () => Promise<unknown>,
): Promise<{ rss: number; heap: number; live?: number }> {
  collectGarbage();
  const base = process.memoryUsage();
  const peak = { rss: base.rss, heap: base.heapUsed, live: base.heapUsed };
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heap = Math.max(peak.heap, now.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const liveTimer = LIVE_SAMPLES
    ? setInterval(() => {
        sample();
        collectGarbage();
        peak.live = Math.max(peak.live, process.memoryUsage().heapUsed);
      }, 2000)
    : undefined;
  try {
    await fn();
  } finally {
    clearInterval(timer);
    clearInterval(liveTimer);
  }
  sample();
  return {
    rss: (peak.rss - base.rss) / MiB,
    heap: (peak.heap - base.heapUsed) / MiB,
    ...(LIVE_SAMPLES ? { live: (peak.live - base.heapUsed) / MiB } : {}),
  };
}

/** The entities with the relations the catalog's processors add. */
function withRelations(entities: Entity[]): Entity[] {
  return entities.map(e => {
    const relations: Array<{ type: string; targetRef: string }> = [];
    const owner = toRef(e.spec?.owner, 'group');
    if (owner) relations.push({ type: RELATION_OWNED_BY, targetRef: owner });
    const system = toRef(e.spec?.system, 'system');
    if (system) relations.push({ type: RELATION_PART_OF, targetRef: system });
    const parent = toRef(e.spec?.parent, 'group');
    if (parent) relations.push({ type: RELATION_CHILD_OF, targetRef: parent });
    return { ...e, relations };
  });
}

/** Only the given dotted fields of an entity, as the catalog's `fields`. */
function projected(entity: any, fields: string[] | undefined): Entity {
  if (!fields?.length) return entity;
  const out: any = {};
  for (const field of fields) {
    const path = field.split('.');
    let from = entity;
    for (const key of path) from = from?.[key];
    if (from === undefined) continue;
    let to = out;
    for (const key of path.slice(0, -1)) to = to[key] ??= {};
    to[path[path.length - 1]] = from;
  }
  return out;
}

/**
 * The catalog served page by page from memory. Each page is a fresh copy,
 * as a catalog parses its stored entities per request; each entity has a
 * uid and an etag (the hash of its content that the catalog's stitching
 * gives it), and requests honour `fields`.
 */
function memoryCatalog(entities: Entity[]): CatalogService {
  const stored = entities.map(e => {
    const withUid = {
      ...e,
      metadata: { ...e.metadata, uid: stringifyEntityRef(e) },
    };
    const etag = createHash('sha1')
      .update(stableStringify(withUid))
      .digest('hex');
    const entity = { ...withUid, metadata: { ...withUid.metadata, etag } };
    // Only the JSON and what filters read are kept: the memory figures are
    // read above what the catalog holds, which should be little.
    return {
      ref: stringifyEntityRef(entity),
      kind: entity.kind,
      annotations: entity.metadata.annotations,
      json: JSON.stringify(entity),
    };
  });
  const byRef = new Map(stored.map(s => [s.ref, s]));
  const matches = (
    filter: EntityFilterQuery | undefined,
    e: { kind: string; annotations?: Record<string, string> },
  ) => {
    const f = (Array.isArray(filter) ? filter[0] : filter) ?? {};
    return Object.entries(f).every(([key, value]) => {
      if (key === 'kind') {
        const kinds = [value].flat().map(k => String(k).toLowerCase());
        return kinds.includes(e.kind.toLowerCase());
      }
      if (key.startsWith('metadata.annotations.')) {
        const v = e.annotations?.[key.slice(21)];
        return value === CATALOG_FILTER_EXISTS ? v !== undefined : v === value;
      }
      throw new Error(`memory catalog: unsupported filter ${key}`);
    });
  };
  const queries = new Map<string, typeof stored>();
  const catalog = {
    async queryEntities(request: any) {
      let key: string;
      let offset = 0;
      if (request.cursor) {
        [key, offset] = JSON.parse(request.cursor);
      } else {
        key = JSON.stringify(request.filter ?? {});
        queries.set(
          key,
          stored.filter(s => matches(request.filter, s)),
        );
      }
      const all = queries.get(key)!;
      const items = all
        .slice(offset, offset + request.limit)
        .map(s => projected(JSON.parse(s.json), request.fields));
      const next = offset + request.limit;
      return {
        items,
        totalItems: all.length,
        pageInfo:
          next < all.length ? { nextCursor: JSON.stringify([key, next]) } : {},
      };
    },
    async getEntitiesByRefs(request: any) {
      return {
        items: request.entityRefs.map((ref: string) => {
          const s = byRef.get(ref);
          return s ? projected(JSON.parse(s.json), request.fields) : undefined;
        }),
      };
    },
    async getEntityByRef(ref: string) {
      const s = byRef.get(ref);
      return s ? JSON.parse(s.json) : undefined;
    },
  };
  return catalog as unknown as CatalogService;
}

/**
 * The bare loop: every entity in one list, the same collectors and
 * evaluator, and the rows the engine writes for a changed entity in one
 * transaction (see bareLoop.ts).
 */
async function bareLoop(
  knex: Knex,
  entities: Entity[],
  modelFile: string | undefined,
) {
  const copies: Entity[] = entities.map(e => JSON.parse(JSON.stringify(e)));
  const { out } = await evaluateBare(copies, {
    modelFile,
    allowedLocalRoots: [],
  });
  await writeBareRows(knex, out);
}

/** Prints figures as one table: median CPU and wall, each with its ratio. */
export function printCycleTable(
  title: string,
  bare: CycleFigure,
  figures: CycleFigure[],
) {
  const b = { cpu: median(bare.runs.map(r => r.cpu)), wall: 0 };
  b.wall = median(bare.runs.map(r => r.wall));
  const s = (v: number) => `${(v / 1000).toFixed(3)} s`;
  const rows = [bare, ...figures].map(f => {
    const cpu = median(f.runs.map(r => r.cpu));
    const wall = median(f.runs.map(r => r.wall));
    return [
      f.name,
      `${s(cpu)} (${(cpu / b.cpu).toFixed(2)}×)`,
      `${s(wall)} (${(wall / b.wall).toFixed(2)}×)`,
      f.runs.map(r => s(r.cpu)).join(', '),
      median(f.runs.map(r => r.load)).toFixed(2),
    ];
  });
  const header = [
    'measure',
    'CPU (× bare)',
    'wall (× bare)',
    'CPU runs',
    'load',
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length)),
  );
  const line = (r: string[]) =>
    console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
  console.log(`\n${title}`);
  line(header);
  rows.forEach(line);
  console.log('  what each includes:');
  for (const f of [bare, ...figures])
    console.log(`    ${f.name}: ${f.includes}`);
}

/** Runs the cycle benchmark on one database (two fresh knex connections). */
export async function cycleBench(options: {
  label: string;
  /** A fresh, empty database per call; `name` tells them apart. */
  connect: (name: string) => Promise<Knex>;
  entities: number;
  runs: number;
  profileDir?: string;
}) {
  const nineModel = join(__dirname, 'nine-check-model.yaml');
  const variants = [0, 1].map(variant =>
    withRelations(
      createSyntheticEntities({ components: options.entities, variant }),
    ),
  );
  const bareDb = await options.connect('bare');
  const models: Array<[string, string | undefined]> = [
    ['default', undefined],
    ['nine', nineModel],
  ];
  for (const [modelName, modelFile] of models) {
    const knex = await options.connect(modelName);
    const collectors = [createRepoFactCollector()];
    const model = loadMaturityModel(
      new ConfigReader(modelFile ? { maturity: { modelFile } } : {}),
      collectors,
    );
    const store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const catalogs = variants.map(memoryCatalog);
    let current = 0;
    const engine = new MaturityEngine({
      store,
      model,
      collectors,
      catalog: {
        queryEntities: (...args: any[]) =>
          (catalogs[current] as any).queryEntities(...args),
        getEntitiesByRefs: (...args: any[]) =>
          (catalogs[current] as any).getEntitiesByRefs(...args),
        getEntityByRef: (...args: any[]) =>
          (catalogs[current] as any).getEntityByRef(...args),
      } as unknown as CatalogService,
      auth: mockServices.auth(),
      logger: mockServices.rootLogger({ level: 'error' }),
      allowedLocalRoots: [],
      entityKinds: ['Component'],
      retentionDays: 400,
      // BENCH_REGRESSIONS=1: with the hook the regression nudges use, so
      // the engine compares each page with the stored failing lists.
      ...(process.env.BENCH_REGRESSIONS === '1'
        ? { onRegressions: () => {} }
        : {}),
    });
    // The process's first cycle evaluates everything (an upgrade may
    // evaluate the same inputs differently): not measured for time. The heap
    // before it and after the last cycle tells what the engine keeps from
    // cycle to cycle (each entity's lookups and etag).
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    console.error(
      `  ${modelName} model: heap in use before the first cycle ${(
        heapBefore / MiB
      ).toFixed(0)} MiB`,
    );
    const firstPeak = await peakAbove(() => engine.runCycle());
    const full: Sample[] = [];
    const unchanged: Sample[] = [];
    const bare: Sample[] = [];
    // Statements knex sends in the last full cycle, transactions among them
    // (on SQLite, the rows of a bulk write go through one prepared statement
    // outside knex and are not counted).
    let statements = 0;
    let transactions = 0;
    knex.on('query', (q: { sql?: string }) => {
      statements += 1;
      if (/^begin/i.test(q.sql ?? '')) transactions += 1;
    });
    let fullStatements = '';
    const peaks: Record<
      'full' | 'unchanged',
      { rss: number; heap: number; live?: number }
    > = {
      full: { rss: 0, heap: 0 },
      unchanged: { rss: 0, heap: 0 },
    };
    const cycle = async (kind: 'full' | 'unchanged', profile?: string) => {
      if (kind === 'full') {
        // Every team's on-call annotation flips: every component's
        // ownership facts change, the components themselves do not.
        current = 1 - current;
      }
      let summary: any;
      statements = 0;
      transactions = 0;
      let sample: Sample | undefined;
      const peak = await peakAbove(async () => {
        sample = await timed(async () => {
          summary = await engine.runCycle();
        }, profile);
      });
      // The profiled runs hold the profile in memory too.
      if (!profile) {
        peaks[kind].rss = Math.max(peaks[kind].rss, peak.rss);
        peaks[kind].heap = Math.max(peaks[kind].heap, peak.heap);
        peaks[kind].live = Math.max(peaks[kind].live ?? 0, peak.live ?? 0);
      }
      const expected = kind === 'full' ? options.entities : 0;
      if (summary.evaluated !== expected) {
        throw new Error(
          `${kind} cycle evaluated ${summary.evaluated}, not ${expected}`,
        );
      }
      if (kind === 'full') {
        fullStatements = `${statements} statements through knex, ${transactions} transactions`;
      }
      return sample!;
    };
    for (let run = 0; run < options.runs; run++) {
      full.push(await cycle('full'));
      unchanged.push(await cycle('unchanged'));
      const same = variants[current];
      // Progress on stderr: a run that fails (out of memory under a heap
      // limit) shows which step it reached.
      console.error(`  ${modelName} model, run ${run + 1}: cycles done`);
      await clearBareTables(bareDb);
      bare.push(await timed(() => bareLoop(bareDb, same, modelFile)));
      console.error(`  ${modelName} model, run ${run + 1}: bare loop done`);
    }
    if (options.profileDir) {
      // Profiled apart from the measured runs: the profiler slows them.
      const db = options.label.split(' ')[0].toLowerCase();
      for (const kind of ['full', 'unchanged'] as const) {
        await cycle(
          kind,
          join(
            options.profileDir,
            `cycle-${db}-${modelName}-${kind}.cpuprofile`,
          ),
        );
      }
    }
    collectGarbage();
    const retained = (process.memoryUsage().heapUsed - heapBefore) / MiB;
    printCycleTable(
      `Store-level cycle, ${options.label}, ${options.entities} components, ${modelName} model (${model.checks.length} checks); medians of ${options.runs}`,
      {
        name: 'bare loop',
        includes:
          'same entities as one list, same collectors and evaluator, one row per component in one transaction; no facts, no history',
        runs: bare,
      },
      [
        {
          name: 'full cycle',
          includes: `runCycle after every team's on-call annotation changed: catalog pages from memory, collection, facts, results, scores, dimensions, history (${fullStatements})`,
          runs: full,
        },
        {
          name: 'unchanged cycle',
          includes: 'runCycle right after it, nothing changed',
          runs: unchanged,
        },
      ],
    );
    const f = (v: { rss: number; heap: number; live?: number }) =>
      `${v.rss.toFixed(0)} / ${v.heap.toFixed(0)}${
        LIVE_SAMPLES ? ` / ${(v.live ?? 0).toFixed(0)}` : ''
      } MiB`;
    console.log(
      `  memory above what the process held before (the catalog in memory), peak RSS / peak heap in use${
        LIVE_SAMPLES ? ' / peak live heap' : ''
      }: the first cycle ${f(firstPeak)}, a full cycle ${f(
        peaks.full,
      )}, an unchanged cycle ${f(
        peaks.unchanged,
      )}; heap in use before the first cycle ${(heapBefore / MiB).toFixed(
        0,
      )} MiB, heap limit ${(getHeapStatistics().heap_size_limit / MiB).toFixed(
        0,
      )} MiB; peak RSS of the process so far ${(
        process.resourceUsage().maxRSS / 1024
      ).toFixed(
        0,
      )} MiB; heap grown from before the first cycle to after the last (what the engine keeps: each entity's lookups and etag) ${retained.toFixed(
        1,
      )} MiB (${((retained * MiB) / options.entities).toFixed(
        0,
      )} bytes per component)`,
    );
    await knex.destroy();
  }
  await bareDb.destroy();
}

/** Connections for {@link cycleBench}: SQLite files or PostgreSQL databases. */
export function cycleConnections(
  db: 'sqlite' | 'postgres',
  dir: string,
  pg?: string,
) {
  const created: string[] = [];
  const prefix = `maturity_cycle_${Date.now()}_`;
  return {
    connect: async (name: string): Promise<Knex> => {
      if (db === 'sqlite') {
        return knexFactory({
          client: 'better-sqlite3',
          connection: { filename: join(dir, `cycle-${name}.sqlite`) },
          useNullAsDefault: true,
        });
      }
      const admin = knexFactory({ client: 'pg', connection: pg });
      await admin.raw(`CREATE DATABASE ${prefix}${name}`);
      await admin.destroy();
      created.push(`${prefix}${name}`);
      const url = new URL(pg!);
      url.pathname = `/${prefix}${name}`;
      return knexFactory({ client: 'pg', connection: url.toString() });
    },
    cleanup: async () => {
      if (db !== 'postgres') return;
      const admin = knexFactory({ client: 'pg', connection: pg });
      for (const name of created) {
        await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
      await admin.destroy();
    },
  };
}
