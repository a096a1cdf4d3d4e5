#!/usr/bin/env node
/**
 * Writes the demo's GitOps history: about six months of deployments of the
 * Brightpath services into a GitOps repository laid out as
 * `apps/<application>/<environment>/...` (dev, staging, production), on the
 * branch `main`.
 *
 *   node examples/gitops-history/generate.mjs <repository-dir>
 *        [--anchor YYYY-MM-DD] [--seed N] [--summary] [--incidents-out <file>]
 *
 * Deterministic: the same anchor and seed give the same commits, byte for
 * byte (same shas). Every date is before the anchor, which defaults to today
 * (UTC midnight), so the history always ends "now" and stays believable.
 * The directory is created (git init) when missing; it must hold no commits.
 * With --summary, prints what it wrote as JSON: per application, the
 * production deployments, failed changes and lead times of the last 90 days.
 *
 * It also writes the demo's incident export beside the repository
 * (`<repository-dir>-incidents.csv`, or --incidents-out <file>): the rows of
 * examples/incidents/brightpath-incidents.csv, recorded on 2026-12-06, with
 * every date moved by as much as the anchor is later, so that the incidents
 * stay as recent as the history they go with.
 *
 * What the history holds (see examples/README.md, "GitOps history"):
 * - every release is a CI image-tag bump in dev, promoted to staging, then to
 *   production; each commit carries a `Source-Commit-Date:` trailer (when the
 *   change was made in the service's repository);
 * - some production deployments are undone: `git revert` commits
 *   (`Revert "..."` / `This reverts commit <sha>.`), and one monolith
 *   rollback with a `Rollback-Of: <sha>` trailer;
 * - the monolith ships a release train cut weeks earlier by a person (author
 *   date = the cut, no trailer); legacy-reports ships twice in six months.
 */
import fs from 'node:fs';
import { resolve } from 'node:path';
import git from 'isomorphic-git';
import Papa from 'papaparse';

/** The incident export the demo ships, and the day it was recorded. */
const INCIDENTS_TEMPLATE = new URL(
  '../incidents/brightpath-incidents.csv',
  import.meta.url,
);
const INCIDENTS_RECORDED_AT = Date.parse('2026-12-06T00:00:00Z');

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const WINDOW_DAYS = 90;
const CI = { name: 'Brightpath CI', email: 'ci@brightpath.example' };

/**
 * The services that deploy through the GitOps repository. Services missing
 * here (payments-gateway and thumbnail-function apply from CI, session-store
 * is deployed by hand, search-indexer is an experiment) have no history, so
 * their delivery outcomes are unknown.
 */
const SERVICES = [
  {
    // The pilot: several deployments a working day, restored in minutes.
    app: 'course-catalog-service',
    startDaysAgo: 180,
    perWorkday: 1.8,
    perWeekendDay: 0.3,
    leadHours: [0.7, 6],
    failRate: 0.04,
    revertMinutes: [9, 28],
    team: ['Liam Chen', 'Emma Watanabe', 'Noah Fischer'],
  },
  {
    app: 'progress-events-consumer',
    startDaysAgo: 69,
    perWorkday: 1.6,
    perWeekendDay: 0,
    leadHours: [2, 16],
    failRate: 0.07,
    revertMinutes: [14, 45],
    team: ['Olivia Mensah', 'Ravi Patel', 'Hannah Berg'],
  },
  {
    // Extracted in a hurry: deploys daily, but a quarter of it is undone.
    app: 'quiz-engine',
    startDaysAgo: 62,
    perWorkday: 1.6,
    perWeekendDay: 0.2,
    leadHours: [0.5, 9],
    failRate: 0.25,
    revertMinutes: [20, 75],
    team: ['Ravi Patel', 'Hannah Berg'],
  },
  {
    app: 'certificate-service',
    startDaysAgo: 58,
    perWorkday: 0.9,
    perWeekendDay: 0,
    leadHours: [4, 30],
    failRate: 0.1,
    revertMinutes: [25, 90],
    team: ['Liam Chen'],
  },
  {
    // Weekly: one deployment most weeks, a day or more after the change.
    app: 'enrolment-service',
    startDaysAgo: 83,
    perWorkday: 0.27,
    perWeekendDay: 0,
    leadHours: [20, 110],
    failRate: 0.1,
    revertMinutes: [30, 120],
    team: ['Emma Watanabe', 'Noah Fischer'],
  },
];

