#!/usr/bin/env node
// The scorecards page's first view on the 10,000-entity synthetic catalog of
// `yarn bench:maturity`, in Debian's Chromium. Seeds a fresh data directory,
// starts the portal, signs in as guest, opens /maturity RUNS times and prints
// the times and the requests. Asserts nothing.
//
//   yarn bench:scorecards-ui               development build: `yarn start`
//                                          on :3100 (app) and :7107 (backend)
//   yarn bench:scorecards-ui --production  production build: the app bundle
//                                          from `yarn workspace app build`,
//                                          served by the backend's app plugin
//                                          on :7107, the only process started
//
// BENCH_RUNS=5 by default.
import { chromium } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const YAML = require('yaml');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PRODUCTION = process.argv.includes('--production');
const BACKEND = 'http://localhost:7107';
// In production the backend serves the app itself.
const APP = PRODUCTION ? BACKEND : 'http://localhost:3100';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SCREENSHOT = join(
  root,
  `e2e-screenshots/scorecards-10k${PRODUCTION ? '-production' : ''}.png`,
);
const APP_DIST = join(root, 'packages/app/dist');
const TABLE = 'table[aria-label="Teams by dimension"]';

const up = url =>
  fetch(url).then(
    r => r.ok,
    () => false,
  );
const sleep = ms => new Promise(r => setTimeout(r, ms));
async function until(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(1000);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}
const stats = xs => {
  const s = [...xs].sort((a, b) => a - b);
  const at = p => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
};
const f = n => `${Math.round(n)} ms`;

/** The newest file under the given paths (node_modules and dist skipped). */
function newestFile(paths) {
  let newest = { path: undefined, mtimeMs: 0 };
  const visit = path => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) {
        if (name !== 'node_modules' && name !== 'dist') visit(join(path, name));
      }
    } else if (stat.mtimeMs > newest.mtimeMs) {
      newest = { path, mtimeMs: stat.mtimeMs };
    }
  };
  paths.forEach(visit);
  return newest;
}

/**
 * Builds the app bundle, unless packages/app/dist is newer than everything it
 * is built from: the app and every workspace package that can be part of
 * it (sources and manifest; backend and Node.js packages are skipped), the
 * lockfile and the config. Says which.
 */
