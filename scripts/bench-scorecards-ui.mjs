#!/usr/bin/env node
// The scorecards page's first view on the 10,000-entity synthetic catalog of
// `yarn bench:maturity`, in Debian's Chromium. Seeds a fresh data directory,
// starts the portal (`yarn start`) on :3100/:7107, signs in as guest, opens
// /maturity RUNS times and prints the times and the requests. Asserts
// nothing. Run: `yarn bench:scorecards-ui` (BENCH_RUNS=5 by default).
import { chromium } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const YAML = require('yaml');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const APP = 'http://localhost:3100';
const BACKEND = 'http://localhost:7107';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SCREENSHOT = join(root, 'e2e-screenshots/scorecards-10k.png');
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
  const { view, origin } = await page.evaluate(() => ({
    view: window.__firstView,
    origin: performance.timeOrigin,
  }));
  return { view, origin, requests: [...requests] };
}

function report(label, runs, startOf) {
  console.log(`\n${label}`);
  runs.forEach((r, i) => {
    const t0 = startOf(r);
    const api = r.requests.map(q => ({ ...q, at: q.start - (r.origin + t0) }));
    const before = api.filter(q => q.at + q.ms <= r.view.dom - t0);
    const firstData = Math.min(
      ...api.filter(q => q.path.startsWith('/api/maturity/')).map(q => q.at),
    );
    console.log(
      `  run ${i + 1}${i === 0 ? ' (first)' : ''}: first view ${f(
        r.view.painted - t0,
      )} ` +
        `(rows in DOM ${f(r.view.dom - t0)}, first maturity request at ${f(
          firstData,
        )}); ${api.length} API requests, ${before.length} done before it`,
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
    const child = spawn('yarn', ['start'], {
      cwd: root,
      env,
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
    await context.addInitScript(firstViewObserver, TABLE);
    const page = await context.newPage();
    const requests = [];
    const pageErrors = [];
    page.on('pageerror', e => pageErrors.push(e.message));
    page.on('console', m => m.type() === 'error' && pageErrors.push(m.text()));
    portal.pageErrors = pageErrors;
    page.on('requestfinished', async request => {
      const url = new URL(request.url());
      if (!/^\/api\/(maturity|catalog)\//.test(url.pathname)) return;
      const timing = request.timing();
      const sizes = await request
        .sizes()
        .catch(() => ({ responseBodySize: 0 }));
      const response = await request.response();
      requests.push({
        path: `${url.pathname}${url.search}`.slice(0, 70),
        status: response?.status() ?? 0,
        start: timing.startTime,
        ms: timing.responseEnd,
        bytes: sizes.responseBodySize,
      });
    });

    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true })
      .waitFor();

    // 1. Full page loads of /maturity; the first one is the first after start.
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
      } synthetic entities, Chromium ${browser.version()}`,
    );
    report(
      'Full page load of /maturity (from navigation start):',
      loads,
      () => 0,
    );
    report(
      'In-app navigation Catalog -> Scorecards (from the click):',
      navs,
      r => r.clickAt,
    );

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
