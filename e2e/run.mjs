#!/usr/bin/env node
// Runs the end-to-end tests against the portal with the demo organization,
// Playwright in Chromium, then a restart to prove that what was registered
// through the UI survives, and the golden paths (e2e/golden-paths.spec.ts) on
// repositories seeded before the restart. The first two phases use the built
// frontend, served by the backend as in production (built here first, so the
// bundle is the current source, unless E2E_APP_BUILT=1 says the caller just
// built it). The last phase starts the portal with
// `yarn start`, the README's first command, with its development server.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import git from 'isomorphic-git';
import { parse as parseYaml } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The backend runs in packages/backend; app-config.yaml paths are relative to it.
const backendDir = join(root, 'packages/backend');
const DEV_APP = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const START_TIMEOUT_MS = 6 * 60_000;

async function isUp(url) {
  try {
    const res = await fetch(url);
    return res.ok;
  } catch {
    return false;
  }
}

async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isUp(url)) return;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${url}`);
}

async function waitForDown(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url);
    } catch {
      return;
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${url} still answers after the portal was stopped`);
}

/** Waits until the portal's backend is ready and its app answers. */
async function waitUntilReady(portal) {
  await waitFor(`${BACKEND}/.backstage/health/v1/readiness`, START_TIMEOUT_MS);
  await waitFor(portal.app, START_TIMEOUT_MS);
}

/** Builds the frontend that the backend serves in the built phases. */
function buildApp() {
  const child = spawn('yarn', ['workspace', 'app', 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  return new Promise((resolvePromise, reject) =>
    child.on('exit', code =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`building the frontend failed (${code})`)),
    ),
  );
}

/**
 * Starts the portal. `built`: the backend alone, serving the built frontend
 * on its own port (the app-backend plugin, as in production); otherwise
 * `yarn start`, the backend and the frontend's development server.
 */
