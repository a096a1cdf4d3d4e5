#!/usr/bin/env node
// The maturity CLI as an adopter meets it: published to a local registry,
// then run with npx from an empty directory, with no part of this repository
// installed.
//
//   node scripts/cli-npx-test.mjs [--port 4874] [--no-build] [--keep]
//
// 1. builds the CLI and the workspace libraries it depends on (`yarn tsc`,
//    then `backstage-cli package build`), unless --no-build;
// 2. starts the local registry (scripts/local-registry.mjs) on 127.0.0.1 and
//    publishes those packages to it;
// 3. in an empty temporary directory, with a fresh npm cache and
//    npm_config_registry pointing at the local registry, runs
//    `npx -y @cloud-native-portal/maturity-cli@<version>` with --version,
//    --help, `scan .` and `zero-trust .` (in the empty directory and in a copy
//    of examples/repos/course-catalog-service), checking outputs and exit codes;
// 4. runs the `run:` steps of the GitHub workflow in the CLI's README, as
//    written, in that copy;
// 5. checks the installed dependency tree (`npm ls --all`): no backend plugin,
//    no TypeScript tooling, and only compiled JavaScript in our packages.
//
// Exits 0 when every check passes; otherwise prints each failure and exits 1.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { publishWorkspaces, startLocalRegistry } from './local-registry.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = join(repoRoot, 'plugins/maturity-cli');
const cliPackage = JSON.parse(
  readFileSync(join(cliDir, 'package.json'), 'utf8'),
);
const CLI = cliPackage.name;
const EXAMPLE = 'examples/repos/course-catalog-service';

const args = process.argv.slice(2);
const argValue = flag => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const port = Number(argValue('--port') ?? 4874);
const build = !args.includes('--no-build');
const keep = args.includes('--keep');

