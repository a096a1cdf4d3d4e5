#!/usr/bin/env node
// Runs the end-to-end tests the way a newcomer uses the portal: `yarn start`
// with the demo organization, Playwright in Chromium, then a restart to prove
// that what was registered through the UI survives.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const APP = 'http://localhost:3000';
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

function startPortal(env) {
  const child = spawn('yarn', ['start'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  const keep = chunk => {
    log.push(chunk.toString());
    if (log.length > 400) log.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, log };
}

async function stopPortal(portal) {
  try {
    process.kill(-portal.child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await waitForDown(`${BACKEND}/.backstage/health/v1/liveness`, 60_000);
  await waitForDown(APP, 60_000);
}

function playwright(args, env) {
  const json = process.env.E2E_JSON_PREFIX
    ? {
        PLAYWRIGHT_JSON_OUTPUT_NAME: `${process.env.E2E_JSON_PREFIX}.${env.E2E_PERSISTENCE_PHASE}.json`,
      }
    : {};
  // Async, so this process keeps serving the fixture while Playwright runs.
  const child = spawn('yarn', ['playwright', 'test', ...args], {
    cwd: root,
    env: { ...env, ...json },
    stdio: 'inherit',
  });
  return new Promise(resolve => child.on('exit', code => resolve(code ?? 1)));
}

async function main() {
  if (
    (await isUp(APP)) ||
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
  const env = {
    ...process.env,
    APP_CONFIG_backend_database_connection_directory: dataDir,
    APP_CONFIG_backend_reading_allow: JSON.stringify([{ host }]),
    E2E_REGISTER_URL: `http://${host}/learner-notes-service/catalog-info.yaml`,
    BROWSER: 'none',
  };

  let status = 1;
  let portal;
  try {
    console.log(`e2e: starting the portal (data in ${dataDir})`);
    portal = startPortal(env);
    await waitFor(
      `${BACKEND}/.backstage/health/v1/readiness`,
      START_TIMEOUT_MS,
    );
    await waitFor(APP, START_TIMEOUT_MS);

    status = await playwright([], {
      ...env,
      E2E_PERSISTENCE_PHASE: 'register',
    });
    if (status === 0) {
      console.log('e2e: restarting the portal');
      await stopPortal(portal);
      portal = startPortal(env);
      await waitFor(
        `${BACKEND}/.backstage/health/v1/readiness`,
        START_TIMEOUT_MS,
      );
      await waitFor(APP, START_TIMEOUT_MS);
      status = await playwright(['persistence.spec.ts'], {
        ...env,
        E2E_PERSISTENCE_PHASE: 'survives',
      });
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