function startPortal(env, { built }) {
  const app = built ? BACKEND : DEV_APP;
  const child = spawn(
    'yarn',
    built ? ['workspace', 'backend', 'start'] : ['start'],
    {
      cwd: root,
      env: { ...env, APP_CONFIG_app_baseUrl: app },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = [];
  const keep = chunk => {
    log.push(chunk.toString());
    if (log.length > 400) log.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, log, app };
}

async function stopPortal(portal) {
  try {
    process.kill(-portal.child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await waitForDown(`${BACKEND}/.backstage/health/v1/liveness`, 60_000);
  await waitForDown(portal.app, 60_000);
}

function playwright(args, env, portal) {
  const json = process.env.E2E_JSON_PREFIX
    ? {
        PLAYWRIGHT_JSON_OUTPUT_NAME: `${process.env.E2E_JSON_PREFIX}.${env.E2E_PERSISTENCE_PHASE}.json`,
      }
    : {};
  // Async, so this process keeps serving the fixture while Playwright runs.
  const child = spawn('yarn', ['playwright', 'test', ...args], {
    cwd: root,
    env: { ...env, ...json, PLAYWRIGHT_URL: portal.app },
    stdio: 'inherit',
  });
  return new Promise(resolve => child.on('exit', code => resolve(code ?? 1)));
}

/** The spec that runs in the second phase, after the restart. */
const GOLDEN_PATHS_SPEC = 'golden-paths.spec.ts';
/**
 * The spec of the third phase: the guest signs in as a member of a team
 * whose services got fix branches in the first phase, and reads the team's
 * notification.
 */
const OWNER_SPEC = 'fleet-owner.spec.ts';
const OWNER_USER = 'user:default/chloe.dubois';

/**
 * Fixture folders committed, before the second start, as local git
 * repositories of the e2e portal's publish directory (where the catalog
 * registers them): `e2e/fixtures/<folder>` becomes `<repos>/<name>`.
 */
const SEEDED_REPOSITORIES = [
  { folder: 'legacy-service', name: 'attendance-service' },
  { folder: 'older-service', name: 'course-ratings' },
];

function filesUnder(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    return entry.isDirectory()
      ? filesUnder(path, base)
      : [relative(base, path).split('\\').join('/')];
  });
}

/** Copies a fixture folder to `target` and commits it on `main`. */
async function seedRepository(fixture, target) {
  fs.cpSync(fixture, target, { recursive: true });
  await git.init({ fs, dir: target, defaultBranch: 'main' });
  for (const filepath of filesUnder(target).filter(
    f => !f.startsWith('.git/'),
  )) {
    await git.add({ fs, dir: target, filepath });
  }
  const author = {
    name: 'Brightpath Developer',
    email: 'dev@brightpath.example',
  };
  await git.commit({
    fs,
    dir: target,
    message: 'Initial commit',
    author,
    committer: author,
  });
}

/**
 * `maturity.allowedLocalRoots` of app-config.yaml, as absolute paths, plus
 * the e2e publish directory: an array in APP_CONFIG_* replaces the file's.
 */
function allowedLocalRoots(reposDir) {
  const config = parseYaml(readFileSync(join(root, 'app-config.yaml'), 'utf8'));
  const roots = (config?.maturity?.allowedLocalRoots ?? []).map(r =>
    resolve(backendDir, r),
  );
  return [...roots, reposDir];
}

async function main() {
  if (
    (await isUp(DEV_APP)) ||
    (await isUp(`${BACKEND}/.backstage/health/v1/liveness`))
  ) {
    throw new Error(
      'A portal is already running on :3000 or :7007; stop it before `yarn test:e2e`.',
    );
  }

  // A fixture repository served on loopback, registered through the UI.
  const fixture = readFileSync(join(root, 'e2e/fixtures/catalog-info.yaml'));
  const server = createServer((req, res) => {
    if (req.url === '/learner-notes-service/catalog-info.yaml') {
      res.writeHead(200, { 'content-type': 'text/yaml' });
      res.end(fixture);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${server.address().port}`;

  // A fresh data directory, so the run starts from an empty portal.
  const dataDir = mkdtempSync(join(tmpdir(), 'portal-e2e-'));
  // Repositories the templates publish, and the local GitOps repository,
  // live in the data directory too, not in the demo user's .data/repos.
  const reposDir = join(dataDir, 'repos');
  fs.mkdirSync(reposDir);
  const env = {
    ...process.env,
    APP_CONFIG_backend_database_connection_directory: dataDir,
    APP_CONFIG_scaffolder_localPublish_directory: reposDir,
    // Written beside the local GitOps repository with its demo history.
    APP_CONFIG_maturity_outcomes_incidents_file: join(
      reposDir,
      'gitops-incidents.csv',
    ),
    APP_CONFIG_maturity_allowedLocalRoots: JSON.stringify(
      allowedLocalRoots(reposDir),
    ),
    E2E_REPOS_DIR: reposDir,
    APP_CONFIG_backend_reading_allow: JSON.stringify([{ host }]),
    E2E_REGISTER_URL: `http://${host}/learner-notes-service/catalog-info.yaml`,
    BROWSER: 'none',
  };

  let status = 1;
  let portal;
  try {
    // E2E_APP_BUILT=1: the caller has just built packages/app from this
    // tree (CI's `yarn build:all`).
    if (process.env.E2E_APP_BUILT === '1') {
      if (!fs.existsSync(join(root, 'packages/app/dist/index.html'))) {
        throw new Error('E2E_APP_BUILT=1, but packages/app/dist is missing');
      }
    } else {
      console.log('e2e: building the frontend');
      await buildApp();
    }
    console.log(`e2e: starting the portal (data in ${dataDir})`);
    portal = startPortal(env, { built: true });
    await waitUntilReady(portal);

    // Every spec but the golden paths, which change what the others count
    // (the monolith's extracted capabilities, the teams' components).
    const firstPhase = readdirSync(join(root, 'e2e'))
      .filter(
        f =>
          f.endsWith('.spec.ts') && f !== GOLDEN_PATHS_SPEC && f !== OWNER_SPEC,
      )
      .sort();
    status = await playwright(
      firstPhase,
      { ...env, E2E_PERSISTENCE_PHASE: 'register' },
      portal,
    );
    if (status === 0) {
      console.log('e2e: restarting the portal');
      await stopPortal(portal);
      for (const { folder, name } of SEEDED_REPOSITORIES) {
        await seedRepository(
          join(root, 'e2e/fixtures', folder),
          join(reposDir, name),
        );
      }
      // The maturity engine scores new services every minute rather than
      // every five, so the review shows an extraction within the test.
      const secondEnv = {
        ...env,
        APP_CONFIG_maturity_schedule_frequency: 'PT1M',
      };
      portal = startPortal(secondEnv, { built: true });
      await waitUntilReady(portal);
      status = await playwright(
        ['persistence.spec.ts', GOLDEN_PATHS_SPEC],
        { ...secondEnv, E2E_PERSISTENCE_PHASE: 'survives' },
        portal,
      );
    }
    if (status === 0) {
      console.log(
        `e2e: restarting the portal with yarn start, the guest as ${OWNER_USER}`,
      );
      await stopPortal(portal);
      const ownerEnv = {
        ...env,
        APP_CONFIG_auth_providers_guest_userEntityRef: OWNER_USER,
      };
      portal = startPortal(ownerEnv, { built: false });
      await waitUntilReady(portal);
      status = await playwright(
        [OWNER_SPEC],
        { ...ownerEnv, E2E_PERSISTENCE_PHASE: 'owner' },
        portal,
      );
    }
  } catch (e) {
    console.error(`e2e: ${e.message}`);
    if (portal) console.error(portal.log.join('').slice(-8000));
    status = 1;
  } finally {
    if (portal) await stopPortal(portal).catch(() => {});
    server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(status);
}

main();
