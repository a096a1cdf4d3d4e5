/*
 * The end-to-end part of `yarn bench:maturity`, run by benchmark.ts in a
 * child process per database and model (so that each has its own peak RSS):
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs endToEnd.ts '<json spec>'
 *
 * Starts the real backend in this process (createBackend with the catalog
 * and maturity plugins) on a free port, feeds the synthetic catalog in
 * through an entity provider, waits until the catalog serves it, starts
 * cycles with the maturity plugin's POST /cycles and reads the results back over REST. Then runs the bare
 * loop over the catalog's database. Prints one line `@@RESULT <json>`.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { CatalogClient } from '@backstage/catalog-client';
import { ConfigReader } from '@backstage/config';
import {
  CatalogService,
  catalogProcessingExtensionPoint,
  catalogServiceRef,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { JsonObject } from '@backstage/types';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parsePhasesText } from '../src/engine/MaturityEngine';
import { runBareLoop } from './bareLoop';
import { startCpuProfile } from './cpuProfile';
import {
  createSyntheticEntities,
  VARIANT_ANNOTATION,
} from './syntheticEntities';

export interface EndToEndSpec {
  db: 'sqlite' | 'postgres';
  /** SQLite: the data directory. */
  dir: string;
  /** PostgreSQL: the server's connection string. */
  pg?: string;
  /** PostgreSQL: database name prefix of this run. */
  prefix?: string;
  model: 'default' | 'nine';
  entities: number;
  /** Only ingest and one timed full cycle (the scale run). */
  scaleOnly?: boolean;
  runs: number;
  /**
   * After the measured runs, one more full and one more unchanged cycle, and
   * 40 more unchanged refreshes of one entity, under the V8 profiler, written
   * as `e2e-<db>-<model>-<full|unchanged|refresh>.cpuprofile` here. The
   * profile covers the whole process: catalog, maturity and the benchmark's
   * own requests.
   */
  profileDir?: string;
}

/** One measured figure: the runs, their median and the 1-minute load. */
export interface Figure {
  runs: number[];
  median: number;
  load: number;
}

const TOKEN = 'maturity-bench-static-token';
/**
 * The cycle task's timeout; a cycle longer than this is aborted. The larger
 * of 40 s and 6 s per 1,000 entities (600 s for 100,000: a first cycle over
 * 100,000 took 260 s on SQLite here).
 */
const cycleTimeoutS = (entities: number) =>
  Number(
    process.env.BENCH_CYCLE_TIMEOUT_S ??
      Math.max(40, Math.ceil(entities * 0.006)),
  );
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.max(
      0,
      Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1),
    )
  ];
};
const figure = (runs: number[], loads: number[]): Figure => ({
  runs,
  median: median(runs),
  load: median(loads),
});
const sleep = (msec: number) => new Promise(r => setTimeout(r, msec));
const progress = (message: string) =>
  process.stderr.write(
    `  [${new Date().toISOString().slice(11, 19)} load ${loadavg()[0].toFixed(
      2,
    )}] ${message}\n`,
  );

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise(r => server.close(r));
  return port;
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 20,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    }
    await sleep(intervalMs);
  }
}

/** A maturity cycle's closing log line. */
const CYCLE_END = /^Maturity cycle\b.*entities evaluated/;

/**
 * The backend's logger: keeps the maturity cycles' closing lines, the only
 * ones the benchmark reads. Keeping every line (each request is logged)
 * would make the benchmark's own look-ups grow through the run and take
 * CPU from the cycles it measures.
 */