/** Package names that must never be in the CLI's dependency tree. */
const FORBIDDEN = [
  // backend plugins and modules, ours and Backstage's
  [/-backend$/, 'a backend plugin'],
  [/-backend-module-/, 'a backend module'],
  [/^@backstage\/backend-(defaults|app-api|test-utils)$/, 'the backend system'],
  [/^@backstage\/plugin-catalog-backend/, 'the catalog backend'],
  [/^@backstage\/plugin-scaffolder-backend/, 'the scaffolder backend'],
  // TypeScript at run time
  [/^typescript$/, 'TypeScript'],
  [/^@swc\//, 'a TypeScript transpiler'],
  [/^(sucrase|ts-node|tsx|esbuild)$/, 'a TypeScript transpiler'],
  [/^@backstage\/(cli|cli-node)$/, 'the Backstage build tooling'],
];

const failures = [];
function check(ok, what) {
  if (ok) {
    console.log(`ok    ${what}`);
  } else {
    console.log(`FAIL  ${what}`);
    failures.push(what);
  }
}

/** Runs a command, resolving with its exit code and output (never rejects on exit code). */
function run(cmd, cmdArgs, { cwd, env, timeoutMs = 600_000 }) {
  return new Promise((done, fail) => {
    const child = spawn(cmd, cmdArgs, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', c => (stdout += c));
    child.stderr.on('data', c => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', fail);
    child.on('exit', code => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** The workspace packages the CLI depends on, itself included, in build order. */
function workspaceClosure() {
  const dirs = new Map();
  for (const location of readdirSync(join(repoRoot, 'plugins'))) {
    const file = join(repoRoot, 'plugins', location, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    dirs.set(pkg.name, { dir: dirname(file), pkg });
  }
  const order = [];
  const visit = name => {
    if (order.includes(name)) return;
    const { pkg } = dirs.get(name);
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (String(range).startsWith('workspace:')) visit(dep);
    }
    order.push(name);
  };
  visit(CLI);
  return order.map(name => ({ name, ...dirs.get(name) }));
}

/**
 * Every installed package name and version in an `npm ls --all --json` tree.
 * An optional peer dependency that is not installed appears there as `{}`,
 * without a version: it is not in the tree.
 */
function flattenTree(node, out = new Map()) {
  for (const [name, child] of Object.entries(node.dependencies ?? {})) {
    if (!child.version || child.missing) continue;
    if (!out.has(name)) out.set(name, new Set());
    out.get(name).add(child.version);
    flattenTree(child, out);
  }
  return out;
}

/** The GitHub workflow in the CLI's README: its steps. */
function readmeWorkflowSteps() {
  const readme = readFileSync(join(cliDir, 'README.md'), 'utf8');
  const section = readme.split(/^## In a GitHub workflow\s*$/m)[1];
  const block = section?.match(/```yaml\n([\s\S]*?)```/);
  if (!block) {
    throw new Error(
      'plugins/maturity-cli/README.md has no yaml block under "## In a GitHub workflow"',
    );
  }
  const workflow = parseYaml(block[1]);
  return Object.values(workflow.jobs ?? {}).flatMap(job => job.steps ?? []);
}

async function main() {
  const closure = workspaceClosure();
  const privatePackages = closure.filter(p => p.pkg.private);
  if (privatePackages.length) {
    throw new Error(
      `cannot publish the CLI: ${privatePackages.map(p => p.name).join(', ')} ${
        privatePackages.length === 1 ? 'is' : 'are'
      } private`,
    );
  }
  if (build) {
    const step = async (cmd, cmdArgs, cwd) => {
      const out = await run(cmd, cmdArgs, { cwd, env: process.env });
      if (out.code !== 0) {
        throw new Error(
          `${cmd} ${cmdArgs.join(' ')} (in ${cwd}) exited with ${out.code}\n${
            out.stdout
          }${out.stderr}`,
        );
      }
    };
    console.log('building: yarn tsc');
    await step('yarn', ['tsc'], repoRoot);
    for (const { name, dir } of closure) {
      console.log(`building ${name}`);
      await step('yarn', ['backstage-cli', 'package', 'build'], dir);
    }
  }

  const base = mkdtempSync(join(tmpdir(), 'maturity-cli-npx-'));
  const registry = await startLocalRegistry({
    port,
    storageDir: join(base, 'registry'),
  });
  try {
    console.log(`local registry on ${registry.url}`);
    await publishWorkspaces(registry.url, {
      log: m => console.log(m),
      only: closure.map(p => p.name),
    });

    const empty = join(base, 'empty');
    const checkout = join(base, 'checkout');
    const cache = join(base, 'npm-cache');
    mkdirSync(empty);
    cpSync(join(repoRoot, EXAMPLE), checkout, { recursive: true });
    // Nothing of this repository may be found: not its node_modules, not its
    // yarn, not a cached earlier install.
    const env = {
      PATH: process.env.PATH,
      HOME: join(base, 'home'),
      CI: 'true',
      npm_config_registry: registry.url,
      npm_config_cache: cache,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    };
    mkdirSync(env.HOME);
    const spec = `${CLI}@${cliPackage.version}`;
    const npx = (cwd, ...cliArgs) =>
      run('npx', ['-y', spec, ...cliArgs], { cwd, env });

    const version = await npx(empty, '--version');
    check(
      version.code === 0 && version.stdout === `${cliPackage.version}\n`,
      `npx ${spec} --version prints ${cliPackage.version} (got exit ${
        version.code
      }, ${JSON.stringify(version.stdout)} ${version.stderr.slice(-2000)})`,
    );
    const help = await npx(empty, '--help');
    check(
      help.code === 0 &&
        help.stdout.includes('scan [options] <path>') &&
        help.stdout.includes('zero-trust [options] <path>'),
      `npx ${spec} --help lists scan and zero-trust (exit ${help.code})`,
    );

    const emptyScan = await npx(empty, 'scan', '.');
    check(
      emptyScan.code === 0 &&
        emptyScan.stdout.includes('nothing to judge: the directory is empty'),
      `scan . in an empty directory says there is nothing to judge (exit ${
        emptyScan.code
      }, ${emptyScan.stderr.slice(-500)})`,
    );
    const emptyZeroTrust = await npx(empty, 'zero-trust', '.');
    check(
      emptyZeroTrust.code === 0 &&
        emptyZeroTrust.stdout.includes('nothing to judge'),
      `zero-trust . in an empty directory says there is nothing to judge (exit ${emptyZeroTrust.code})`,
    );
    check(
      readdirSync(empty).length === 0,
      'npx left the empty directory empty',
    );

    const scan = await npx(checkout, 'scan', '.', '--format', 'json');
    let report;
    try {
      report = JSON.parse(scan.stdout);
    } catch {
      report = undefined;
    }
    check(
      scan.code === 0 &&
        report?.level >= 3 &&
        report.results?.length > 0 &&
        report.results.some(r => r.status === 'pass'),
      `scan . of ${EXAMPLE}: JSON report with level >= 3 (exit ${
        scan.code
      }, level ${report?.level}, ${scan.stderr.slice(-500)})`,
    );
    const text = await npx(checkout, 'scan', '.');
    check(
      text.code === 0 &&
        /: level \d \(.+\), score [\d.]+\/100/.test(text.stdout),
      `scan . prints the level and score as text (exit ${text.code})`,
    );
    const gate = await npx(checkout, 'scan', '.', '--min-level', '5');
    check(
      gate.code === 1 && gate.stderr.includes('below the required level 5'),
      `scan . --min-level 5 fails with exit 1 through npx (exit ${gate.code})`,
    );
    const zeroTrust = await npx(
      checkout,
      'zero-trust',
      '.',
      '--format',
      'json',
    );
    let posture;
    try {
      posture = JSON.parse(zeroTrust.stdout);
    } catch {
      posture = undefined;
    }
    check(
      zeroTrust.code === 0 &&
        /^[A-F]$/.test(posture?.grade ?? '') &&
        posture.results?.length >= 20,
      `zero-trust . of ${EXAMPLE}: graded JSON posture with every control (exit ${zeroTrust.code}, grade ${posture?.grade}, ${posture?.results?.length} controls)`,
    );
    const badUsage = await npx(checkout, 'scan', 'no-such-dir');
    check(
      badUsage.code === 2 &&
        badUsage.stderr.includes('the scan path no-such-dir does not exist'),
      `scan of a missing path exits 2 and names it (exit ${badUsage.code})`,
    );

    // The README's workflow, as written.
    const steps = readmeWorkflowSteps();
    const setupNode = steps.find(s =>
      String(s.uses ?? '').startsWith('actions/setup-node@'),
    );
    check(
      steps.some(s => String(s.uses ?? '').startsWith('actions/checkout@')) &&
        [22, 24].includes(Number(setupNode?.with?.['node-version'])),
      'README workflow checks out the repository and sets up Node 22 or 24',
    );
    const runSteps = steps.filter(s => s.run);
    check(
      runSteps.length >= 2 &&
        runSteps.every(s => s.run.includes(CLI)) &&
        runSteps.some(s => / scan \.( |$)/.test(s.run)) &&
        runSteps.some(s => / zero-trust \.( |$)/.test(s.run)),
      'README workflow runs both scan . and zero-trust . with npx',
    );
    for (const step of runSteps) {
      const result = await run('bash', ['-e', '-c', step.run], {
        cwd: checkout,
        env,
      });
      check(
        result.code === 0,
        `README workflow step passes on ${EXAMPLE}: ${step.run.trim()} (exit ${
          result.code
        }${result.code ? `, ${result.stderr.slice(-1000)}` : ''})`,
      );
    }

    // The tree npx installed.
    const npxRoot = join(cache, '_npx');
    const installs = existsSync(npxRoot)
      ? readdirSync(npxRoot)
          .map(d => join(npxRoot, d))
          .filter(d => existsSync(join(d, 'node_modules', CLI, 'package.json')))
      : [];
    check(installs.length > 0, `npx installed ${CLI} under ${npxRoot}`);
    for (const dir of installs) {
      const ls = await run('npm', ['ls', '--all', '--json'], { cwd: dir, env });
      let tree;
      try {
        tree = JSON.parse(ls.stdout);
      } catch {
        tree = undefined;
      }
      check(
        tree !== undefined,
        `npm ls --all --json in ${dir} (exit ${ls.code})`,
      );
      if (!tree) continue;
      const names = flattenTree(tree);
      const forbidden = [...names.keys()].flatMap(name =>
        FORBIDDEN.filter(([pattern]) => pattern.test(name)).map(
          ([, what]) => `${name} (${what})`,
        ),
      );
      check(
        forbidden.length === 0,
        `dependency tree of ${
          names.size
        } packages holds no backend plugin and no TypeScript tooling${
          forbidden.length ? `: ${forbidden.join(', ')}` : ''
        }`,
      );
      const installed = join(dir, 'node_modules', CLI);
      const shipped = readdirSync(installed);
      check(
        !shipped.includes('src') &&
          existsSync(join(installed, 'dist', 'index.cjs.js')),
        `${CLI} ships dist/ and no src/ (${shipped.join(', ')})`,
      );
      const ours = join(dir, 'node_modules', '@cloud-native-portal');
      const typescript = readdirSync(ours).flatMap(pkg =>
        listFiles(join(ours, pkg))
          .filter(
            f => /\.(ts|tsx|mts|cts)$/.test(f) && !/\.d\.[mc]?ts$/.test(f),
          )
          .map(f => `${pkg}/${f}`),
      );
      check(
        typescript.length === 0,
        `our installed packages hold no TypeScript sources${
          typescript.length ? `: ${typescript.slice(0, 5).join(', ')}` : ''
        }`,
      );
    }
  } finally {
    await registry.stop();
    if (keep) {
      console.log(`kept ${base}`);
    } else {
      rmSync(base, { recursive: true, force: true });
    }
  }

  if (failures.length) {
    console.log(`\n${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log('\nthe CLI works from the local registry with npx');
}

function listFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? entry.name === 'node_modules'
        ? []
        : listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

main().catch(e => {
  console.error(e.stack ?? e);
  process.exit(1);
});