function ensureAppBuild() {
  // Backend and Node.js packages are not part of the bundle.
  const inBundle = manifest => {
    const role = manifest.backstage?.role ?? 'common-library';
    return !/^(backend|node-library|cli)/.test(role);
  };
  const workspaces = ['packages', 'plugins'].flatMap(dir =>
    readdirSync(join(root, dir)).flatMap(name => {
      const manifest = join(root, dir, name, 'package.json');
      if (!existsSync(manifest)) return [];
      if (!inBundle(JSON.parse(readFileSync(manifest, 'utf8')))) return [];
      return ['src', 'public', 'package.json'].map(f =>
        join(root, dir, name, f),
      );
    }),
  );
  const sources = newestFile([
    ...workspaces,
    join(root, 'yarn.lock'),
    join(root, 'app-config.yaml'),
  ]);
  const index = join(APP_DIST, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const relative = path => path.slice(root.length + 1);
  if (built > sources.mtimeMs) {
    console.log(
      `reusing packages/app/dist: built ${new Date(built).toISOString()}, ` +
        `after the newest source (${relative(sources.path)}, ${new Date(
          sources.mtimeMs,
        ).toISOString()})`,
    );
    return;
  }
  console.log(
    built
      ? `building the app: ${relative(
          sources.path,
        )} changed after the last build`
      : 'building the app: packages/app/dist has no build',
  );
  const started = Date.now();
  const result = spawnSync('yarn', ['workspace', 'app', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error('yarn workspace app build failed');
  console.log(
    `built the app in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

const loadAverage = () =>
  readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

/**
 * Waits, up to BENCH_LOAD_WAIT_S seconds (600), until the 1-minute load
 * average is below BENCH_MAX_LOAD (2), and prints it either way.
 */
async function quietMachine() {
  const max = Number(process.env.BENCH_MAX_LOAD ?? 2);
  const deadline =
    Date.now() + Number(process.env.BENCH_LOAD_WAIT_S ?? 600) * 1000;
  while (loadAverage()[0] >= max && Date.now() < deadline) await sleep(5000);
  const load = loadAverage();
  console.log(
    `load average before the runs: ${load.join(' ')}${
      load[0] >= max ? ` (still at or above ${max} after waiting)` : ''
    }`,
  );
}

// Records, in the page, when the heat map's first rows (teams with their
// level cells) are in the DOM and when the frame after that was painted.
function firstViewObserver(selector) {
  const w = window;
  let shown = false;
  const check = () => {
    const rows = document.querySelectorAll(`${selector} tbody tr td`).length;
    if (rows > 0 && !shown) {
      shown = true;
      w.__firstView = { dom: performance.now() };
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          w.__firstView.painted = performance.now();
        }),
      );
    } else if (rows === 0) {
      shown = false;
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
  });
}

/** Guest token from the backend, to see when the catalog has the groups. */
async function groupsLoaded() {
  // The backend restarts when a watched file changes; try again then.
  return catalogHasGroups().catch(() => false);
}
async function catalogHasGroups() {
  const auth = await fetch(
    `${BACKEND}/api/auth/guest/refresh?env=development`,
    {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    },
  ).then(
    r => (r.ok ? r.json() : undefined),
    () => undefined,
  );
  const token = auth?.backstageIdentity?.token;
  if (!token) return false;
  const res = await fetch(
    `${BACKEND}/api/catalog/entities/by-query?filter=kind=group&fields=metadata.name&limit=1000`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  if (!res.ok) return false;
  const { items } = await res.json();
  const synthetic = items.filter(e =>
    /^(area|dept|team)-\d/.test(e.metadata.name),
  );
  return synthetic.length >= 224;
}

async function measure(page, requests, navigate) {
  requests.length = 0;
  await navigate();
  await page
    .locator(`${TABLE} tbody tr td`)
    .first()
    .waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => window.__firstView?.painted !== undefined);
  // Let the other cards finish, so their requests are counted too.
  await page.waitForLoadState('networkidle');
  const { view, origin, scripts } = await page.evaluate(() => {
    // The scripts this document loaded before the first view (for a full
    // load: the app bundle, from the network or the browser's cache).
    const js = performance
      .getEntriesByType('resource')
      .filter(
        e =>
          /\.js(\?|$)/.test(e.name) && e.responseEnd <= window.__firstView.dom,
      );
    return {
      view: window.__firstView,
      origin: performance.timeOrigin,
      scripts: {
        count: js.length,
        bytes: js.reduce((n, e) => n + e.transferSize, 0),
        lastEnd: Math.max(0, ...js.map(e => e.responseEnd)),
      },
    };
  });
  return { view, origin, scripts, requests: [...requests] };
}

function report(label, runs, startOf, firstAfterStart = true) {
  console.log(`\n${label}`);
  runs.forEach((r, i) => {
    const t0 = startOf(r);
    const api = r.requests.map(q => ({ ...q, at: q.start - (r.origin + t0) }));
    const before = api.filter(q => q.at + q.ms <= r.view.dom - t0);
    const firstData = Math.min(
      ...api.filter(q => q.path.startsWith('/api/maturity/')).map(q => q.at),
    );
    console.log(
      `  run ${i + 1}${
        i === 0 && firstAfterStart ? ' (first after start)' : ''
      }: first view ${f(r.view.painted - t0)} ` +
        `(rows in DOM ${f(r.view.dom - t0)}, first maturity request at ${f(
          firstData,
        )}); ${api.length} API requests, ${before.length} done before it${
          // Only a full load loads the app's scripts.
          t0 === 0
            ? `; ${r.scripts.count} scripts (${(r.scripts.bytes / 1024).toFixed(
                0,
              )} KiB over the network) loaded by ${f(r.scripts.lastEnd)}`
            : ''
        }`,
    );
    for (const q of api) {
      console.log(
        `      ${String(q.status).padEnd(4)}${q.path.padEnd(72)} start ${f(
          q.at,
        ).padStart(8)}  ` +
          `${f(q.ms).padStart(7)}  ${(q.bytes / 1024)
            .toFixed(1)
            .padStart(6)} KiB`,
      );
    }
  });
  const s = stats(runs.map(r => r.view.painted - startOf(r)));
  const perView = stats(runs.map(r => r.requests.length));
  console.log(
    `  first view: median ${f(s.median)}, p95 ${f(s.p95)}, max ${f(
      s.max,
    )} over ${runs.length}; ` +
      `API requests per view: median ${perView.median}, max ${perView.max}`,
  );
}

async function main() {
  for (const url of [APP, `${BACKEND}/.backstage/health/v1/liveness`]) {
    if (await up(url))
      throw new Error(`${url} already answers; stop that portal first`);
  }
  if (PRODUCTION) ensureAppBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'portal-scorecards-bench-'));
  let portal;
  let browser;
  try {
    const seeded = spawnSync(
      process.execPath,
      [
        '-r',
        '@backstage/cli/config/nodeTransform.cjs',
        'plugins/maturity-backend/scripts/seedSyntheticCatalog.ts',
        dataDir,
      ],
      { cwd: root, stdio: 'inherit' },
    );
    if (seeded.status !== 0)
      throw new Error('seeding the data directory failed');

    // The demo's catalog locations plus the synthetic groups.
    const appConfig = YAML.parse(
      readFileSync(join(root, 'app-config.yaml'), 'utf8'),
    );
    const locations = [
      ...appConfig.catalog.locations,
      {
        type: 'file',
        target: join(dataDir, 'synthetic-groups.yaml'),
        rules: [{ allow: ['Group'] }],
      },
    ];
    const env = {
      ...process.env,
      BROWSER: 'none',
      APP_CONFIG_app_baseUrl: APP,
      APP_CONFIG_backend_baseUrl: BACKEND,
      APP_CONFIG_backend_listen_port: '7107',
      APP_CONFIG_backend_cors_origin: APP,
      APP_CONFIG_backend_database_connection_directory: dataDir,
      APP_CONFIG_catalog_locations: JSON.stringify(locations),
      // The catalog holds none of the 10,000 components, so a scheduled cycle
      // would remove their scores: none runs during the measurement.
      APP_CONFIG_maturity_schedule_initialDelay: JSON.stringify({ hours: 24 }),
    };
    const started = Date.now();
    // Development: the app's dev server and the backend (`yarn start`).
    // Production: the backend alone; its app plugin serves packages/app/dist
    // with the frontend config injected at runtime. It runs the way
    // `yarn workspace backend start` runs it (same loader, same entry point,
    // NODE_ENV=development so that guest sign-in stays available), without
    // that command's file watcher: a change to any source file in the
    // checkout would restart the backend in the middle of the runs.
    const [command, args, cwd] = PRODUCTION
      ? [
          process.execPath,
          [
            '--enable-source-maps',
            '--require',
            require.resolve('@backstage/cli/config/nodeTransform.cjs'),
            'src/index',
          ],
          join(root, 'packages/backend'),
        ]
      : ['yarn', ['start'], root];
    console.log(
      `starting: ${
        PRODUCTION ? 'node … src/index in packages/backend' : 'yarn start'
      }`,
    );
    const child = spawn(command, args, {
      cwd,
      env: PRODUCTION ? { ...env, NODE_ENV: 'development' } : env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = [];
    const keep = c => log.push(c.toString()) > 400 && log.shift();
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    portal = { child, log };
    await until(
      'the backend',
      () => up(`${BACKEND}/.backstage/health/v1/readiness`),
      6 * 60_000,
    );
    await until('the app', () => up(APP), 6 * 60_000);
    await until(
      'the synthetic groups in the catalog',
      groupsLoaded,
      3 * 60_000,
    );
    console.log(
      `portal up with the seeded data in ${(
        (Date.now() - started) /
        1000
      ).toFixed(0)} s`,
    );

    await quietMachine();
    browser = await chromium.launch({
      executablePath:
        process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    const context = await browser.newContext({
      baseURL: APP,
      viewport: { width: 1280, height: 800 },
    });
    const pageErrors = [];
    portal.pageErrors = pageErrors;
    // A page that records the first view and the page's API requests.
    const openPage = async ctx => {
      await ctx.addInitScript(firstViewObserver, TABLE);
      const p = await ctx.newPage();
      const reqs = [];
      p.on('pageerror', e => pageErrors.push(e.message));
      p.on('console', m => m.type() === 'error' && pageErrors.push(m.text()));
      p.on('requestfinished', async request => {
        const url = new URL(request.url());
        if (!/^\/api\/(maturity|catalog|auth)\//.test(url.pathname)) return;
        const timing = request.timing();
        const sizes = await request
          .sizes()
          .catch(() => ({ responseBodySize: 0 }));
        const response = await request.response();
        reqs.push({
          path: `${url.pathname}${url.search}`.slice(0, 70),
          status: response?.status() ?? 0,
          start: timing.startTime,
          ms: timing.responseEnd,
          bytes: sizes.responseBodySize,
        });
      });
      return { page: p, requests: reqs };
    };
    const { page, requests } = await openPage(context);

    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true })
      .waitFor();

    // 1. Full page loads of /maturity; the first one is the first after
    // start. In production, first with an empty browser cache: a new browser
    // context per load, signed in through the saved session (cold), then
    // repeated loads in one context (warm).
    const cold = [];
    if (PRODUCTION) {
      const storageState = await context.storageState();
      for (let i = 0; i < RUNS; i++) {
        const fresh = await browser.newContext({
          baseURL: APP,
          viewport: { width: 1280, height: 800 },
          storageState,
        });
        const opened = await openPage(fresh);
        cold.push(
          await measure(opened.page, opened.requests, () =>
            opened.page.goto('/maturity', { waitUntil: 'commit' }),
          ),
        );
        await fresh.close();
      }
    }
    const loads = [];
    for (let i = 0; i < RUNS; i++) {
      loads.push(
        await measure(page, requests, () =>
          page.goto('/maturity', { waitUntil: 'commit' }),
        ),
      );
    }
    // 2. In-app navigation from the catalog through the sidebar.
    const navs = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto('/');
      const link = page
        .getByRole('navigation', { name: 'sidebar nav' })
        .getByRole('link', { name: 'Scorecards' });
      await link.waitFor();
      await page.waitForLoadState('networkidle');
      const run = await measure(page, requests, async () => {
        await page.evaluate(() => {
          window.__firstView = undefined;
          window.__clickAt = performance.now();
        });
        await link.click();
      });
      run.clickAt = await page.evaluate(() => window.__clickAt);
      navs.push(run);
    }

    console.log(
      `\nScorecards page, ${
        process.env.BENCH_ENTITIES ?? 10000
      } synthetic entities, ${
        PRODUCTION
          ? 'production build served by the backend'
          : 'development build (yarn start)'
      }, Chromium ${browser.version()}`,
    );
    if (PRODUCTION) {
      report(
        'Full page load of /maturity, cold (new browser context: empty cache, saved session):',
        cold,
        () => 0,
      );
    }
    report(
      PRODUCTION
        ? 'Full page load of /maturity, warm (same browser context):'
        : 'Full page load of /maturity (from navigation start):',
      loads,
      () => 0,
      !PRODUCTION,
    );
    report(
      'In-app navigation Catalog -> Scorecards (from the click):',
      navs,
      r => r.clickAt,
      false,
    );
    console.log(`\nload average after the runs: ${loadAverage().join(' ')}`);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    // The portal scrolls inside its layout, so a tall viewport shows the
    // whole first page of teams, the pagination and the charts.
    await page.setViewportSize({ width: 1280, height: 4200 });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: SCREENSHOT });
    console.log(`\nscreenshot: ${SCREENSHOT}`);
  } catch (e) {
    if (portal) console.error(portal.log.join('').slice(-6000));
    const failed = join(tmpdir(), 'bench-scorecards-ui-failure.png');
    const pages = browser?.contexts().flatMap(c => c.pages()) ?? [];
    if (pages[0]) {
      await pages[0].screenshot({ path: failed }).catch(() => {});
      console.error(`page at failure: ${pages[0].url()}, screenshot ${failed}`);
      console.error((portal?.pageErrors ?? []).slice(-10).join('\n'));
    }
    throw e;
  } finally {
    await browser?.close().catch(() => {});
    if (portal) {
      try {
        process.kill(-portal.child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await until(
        'the portal to stop',
        async () =>
          !(await up(APP)) &&
          !(await up(`${BACKEND}/.backstage/health/v1/liveness`)),
        60_000,
      ).catch(() => {
        try {
          process.kill(-portal.child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
