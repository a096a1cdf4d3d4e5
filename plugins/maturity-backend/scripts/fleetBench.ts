/*
 * `yarn bench:fleet`: a fleet fix of N services (default 500) through the
 * real backend, beside a bare loop doing the same work in the same run.
 *
 *   BENCH_FLEET_N=500 BENCH_FLEET_CONCURRENCY=1,4,8 yarn bench:fleet
 *
 * Each concurrency runs in a child process of its own (so that each has its
 * own peak RSS). A child:
 *   1. seeds N git repositories, copies of examples/local-repos/invoice-service
 *      with distinct names, into a temporary local publish directory, and a
 *      second set of N for the bare loop;
 *   2. starts the backend in its own process (createBackend on a free port:
 *      catalog with the gitops module's local-repositories provider and
 *      processors, scaffolder with the gitops actions, maturity, auth with
 *      the guest provider, permission with the portal policy in demo mode,
 *      notifications and signals) on SQLite in the temporary directory;
 *   3. waits until the catalog serves the N components and a maturity cycle
 *      has scored them (GET /fleet/checks/scale-pdb/candidates lists N
 *      failing), as the guest user;
 *   4. POST /fleet/runs for all N, then the same again (a re-run must reuse
 *      every branch and commit nothing), measuring each from the request to
 *      the run's end;
 *   5. stops the backend and runs the bare loop: read each repository,
 *      plan the fix with the gitops module's planFix, commit the branch with
 *      proposeOnBranch; no scaffolder, HTTP or database.
 * Prints a table, and one line `@@RESULT <json>` per child.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readLocalTree } from '@cloud-native-portal/plugin-maturity-node';
// The bare loop does the gitops actions' work with their own functions,
// which the module does not export; this script runs from source only.
/* eslint-disable @backstage/no-forbidden-package-imports */
import { seedDemoRepositories } from '@cloud-native-portal/plugin-scaffolder-backend-module-gitops/src/lib/demoRepositories';
import {
  planDiff,
  planFix,
  planSummary,
} from '@cloud-native-portal/plugin-scaffolder-backend-module-gitops/src/lib/fixes';
import {
  defaultBranch,
  proposeOnBranch,
  TreeChange,
} from '@cloud-native-portal/plugin-scaffolder-backend-module-gitops/src/lib/localGit';
/* eslint-enable @backstage/no-forbidden-package-imports */
import { execSync, spawnSync } from 'node:child_process';
import { promises as fs, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import git from 'isomorphic-git';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import knexFactory, { Knex } from 'knex';

const ROOT = resolve(__dirname, '../../..');
const SOURCE_REPO = join(ROOT, 'examples/local-repos/invoice-service');
const TEMPLATE = join(
  ROOT,
  'templates/fix-pod-disruption-budget/template.yaml',
);
const ORG = join(ROOT, 'examples/org.yaml');
const CHECK_ID = 'scale-pdb';
const BRANCH = 'portal/fix-scale-pdb';
const FIX_TITLE = 'Fix A PodDisruptionBudget protects capacity';

interface ChildSpec {
  n: number;
  concurrency: number;
  dir: string;
  bareRuns: number;
}

const sleep = (msec: number) => new Promise(r => setTimeout(r, msec));
const load = () => loadavg()[0];
const median = (values: number[]) => percentile(values, 50);
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.max(
      0,
      Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1),
    )
  ];
}
const progress = (message: string) =>
  process.stderr.write(
    `  [${new Date().toISOString().slice(11, 19)} load ${load().toFixed(
      2,
    )}] ${message}\n`,
  );

async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise(r => server.close(r));
    if (port !== 7007 && port !== 3000) return port;
  }
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs: number,
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

