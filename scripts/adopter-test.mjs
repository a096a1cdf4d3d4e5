#!/usr/bin/env node
// The adopter test: installs our plugins into a brand-new Backstage app the way
// an adopter would, by the install steps of each plugin README and nothing
// else, then type-checks and builds that app, starts its backend and asks
// every plugin a real question over HTTP.
//
//   yarn build:all && node scripts/adopter-test.mjs [--keep] [--workdir DIR]
//
// 1. A local npm registry (scripts/local-registry.mjs) gets every
//    non-private @cloud-native-portal/* package, packed as it would be
//    published.
// 2. `@backstage/create-app` of our Backstage release creates a clean app.
// 3. The install steps are read from the plugin READMEs: each step is a fenced
//    code block preceded by a marker comment `<!-- adopter-step: KIND -->`
//    (see scripts/adopter/readme-steps.mjs for the kinds). Exactly those steps
//    are applied, so a README that drifts from the packages fails this test.
// 4. `yarn tsc` (which compiles the README's legacy frontend wiring too),
//    `yarn build:backend` and the frontend build.
// 5. The built backend starts on a free port with SQLite in memory, and each
//    plugin answers: a maturity scorecard, a zero-trust posture, a toil list,
//    an ownership report, and the scaffolder's list of our gitops:* actions.
//    The built frontend bundle contains our plugins' extensions.
//
// Exits non-zero with a message that names the failed step and, for a README
// step, the README it came from. Only the npm registry is needed from the
// network; yarn's global cache is reused between runs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  appendFile,
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  publishWorkspaces,
  startLocalRegistry,
} from './local-registry.mjs';
import { applySteps, readAllSteps } from './adopter/readme-steps.mjs';
import { runHttpChecks } from './adopter/http-checks.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** create-app of Backstage 1.55.0 (backstage.json). */
const CREATE_APP = '@backstage/create-app@0.9.2';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
// With --workdir of an earlier run: only start that app's backend and ask it.
const onlyHttp = args.includes('--only-http');
const workdirArg = args.includes('--workdir')
  ? args[args.indexOf('--workdir') + 1]
  : undefined;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const log = msg => console.log(`[adopter ${elapsed()}] ${msg}`);

class StepError extends Error {}

async function step(name, fn, source) {
  log(`step: ${name}`);
  const t = Date.now();
  try {
    const result = await fn();
    log(`step done: ${name} (${((Date.now() - t) / 1000).toFixed(0)}s)`);
    return result;
  } catch (e) {
    const where = e.readme ?? source;
    throw new StepError(
      `adopter test FAILED at step "${name}"${
        where ? ` (from ${where})` : ''
      }:\n${e.message ?? e}`,
    );
  }
}