/** The monolith's release train: every four weeks, cut 2-3 weeks before. */
const MONOLITH = {
  app: 'classroom-monolith',
  everyDays: 28,
  firstDaysAgo: 176,
  cutDaysBefore: [14, 22],
  // Releases (counted from the first) undone hours later: the third by a
  // revert, the fifth by a rollback with a Rollback-Of trailer, the sixth
  // by a revert.
  reverted: new Map([
    [2, 'revert'],
    [4, 'rollback'],
    [5, 'revert'],
  ]),
  restoreHours: [2.5, 7],
  releaser: 'Dana Okafor',
};

/** legacy-reports: a VM cron job whose playbook variables live here. */
const LEGACY = { app: 'legacy-reports', daysAgo: [151, 41] };

// ---------------------------------------------------------------------------
// Deterministic randomness (mulberry32), one stream per application.
// ---------------------------------------------------------------------------
function rngFor(seed, name) {
  let h = seed >>> 0;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 2654435761);
  let a = h >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: ([lo, hi]) => lo + (hi - lo) * next(),
    pick: list => list[Math.floor(next() * list.length)],
    // Knuth's Poisson sampler: small means only.
    poisson(mean) {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
  };
}

const emailOf = name =>
  `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@brightpath.example`;
const iso = ms => new Date(ms).toISOString().replace('.000Z', 'Z');
const minute = ms => Math.floor(ms / 60_000) * 60_000;

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------
const REPLICAS = { dev: 1, staging: 2, production: 3 };

function deploymentYaml(app, env, version) {
  return `# Generated by examples/gitops-history/generate.mjs (demo data).
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${app}-${env}
  labels:
    app.kubernetes.io/name: ${app}
    app.kubernetes.io/version: "${version}"
spec:
  replicas: ${REPLICAS[env]}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${app}
    spec:
      containers:
        - name: ${app}
          image: ghcr.io/brightpath/${app}:${version}
`;
}

function legacyVarsYaml(env, version) {
  return `# Generated by examples/gitops-history/generate.mjs (demo data).
# Variables of the Ansible playbook that installs legacy-reports on its VM.
legacy_reports_version: "${version}"
legacy_reports_host: reports-${env}.brightpath.internal
`;
}

// ---------------------------------------------------------------------------
// The plan: every commit, in time order, before anything is written.
// ---------------------------------------------------------------------------

/**
 * One commit: `files` maps paths to contents (a copy of the path's content
 * at `restoreOf` for reverts). `production` marks a production deployment
 * of `app`; `undoes` points at the planned commit it reverts or rolls back.
 */