class CapturingLogger implements RootLoggerService {
  constructor(
    private readonly lines: Array<{ at: number; plugin?: string; msg: string }>,
    private readonly meta: JsonObject = {},
  ) {}
  private log(level: string, message: string, extra?: unknown) {
    if (this.meta.plugin === 'maturity' && CYCLE_END.test(message)) {
      this.lines.push({
        at: performance.now(),
        plugin: this.meta.plugin,
        msg: message,
      });
    }
    if (
      level === 'error' ||
      (process.env.BENCH_DEBUG &&
        (level === 'warn' || this.meta.plugin === 'maturity'))
    ) {
      process.stderr.write(
        `    backend ${level} (${this.meta.plugin ?? 'root'}): ${message} ${
          extra instanceof Error ? extra.message : ''
        }\n`,
      );
    }
  }
  error(message: string, meta?: Error | JsonObject) {
    this.log('error', message, meta);
  }
  warn(message: string, meta?: Error | JsonObject) {
    this.log('warn', message, meta);
  }
  info(message: string, meta?: Error | JsonObject) {
    this.log('info', message, meta);
  }
  debug() {}
  child(meta: JsonObject): LoggerService {
    return new CapturingLogger(this.lines, { ...this.meta, ...meta });
  }
}

/**
 * The backend's catalog client, as the default factory builds it, noting
 * when each plugin calls it: the maturity cycle's first catalog read is the
 * moment it has started.
 */
function observedCatalogService(
  onCall: (pluginId: string, method: string) => void,
) {
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {
      auth: coreServices.auth,
      discoveryApi: coreServices.discovery,
      plugin: coreServices.pluginMetadata,
    },
    factory({ auth, discoveryApi, plugin }) {
      const client = new CatalogClient({ discoveryApi }) as any;
      const tokenFor = async (options: any) =>
        auth.getPluginRequestToken({
          onBehalfOf: options.credentials,
          targetPluginId: 'catalog',
        });
      return new Proxy({} as CatalogService, {
        get: (_, method) => {
          if (typeof method !== 'string' || method === 'then') return undefined;
          if (method === 'streamEntities') {
            return async function* stream(request: unknown, options: any) {
              onCall(plugin.getId(), method);
              yield* client.streamEntities(request, await tokenFor(options));
            };
          }
          return async (...args: unknown[]) => {
            onCall(plugin.getId(), method);
            const options = args[args.length - 1];
            return client[method](
              ...args.slice(0, -1),
              await tokenFor(options),
            );
          };
        },
      });
    },
  });
}

