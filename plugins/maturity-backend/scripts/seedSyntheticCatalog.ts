/*
 * Seeds a portal data directory with the benchmark's synthetic catalog, for
 * `yarn bench:scorecards-ui` (scripts/bench-scorecards-ui.mjs):
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs \
 *     plugins/maturity-backend/scripts/seedSyntheticCatalog.ts <dataDir>
 *
 * Writes <dataDir>/maturity.sqlite (the maturity plugin's SQLite database
 * when the backend runs with backend.database.connection.directory=<dataDir>)
 * holding the facts, results, scores, dimension levels, snapshot and group
 * closure of the 10,000 components, evaluated by the engine against the
 * default model; and <dataDir>/synthetic-groups.yaml, the 224 groups as
 * catalog entities, so the catalog knows the hierarchy the page indents by.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createRepoFactCollector } from '@cloud-native-portal/plugin-maturity-node';
import knexFactory from 'knex';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseMaturityStore } from '../src/database/DatabaseMaturityStore';
import { loadMaturityModel } from '../src/engine/loadModel';
import { MaturityEngine } from '../src/engine/MaturityEngine';
import { createSyntheticCatalog, SyntheticGroup } from './syntheticCatalog';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 10_000);

function groupYaml(groups: SyntheticGroup[]): string {
  const name = (ref: string) => ref.slice(ref.indexOf('/') + 1);
  const title = (ref: string) => {
    const [kind, ...rest] = name(ref).split('-');
    const label = { area: 'Area', dept: 'Department', team: 'Team' }[kind];
    return `${label} ${rest.join('.')}`;
  };
  return groups
    .map(g => {
      const type = name(g.ref).split('-')[0];
      return [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Group',
        'metadata:',
        `  name: ${name(g.ref)}`,
        'spec:',
        `  type: ${type === 'dept' ? 'department' : type}`,
        '  profile:',
        `    displayName: ${title(g.ref)}`,
        ...(g.parent ? [`  parent: ${name(g.parent)}`] : []),
        '  children: []',
      ].join('\n');
    })
    .join('\n---\n');
}

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: seedSyntheticCatalog.ts <dataDir>');
  const dataDir = resolve(dir);
  const file = join(dataDir, 'maturity.sqlite');
  if (existsSync(file)) {
    throw new Error(`${file} exists; seed a fresh data directory`);
  }
  mkdirSync(dataDir, { recursive: true });

  const started = performance.now();
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  try {
    const collectors = [createRepoFactCollector()];
    const model = loadMaturityModel(
      mockServices.rootConfig({ data: {} }),
      collectors,
    );
    // The plugin's own migrations, so the backend finds them applied.
    const store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const synthetic = createSyntheticCatalog(ENTITIES);
    await store.replaceGroupClosure(synthetic.closure);
    await store.saveFacts(synthetic.facts);
    const engine = new MaturityEngine({
      store,
      model,
      collectors,
      catalog: catalogServiceMock({ entities: [] }),
      auth: mockServices.auth(),
      logger: mockServices.rootLogger({ level: 'error' }),
      allowedLocalRoots: [],
      entityKinds: ['Component'],
      retentionDays: 400,
    });
    await engine.evaluateStored(synthetic.infos, { snapshot: true });
    writeFileSync(
      join(dataDir, 'synthetic-groups.yaml'),
      `${groupYaml(synthetic.groups)}\n`,
    );
    console.log(
      `seeded ${synthetic.infos.length} entities, ${
        synthetic.groups.length
      } groups, ${model.checks.length} checks into ${dataDir} in ${(
        (performance.now() - started) /
        1000
      ).toFixed(1)} s`,
    );
  } finally {
    await knex.destroy();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