function planHistory(anchor, seed) {
  const commits = [];
  const add = c => {
    commits.push(c);
    return c;
  };
  const start = days => anchor - days * DAY;

  for (const service of SERVICES) {
    const rng = rngFor(seed, service.app);
    const path = env => `apps/${service.app}/${env}/deployment.yaml`;
    let minor = 0;
    const version = () => `1.${minor}.0`;
    const first = start(service.startDaysAgo) + 10 * HOUR;
    add({
      at: first,
      authorAt: first,
      author: CI,
      app: service.app,
      subject: `Add ${service.app} to the GitOps repository`,
      trailers: [],
      files: Object.fromEntries(
        ['dev', 'staging', 'production'].map(env => [
          path(env),
          deploymentYaml(service.app, env, version()),
        ]),
      ),
      production: true,
    });
    let busyUntil = first;
    let lastDevAt = first;
    let lastStagingAt = first;
    for (let day = service.startDaysAgo - 1; day >= 1; day--) {
      const dayStart = start(day);
      const weekday = new Date(dayStart).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      const count = rng.poisson(
        weekend ? service.perWeekendDay : service.perWorkday,
      );
      // Working hours, 08:00 to 18:00 UTC, in order.
      const times = Array.from({ length: count }, () =>
        minute(dayStart + rng.between([8, 18]) * HOUR),
      ).sort((a, b) => a - b);
      for (const prodAt of times) {
        const lead = rng.between(service.leadHours) * HOUR;
        const sourceAt = minute(prodAt - lead);
        const fails = rng.next() < service.failRate;
        const restoreAt = minute(
          prodAt + rng.between(service.revertMinutes) * 60_000,
        );
        const devAt = minute(sourceAt + 12 * 60_000);
        const stagingAt = minute(devAt + (prodAt - devAt) / 2);
        // Releases overlap, but each environment moves forward: skip one
        // that would overtake the previous release in an environment, or
        // land before its revert.
        if (
          devAt <= lastDevAt ||
          stagingAt <= lastStagingAt ||
          prodAt <= busyUntil
        ) {
          continue;
        }
        lastDevAt = devAt;
        lastStagingAt = stagingAt;
        minor++;
        const v = version();
        const trailers = [`Source-Commit-Date: ${iso(sourceAt)}`];
        add({
          at: devAt,
          authorAt: devAt,
          author: CI,
          app: service.app,
          subject: `Deploy ${service.app} ${v} to dev`,
          trailers,
          files: { [path('dev')]: deploymentYaml(service.app, 'dev', v) },
        });
        add({
          at: stagingAt,
          authorAt: stagingAt,
          author: CI,
          app: service.app,
          subject: `Promote ${service.app} ${v} to staging`,
          trailers,
          files: {
            [path('staging')]: deploymentYaml(service.app, 'staging', v),
          },
        });
        const deployment = add({
          at: prodAt,
          authorAt: prodAt,
          author: CI,
          app: service.app,
          subject: `Promote ${service.app} ${v} to production`,
          trailers,
          files: {
            [path('production')]: deploymentYaml(service.app, 'production', v),
          },
          production: true,
          sourceAt,
        });
        busyUntil = prodAt;
        if (fails) {
          const who = rng.pick(service.team);
          add({
            at: restoreAt,
            authorAt: restoreAt,
            author: { name: who, email: emailOf(who) },
            app: service.app,
            revert: deployment,
            files: { [path('production')]: undefined },
            production: true,
          });
          busyUntil = restoreAt;
        }
      }
    }
  }

  // The monolith's release train.
  {
    const rng = rngFor(seed, MONOLITH.app);
    const path = env => `apps/${MONOLITH.app}/${env}/deployment.yaml`;
    const releaser = {
      name: MONOLITH.releaser,
      email: emailOf(MONOLITH.releaser),
    };
    let release = 0;
    // Its first release in the repository is 2026.1, cut by hand three
    // weeks before, as its quarterly releases were.
    const first = start(MONOLITH.firstDaysAgo + 30) + 9 * HOUR;
    const firstCut = first - 21 * DAY;
    add({
      at: first,
      authorAt: firstCut,
      author: releaser,
      app: MONOLITH.app,
      subject: `Add ${MONOLITH.app} to the GitOps repository`,
      trailers: [],
      files: Object.fromEntries(
        ['dev', 'staging', 'production'].map(env => [
          path(env),
          deploymentYaml(MONOLITH.app, env, '2026.1'),
        ]),
      ),
      production: true,
      sourceAt: firstCut,
    });
    for (
      let daysAgo = MONOLITH.firstDaysAgo;
      daysAgo >= 1;
      daysAgo -= MONOLITH.everyDays
    ) {
      const v = `2026.${release + 2}`;
      // Thursday-evening maintenance window style: 19:00 UTC.
      const prodAt = start(daysAgo) + 19 * HOUR;
      // The release branch is cut on a morning 2-3 weeks before.
      const cutAt = minute(
        prodAt -
          Math.round(rng.between(MONOLITH.cutDaysBefore)) * DAY -
          rng.between([8, 10]) * HOUR,
      );
      const stagingAt = minute(cutAt + 2 * DAY);
      add({
        at: cutAt + 30 * 60_000,
        authorAt: cutAt,
        author: releaser,
        app: MONOLITH.app,
        subject: `Release ${MONOLITH.app} ${v} to dev`,
        trailers: [],
        files: { [path('dev')]: deploymentYaml(MONOLITH.app, 'dev', v) },
      });
      add({
        at: stagingAt,
        authorAt: cutAt,
        author: releaser,
        app: MONOLITH.app,
        subject: `Release ${MONOLITH.app} ${v} to staging`,
        trailers: [],
        files: {
          [path('staging')]: deploymentYaml(MONOLITH.app, 'staging', v),
        },
      });
      const deployment = add({
        at: prodAt,
        authorAt: cutAt,
        author: releaser,
        app: MONOLITH.app,
        subject: `Release ${MONOLITH.app} ${v} to production`,
        trailers: [],
        files: {
          [path('production')]: deploymentYaml(MONOLITH.app, 'production', v),
        },
        production: true,
        sourceAt: cutAt,
      });
      const undo = MONOLITH.reverted.get(release);
      if (undo) {
        const at = minute(prodAt + rng.between(MONOLITH.restoreHours) * HOUR);
        add({
          at,
          authorAt: at,
          author: releaser,
          app: MONOLITH.app,
          ...(undo === 'revert'
            ? { revert: deployment }
            : {
                rollback: deployment,
                subject: `Rollback ${MONOLITH.app} in production to the previous release`,
              }),
          files: { [path('production')]: undefined },
          production: true,
        });
      }
      release++;
    }
  }

  // legacy-reports: two releases in six months, by its owner.
  {
    const owner = { name: 'Dana Okafor', email: emailOf('Dana Okafor') };
    const path = env => `apps/${LEGACY.app}/${env}/vars.yaml`;
    LEGACY.daysAgo.forEach((daysAgo, i) => {
      const at = start(daysAgo) + 16 * HOUR;
      const v = `3.${4 + i}`;
      add({
        at,
        authorAt: at - 3 * DAY,
        author: owner,
        app: LEGACY.app,
        subject: `${LEGACY.app} ${v}: dev and production`,
        trailers: [],
        files: {
          [path('dev')]: legacyVarsYaml('dev', v),
          [path('production')]: legacyVarsYaml('production', v),
        },
        production: true,
        sourceAt: at - 3 * DAY,
      });
    });
  }

  // One linear history; ties keep plan order (Array.prototype.sort is stable).
  return commits.sort((a, b) => a.at - b.at);
}