export async function runEndToEnd(spec: EndToEndSpec) {
  const logs: Array<{ at: number; plugin?: string; msg: string }> = [];
  const maturityCatalogCalls: number[] = [];
  let connection: EntityProviderConnection | undefined;

  // A 20-file repository for the entity refreshed on demand.
  const treeDir = join(spec.dir, 'trees', 'service-0');
  rmSync(treeDir, { recursive: true, force: true });
  cpSync(
    resolve(__dirname, '../../../examples/repos/course-catalog-service'),
    treeDir,
    { recursive: true },
  );
  for (const extra of [
    'SECURITY.md',
    'renovate.json',
    '.github/workflows/codeql.yml',
  ]) {
    rmSync(join(treeDir, extra), { force: true });
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const database =
    spec.db === 'sqlite'
      ? {
          client: 'better-sqlite3',
          connection: { directory: spec.dir },
          plugin: {
            maturity: {
              connection: { filename: `maturity-${spec.model}.sqlite` },
            },
          },
        }
      : {
          client: 'pg',
          connection: spec.pg,
          prefix: spec.prefix,
          plugin: {
            maturity: {
              connection: { database: `${spec.prefix}maturity_${spec.model}` },
            },
          },
        };
  const config = {
    app: { baseUrl: base },
    backend: {
      baseUrl: base,
      listen: { host: '127.0.0.1', port },
      database,
      auth: {
        externalAccess: [
          { type: 'static', options: { token: TOKEN, subject: 'bench' } },
        ],
      },
    },
    catalog: {
      rules: [{ allow: ['Component', 'Group', 'System', 'Domain', 'User'] }],
    },
    maturity: {
      allowedLocalRoots: [spec.dir],
      // Off so that its catalog reads do not pass for a cycle's start.
      newEntities: { enabled: false },
      // No scheduled run during the benchmark: cycles start when it asks
      // for one with POST /cycles.
      schedule: {
        frequency: { cron: '0 0 1 1 *' },
        timeout: { seconds: cycleTimeoutS(spec.entities) },
      },
      ...(spec.model === 'nine'
        ? { modelFile: resolve(__dirname, 'nine-check-model.yaml') }
        : {}),
    },
  };

  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => new ConfigReader(config),
    }),
  );
  backend.add(
    createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => new CapturingLogger(logs),
    }),
  );
  backend.add(
    observedCatalogService(pluginId => {
      if (pluginId === 'maturity') maturityCatalogCalls.push(performance.now());
    }),
  );
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('../src'));
  backend.add(
    createBackendModule({
      pluginId: 'catalog',
      moduleId: 'bench-synthetic-entities',
      register(env) {
        env.registerInit({
          deps: { processing: catalogProcessingExtensionPoint },
          async init({ processing }) {
            processing.addEntityProvider({
              getProviderName: () => 'bench-synthetic-entities',
              connect: async c => {
                connection = c;
              },
            });
          },
        });
      },
    }),
  );
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (!res.ok)
      throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const catalogCount = async (filter: string) =>
    (await get(`/api/catalog/entities/by-query?limit=1&filter=${filter}`))
      .totalItems as number;

  const result: Record<string, unknown> = {
    db: spec.db,
    model: spec.model,
    entities: spec.entities,
  };
  const started = performance.now();
  await backend.start();
  result.startupMs = performance.now() - started;
  progress(`${spec.db}/${spec.model}: backend up on :${port}`);

  // Even, and new to a catalog kept from an earlier run (BENCH_DATA_DIR):
  // each change below must reach the catalog before a cycle reads it.
  let variant = 2 * Math.floor(Date.now() / 1000);
  const groupsAtVariant = async () =>
    (await catalogCount(
      `kind=group,metadata.annotations.${VARIANT_ANNOTATION}=${variant}`,
    )) >= 224
      ? true
      : undefined;
  const feed = async () => {
    await connection!.applyMutation({
      type: 'full',
      entities: createSyntheticEntities({
        components: spec.entities,
        variant,
        treeDir,
      }).map(entity => ({ entity, locationKey: 'bench-synthetic' })),
    });
  };
  const ingestStart = performance.now();
  await waitFor('the catalog provider connects', () => connection, 60_000);
  await feed();
  await waitFor(
    `the catalog serves ${spec.entities} components`,
    async () =>
      (await catalogCount('kind=component')) >= spec.entities
        ? true
        : undefined,
    Math.max(600_000, spec.entities * 120),
    1000,
  );
  await waitFor(
    'the catalog serves the groups of this run',
    groupsAtVariant,
    300_000,
    200,
  );
  result.ingestMs = performance.now() - ingestStart;
  progress(
    `catalog serves ${spec.entities} components (${(
      (performance.now() - ingestStart) /
      1000
    ).toFixed(1)} s after the feed)`,
  );

  const cycleLogs = () => logs;
  // Results are readable when a sample of three systems' components (spread
  // over the catalog) shows the new evaluation, confirmed by then reading
  // all of them page by page.
  const sampleSystems = ['system-0', 'system-150', 'system-299'];
  const isNew = (item: { evaluatedAt: string }, wall: number) =>
    new Date(item.evaluatedAt).getTime() >= wall - 1;
  const readableAfter = async (wall: number): Promise<number> => {
    const sampleNew = async () => {
      const pages = await Promise.all(
        sampleSystems.map(s =>
          get(`/api/maturity/entities?system=system:default/${s}&limit=500`),
        ),
      );
      const items = pages.flatMap((p: any) => p.items);
      return items.length > 0 && items.every((i: any) => isNew(i, wall))
        ? performance.now()
        : undefined;
    };
    const allNew = async () => {
      let count = 0;
      for (let offset = 0; ; offset += 500) {
        const page = await get(
          `/api/maturity/entities?kind=component&limit=500&offset=${offset}`,
        );
        for (const item of page.items) {
          if (!isNew(item, wall)) return false;
          count++;
        }
        if (page.items.length < 500) break;
      }
      return count >= spec.entities;
    };
    for (;;) {
      const seen = await waitFor('a sample readable', sampleNew, 1_200_000, 10);
      if (await allNew()) return seen;
      const confirmed = await waitFor(
        'all results readable',
        async () => ((await allNew()) ? performance.now() : undefined),
        1_200_000,
        50,
      );
      return confirmed;
    }
  };

  /** Triggers a cycle; returns its timings once its completion is logged. */
  const cycle = async (options: {
    readable?: boolean;
    during?: (done: Promise<void>) => Promise<unknown>;
  }) => {
    let tTrigger = 0;
    let wallTrigger = 0;
    let doneBefore = 0;
    let tStart = 0;
    let markDone: () => void = () => {};
    const done = new Promise<void>(r => {
      markDone = r;
    });
    for (;;) {
      // Never while a cycle the backend started by itself runs: its catalog
      // reads would pass for the start of this one.
      await waitFor(
        'the running cycle ends',
        async () =>
          (
            await get('/api/maturity/cycles/current')
          ).running
            ? undefined
            : true,
        1_200_000,
        20,
      );
      doneBefore = cycleLogs().length;
      wallTrigger = Date.now();
      tTrigger = performance.now();
      // What "Evaluate all now" and an operator's script call.
      const res = await fetch(`${base}/api/maturity/cycles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const body = await res.json();
      if (res.status === 202) break;
      if (res.status !== 200) {
        throw new Error(`POST /cycles: ${res.status} ${JSON.stringify(body)}`);
      }
      // A cycle was running already: wait for its end, then start again.
    }
    const during = options.during?.(done);
    const triggeredAt = tTrigger;
    tStart = await waitFor(
      'the cycle starts',
      () => maturityCatalogCalls.find(t => t >= triggeredAt),
      600_000,
      1,
    );
    let tReadable: number | undefined;
    if (options.readable) {
      tReadable = await readableAfter(wallTrigger);
    }
    const log = await waitFor(
      'the cycle logs its end',
      () => cycleLogs()[doneBefore],
      1_200_000,
      5,
    );
    markDone();
    const engineMs = Number(/in (\d+) ?ms/.exec(log.msg)?.[1]);
    return {
      startMs: tStart - tTrigger,
      readableMs: tReadable !== undefined ? tReadable - tTrigger : undefined,
      doneMs: log.at - tTrigger,
      engineMs: Number.isFinite(engineMs) ? engineMs : undefined,
      // The phases the plugin logs with the cycle's end.
      phases: parsePhasesText(log.msg),
      load: loadavg()[0],
      during: await during,
    };
  };

  const changeGroups = async () => {
    variant += 1;
    await feed();
    await waitFor(
      'the catalog serves the changed groups',
      groupsAtVariant,
      300_000,
      200,
    );
  };

  // Let the cycle the backend started at startup (over a partly ingested
  // catalog) finish, then run one over the whole catalog.
  const warm = await cycle({});
  progress(
    `first cycle over the whole catalog: ${(warm.doneMs / 1000).toFixed(1)} s`,
  );
  result.firstCycle = warm;

  const full: Awaited<ReturnType<typeof cycle>>[] = [];
  const runs = spec.scaleOnly ? 1 : spec.runs;
  for (let i = 0; i < runs; i++) {
    await changeGroups();
    const c = await cycle({ readable: !spec.scaleOnly });
    progress(
      `full cycle ${i + 1}: start ${c.startMs.toFixed(0)} ms, readable ${(
        c.readableMs ?? NaN
      ).toFixed(0)} ms, done ${c.doneMs.toFixed(0)} ms, engine ${
        c.engineMs
      } ms`,
    );
    full.push(c);
  }
  const loads = full.map(c => c.load);
  result.fullStart = figure(
    full.map(c => c.startMs),
    loads,
  );
  result.fullDone = figure(
    full.map(c => c.doneMs),
    loads,
  );
  result.fullEngine = figure(
    full.map(c => c.engineMs ?? NaN),
    loads,
  );
  // The phases of the run whose engine time is the median (as `median`
  // picks it), when the plugin logged them.
  const timed = full
    .filter(c => c.engineMs !== undefined)
    .sort((a, b) => a.engineMs! - b.engineMs!);
  result.fullPhases = timed[Math.floor((timed.length - 1) / 2)]?.phases;
  if (!spec.scaleOnly) {
    result.fullReadable = figure(
      full.map(c => c.readableMs!),
      loads,
    );
  }

  if (!spec.scaleOnly) {
    const unchanged: Awaited<ReturnType<typeof cycle>>[] = [];
    for (let i = 0; i < spec.runs; i++) {
      const c = await cycle({});
      progress(
        `unchanged cycle ${i + 1}: start ${c.startMs.toFixed(
          0,
        )} ms, done ${c.doneMs.toFixed(0)} ms, engine ${c.engineMs} ms`,
      );
      unchanged.push(c);
    }
    result.unchangedDone = figure(
      unchanged.map(c => c.doneMs),
      unchanged.map(c => c.load),
    );
    result.unchangedEngine = figure(
      unchanged.map(c => c.engineMs ?? NaN),
      unchanged.map(c => c.load),
    );
  }

  if (spec.profileDir && !spec.scaleOnly) {
    // Apart from the measured runs: the profiler slows them.
    for (const kind of ['full', 'unchanged'] as const) {
      if (kind === 'full') await changeGroups();
      const stop = await startCpuProfile();
      const c = await cycle({ readable: kind === 'full' });
      await stop(
        join(
          spec.profileDir,
          `e2e-${spec.db}-${spec.model}-${kind}.cpuprofile`,
        ),
      );
      progress(
        `profiled ${kind} cycle: done ${c.doneMs.toFixed(0)} ms, engine ${
          c.engineMs
        } ms`,
      );
    }
  }

  if (!spec.scaleOnly && spec.model === 'default') {
    // The liveness route and a catalog read, every ~20 ms while a full
    // cycle runs.
    const poll = async (path: string, done: Promise<void>) => {
      let finished = false;
      done.then(() => {
        finished = true;
      });
      const times: number[] = [];
      while (!finished) {
        const t = performance.now();
        const res = await fetch(`${base}${path}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
        times.push(performance.now() - t);
        await sleep(20);
      }
      return times;
    };
    // The same two polls for 5 s with no cycle running: what the backend
    // answers at rest (the catalog's own query cost, its processing loop).
    // How long the event loop was kept from other work: every task of the
    // process, the catalog's and the polls' included (Node's histogram,
    // sampled every 10 ms).
    const loopDelay = async <T>(work: () => Promise<T>) => {
      const histogram = monitorEventLoopDelay({ resolution: 10 });
      histogram.enable();
      try {
        return { value: await work(), histogram };
      } finally {
        histogram.disable();
      }
    };
    const ms = (ns: number) => ns / 1e6;
    const idle = {
      liveness: [] as number[],
      catalog: [] as number[],
      loopP99: [] as number[],
      loopMax: [] as number[],
    };
    for (let i = 0; i < spec.runs; i++) {
      const fiveSeconds = sleep(5000).then(() => undefined);
      const {
        value: [liveness, catalog],
        histogram,
      } = await loopDelay(() =>
        Promise.all([
          poll('/.backstage/health/v1/liveness', fiveSeconds),
          poll(
            '/api/catalog/entities/by-query?limit=20&filter=kind=component',
            fiveSeconds,
          ),
        ]),
      );
      idle.liveness.push(percentile(liveness, 99));
      idle.catalog.push(percentile(catalog, 99));
      idle.loopP99.push(ms(histogram.percentile(99)));
      idle.loopMax.push(ms(histogram.max));
      progress(
        `no cycle, 5 s of polling: liveness p99 ${percentile(
          liveness,
          99,
        ).toFixed(1)} ms, catalog p99 ${percentile(catalog, 99).toFixed(
          1,
        )} ms, event loop delay p99 ${ms(histogram.percentile(99)).toFixed(
          0,
        )} ms (max ${ms(histogram.max).toFixed(0)})`,
      );
    }
    const idleLoad = loadavg()[0];
    result.idleLivenessP99 = figure(
      idle.liveness,
      idle.liveness.map(() => idleLoad),
    );
    result.idleCatalogP99 = figure(
      idle.catalog,
      idle.catalog.map(() => idleLoad),
    );
    result.idleLoopDelayP99 = figure(
      idle.loopP99,
      idle.loopP99.map(() => idleLoad),
    );
    result.idleLoopDelayMax = figure(
      idle.loopMax,
      idle.loopMax.map(() => idleLoad),
    );
    const p99s = {
      liveness: [] as number[],
      catalog: [] as number[],
      loop: [] as number[],
    };
    const maxes = {
      liveness: [] as number[],
      catalog: [] as number[],
      loop: [] as number[],
    };
    const counts: number[] = [];
    const pollLoads: number[] = [];
    for (let i = 0; i < spec.runs; i++) {
      await changeGroups();
      const histogram = monitorEventLoopDelay({ resolution: 10 });
      const c = await cycle({
        during: done => {
          histogram.enable();
          return Promise.all([
            poll('/.backstage/health/v1/liveness', done),
            poll(
              '/api/catalog/entities/by-query?limit=20&filter=kind=component',
              done,
            ),
          ]).finally(() => histogram.disable());
        },
      });
      const [liveness, catalog] = c.during as number[][];
      p99s.loop.push(ms(histogram.percentile(99)));
      maxes.loop.push(ms(histogram.max));
      p99s.liveness.push(percentile(liveness, 99));
      p99s.catalog.push(percentile(catalog, 99));
      maxes.liveness.push(Math.max(...liveness));
      maxes.catalog.push(Math.max(...catalog));
      counts.push(liveness.length + catalog.length);
      pollLoads.push(c.load);
      progress(
        `cycle ${i + 1} under polling (${(c.doneMs / 1000).toFixed(
          1,
        )} s): liveness p99 ${percentile(liveness, 99).toFixed(
          1,
        )} ms (max ${Math.max(...liveness).toFixed(
          0,
        )}), catalog p99 ${percentile(catalog, 99).toFixed(
          1,
        )} ms (max ${Math.max(...catalog).toFixed(
          0,
        )}), event loop delay p99 ${ms(histogram.percentile(99)).toFixed(
          0,
        )} ms (max ${ms(histogram.max).toFixed(0)})`,
      );
    }
    result.loopDelayP99 = figure(p99s.loop, pollLoads);
    result.loopDelayMax = figure(maxes.loop, pollLoads);
    result.livenessP99 = figure(p99s.liveness, pollLoads);
    result.catalogP99 = figure(p99s.catalog, pollLoads);
    result.livenessMax = figure(maxes.liveness, pollLoads);
    result.catalogMax = figure(maxes.catalog, pollLoads);
    result.pollRequests = counts;

    // One entity on demand: its 20-file repository unchanged, then changed
    // before every request.
    const refresh = async () => {
      const t = performance.now();
      const res = await fetch(
        `${base}/api/maturity/entity/component/default/service-0/refresh`,
        { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } },
      );
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`refresh: ${res.status}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 5; i++) await refresh();
    const unchangedTimes: number[] = [];
    for (let i = 0; i < 40; i++) unchangedTimes.push(await refresh());
    const changedTimes: number[] = [];
    const readme = join(treeDir, 'README.md');
    const original = readFileSync(readme, 'utf8');
    for (let i = 0; i < 40; i++) {
      writeFileSync(readme, `${original}\n<!-- change ${i} -->\n`);
      changedTimes.push(await refresh());
    }
    writeFileSync(readme, original);
    const load = loadavg()[0];
    if (spec.profileDir) {
      // Apart from the measured requests: the profiler slows them.
      const stop = await startCpuProfile();
      for (let i = 0; i < 40; i++) await refresh();
      await stop(
        join(
          spec.profileDir,
          `e2e-${spec.db}-${spec.model}-refresh.cpuprofile`,
        ),
      );
    }
    result.onDemandUnchanged = {
      p50: percentile(unchangedTimes, 50),
      p95: percentile(unchangedTimes, 95),
      n: unchangedTimes.length,
      load,
    };
    result.onDemandChanged = {
      p50: percentile(changedTimes, 50),
      p95: percentile(changedTimes, 95),
      n: changedTimes.length,
      load,
    };
    progress(
      `on demand: unchanged p50 ${percentile(unchangedTimes, 50).toFixed(
        1,
      )} ms, changed p50 ${percentile(changedTimes, 50).toFixed(1)} ms`,
    );
  }

  // What a cycle cannot avoid: reading every scored component through the
  // catalog's API, page by page as the engine does, with nothing else; and
  // the same pages with only each entity's ref and etag.
  const readAllComponents = async (fields?: string) => {
    const times: number[] = [];
    const readLoads: number[] = [];
    const only = fields ? `&fields=${fields}` : '';
    for (let i = 0; i < spec.runs; i++) {
      const t = performance.now();
      let count = 0;
      let cursor: string | undefined;
      do {
        const page = await get(
          cursor
            ? `/api/catalog/entities/by-query?limit=1000${only}&cursor=${encodeURIComponent(
                cursor,
              )}`
            : `/api/catalog/entities/by-query?limit=1000${only}&filter=kind=component`,
        );
        count += page.items.length;
        cursor = page.pageInfo?.nextCursor;
      } while (cursor);
      times.push(performance.now() - t);
      readLoads.push(loadavg()[0]);
      progress(
        `catalog read ${i + 1}${
          fields ? ` (${fields})` : ''
        }: ${count} components in ${(times[i] / 1000).toFixed(2)} s`,
      );
    }
    return figure(times, readLoads);
  };
  result.catalogReadAll = await readAllComponents();
  result.catalogReadEtags = await readAllComponents(
    'kind,metadata.namespace,metadata.name,metadata.etag',
  );

  result.peakRssMiB = peakRssMiB();
  await backend.stop();

  // The bare loop over the catalog's database, in this process, after the
  // backend has stopped.
  const bare = [];
  for (let i = 0; i < spec.runs; i++) {
    bare.push(
      await runBareLoop({
        db: spec.db,
        dir: spec.dir,
        pg: spec.pg,
        catalogDatabase: `${spec.prefix ?? ''}catalog`,
        bareDatabase: `${spec.prefix ?? ''}bare`,
        modelFile:
          spec.model === 'nine'
            ? resolve(__dirname, 'nine-check-model.yaml')
            : undefined,
        allowedLocalRoots: [spec.dir],
      }),
    );
    progress(
      `bare loop ${i + 1}: ${bare[i].totalMs.toFixed(0)} ms (${
        bare[i].entities
      } entities, ${bare[i].checks} checks)`,
    );
  }
  result.bare = figure(
    bare.map(b => b.totalMs),
    bare.map(b => b.load),
  );
  result.bareResultsOnly = figure(
    bare.map(b => b.resultsOnlyMs),
    bare.map(b => b.load),
  );
  // The run whose total is the median, for the breakdown of its parts.
  result.bareDetail = [...bare].sort((a, b) => a.totalMs - b.totalMs)[
    Math.floor(bare.length / 2)
  ];
  return result;
}

/** Peak resident set of this process, MiB (VmHWM, else maxRSS). */
function peakRssMiB(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    if (Number.isFinite(kb)) return kb / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

if (require.main === module) {
  runEndToEnd(JSON.parse(process.argv[2]) as EndToEndSpec)
    .then(result => {
      process.stdout.write(`@@RESULT ${JSON.stringify(result)}\n`);
      // The catalog's and scheduler's timers may hold the loop open.
      process.exit(0);
    })
    .catch(e => {
      console.error(e);
      process.exit(1);
    });
}