/** The backend's log: errors (and warnings with BENCH_DEBUG) to stderr. */
class QuietLogger implements RootLoggerService {
  constructor(private readonly meta: JsonObject = {}) {}
  private log(level: string, message: string, extra?: unknown) {
    if (level === 'error' || (process.env.BENCH_DEBUG && level === 'warn')) {
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
    if (process.env.BENCH_DEBUG) this.log('info', message, meta);
  }
  debug() {}
  child(meta: JsonObject): LoggerService {
    return new QuietLogger({ ...this.meta, ...meta });
  }
}

const silentLogger = new QuietLogger();

/**
 * The JavaScript heap still in use after a full garbage collection, MiB:
 * what the process keeps, as opposed to what it has not collected yet.
 */
function heapAfterGcMiB(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** The catalog file of service `name`: one Component, read from `dir:./`. */
function catalogInfo(name: string): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  title: Invoice service ${name.slice(-4)}
  description: A copy of the invoice service for the fleet benchmark.
  annotations:
    backstage.io/source-location: dir:./
    cloud-native-portal/tier: '2'
spec:
  type: service
  lifecycle: production
  owner: group:default/payments-team
  system: commerce
`;
}

const repoName = (i: number) => `invoice-${String(i).padStart(4, '0')}`;

/**
 * N folders (copies of the invoice service, each with its own catalog
 * file), turned into N git repositories with one commit on main by the
 * gitops module's own seeding function.
 */
async function seedRepositories(root: string, into: string, n: number) {
  const folders = join(root, `folders-${n}`);
  if (!(await fs.stat(folders).catch(() => undefined))) {
    const tmp = `${folders}.tmp`;
    await fs.rm(tmp, { recursive: true, force: true });
    for (let i = 0; i < n; i++) {
      const to = join(tmp, repoName(i));
      await fs.cp(SOURCE_REPO, to, { recursive: true });
      // No API entity: one Component per repository keeps the catalog small.
      await fs.rm(join(to, 'openapi.yaml'));
      await fs.writeFile(
        join(to, 'catalog-info.yaml'),
        catalogInfo(repoName(i)),
      );
    }
    await fs.rename(tmp, folders);
  }
  const started = performance.now();
  const result = await seedDemoRepositories({
    source: folders,
    directory: into,
    logger: silentLogger,
  });
  if (result.seeded.length !== n) {
    throw new Error(
      `seeded ${result.seeded.length} of ${n} repositories into ${into} (kept ${result.kept.length}, skipped ${result.skipped.length})`,
    );
  }
  return performance.now() - started;
}

/** Peak RSS sampled every 200 ms, per phase. */
class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;
  constructor() {
    this.timer = setInterval(() => this.sample(), 200);
    this.timer.unref();
  }
  sample() {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }
  /** The peak since the last call, MiB; starts a new phase. */
  phase(): number {
    this.sample();
    const peak = this.peak / 2 ** 20;
    this.peak = process.memoryUsage().rss;
    return peak;
  }
  stop() {
    clearInterval(this.timer);
  }
}

/** Each repository's branches and the tip of the fix branch. */
async function branchesOf(dir: string, n: number) {
  const tips = new Map<string, string>();
  const wrong: string[] = [];
  for (let i = 0; i < n; i++) {
    const repo = join(dir, repoName(i));
    const branches = (await git.listBranches({ fs, dir: repo })).sort();
    if (branches.length !== 2 || !branches.includes(BRANCH)) {
      wrong.push(`${repoName(i)}: ${branches.join(', ')}`);
      continue;
    }
    tips.set(
      repoName(i),
      await git.resolveRef({ fs, dir: repo, ref: `refs/heads/${BRANCH}` }),
    );
  }
  return { tips, wrong };
}

/**
 * The bare loop: per repository, read its tree with the same bounded
 * reader, plan the fix, and commit it to the branch with the same git
 * function gitops:open-pr uses. Returns the total time and per-repository
 * times.
 */
async function bareLoop(dir: string, n: number) {
  const per: number[] = [];
  let reused = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const repo = join(dir, repoName(i));
    const tree = await readLocalTree(repo);
    const plan = await planFix(tree, 'pod-disruption-budget');
    planDiff(tree, plan);
    const summary = planSummary(plan);
    const changes = new Map<string, TreeChange>();
    for (const path of [...plan.added, ...plan.modified]) {
      changes.set(path, { content: Buffer.from(plan.files.get(path)!) });
    }
    if (changes.size === 0) throw new Error(`${repoName(i)}: nothing to fix`);
    const proposed = await proposeOnBranch({
      dir: repo,
      base: await defaultBranch(repo),
      branch: BRANCH,
      message: `${FIX_TITLE}: ${repoName(i)}\n\n${summary}`,
      changes,
    });
    if (proposed.reused) reused++;
    per.push(performance.now() - t);
  }
  return {
    totalMs: performance.now() - started,
    perRepoMedianMs: median(per),
    perRepoP95Ms: percentile(per, 95),
    reused,
    load: load(),
  };
}

async function deleteBranches(dir: string, n: number) {
  for (let i = 0; i < n; i++) {
    await git.deleteBranch({ fs, dir: join(dir, repoName(i)), ref: BRANCH });
  }
}

async function runChild(spec: ChildSpec) {
  const { n, concurrency, dir } = spec;
  const rss = new RssSampler();
  const result: Record<string, unknown> = { n, concurrency };
  const publishDir = join(dir, 'repos');
  const bareDir = join(dir, 'bare');
  const dbDir = join(dir, 'db');
  await fs.mkdir(dbDir, { recursive: true });

  result.seedMs = await seedRepositories(dir, publishDir, n);
  await seedRepositories(dir, bareDir, n);
  progress(
    `c=${concurrency}: seeded ${n} repositories twice (${(
      (result.seedMs as number) / 1000
    ).toFixed(1)} s per set)`,
  );
  result.rssSeedMiB = rss.phase();

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = {
    app: { baseUrl: base },
    backend: {
      baseUrl: base,
      listen: { host: '127.0.0.1', port },
      database: {
        client: 'better-sqlite3',
        connection: { directory: dbDir },
      },
    },
    auth: {
      providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
    },
    permission: { enabled: true, demo: { guestIsAdmin: true } },
    catalog: {
      rules: [
        {
          allow: [
            'Component',
            'Template',
            'Location',
            'Group',
            'User',
            'System',
          ],
        },
      ],
      locations: [
        { type: 'file', target: TEMPLATE },
        { type: 'file', target: ORG },
      ],
    },
    scaffolder: {
      localPublish: {
        directory: publishDir,
        // The repositories are all there at startup; no re-reads in between.
        refreshIntervalSeconds: 3600,
      },
    },
    maturity: {
      allowedLocalRoots: [publishDir],
      newEntities: { enabled: false },
      // Cycles start when the benchmark asks (POST /cycles).
      schedule: {
        frequency: { cron: '0 0 1 1 *' },
        timeout: { minutes: 10 },
      },
      fleet: { concurrency },
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
      factory: () => new QuietLogger(),
    }),
  );
  // The portal backend's plugins (packages/backend), loaded from the
  // workspace for this script only: they are not dependencies of the
  // maturity plugin.
  /* eslint-disable @backstage/no-undeclared-imports */
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(
    import(
      '@cloud-native-portal/plugin-permission-backend-module-portal-policy'
    ),
  );
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(
    import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
  );
  backend.add(import('@backstage/plugin-scaffolder-backend'));
  backend.add(
    import('@cloud-native-portal/plugin-scaffolder-backend-module-gitops'),
  );
  backend.add(import('@backstage/plugin-notifications-backend'));
  backend.add(import('@backstage/plugin-signals-backend'));
  /* eslint-enable @backstage/no-undeclared-imports */
  backend.add(import('../src'));

  const started = performance.now();
  await backend.start();
  result.startupMs = performance.now() - started;
  progress(`backend up on :${port}`);

  // The guest user's token, as the portal's sign-in page gets it.
  const signIn = await fetch(`${base}/api/auth/guest/refresh?env=development`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!signIn.ok) {
    throw new Error(`guest sign-in: ${signIn.status} ${await signIn.text()}`);
  }
  const token = (await signIn.json()).backstageIdentity.token as string;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { json: JSON.parse(text), bytes: text.length };
  };
  const get = async (path: string) => (await call('GET', path)).json;

  const ingestStart = performance.now();
  await waitFor(
    `the catalog serves ${n} components and the fix template`,
    async () => {
      const components = await get(
        '/api/catalog/entities/by-query?limit=1&filter=kind=component',
      );
      const templates = await get(
        '/api/catalog/entities/by-query?limit=1&filter=kind=template,metadata.name=fix-pod-disruption-budget',
      );
      return components.totalItems >= n && templates.totalItems >= 1
        ? true
        : undefined;
    },
    Math.max(600_000, n * 2000),
    1000,
  );
  result.ingestMs = performance.now() - ingestStart;
  progress(
    `catalog serves ${n} components (${(
      (result.ingestMs as number) / 1000
    ).toFixed(1)} s)`,
  );

  const scoreStart = performance.now();
  let lastCycle = 0;
  const entityRefs = await waitFor(
    `the maturity engine scores ${n} services failing ${CHECK_ID}`,
    async () => {
      const candidates = await get(
        `/api/maturity/fleet/checks/${CHECK_ID}/candidates`,
      );
      const failing = (candidates.items as any[])
        .filter(c => c.result === 'fail' && c.state === 'not-started')
        .map(c => c.entityRef as string);
      if (failing.length >= n) return failing;
      if (Date.now() - lastCycle > 10_000) {
        lastCycle = Date.now();
        await call('POST', '/api/maturity/cycles');
      }
      return undefined;
    },
    600_000,
    1000,
  );
  result.scoreMs = performance.now() - scoreStart;
  progress(`${entityRefs.length} services fail ${CHECK_ID}`);
  result.rssStartMiB = rss.phase();
  result.heapStartMiB = heapAfterGcMiB();

  // The maturity plugin's own database, read alongside the run: the item
  // rows keep millisecond times of when each task was created (the runner
  // stores its id) and when the item ended.
  const dbFiles = await fs.readdir(dbDir);
  const maturityFile = dbFiles.find(f => /maturity.*\.sqlite$/.test(f));
  if (!maturityFile) throw new Error(`no maturity database in ${dbFiles}`);
  const observer: Knex = knexFactory({
    client: 'better-sqlite3',
    connection: {
      filename: join(dbDir, maturityFile),
      options: { readonly: true },
    },
    useNullAsDefault: true,
  });

  const fleetRun = async (label: string) => {
    const posted = performance.now();
    const { json: run } = await call('POST', '/api/maturity/fleet/runs', {
      checkId: CHECK_ID,
      entityRefs,
      preview: false,
    });
    const taskCreated = new Map<string, number>();
    let finishedAt: number | undefined;
    let observed = 0;
    while (finishedAt === undefined) {
      await sleep(100);
      const rows: Array<{
        entity_ref: string;
        status: string;
        task_id: string | null;
        updated_at: number;
      }> = await observer('maturity_fleet_items')
        .where({ run_id: run.id })
        .select('entity_ref', 'status', 'task_id', 'updated_at')
        .catch(() => []);
      observed++;
      for (const row of rows) {
        if (
          row.status === 'running' &&
          row.task_id &&
          !taskCreated.has(row.entity_ref)
        ) {
          taskCreated.set(row.entity_ref, Number(row.updated_at));
        }
      }
      const state = await observer('maturity_fleet_runs')
        .where({ id: run.id })
        .first()
        .catch(() => undefined);
      if (state && state.status !== 'running') {
        finishedAt = performance.now();
      }
    }
    const wallMs = finishedAt - posted;
    const runLoad = load();
    const rssPeak = rss.phase();
    const readStart = performance.now();
    const { json: done, bytes } = await call(
      'GET',
      `/api/maturity/fleet/runs/${run.id}`,
    );
    const readMs = performance.now() - readStart;
    const heapMiB = heapAfterGcMiB();
    const createdAt = new Date(done.createdAt).getTime();
    const perRepo: number[] = [];
    const queued: number[] = [];
    for (const item of done.items as any[]) {
      const created = taskCreated.get(item.entityRef);
      if (created === undefined) continue;
      perRepo.push(new Date(item.updatedAt).getTime() - created);
      queued.push(created - createdAt);
    }
    const statuses: Record<string, number> = {};
    for (const item of done.items as any[]) {
      statuses[item.status] = (statuses[item.status] ?? 0) + 1;
    }
    const failed = (done.items as any[]).filter(i => i.status === 'failed');
    if (failed.length) {
      progress(
        `${failed.length} failed, e.g. ${failed[0].entityRef}: ${failed[0].reason}`,
      );
    }
    progress(
      `${label}: ${(wallMs / 1000).toFixed(1)} s, ${JSON.stringify(
        statuses,
      )}, per repository median ${median(perRepo).toFixed(
        0,
      )} ms, p95 ${percentile(perRepo, 95).toFixed(0)} ms (${
        perRepo.length
      } timed, ${observed} samples), peak RSS ${rssPeak.toFixed(
        0,
      )} MiB, heap after GC ${heapMiB.toFixed(0)} MiB, GET run ${readMs.toFixed(
        0,
      )} ms ${(bytes / 1024).toFixed(0)} KiB`,
    );
    return {
      runId: run.id,
      wallMs,
      load: runLoad,
      statuses,
      timed: perRepo.length,
      perRepoMedianMs: median(perRepo),
      perRepoP95Ms: percentile(perRepo, 95),
      queueMedianMs: median(queued),
      rssPeakMiB: rssPeak,
      heapAfterGcMiB: heapMiB,
      getRunMs: readMs,
      getRunBytes: bytes,
    };
  };

  result.first = await fleetRun('first run');
  const afterFirst = await branchesOf(publishDir, n);
  result.firstBranches = {
    withOneFixBranch: afterFirst.tips.size,
    wrong: afterFirst.wrong.slice(0, 5),
  };
  result.rerun = await fleetRun('re-run');
  const afterRerun = await branchesOf(publishDir, n);
  const moved = [...afterFirst.tips].filter(
    ([name, tip]) => afterRerun.tips.get(name) !== tip,
  );
  result.rerunBranches = {
    withOneFixBranch: afterRerun.tips.size,
    tipsMoved: moved.length,
  };
  progress(
    `branches: ${afterFirst.tips.size}/${n} with exactly one ${BRANCH} after the first run; ${moved.length} moved by the re-run`,
  );

  await observer.destroy();
  await backend.stop();
  result.rssEndMiB = rss.phase();

  // The bare loop, in this process after the backend has stopped. The
  // first pass commits every branch; after it the branches are deleted
  // again (their objects stay in each repository's object store) for the
  // next pass. The re-run passes find the branches and reuse them.
  const bareFirst: Array<Awaited<ReturnType<typeof bareLoop>>> = [];
  for (let i = 0; i < spec.bareRuns; i++) {
    if (i > 0) await deleteBranches(bareDir, n);
    bareFirst.push(await bareLoop(bareDir, n));
    progress(
      `bare loop, first run ${i + 1}: ${(bareFirst[i].totalMs / 1000).toFixed(
        2,
      )} s (${bareFirst[i].reused} reused)`,
    );
  }
  const bareRerun: Array<Awaited<ReturnType<typeof bareLoop>>> = [];
  for (let i = 0; i < spec.bareRuns; i++) {
    bareRerun.push(await bareLoop(bareDir, n));
    progress(
      `bare loop, re-run ${i + 1}: ${(bareRerun[i].totalMs / 1000).toFixed(
        2,
      )} s (${bareRerun[i].reused} reused)`,
    );
  }
  const pick = (runs: typeof bareFirst) => {
    const m = median(runs.map(r => r.totalMs));
    return {
      ...runs.find(r => r.totalMs === m)!,
      runsMs: runs.map(r => r.totalMs),
    };
  };
  result.bareFirst = pick(bareFirst);
  result.bareRerun = pick(bareRerun);
  result.rssBareMiB = rss.phase();
  result.peakRssMiB = peakRssMiB();
  rss.stop();
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

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (ms: number, bare: number) => `${(ms / bare).toFixed(1)}×`;

function printTable(results: any[]) {
  const rows: string[][] = [
    ['measure', ...results.map(r => `N=${r.n}, concurrency ${r.concurrency}`)],
  ];
  const add = (label: string, f: (r: any) => string) =>
    rows.push([label, ...results.map(f)]);
  add(
    'bare loop, first run: read, plan, commit the branch',
    r => `${s(r.bareFirst.totalMs)} (load ${r.bareFirst.load.toFixed(1)})`,
  );
  add(
    'bare loop, re-run: read, plan, find the same branch',
    r => `${s(r.bareRerun.totalMs)} (load ${r.bareRerun.load.toFixed(1)})`,
  );
  add(
    'fleet fix, first run: POST /fleet/runs → run completed',
    r =>
      `${s(r.first.wallMs)} = ${ratio(
        r.first.wallMs,
        r.bareFirst.totalMs,
      )} (load ${r.first.load.toFixed(1)})`,
  );
  add(
    'per repository, first run: task created → item done, median / p95',
    r =>
      `${s(r.first.perRepoMedianMs)} / ${s(
        r.first.perRepoP95Ms,
      )} (bare ${r.bareFirst.perRepoMedianMs.toFixed(
        0,
      )} ms / ${r.bareFirst.perRepoP95Ms.toFixed(0)} ms)`,
  );
  add(
    'fleet fix, re-run: POST /fleet/runs → run completed',
    r =>
      `${s(r.rerun.wallMs)} = ${ratio(
        r.rerun.wallMs,
        r.bareRerun.totalMs,
      )} (load ${r.rerun.load.toFixed(1)})`,
  );
  add(
    'per repository, re-run: median / p95',
    r =>
      `${s(r.rerun.perRepoMedianMs)} / ${s(
        r.rerun.perRepoP95Ms,
      )} (bare ${r.bareRerun.perRepoMedianMs.toFixed(
        0,
      )} ms / ${r.bareRerun.perRepoP95Ms.toFixed(0)} ms)`,
  );
  add('statuses, first run', r => JSON.stringify(r.first.statuses));
  add('statuses, re-run', r => JSON.stringify(r.rerun.statuses));
  add(
    `repositories with exactly one ${BRANCH}; tips moved by the re-run`,
    r =>
      `${r.firstBranches.withOneFixBranch}/${r.n}; ${r.rerunBranches.tipsMoved}`,
  );
  add(
    'GET /fleet/runs/{id} of the finished run: time, bytes',
    r =>
      `${r.first.getRunMs.toFixed(0)} ms, ${(
        r.first.getRunBytes / 1024
      ).toFixed(0)} KiB`,
  );
  add(
    'peak RSS (sampled): backend up / first run / re-run / whole process',
    r =>
      `${r.rssStartMiB.toFixed(0)} / ${r.first.rssPeakMiB.toFixed(
        0,
      )} / ${r.rerun.rssPeakMiB.toFixed(0)} / ${r.peakRssMiB.toFixed(0)} MiB`,
  );
  add(
    'JS heap after a full GC: backend up / after first run / after re-run',
    r =>
      r.heapStartMiB === undefined
        ? '—'
        : `${r.heapStartMiB.toFixed(0)} / ${r.first.heapAfterGcMiB.toFixed(
            0,
          )} / ${r.rerun.heapAfterGcMiB.toFixed(0)} MiB`,
  );
  add(
    'setup: seed one set / backend start / catalog ingest / scoring',
    r =>
      `${s(r.seedMs)} / ${s(r.startupMs)} / ${s(r.ingestMs)} / ${s(r.scoreMs)}`,
  );
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  for (const row of rows) {
    process.stdout.write(
      `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |\n`,
    );
  }
}

async function main() {
  const n = Number(process.env.BENCH_FLEET_N ?? 500);
  if (!Number.isInteger(n) || n < 1 || n > 500) {
    throw new Error(
      `BENCH_FLEET_N must be a whole number from 1 to 500 (one POST /fleet/runs takes at most 500); got ${process.env.BENCH_FLEET_N}`,
    );
  }
  const concurrencies = (process.env.BENCH_FLEET_CONCURRENCY ?? '4')
    .split(',')
    .map(Number);
  if (concurrencies.some(c => !Number.isInteger(c) || c < 1)) {
    throw new Error(
      `BENCH_FLEET_CONCURRENCY must list whole numbers of at least 1, e.g. 1,4,8; got ${process.env.BENCH_FLEET_CONCURRENCY}`,
    );
  }
  const bareRuns = Number(process.env.BENCH_RUNS ?? 3);
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT })
      .toString()
      .trim();
  } catch {
    // not a checkout
  }
  process.stdout.write(
    `Fleet fix benchmark at ${commit}: ${n} repositories, concurrency ${concurrencies.join(
      ', ',
    )}, load ${loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}\n`,
  );
  const results = [];
  for (const concurrency of concurrencies) {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-bench-'));
    const spec: ChildSpec = { n, concurrency, dir, bareRuns };
    try {
      const child = spawnSync(
        process.execPath,
        [
          '-r',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          __filename,
          JSON.stringify(spec),
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          maxBuffer: 64 * 2 ** 20,
        },
      );
      const line = child.stdout
        .toString()
        .split('\n')
        .find(l => l.startsWith('@@RESULT '));
      if (child.status !== 0 || !line) {
        throw new Error(
          `concurrency ${concurrency}: the benchmark's child exited ${child.status}`,
        );
      }
      results.push(JSON.parse(line.slice('@@RESULT '.length)));
      // Each child's figures as soon as it ends, in case a later one fails.
      process.stdout.write(`${line}\n`);
    } finally {
      if (!process.env.BENCH_KEEP)
        rmSync(dir, { recursive: true, force: true });
    }
  }
  printTable(results);
  process.stdout.write(`@@RESULTS ${JSON.stringify(results)}\n`);
}

if (require.main === module) {
  const arg = process.argv[2];
  (arg ? runChild(JSON.parse(arg) as ChildSpec) : main())
    .then(result => {
      if (arg) process.stdout.write(`@@RESULT ${JSON.stringify(result)}\n`);
      // The catalog's and scheduler's timers may hold the loop open.
      process.exit(0);
    })
    .catch(e => {
      console.error(e);
      process.exit(1);
    });
}