// ---------------------------------------------------------------------------
// Writing: objects straight into the object store, one tree per directory,
// then a checkout so the working tree and index match `main`.
// ---------------------------------------------------------------------------
class TreeBuilder {
  constructor(dir) {
    this.dir = dir;
    this.blobs = new Map(); // path -> oid
    this.children = new Map([['', new Set()]]); // dir -> names
    this.trees = new Map(); // dir -> oid, for unchanged directories
    this.contents = new Map(); // path -> text, for reverts
  }

  async set(path, text) {
    const oid = await git.writeBlob({
      fs,
      dir: this.dir,
      blob: Buffer.from(text, 'utf8'),
    });
    this.blobs.set(path, oid);
    this.contents.set(path, text);
    const parts = path.split('/');
    for (let i = 0; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!this.children.has(parent)) this.children.set(parent, new Set());
      this.children.get(parent).add(parts[i]);
      this.trees.delete(parent);
    }
  }

  async root() {
    return this.tree('');
  }

  async tree(dirPath) {
    const cached = this.trees.get(dirPath);
    if (cached) return cached;
    const entries = [];
    for (const name of this.children.get(dirPath)) {
      const path = dirPath ? `${dirPath}/${name}` : name;
      if (this.blobs.has(path)) {
        entries.push({
          mode: '100644',
          path: name,
          oid: this.blobs.get(path),
          type: 'blob',
        });
      } else {
        entries.push({
          mode: '040000',
          path: name,
          oid: await this.tree(path),
          type: 'tree',
        });
      }
    }
    const oid = await git.writeTree({ fs, dir: this.dir, tree: entries });
    this.trees.set(dirPath, oid);
    return oid;
  }
}

