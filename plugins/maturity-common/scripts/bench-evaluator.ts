/*
 * Micro-benchmark of the shared evaluator (evaluateChecks and
 * computeEntityScore), the part of a maturity cycle that both the engine and
 * the bare loop of `yarn bench:maturity` spend their evaluation time in.
 * Prints figures; asserts nothing. Run from the repository root:
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs \
 *     plugins/maturity-common/scripts/bench-evaluator.ts
 *
 * Facts: the benchmark's synthetic catalog (10,000 components by default),
 * catalog and ownership facts computed by the portal's own collectors over
 * the synthetic catalog entities, repo facts from the synthetic fact sets.
 * Every figure is CPU time (process.cpuUsage) with its ratio to a bare loop
 * measured in the same run: a loop that reads each fact value and its
 * evidence once.
 *
 * Environment:
 *   BENCH_ENTITIES  components (default 10000)
 *   BENCH_RUNS      runs per median (default 5)
 *   BENCH_MODELS    default,nine (default both)
 *   BENCH_PROFILE   default or nine: evaluate only that model, through
 *                   the engine's path, for BENCH_PROFILE_SECONDS (default
 *                   10) of CPU time under the V8 profiler, and write the
 *                   profile of those cycles alone (not of building the
 *                   facts) to BENCH_PROFILE_FILE (default
 *                   evaluator.cpuprofile), for Chrome DevTools or speedscope
 */
// A benchmark script, never shipped: it reuses the engine's collectors and
// the maturity benchmark's synthetic catalog. Declaring those packages as
// dependencies of this one would make the workspace's dependencies circular.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { Entity } from '@backstage/catalog-model';
// eslint-disable-next-line @backstage/no-undeclared-imports
import {
  CatalogSnapshot,
  collectEntityFacts,
  createFactLookup,
  entityCollectors,
  evaluateFactSets,
  installedCollectorIds,
  withSpecRelations,
} from '@cloud-native-portal/plugin-maturity-node';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { createSyntheticCatalog } from '../../maturity-backend/scripts/syntheticCatalog';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { createSyntheticEntities } from '../../maturity-backend/scripts/syntheticEntities';
import {
  CATALOG_FACTS,
  computeEntityScore,
  DEFAULT_MATURITY_MODEL,
  evaluateChecks,
  FactSet,
  MaturityModel,
  OWNERSHIP_FACTS,
  parseMaturityModel,
  REPO_FACTS,
} from '../src';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MODELS = (process.env.BENCH_MODELS ?? 'default,nine').split(',');

function loadModels(): Record<string, MaturityModel> {
  const nine = parseMaturityModel(
    parseYaml(
      readFileSync(
        resolve(
          __dirname,
          '../../maturity-backend/scripts/nine-check-model.yaml',
        ),
        'utf8',
      ),
    ),
    [...CATALOG_FACTS, ...OWNERSHIP_FACTS, ...REPO_FACTS],
  );
  return { default: DEFAULT_MATURITY_MODEL, nine };
}

/** Every component's fact sets: catalog and ownership collected, repo synthetic. */
async function buildFactSets(): Promise<FactSet[][]> {
  const entities: Entity[] = createSyntheticEntities({
    components: ENTITIES,
    variant: 1,
  }).map(withSpecRelations);
  const snapshot = new CatalogSnapshot(entities);
  const collectors = entityCollectors(snapshot, [], {});
  const synthetic = createSyntheticCatalog(ENTITIES);
  const out: FactSet[][] = [];
  let i = 0;
  for (const entity of entities) {
    if (entity.kind !== 'Component') continue;
    const sets = await collectEntityFacts({ entity }, collectors, {});
    const repo = synthetic.facts[i++].factSets.find(
      s => s.collector === 'repo',
    );
    out.push(repo ? [...sets, repo] : sets);
  }
  return out;
}

