#!/usr/bin/env node
// A local npm registry (verdaccio) on 127.0.0.1 for the adopter test and the
// CLI's npx test. Our @cloud-native-portal/* packages are stored locally and
// can be published without real credentials; every other package is proxied
// to the upstream registry (`npm config get registry`).
//
//   node scripts/local-registry.mjs serve [--port 4873] [--storage DIR]
//   node scripts/local-registry.mjs publish [--registry http://127.0.0.1:4873]
//
// As a module:
//   const { url, stop } = await startLocalRegistry({ port, storageDir });
//   await publishWorkspaces(url, { log: console.log });
//
// publishWorkspaces packs each non-private workspace with `yarn pack`, which
// runs the package's prepack/postpack (backstage-cli applies publishConfig and
// the dist exports) and turns `workspace:^` ranges into real versions, then
// publishes the tarball with `npm publish`. The packages must be built first
// (`yarn build:all`).
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  writeFile,
} from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The verdaccio release the registry runs, fetched through npx. */
export const VERDACCIO = 'verdaccio@6.10.4';
/** The npm scope our packages are published under. */
export const SCOPE = '@cloud-native-portal';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function upstreamRegistry() {
  if (process.env.LOCAL_REGISTRY_UPSTREAM) {
    return process.env.LOCAL_REGISTRY_UPSTREAM;
  }
  try {
    const { stdout } = await execFileAsync('npm', [
      'config',
      'get',
      'registry',
    ]);
    const url = stdout.trim();
    if (/^https?:\/\//.test(url)) return url;
  } catch {
    // fall through to the public registry
  }
  return 'https://registry.npmjs.org/';
}

async function portIsFree(port) {
  const probe = createServer();
  return new Promise(done => {
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const probe = createServer();
  await new Promise(r => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address();
  await new Promise(r => probe.close(r));
  return port;
}

function verdaccioConfig({ storage, port, upstream }) {
  // JSON is valid YAML, and keeps the glob keys and $-roles unambiguous.
  return JSON.stringify(
    {
      storage,
      // No htpasswd users: publishing our scope is open to anyone on
      // 127.0.0.1, and nothing else can be published.
      auth: {
        htpasswd: { file: join(storage, '..', 'htpasswd'), max_users: -1 },
      },
      uplinks: {
        upstream: { url: upstream, timeout: '60s', maxage: '30m' },
      },
      packages: {
        [`${SCOPE}/*`]: {
          access: '$all',
          publish: '$all',
          unpublish: '$all',
        },
        '**': { access: '$all', publish: '$authenticated', proxy: 'upstream' },
      },
      server: { keepAliveTimeout: 60 },
      listen: `127.0.0.1:${port}`,
      max_body_size: '200mb',
      log: { type: 'stdout', format: 'pretty', level: 'warn' },
      publish: { allow_offline: true },
    },
    null,
    2,
  );
}

async function waitForPing(url, child, timeoutMs, output) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `local registry: verdaccio exited with code ${
          child.exitCode
        }\n${output()}`,
      );
    }
    try {
      const res = await fetch(new URL('-/ping', url));
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(
    `local registry: verdaccio did not answer ${url}-/ping within ${
      timeoutMs / 1000
    } s\n${output()}`,
  );
}

/**
 * Starts verdaccio on 127.0.0.1:port with its storage under storageDir
 * (a new temporary directory when omitted, removed again by stop()).
 */
export async function startLocalRegistry({ port = 4873, storageDir } = {}) {
  if (!(await portIsFree(port))) {
    throw new Error(`local registry: port ${port} on 127.0.0.1 is in use`);
  }
  const ownsStorage = !storageDir;
  const base = storageDir
    ? resolve(storageDir)
    : await mkdtemp(join(tmpdir(), 'cnp-registry-'));
  const storage = join(base, 'storage');
  await mkdir(storage, { recursive: true });
  const configPath = join(base, 'config.yaml');
  await writeFile(
    configPath,
    verdaccioConfig({ storage, port, upstream: await upstreamRegistry() }),
  );

  let log = '';
  const child = spawn(
    'npx',
    ['-y', VERDACCIO, '--config', configPath, '--listen', `127.0.0.1:${port}`],
    {
      cwd: base,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  const keep = chunk => {
    log = (log + chunk).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (ownsStorage) await rm(base, { recursive: true, force: true });
  };
  try {
    await waitForPing(url, child, 120_000, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop, storageDir: base, log: () => log };
}

/** The non-private workspace packages, as { name, version, dir }. */
export async function publishableWorkspaces() {
  const { stdout } = await execFileAsync(
    'yarn',
    ['workspaces', 'list', '--json', '--no-private'],
    { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
  );
  const found = [];
  for (const line of stdout.split('\n').filter(Boolean)) {
    const { location } = JSON.parse(line);
    if (location === '.') continue;
    const dir = join(repoRoot, location);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    found.push({ name: pkg.name, version: pkg.version, dir });
  }
  return found;
}

function run(cmd, args, opts) {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, {
      ...opts,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', c => (out += c));
    child.stderr.on('data', c => (out += c));
    child.on('error', fail);
    child.on('exit', code =>
      code === 0
        ? done(out)
        : fail(
            new Error(
              `${cmd} ${args.join(' ')} (in ${
                opts.cwd
              }) exited with ${code}\n${out}`,
            ),
          ),
    );
  });
}

/**
 * Publishes every non-private workspace package to the registry at url, or
 * only the packages named in `only`. Returns the list of { name, version }
 * published.
 */
export async function publishWorkspaces(url, { log = () => {}, only } = {}) {
  const registry = url.endsWith('/') ? url : `${url}/`;
  const host = registry.replace(/^https?:/, '');
  const packages = (await publishableWorkspaces()).filter(
    p => !only || only.includes(p.name),
  );
  if (packages.length === 0) {
    throw new Error('local registry: no publishable workspace package found');
  }
  for (const { name, dir } of packages) {
    if (!existsSync(join(dir, 'dist'))) {
      throw new Error(
        `local registry: ${name} has no dist/ folder; run \`yarn build:all\` first`,
      );
    }
  }
  // prepack rewrites package.json in place and postpack restores it; two
  // publishers packing the same tree at once can leave a rewritten one
  // behind, so every package.json is put back as it was afterwards.
  const manifests = new Map();
  for (const { dir } of packages) {
    const file = join(dir, 'package.json');
    manifests.set(file, await readFile(file, 'utf8'));
  }
  const outDir = await mkdtemp(join(tmpdir(), 'cnp-pack-'));
  try {
    // One yarn process packs them all: each package's prepack rewrites only
    // its own package.json, and postpack restores it.
    await run(
      'yarn',
      [
        'workspaces',
        'foreach',
        '--all',
        '--no-private',
        ...(only ?? []).flatMap(name => ['--include', name]),
        '--parallel',
        '--jobs',
        '4',
        'pack',
        '--out',
        join(outDir, '%s-%v.tgz'),
      ],
      { cwd: repoRoot },
    );
    const tarballs = (await readdir(outDir)).filter(f => f.endsWith('.tgz'));
    if (tarballs.length !== packages.length) {
      throw new Error(
        `local registry: packed ${tarballs.length} tarballs for ${packages.length} packages`,
      );
    }
    const publishOne = async tarball => {
      await run(
        'npm',
        [
          'publish',
          join(outDir, tarball),
          '--registry',
          registry,
          `--${host}:_authToken=local-registry`,
          '--access',
          'public',
          '--tag',
          'latest',
          '--ignore-scripts',
        ],
        { cwd: outDir },
      );
      log(`published ${tarball.replace(/\.tgz$/, '')}`);
    };
    // A few uploads at a time.
    const queue = [...tarballs];
    const worker = async () => {
      while (queue.length) await publishOne(queue.shift());
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  } finally {
    await rm(outDir, { recursive: true, force: true });
    for (const [file, text] of manifests) {
      if ((await readFile(file, 'utf8')) !== text) {
        await writeFile(file, text);
        log(`restored ${file} after packing`);
      }
    }
  }
  return packages.map(({ name, version }) => ({ name, version }));
}

function argValue(args, flag) {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'serve') {
    const port = Number(argValue(args, '--port') ?? 4873);
    const registry = await startLocalRegistry({
      port,
      storageDir: argValue(args, '--storage'),
    });
    console.log(`local registry: listening on ${registry.url}`);
    if (args.includes('--publish')) {
      await publishWorkspaces(registry.url, { log: m => console.log(m) });
    }
    const shutdown = async () => {
      await registry.stop();
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  } else if (command === 'publish') {
    const url = argValue(args, '--registry') ?? 'http://127.0.0.1:4873/';
    const published = await publishWorkspaces(url, {
      log: m => console.log(m),
    });
    console.log(
      `local registry: ${published.length} packages published to ${url}`,
    );
  } else {
    console.error(
      'usage: node scripts/local-registry.mjs serve [--port N] [--storage DIR] [--publish]\n' +
        '       node scripts/local-registry.mjs publish [--registry URL]',
    );
    process.exit(2);
  }
}

if (
  process.argv[1] &&
  resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  main().catch(e => {
    console.error(e.message ?? e);
    process.exit(1);
  });
}