function messageOf(c, shaOf) {
  if (c.revert) {
    return `Revert "${c.revert.subject}"\n\nThis reverts commit ${shaOf.get(
      c.revert,
    )}.\n`;
  }
  const body = c.rollback ? [`Rollback-Of: ${shaOf.get(c.rollback)}`] : [];
  const trailers = [...(c.trailers ?? []), ...body];
  return trailers.length > 0
    ? `${c.subject}\n\n${trailers.join('\n')}\n`
    : `${c.subject}\n`;
}

/**
 * Writes the history into `dir` (created and initialised when missing) and
 * returns the plan with each commit's sha.
 */
export async function generateGitopsHistory({ dir, anchor, seed = 16 }) {
  await fs.promises.mkdir(dir, { recursive: true });
  await git.init({ fs, dir, defaultBranch: 'main' });
  const existing = await git
    .resolveRef({ fs, dir, ref: 'refs/heads/main' })
    .catch(() => undefined);
  if (existing) {
    throw new Error(`${dir} already has commits on main; expected none`);
  }
  const plan = planHistory(anchor, seed);
  const builder = new TreeBuilder(dir);
  const shaOf = new Map();
  let parent;
  for (const c of plan) {
    const undone = c.revert ?? c.rollback;
    if (!undone) {
      c.before = Object.fromEntries(
        Object.keys(c.files).map(path => [path, builder.contents.get(path)]),
      );
    }
    for (const [path, text] of Object.entries(c.files)) {
      // An undo puts back what ran before the undone deployment.
      await builder.set(path, text ?? undone.before[path]);
    }
    const seconds = Math.floor(c.at / 1000);
    const authorSeconds = Math.floor(c.authorAt / 1000);
    const oid = await git.writeCommit({
      fs,
      dir,
      commit: {
        message: messageOf(c, shaOf),
        tree: await builder.root(),
        parent: parent ? [parent] : [],
        author: { ...c.author, timestamp: authorSeconds, timezoneOffset: 0 },
        committer: { ...CI, timestamp: seconds, timezoneOffset: 0 },
      },
    });
    shaOf.set(c, oid);
    parent = oid;
  }
  await git.writeRef({ fs, dir, ref: 'refs/heads/main', value: parent });
  await git.writeRef({
    fs,
    dir,
    ref: 'HEAD',
    value: 'refs/heads/main',
    symbolic: true,
    force: true,
  });
  await git.checkout({ fs, dir, ref: 'main', force: true });
  for (const c of plan) c.sha = shaOf.get(c);
  return plan;
}

const median = values => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * Per application, the last `windowDays` before the anchor: production
 * deployments (reverts and rollbacks included), changes (deployments that
 * are not themselves undos), failed changes, and the median lead time of the
 * changes in hours.
 */
export function summarize(commits, anchor, windowDays = WINDOW_DAYS) {
  const since = anchor - windowDays * DAY;
  const apps = {};
  const undone = new Set(
    commits.flatMap(c =>
      c.revert || c.rollback ? [c.revert ?? c.rollback] : [],
    ),
  );
  for (const c of commits) {
    if (!c.production || c.at < since) continue;
    const a = (apps[c.app] ??= {
      productionDeployments: 0,
      changes: 0,
      failedChanges: 0,
      leadTimes: [],
    });
    a.productionDeployments++;
    if (c.revert || c.rollback) continue;
    a.changes++;
    if (undone.has(c)) a.failedChanges++;
    a.leadTimes.push((c.at - (c.sourceAt ?? c.authorAt)) / HOUR);
  }
  return Object.fromEntries(
    Object.entries(apps)
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([app, a]) => [
        app,
        {
          productionDeployments: a.productionDeployments,
          productionDeploymentsPerWeek:
            Math.round((a.productionDeployments / (windowDays / 7)) * 100) /
            100,
          changeFailureRate:
            Math.round((a.failedChanges / a.changes) * 1000) / 1000,
          leadTimeHours: Math.round(median(a.leadTimes) * 10) / 10,
        },
      ]),
  );
}