/** Runs a command; rejects with its output tail when it exits non-zero. */
export function run(cmd, cmdArgs, { cwd, env, quiet = true, timeoutMs } = {}) {
  return new Promise((done, fail) => {
    const child = spawn(cmd, cmdArgs, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const keepOut = c => {
      out = (out + c).slice(-20000);
      if (!quiet) process.stdout.write(c);
    };
    child.stdout.on('data', keepOut);
    child.stderr.on('data', keepOut);
    const timer = timeoutMs
      ? setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      : undefined;
    child.on('error', fail);
    child.on('exit', code => {
      clearTimeout(timer);
      if (code === 0) done(out);
      else
        fail(
          new Error(
            `\`${cmd} ${cmdArgs.join(
              ' ',
            )}\` in ${cwd} exited with ${code}:\n${out
              .split('\n')
              .slice(-60)
              .join('\n')}`,
          ),
        );
    });
  });
}

// Environment of the created app that is not an install step: where the
// @cloud-native-portal scope comes from, and yarn settings for CI.
async function configureAppEnvironment(appDir, registryUrl) {
  const host = new URL(registryUrl).hostname;
  await appendFile(
    join(appDir, '.yarnrc.yml'),
    [
      '',
      '# adopter test: our scope from the local registry, everything else as usual',
      'npmScopes:',
      '  cloud-native-portal:',
      `    npmRegistryServer: "${registryUrl.replace(/\/$/, '')}"`,
      'unsafeHttpWhitelist:',
      `  - "${host}"`,
      // Packages published a minute ago are younger than the app's age gate.
      'npmPreapprovedPackages:',
      "  - '@backstage/*'",
      "  - '@cloud-native-portal/*'",
      '',
    ].join('\n'),
  );
  // The lockfile seed. create-app downloads one from GitHub to keep a new
  // app on the @backstage/* versions of its release; without it yarn takes
  // the newest versions in each range, which mix releases (a 1.56 plugin on
  // 1.55's backend-defaults fails at startup). This repository's lockfile is
  // such a seed for 1.55: an adopter's app already has its own.
  await copyFile(join(root, 'yarn.lock'), join(appDir, 'yarn.lock'));
  // The same pins as this repository's root package.json: this registry
  // lacks some platform builds of the newest versions of these packages
  // (docs: /work/shared/design/toolchain.md, "Four resolutions").
  const ours = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const pkgPath = join(appDir, 'package.json');
  const pkg = JSON.parse(await readFile(pkgPath, 'utf8'));
  for (const name of [
    '@swc/core',
    'unrs-resolver',
    '@yarnpkg/core',
    'rollup',
  ]) {
    if (ours.resolutions?.[name]) {
      pkg.resolutions = { ...pkg.resolutions, [name]: ours.resolutions[name] };
    }
  }
  await writeFile(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
}

async function main() {
  const workdir = workdirArg
    ? resolve(workdirArg)
    : await mkdtemp(join(tmpdir(), 'cnp-adopter-'));
  await mkdir(workdir, { recursive: true });
  const appDir = join(workdir, 'app');
  log(`work directory ${workdir}`);
  const yarnEnv = {
    // CI=true makes yarn install immutable by default; the adopter's app
    // gets a new lockfile.
    YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
    YARN_ENABLE_PROGRESS_BARS: 'false',
    YARN_ENABLE_TELEMETRY: '0',
  };

  let registry;
  let backend;
  try {
    const steps = await step(
      'read the install steps of every plugin README',
      () => readAllSteps(root),
    );
    log(
      `${steps.length} README steps from ${
        new Set(steps.map(s => s.readme)).size
      } READMEs`,
    );

    if (onlyHttp) {
      const port = await freePort();
      const configFiles = steps
        .filter(s => s.kind === 'config')
        .map(s => `app-config.${s.slug}-${s.line}.yaml`);
      backend = await step(`start the app's backend on port ${port}`, () =>
        startBackend(appDir, port, configFiles),
      );
      await step('every plugin answers over HTTP', () =>
        runHttpChecks(`http://127.0.0.1:${port}`, { log }),
      );
      log(`adopter test (HTTP part) PASSED in ${elapsed()}`);
      return;
    }

    registry = await step('start the local registry', async () =>
      startLocalRegistry({
        port: await freePort(),
        storageDir: join(workdir, 'registry'),
      }),
    );
    await step('publish every package to the local registry', () =>
      publishWorkspaces(registry.url, { log }),
    );

    await step(`create a clean app with ${CREATE_APP}`, async () => {
      if (existsSync(appDir))
        await rm(appDir, { recursive: true, force: true });
      await run('npx', ['-y', CREATE_APP, '--skip-install', '--path', appDir], {
        cwd: workdir,
        env: { BACKSTAGE_APP_NAME: 'adopter-app' },
      });
      await configureAppEnvironment(appDir, registry.url);
    });

    // Every run publishes the same versions (0.1.0), and yarn's global cache
    // keeps an archive by name and version: without this, the app would
    // install an earlier run's packages instead of the ones just published.
    await step("forget earlier runs' packages in yarn's cache", async () => {
      const out = await run('yarn', ['config', 'get', 'cacheFolder'], {
        cwd: appDir,
        env: yarnEnv,
      });
      const folder = out.trim().split('\n').pop().trim();
      const stale = (await readdir(folder).catch(() => [])).filter(
        name =>
          name.startsWith('@cloud-native-portal-') && name.includes('-npm-'),
      );
      for (const name of stale) await rm(join(folder, name), { force: true });
      log(`removed ${stale.length} cached archives of ours from ${folder}`);
    });

    const applied = await step('apply the README install steps', () =>
      applySteps(steps, {
        appDir,
        registryUrl: registry.url,
        log,
        run: (cmd, a, o = {}) =>
          run(cmd, a, { ...o, env: { ...yarnEnv, ...o.env } }),
      }),
    );

    await step('type-check the app (yarn tsc)', () =>
      run('yarn', ['tsc'], { cwd: appDir, env: yarnEnv }),
    );
    await step('build the backend (yarn build:backend)', () =>
      run('yarn', ['build:backend'], { cwd: appDir, env: yarnEnv }),
    );
    await step('build the frontend (yarn workspace app build)', () =>
      run('yarn', ['workspace', 'app', 'build'], { cwd: appDir, env: yarnEnv }),
    );
    await step('the frontend bundle contains our extensions', async () => {
      const staticDir = join(appDir, 'packages/app/dist/static');
      const files = (await readdir(staticDir)).filter(f => f.endsWith('.js'));
      let bundle = '';
      for (const f of files)
        bundle += await readFile(join(staticDir, f), 'utf8');
      const missing = applied.bundleMarkers.filter(
        m => !bundle.includes(m.text),
      );
      if (missing.length) {
        const e = new Error(
          `not in packages/app/dist/static/*.js: ${missing
            .map(m => `${JSON.stringify(m.text)} (${m.readme})`)
            .join(', ')}`,
        );
        e.readme = [...new Set(missing.map(m => m.readme))].join(', ');
        throw e;
      }
      log(`bundle has ${applied.bundleMarkers.length} extension markers`);
    });

    const port = await freePort();
    backend = await step(`start the app's backend on port ${port}`, () =>
      startBackend(appDir, port, applied.configFiles),
    );
    await step('every plugin answers over HTTP', () =>
      runHttpChecks(`http://127.0.0.1:${port}`, { log }),
    );
    log(`adopter test PASSED in ${elapsed()}`);
  } finally {
    if (backend) await backend.stop();
    if (registry) await registry.stop();
    if (!keep && !workdirArg) removeInBackground(workdir);
    else log(`kept ${workdir}`);
  }
}

/**
 * Deletes the work directory (a Backstage app with its node_modules, some
 * 200,000 files) in a process of its own that outlives this one, so that
 * the result does not wait on the disk.
 */
function removeInBackground(dir) {
  spawn(
    process.execPath,
    [
      '-e',
      'require("node:fs").rmSync(process.argv[1], { recursive: true, force: true })',
      dir,
    ],
    { detached: true, stdio: 'ignore' },
  )
    .on('error', e => log(`could not delete ${dir}: ${e.message}`))
    .unref();
}

async function startBackend(appDir, port, configFiles) {
  // A service of the adopter's with a source tree the zero-trust scanner can
  // read: one of this repository's example trees, registered beside the
  // app's own example entities (a config list replaces, so they are listed).
  const fixture = join(appDir, 'adopter-fixture');
  await rm(fixture, { recursive: true, force: true });
  await cp(
    join(root, 'examples/repos/course-catalog-service'),
    join(fixture, 'repo'),
    {
      recursive: true,
    },
  );
  await writeFile(
    join(fixture, 'catalog-info.yaml'),
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: adopter-service',
      '  annotations:',
      '    backstage.io/source-location: dir:./repo/',
      'spec:',
      '  type: service',
      '  lifecycle: production',
      '  owner: group:default/guests',
      '',
    ].join('\n'),
  );
  const overrides = join(appDir, 'app-config.adopter-test.yaml');
  await writeFile(
    overrides,
    [
      '# adopter test: a free port, SQLite in memory, guest sign-in',
      'app:',
      `  baseUrl: http://127.0.0.1:${port}`,
      'backend:',
      `  baseUrl: http://127.0.0.1:${port}`,
      '  listen:',
      `    port: ${port}`,
      '    host: 127.0.0.1',
      '  database:',
      '    client: better-sqlite3',
      "    connection: ':memory:'",
      'catalog:',
      '  locations:',
      '    - type: file',
      '      target: ../../examples/entities.yaml',
      '    - type: file',
      '      target: ../../examples/template/template.yaml',
      '      rules: [{ allow: [Template] }]',
      '    - type: file',
      '      target: ../../examples/org.yaml',
      '      rules: [{ allow: [User, Group] }]',
      '    - type: file',
      `      target: ${join(fixture, 'catalog-info.yaml')}`,
      'maturity:',
      `  allowedLocalRoots: [${JSON.stringify(fixture)}]`,
      'auth:',
      '  providers:',
      '    guest:',
      '      dangerouslyAllowOutsideDevelopment: true',
      '',
    ].join('\n'),
  );
  // From packages/backend, as `yarn start` runs it: the catalog locations in
  // app-config.yaml are relative to that directory.
  const backendDir = join(appDir, 'packages/backend');
  const configArgs = ['app-config.yaml', ...configFiles, overrides].flatMap(
    f => ['--config', relative(backendDir, resolve(appDir, f))],
  );
  // The production artifact: yarn build:backend's bundle, unpacked inside the
  // app so that its node_modules resolve.
  const unpacked = join(appDir, 'dist-backend');
  await rm(unpacked, { recursive: true, force: true });
  await mkdir(unpacked, { recursive: true });
  await run(
    'tar',
    ['xzf', join(backendDir, 'dist/bundle.tar.gz'), '-C', unpacked],
    { cwd: appDir },
  );
  const child = spawn(
    'node',
    [join(unpacked, 'packages/backend'), ...configArgs],
    {
      cwd: backendDir,
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let out = '';
  const keepOut = c => {
    out = (out + c).slice(-30000);
  };
  child.stdout.on('data', keepOut);
  child.stderr.on('data', keepOut);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise(r => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    await Promise.race([exited, new Promise(r => setTimeout(r, 10000))]);
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  };
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the backend exited with ${child.exitCode}:\n${out}`);
    }
    if (out.includes('BackendStartupError')) {
      await stop();
      throw new Error(`the backend failed to start:\n${out}`);
    }
    try {
      const res = await fetch(
        `http://127.0.0.1:${port}/.backstage/health/v1/readiness`,
      );
      if (res.ok) return { stop, output: () => out };
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  await stop();
  throw new Error(`the backend was not ready within 180 s:\n${out}`);
}

main().catch(e => {
  console.error(`\n${e instanceof StepError ? e.message : e.stack ?? e}`);
  console.error(`[adopter ${elapsed()}] adopter test FAILED`);
  process.exit(1);
});
