#!/usr/bin/env node
// Cold start of several replicas: starts three backends at the same instant,
// with the production configuration, on a PostgreSQL server where none of
// their databases exists yet, and checks that all three become ready
// (/.backstage/health/v1/readiness answers 200) within a bounded time, with
// no manual step. The databases get a prefix of their own, so the run is
// isolated from any other use of the server; they are dropped at the end.
//
//   BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres:postgres@localhost:5432 \
//     node scripts/replicas-cold-start.mjs
//
// Env: REPLICAS (default 3), READY_WITHIN_SECONDS (default 480).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'packages/backend/package.json'));
const { Client } = require('pg');

const REPLICAS = Number(process.env.REPLICAS ?? 3);
const READY_WITHIN_MS = Number(process.env.READY_WITHIN_SECONDS ?? 480) * 1000;

const connectionString =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
if (!connectionString) {
  console.error(
    'replicas-cold-start: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (source scripts/services.sh)',
  );
  process.exit(2);
}
const server = new URL(connectionString);
// Plugin databases are named <prefix><pluginId>: a fresh prefix per run.
const prefix = `coldstart_${randomBytes(4).toString('hex')}_`;

async function freePort() {
  const probe = createServer();
  await new Promise(r => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address();
  await new Promise(r => probe.close(r));
  return port;
}

async function withAdmin(fn) {
  const admin = new URL(connectionString);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function prefixedDatabases() {
  return withAdmin(async client => {
    const { rows } = await client.query(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${prefix}%`],
    );
    return rows.map(r => r.datname);
  });
}

async function dropDatabases() {
  const names = await prefixedDatabases();
  await withAdmin(async client => {
    for (const name of names) {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
  return names.length;
}

function startReplica(index, port) {
  const baseUrl = `http://localhost:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    // The production file's variables, with dummy credentials: nothing here
    // talks to GitHub.
    APP_BASE_URL: baseUrl,
    BACKEND_SECRET: 'replicas-cold-start-secret-not-for-production',
    POSTGRES_HOST: server.hostname,
    POSTGRES_PORT: server.port || '5432',
    POSTGRES_USER: decodeURIComponent(server.username),
    POSTGRES_PASSWORD: decodeURIComponent(server.password),
    GITHUB_TOKEN: 'dummy',
    AUTH_GITHUB_CLIENT_ID: 'dummy',
    AUTH_GITHUB_CLIENT_SECRET: 'dummy',
    APP_CONFIG_backend_listen: `:${port}`,
    APP_CONFIG_backend_database_prefix: prefix,
  };
  // The README's production command, run from source through the CLI's
  // TypeScript transform (as `yarn start` does), so no build is needed.
  const child = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'packages/backend/src/index.ts',
      '--config',
      'app-config.production.yaml',
    ],
    { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const replica = { index, port, child, log: [], exited: undefined };
  const keep = chunk => {
    replica.log.push(chunk.toString());
    if (replica.log.length > 300) replica.log.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', code => (replica.exited = code ?? 'signal'));
  return replica;
}

async function readiness(port) {
  try {
    const res = await fetch(
      `http://127.0.0.1:${port}/.backstage/health/v1/readiness`,
    );
    return res.status;
  } catch {
    return undefined;
  }
}

function stop(replica) {
  if (replica.exited !== undefined) return;
  try {
    process.kill(-replica.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function main() {
  const ports = [];
  for (let i = 0; i < REPLICAS; i++) ports.push(await freePort());
  console.log(
    `replicas-cold-start: ${REPLICAS} replicas on ports ${ports.join(
      ', ',
    )}, databases ${prefix}*`,
  );
  if ((await prefixedDatabases()).length > 0) {
    throw new Error(`databases named ${prefix}* already exist`);
  }

  const started = Date.now();
  const replicas = ports.map((port, i) => startReplica(i + 1, port));
  let failure;
  try {
    const ready = new Map();
    while (ready.size < replicas.length) {
      for (const replica of replicas) {
        if (ready.has(replica.index)) continue;
        if (replica.exited !== undefined) {
          throw Object.assign(
            new Error(
              `replica ${replica.index} exited with ${replica.exited} before it was ready`,
            ),
            { replica },
          );
        }
        if ((await readiness(replica.port)) === 200) {
          ready.set(replica.index, Date.now() - started);
          console.log(
            `replicas-cold-start: replica ${
              replica.index
            } ready after ${Math.round(ready.get(replica.index) / 1000)} s`,
          );
        }
      }
      if (ready.size < replicas.length) {
        if (Date.now() - started > READY_WITHIN_MS) {
          const late = replicas.find(r => !ready.has(r.index));
          throw Object.assign(
            new Error(
              `replica ${late.index} not ready within ${
                READY_WITHIN_MS / 1000
              } s`,
            ),
            { replica: late },
          );
        }
        await new Promise(r => setTimeout(r, 1000));
      }
    }
    const databases = await prefixedDatabases();
    console.log(
      `replicas-cold-start: all ${replicas.length} replicas ready; ${databases.length} plugin databases created`,
    );
  } catch (error) {
    failure = error;
  } finally {
    replicas.forEach(stop);
    await new Promise(r => setTimeout(r, 1000));
    const dropped = await dropDatabases().catch(e => {
      console.error(`replicas-cold-start: could not drop the databases: ${e}`);
      return 0;
    });
    console.log(`replicas-cold-start: dropped ${dropped} databases`);
  }
  if (failure) {
    console.error(`replicas-cold-start: FAILED: ${failure.message}`);
    if (failure.replica) {
      console.error(
        `--- last output of replica ${
          failure.replica.index
        } ---\n${failure.replica.log.join('').slice(-12000)}`,
      );
    }
    process.exit(1);
  }
}

main().catch(error => {
  console.error(`replicas-cold-start: ${error.stack ?? error}`);
  process.exit(1);
});
