/*
 * Delivery outcome benchmark: collecting the four keys' GitOps facts
 * (delivery.*) for 1,000 services from a GitOps history of 50,000 commits.
 * Prints figures; asserts nothing but that the collector and the bare loop
 * count the same deployments.
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs \
 *     plugins/maturity-backend/scripts/bench-delivery.ts
 *
 * Environment:
 *   BENCH_DATA_DIR  keep the generated repository there between runs
 *                   (default: a directory under the system's temp dir)
 *   BENCH_COMMITS   commits (default 50000)
 *   BENCH_APPS      applications / services (default 1000)
 *   BENCH_RUNS      runs per median (default 3)
 *   BENCH_READER    isomorphic-git: read the history without the git client
 *                   (default: the git client, as the collector does where
 *                   git is installed)
 *
 * The repository (bare, branch main) is written once with `git fast-import`
 * when the git binary exists, else with isomorphic-git. Its commits span the
 * 85 days before the moment it was generated, which the benchmark then uses
 * as "now", so every commit is inside the 90-day window and read.
 *
 * Measured, each as the median of BENCH_RUNS runs, wall and CPU time:
 * - bare loop: `git log --first-parent --name-only` of the branch, parsed by
 *   a plain loop into production deployments per app (git does the walk
 *   and the tree diffs in C; the floor);
 * - cold: a new collector, collect() for every service (reads and indexes
 *   the history once);
 * - warm: collect() for every service again, the branch head unchanged.
 * Peak RSS is the process's high-water mark after each phase.
 */
import { Entity } from '@backstage/catalog-model';
import git from 'isomorphic-git';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDeliveryFactCollector } from '../src/outcomes/deliveryCollector';

const COMMITS = Number(process.env.BENCH_COMMITS ?? 50_000);
const APPS = Number(process.env.BENCH_APPS ?? 1_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const READER = process.env.BENCH_READER ?? 'auto';
const DATA_DIR =
  process.env.BENCH_DATA_DIR ?? join(tmpdir(), 'bench-delivery-gitops');
const SPAN_DAYS = 85;
const WINDOW_DAYS = 90;
const PRODUCTION = ['production', 'prod'];

const appName = (i: number) => `app-${String(i).padStart(4, '0')}`;

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PlannedCommit {
  path: string;
  content: string;
  message: string;
  authorSeconds: number;
  committerSeconds: number;
}

/**
 * The history: each commit changes one file of one app. Apps deploy at
 * different rates (a skewed choice), 70% of changes go to production, 2% of
 * production changes are rollbacks, and some carry a Source-Commit-Date.
 */
function* plan(nowSeconds: number): Generator<PlannedCommit> {
  const next = random(16);
  const start = nowSeconds - SPAN_DAYS * 86_400;
  const step = (SPAN_DAYS * 86_400) / COMMITS;
  for (let i = 0; i < COMMITS; i++) {
    const app = appName(Math.floor(next() ** 2 * APPS));
    const env = next() < 0.7 ? 'production' : 'staging';
    const committerSeconds = Math.floor(start + i * step);
    const leadSeconds = Math.floor(next() * 48 * 3600);
    const rollback = env === 'production' && next() < 0.02;
    const trailer =
      next() < 0.3
        ? `\n\nSource-Commit-Date: ${new Date(
            (committerSeconds - leadSeconds * 2) * 1000,
          ).toISOString()}`
        : '';
    yield {
      path: `apps/${app}/${env}/deployment.yaml`,
      content: `image: registry.example.com/${app}:${i}\nreplicas: 2\n`,
      message: rollback
        ? `Rollback ${app} in ${env}`
        : `Deploy ${app} build ${i} to ${env}${trailer}`,
      authorSeconds: committerSeconds - leadSeconds,
      committerSeconds,
    };
  }
}

async function generateWithFastImport(repo: string, nowSeconds: number) {
  spawnSync('git', ['init', '--quiet', '--bare', '-b', 'main', repo], {
    stdio: 'inherit',
  });
  const child = spawn('git', ['fast-import', '--quiet'], {
    cwd: repo,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', code =>
      code === 0 ? resolve() : reject(new Error(`git fast-import: ${code}`)),
    );
  });
  const write = (text: string) =>
    child.stdin.write(text)
      ? Promise.resolve()
      : new Promise<void>(resolve => child.stdin.once('drain', resolve));
  let mark = 0;
  for (const c of plan(nowSeconds)) {
    mark++;
    const message = Buffer.from(`${c.message}\n`);
    const content = Buffer.from(c.content);
    const from = mark > 1 ? `from :${mark - 1}\n` : '';
    await write(
      `commit refs/heads/main\nmark :${mark}\n` +
        `author Bench <bench@example.com> ${c.authorSeconds} +0000\n` +
        `committer Bench <bench@example.com> ${c.committerSeconds} +0000\n` +
        `data ${message.length}\n${message}${from}` +
        `M 100644 inline ${c.path}\ndata ${content.length}\n${content}\n`,
    );
  }
  child.stdin.end();
  await done;
}