/**
 * The incident export `csv` (recorded on 2026-12-06) with its `openedAt` and
 * `resolvedAt` moved by as much as `anchor` is later than that day; an empty
 * `resolvedAt` (an open incident) stays empty.
 */
export function shiftIncidents(csv, anchor) {
  const delta = anchor - INCIDENTS_RECORDED_AT;
  const { data, errors, meta } = Papa.parse(csv, {
    header: true,
    skipEmptyLines: true,
  });
  if (errors.length > 0) {
    const [e] = errors;
    throw new Error(`incident export, row ${e.row + 2}: ${e.message}`);
  }
  const move = (value, field, id) => {
    if (!value) return value;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) {
      throw new Error(
        `incident export, ${id}: ${field} '${value}' is not a date`,
      );
    }
    return new Date(ms + delta).toISOString().replace('.000Z', 'Z');
  };
  const rows = data.map(row => ({
    ...row,
    openedAt: move(row.openedAt, 'openedAt', row.id),
    resolvedAt: move(row.resolvedAt, 'resolvedAt', row.id),
  }));
  return `${Papa.unparse(rows, { columns: meta.fields, newline: '\n' })}\n`;
}

/** Today at 00:00 UTC, or the given YYYY-MM-DD. */
export function anchorOf(date) {
  if (date !== undefined) {
    const ms = Date.parse(`${date}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) {
      throw new Error(`--anchor: expected a date YYYY-MM-DD, got '${date}'`);
    }
    return ms;
  }
  return Math.floor(Date.now() / DAY) * DAY;
}

async function main(argv) {
  const args = [...argv];
  const option = name => {
    const at = args.indexOf(name);
    if (at < 0) return undefined;
    const [, value] = args.splice(at, 2);
    if (value === undefined) throw new Error(`${name} needs a value`);
    return value;
  };
  const summaryAt = args.indexOf('--summary');
  if (summaryAt >= 0) args.splice(summaryAt, 1);
  const anchor = anchorOf(option('--anchor'));
  const incidentsOut = option('--incidents-out');
  const seedText = option('--seed');
  const seed = seedText === undefined ? 16 : Number(seedText);
  if (!Number.isInteger(seed)) {
    throw new Error(`--seed: expected an integer, got '${seedText}'`);
  }
  if (args.length !== 1 || args[0].startsWith('--')) {
    throw new Error(
      'usage: generate.mjs <repository-dir> [--anchor YYYY-MM-DD] [--seed N] [--summary] [--incidents-out <file>]',
    );
  }
  const dir = resolve(args[0]);
  const commits = await generateGitopsHistory({ dir, anchor, seed });
  fs.writeFileSync(
    resolve(incidentsOut ?? `${dir}-incidents.csv`),
    shiftIncidents(fs.readFileSync(INCIDENTS_TEMPLATE, 'utf8'), anchor),
  );
  if (summaryAt >= 0) {
    process.stdout.write(
      `${JSON.stringify(
        {
          anchor: iso(anchor),
          head: commits[commits.length - 1].sha,
          commits: commits.length,
          apps: summarize(commits, anchor),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    process.stdout.write(
      `Wrote ${commits.length} commits of GitOps history into ${dir}\n`,
    );
  }
}

if (
  import.meta.url === new URL(`file://${resolve(process.argv[1] ?? '')}`).href
) {
  main(process.argv.slice(2)).catch(error => {
    process.stderr.write(`generate.mjs: ${error.message}\n`);
    process.exit(1);
  });
}
