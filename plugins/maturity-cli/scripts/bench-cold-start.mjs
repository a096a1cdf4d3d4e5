#!/usr/bin/env node
// Cold start of the maturity CLI as an adopter runs it: the compiled package
// installed with npm, outside this repository.
//
//   yarn bench:cli [--runs 15] [--installed DIR] [--keep] [--before CLI_DIR]
//
// It packs the CLI and the workspace libraries it depends on (they must be
// built: `yarn tsc` and `backstage-cli package build` in each, or
// `yarn build:all`), installs the tarballs with npm into a temporary
// directory (--keep keeps it; --installed DIR reuses it), then times,
// round-robin in the same run:
//   - `node -e 0`, the bare start of Node, the reference for the ratios;
//   - `maturity --version`;
//   - `maturity scan` and `maturity zero-trust` of a copy of
//     examples/repos/course-catalog-service;
// each with Node's compile cache warm (the second and later runs on a machine)
// and disabled (the first run), and, for comparison, the same commands from
// the repository's TypeScript sources (what the CLI ran before it was
// published compiled). It prints medians of wall time and of CPU time, and
// the load average, which says how busy the machine was.
//
// --before CLI_DIR also times `--help` and `scan` of another copy of the
// CLI's package folder, such as an older commit's plugins/maturity-cli
// (`git archive <commit> plugins/maturity-cli | tar x -C DIR`, with a
// node_modules link to this repository's), in the same rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(cliDir, '../..');
const args = process.argv.slice(2);
const argValue = flag => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(argValue('--runs') ?? 15);
const CLI = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8'));

/** The CLI and the workspace packages it depends on. */
function workspaceClosure() {
  const byName = new Map();
  for (const dir of ['plugins', 'packages']) {
    const base = join(repoRoot, dir);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base)) {
      const file = join(base, entry, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      byName.set(pkg.name, { dir: dirname(file), pkg });
    }
  }
  const out = [];
  const visit = name => {
    if (out.some(p => p.name === name)) return;
    const { dir, pkg } = byName.get(name);
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (String(range).startsWith('workspace:')) visit(dep);
    }
    out.push({ name, dir });
  };
  visit(CLI.name);
  return out;
}

function install() {
  const dir = mkdtempSync(join(tmpdir(), 'maturity-cli-bench-'));
  const tarballs = [];
  for (const { name, dir: pkgDir } of workspaceClosure()) {
    if (!existsSync(join(pkgDir, 'dist'))) {
      throw new Error(`${name} is not built: run yarn build:all first`);
    }
    const tarball = join(dir, `${name.replace(/[@/]/g, '_')}.tgz`);
    execFileSync('yarn', ['pack', '--out', tarball], {
      cwd: pkgDir,
      stdio: 'ignore',
    });
    tarballs.push(tarball);
  }
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs],
    { cwd: dir, stdio: 'inherit' },
  );
  return dir;
}

/** CPU time (user + system) of this process's waited-for children, in ms. */
function childrenCpuMs() {
  try {
    // /proc/self/stat: fields 16 and 17 are cutime and cstime, in clock ticks.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    return (ticks * 1000) / 100;
  } catch {
    return NaN;
  }
}

function time(cmd, cmdArgs, env) {
  const cpu0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  const out = spawnSync(cmd, cmdArgs, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (out.status !== 0) {
    throw new Error(
      `${cmd} ${cmdArgs.join(' ')} exited with ${out.status}: ${out.stderr}`,
    );
  }
  return { wall, cpu: childrenCpuMs() - cpu0 };
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function main() {
  const installed = argValue('--installed')
    ? resolve(argValue('--installed'))
    : install();
  const bin = join(installed, 'node_modules', CLI.name, 'bin', 'maturity');
  if (!existsSync(bin)) throw new Error(`no installed CLI at ${bin}`);
  if (existsSync(join(installed, 'node_modules', CLI.name, 'src'))) {
    throw new Error(`${bin} has src/: it would not run the compiled code`);
  }
  const work = mkdtempSync(join(tmpdir(), 'maturity-cli-bench-run-'));
  const repo = join(work, 'course-catalog-service');
  cpSync(join(repoRoot, 'examples/repos/course-catalog-service'), repo, {
    recursive: true,
  });
  const cache = join(work, 'compile-cache');
  mkdirSync(cache);
  const warm = { NODE_COMPILE_CACHE: cache };
  const cold = { NODE_DISABLE_COMPILE_CACHE: '1' };
  const sourceBin = join(cliDir, 'bin', 'maturity');

  const cases = [
    ['node -e 0', 'node', ['-e', '0'], {}],
    ['--version, compiled', 'node', [bin, '--version'], warm],
    ['--version, compiled, no compile cache', 'node', [bin, '--version'], cold],
    ['scan, compiled', 'node', [bin, 'scan', repo], warm],
    ['scan, compiled, no compile cache', 'node', [bin, 'scan', repo], cold],
    ['zero-trust, compiled', 'node', [bin, 'zero-trust', repo], warm],
    ['--version, TypeScript sources', 'node', [sourceBin, '--version'], {}],
    ['scan, TypeScript sources', 'node', [sourceBin, 'scan', repo], {}],
  ];
  const before = argValue('--before');
  if (before) {
    const beforeBin = join(resolve(before), 'bin', 'maturity');
    cases.push(
      ['--help, before', 'node', [beforeBin, '--help'], {}],
      ['scan, before', 'node', [beforeBin, 'scan', repo], {}],
    );
  }
  // One unmeasured run of each fills the compile cache and the file cache.
  for (const [, cmd, cmdArgs, env] of cases) time(cmd, cmdArgs, env);

  const samples = new Map(cases.map(([name]) => [name, []]));
  const load0 = loadavg();
  for (let i = 0; i < runs; i++) {
    for (const [name, cmd, cmdArgs, env] of cases) {
      samples.get(name).push(time(cmd, cmdArgs, env));
    }
  }
  const load1 = loadavg();

  const bare = median(samples.get('node -e 0').map(s => s.wall));
  const bareCpu = median(samples.get('node -e 0').map(s => s.cpu));
  console.log(
    `maturity-cli ${
      CLI.version
    } cold start, ${runs} runs each, round-robin; node ${process.version}, ${
      cpus().length
    } cores`,
  );
  console.log(
    `load average (1, 5, 15 min): before ${load0
      .map(l => l.toFixed(2))
      .join(', ')}; after ${load1.map(l => l.toFixed(2)).join(', ')}`,
  );
  console.log('');
  console.log(
    '| command | median wall | × node -e 0 | median CPU (user+sys) | × node -e 0 |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name] of cases) {
    const wall = median(samples.get(name).map(s => s.wall));
    const cpu = median(samples.get(name).map(s => s.cpu));
    console.log(
      `| ${name} | ${(wall / 1000).toFixed(3)} s | ${(wall / bare).toFixed(
        1,
      )} | ${(cpu / 1000).toFixed(2)} s | ${
        bareCpu > 0 ? (cpu / bareCpu).toFixed(1) : '-'
      } |`,
    );
  }
  console.log('');
  rmSync(work, { recursive: true, force: true });
  if (args.includes('--keep') || argValue('--installed')) {
    console.log(`installed CLI: ${installed} (reuse it with --installed)`);
  } else {
    rmSync(installed, { recursive: true, force: true });
  }
}

main();