const print = (line: string) => process.stdout.write(`${line}\n`);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The floor: read every fact value and its evidence once. */
function bareLoop(all: FactSet[][]): number {
  let sink = 0;
  for (const sets of all) {
    for (const set of sets) {
      const facts = set.facts;
      for (const name of Object.keys(facts)) {
        const value = facts[name];
        if (value === true) sink++;
        const evidence = set.evidence?.[name];
        if (evidence) sink += evidence.length;
      }
    }
  }
  return sink;
}

/** The engine's path: fact lookup over the sets, checks, score. */
function engineLoop(
  model: MaturityModel,
  all: FactSet[][],
  installed: Set<string>,
): number {
  let sink = 0;
  const none = new Set<string>();
  for (const sets of all) {
    const { score } = evaluateFactSets(model, sets, installed, none);
    sink += score.score;
  }
  return sink;
}

/** The shared evaluator alone: evaluateChecks and computeEntityScore. */
function evaluatorLoop(
  model: MaturityModel,
  all: FactSet[][],
  installed: Set<string>,
): number {
  let sink = 0;
  for (const sets of all) {
    const results = evaluateChecks(model, createFactLookup(sets, installed));
    sink += computeEntityScore(model, results).score;
  }
  return sink;
}

async function main() {
  const models = loadModels();
  const all = await buildFactSets();
  const installed = installedCollectorIds([
    { id: 'repo' } as Parameters<typeof installedCollectorIds>[0][number],
  ]);

  const profile = process.env.BENCH_PROFILE;
  if (profile) {
    const model = models[profile];
    const file = process.env.BENCH_PROFILE_FILE ?? 'evaluator.cpuprofile';
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const start = cpuMs();
    const until =
      start + 1000 * Number(process.env.BENCH_PROFILE_SECONDS ?? 10);
    let cycles = 0;
    while (cpuMs() < until) {
      engineLoop(model, all, installed);
      cycles++;
    }
    const elapsed = cpuMs() - start;
    const { profile: cpuProfile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(file, JSON.stringify(cpuProfile));
    print(
      `${cycles} cycles of the ${profile} model, ${(elapsed / cycles).toFixed(
        1,
      )} ms CPU each under the profiler; profile in ${file}`,
    );
    return;
  }

  print(
    `${all.length} entities, ${RUNS} runs per median, load average ${loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  // Warm up every path once, so the first run is not paying for compilation.
  bareLoop(all);
  for (const name of MODELS) {
    engineLoop(models[name], all, installed);
    evaluatorLoop(models[name], all, installed);
  }

  const times: Record<string, number[]> = { bare: [] };
  for (let run = 0; run < RUNS; run++) {
    // Interleaved, so that load changes hit every figure alike.
    let t = cpuMs();
    bareLoop(all);
    times.bare.push(cpuMs() - t);
    for (const name of MODELS) {
      const model = models[name];
      t = cpuMs();
      evaluatorLoop(model, all, installed);
      (times[`${name}/evaluator`] ??= []).push(cpuMs() - t);
      t = cpuMs();
      engineLoop(model, all, installed);
      (times[`${name}/engine`] ??= []).push(cpuMs() - t);
    }
  }
  const bare = median(times.bare);
  print(`bare loop (read each fact once): ${bare.toFixed(1)} ms CPU`);
  for (const name of MODELS) {
    const model = models[name];
    // The engine's path skips the checks of optional collectors that are
    // not installed (here toil and zero trust): count what it evaluates.
    const evaluated = evaluateFactSets(model, all[0], installed).results.filter(
      r => !/which is not installed$/.test(r.reason ?? ''),
    ).length;
    for (const what of ['evaluator', 'engine']) {
      const m = median(times[`${name}/${what}`]);
      const label =
        what === 'evaluator'
          ? `evaluateChecks + computeEntityScore, all ${model.checks.length} checks`
          : `evaluateFactSets (the engine's path), ${evaluated} checks evaluated`;
      print(
        `${name} model, ${label}: ${m.toFixed(1)} ms CPU, ${(m / bare).toFixed(
          1,
        )}x bare loop`,
      );
    }
  }
  print(`load average after: ${loadavg()[0].toFixed(2)}`);
}

main().catch(e => {
  process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
  process.exitCode = 1;
});