/** The fallback without a git binary: the same history, tree by tree. */
async function generateWithIsomorphicGit(repo: string, nowSeconds: number) {
  await git.init({ fs, gitdir: repo, bare: true, defaultBranch: 'main' });
  type Entry = {
    mode: string;
    path: string;
    oid: string;
    type: 'blob' | 'tree';
  };
  const envTrees = new Map<string, Map<string, string>>(); // app -> env -> tree oid
  const appTrees = new Map<string, string>(); // app -> tree oid
  let parent: string | undefined;
  const sorted = (entries: Entry[]) =>
    entries.sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const c of plan(nowSeconds)) {
    const [, app, env, file] = c.path.split('/');
    const blob = await git.writeBlob({
      fs,
      gitdir: repo,
      blob: Buffer.from(c.content),
    });
    const envTree = await git.writeTree({
      fs,
      gitdir: repo,
      tree: [{ mode: '100644', path: file, oid: blob, type: 'blob' }],
    });
    const envs = envTrees.get(app) ?? new Map<string, string>();
    envs.set(env, envTree);
    envTrees.set(app, envs);
    appTrees.set(
      app,
      await git.writeTree({
        fs,
        gitdir: repo,
        tree: sorted(
          [...envs].map(([path, oid]) => ({
            mode: '040000',
            path,
            oid,
            type: 'tree' as const,
          })),
        ),
      }),
    );
    const apps = await git.writeTree({
      fs,
      gitdir: repo,
      tree: sorted(
        [...appTrees].map(([path, oid]) => ({
          mode: '040000',
          path,
          oid,
          type: 'tree' as const,
        })),
      ),
    });
    const root = await git.writeTree({
      fs,
      gitdir: repo,
      tree: [{ mode: '040000', path: 'apps', oid: apps, type: 'tree' }],
    });
    const person = (timestamp: number) => ({
      name: 'Bench',
      email: 'bench@example.com',
      timestamp,
      timezoneOffset: 0,
    });
    parent = await git.writeCommit({
      fs,
      gitdir: repo,
      commit: {
        message: `${c.message}\n`,
        tree: root,
        parent: parent ? [parent] : [],
        author: person(c.authorSeconds),
        committer: person(c.committerSeconds),
      },
    });
  }
  await git.writeRef({
    fs,
    gitdir: repo,
    ref: 'refs/heads/main',
    value: parent!,
    force: true,
  });
}

function hasGit(): boolean {
  return spawnSync('git', ['--version']).status === 0;
}

/** The repository and its "now" (seconds), generated once per data dir. */
async function repository(): Promise<{ repo: string; nowSeconds: number }> {
  const repo = join(DATA_DIR, `gitops-${COMMITS}-${APPS}.git`);
  const stamp = join(DATA_DIR, `gitops-${COMMITS}-${APPS}.now`);
  if (fs.existsSync(stamp)) {
    return { repo, nowSeconds: Number(fs.readFileSync(stamp, 'utf8')) };
  }
  fs.rmSync(repo, { recursive: true, force: true });
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const nowSeconds = Math.floor(Date.now() / 1000);
  const started = performance.now();
  const how = hasGit() ? 'git fast-import' : 'isomorphic-git';
  if (how === 'git fast-import') {
    await generateWithFastImport(repo, nowSeconds);
  } else {
    await generateWithIsomorphicGit(repo, nowSeconds);
  }
  fs.writeFileSync(stamp, String(nowSeconds));
  console.log(
    `generated ${COMMITS} commits over ${APPS} apps with ${how} in ${(
      (performance.now() - started) /
      1000
    ).toFixed(1)} s: ${repo}`,
  );
  return { repo, nowSeconds };
}

interface Measure {
  wallMs: number;
  cpuMs: number;
}

async function measure<T>(
  fn: () => Promise<T>,
): Promise<Measure & { value: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, value };
}

/** The floor: git's own first-parent walk and diffs, parsed by a plain loop. */
async function bareLoop(
  repo: string,
  sinceSeconds: number,
): Promise<Measure & { value: Map<string, number> }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = spawnSync(
    'git',
    [
      '--git-dir',
      repo,
      'log',
      '--first-parent',
      '--name-only',
      `--since=${sinceSeconds}`,
      '--format=%x00%H %ct',
      'main',
    ],
    { maxBuffer: 1 << 30, encoding: 'utf8' },
  );
  const counts = new Map<string, number>();
  const production = new Set(PRODUCTION);
  for (const chunk of result.stdout.split('\0')) {
    if (!chunk) continue;
    const seen = new Set<string>();
    for (const line of chunk.split('\n').slice(1)) {
      const parts = line.split('/');
      if (parts[0] === 'apps' && parts.length > 3 && production.has(parts[2])) {
        seen.add(parts[1]);
      }
    }
    for (const app of seen) counts.set(app, (counts.get(app) ?? 0) + 1);
  }
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    wallMs,
    // The git child's CPU is not in this process's usage: wall time is the
    // comparable figure for the bare loop.
    cpuMs: (used.user + used.system) / 1000,
    value: counts,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
};
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function main() {
  const { repo, nowSeconds } = await repository();
  const now = nowSeconds * 1000;
  const entities: Entity[] = Array.from({ length: APPS }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: appName(i) },
    spec: { type: 'service', owner: 'team', lifecycle: 'production' },
  }));

  const collectAll = async (
    collector: ReturnType<typeof createDeliveryFactCollector>,
  ) => {
    let deployments = 0;
    for (const entity of entities) {
      const set = await collector.collect({ entity });
      deployments += Number(set.facts['delivery.productionDeployments'] ?? 0);
    }
    return deployments;
  };

  const bare: Measure[] = [];
  const cold: Measure[] = [];
  const warm: Measure[] = [];
  const rss = { bare: 0, cold: 0, warm: 0 };
  let bareTotal = 0;
  let collectorTotal = 0;
  const hasGitBinary = hasGit();
  for (let run = 0; run < RUNS; run++) {
    if (hasGitBinary) {
      const b = await bareLoop(repo, nowSeconds - WINDOW_DAYS * 86_400);
      bare.push(b);
      bareTotal = [...b.value.values()].reduce((a, n) => a + n, 0);
      rss.bare = peakRssMb();
    }
    // BENCH_READER=isomorphic-git hides the git client from the collector,
    // which then reads with isomorphic-git (as where git is not installed).
    const path = process.env.PATH;
    if (READER === 'isomorphic-git') process.env.PATH = '/nonexistent';
    const collector = createDeliveryFactCollector({
      repository: repo,
      branch: 'main',
      productionEnvironments: PRODUCTION,
      windowDays: WINDOW_DAYS,
      now: () => now,
    });
    const c = await measure(() => collectAll(collector));
    cold.push(c);
    collectorTotal = c.value;
    rss.cold = peakRssMb();
    const w = await measure(() => collectAll(collector));
    process.env.PATH = path;
    warm.push(w);
    rss.warm = peakRssMb();
  }

  const row = (label: string, values: Measure[], peak: number) => {
    const wall = median(values.map(v => v.wallMs));
    const cpu = median(values.map(v => v.cpuMs));
    const ratio = bare.length
      ? ` | ${(wall / median(bare.map(v => v.wallMs))).toFixed(2)}x bare wall`
      : '';
    console.log(
      `${label.padEnd(10)} wall ${wall.toFixed(0).padStart(7)} ms | cpu ${cpu
        .toFixed(0)
        .padStart(7)} ms | peak RSS ${peak.toFixed(0)} MB${ratio}`,
    );
  };
  console.log(
    `delivery collector (history reader: ${
      READER === 'isomorphic-git' ? 'isomorphic-git' : 'git client'
    }): ${APPS} services, ${COMMITS} commits, ${RUNS} runs (medians); node ${
      process.version
    }, ${cpus().length} cores, load average ${loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `production deployments counted: collector ${collectorTotal}${
      hasGitBinary ? `, bare loop ${bareTotal}` : ''
    }`,
  );
  if (hasGitBinary) {
    row('bare loop', bare, rss.bare);
    console.log(
      '           (the bare loop runs git in a child process; its CPU is not in this process, compare wall times)',
    );
  }
  row('cold', cold, rss.cold);
  row('warm', warm, rss.warm);
  console.log(
    `warm per service: ${(median(warm.map(w => w.wallMs)) / APPS).toFixed(
      3,
    )} ms`,
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
