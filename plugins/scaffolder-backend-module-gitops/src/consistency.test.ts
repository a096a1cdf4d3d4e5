import { execFile } from 'child_process';
import { promises as fs, readdirSync, readFileSync, existsSync } from 'fs';
import os from 'os';
import { join, resolve } from 'path';
import { promisify } from 'util';
import { parse, parseAllDocuments } from 'yaml';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CATALOG_FACTS,
  DEFAULT_MATURITY_MODEL,
  MaturityModel,
  OWNERSHIP_FACTS,
  parseMaturityModel,
  Rule,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  CatalogSnapshot,
  collectEntityFacts,
  createRepoFactCollector,
  entityCollectors,
  evaluateFactSets,
  installedCollectorIds,
  openSourceTree,
  withSpecRelations,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  createZeroTrustFactCollector,
  zeroTrustFactName,
} from '@cloud-native-portal/plugin-zero-trust-node';
import { ZERO_TRUST_CONTROLS } from '@cloud-native-portal/plugin-zero-trust-common';
import {
  demoOrganization,
  startTemplateHarness,
  templateEntities,
  withLocation,
  withMembership,
} from './__testUtils__/templateHarness';
import { scanMaturity, scanZeroTrust } from './lib/scan';

/**
 * One truth per question: the portal's engine, `maturity scan`,
 * `maturity zero-trust` and the template harness give the same verdicts for
 * the same tree. Every tree under examples/repos and the first test case of
 * every template are scanned through each path, and the verdicts are
 * compared one by one.
 *
 * - The portal path runs the functions the maturity backend's engine runs
 *   for one entity (openSourceTree, entityCollectors, collectEntityFacts,
 *   evaluateFactSets) with the collectors the backend installs (repo, and
 *   zero trust from the zero-trust module), over a catalog of the demo
 *   organization.
 * - The CLI is spawned, once per tree and command, as CI would run it.
 * - The harness path is the GitOps module's scanMaturity and scanZeroTrust.
 *
 * The CLI has no catalog: for it, only checks that read repository and
 * zero-trust facts alone are compared. The harness is given the same
 * catalog as the portal, so every check is compared.
 */

jest.setTimeout(900_000);

const ROOT = resolve(__dirname, '../../..');
const EXAMPLES_DIR = join(ROOT, 'examples');
const REPOS_DIR = join(EXAMPLES_DIR, 'repos');
const TEMPLATES_DIR = join(ROOT, 'templates');
const CLI = join(ROOT, 'plugins/maturity-cli/bin/maturity');

type Verdicts = Record<string, string>;

const collectors = () => [
  createRepoFactCollector(),
  createZeroTrustFactCollector(),
];

function portalModel(): MaturityModel {
  // What the backend loads by default: the shipped model, checked against
  // the installed collectors' facts.
  return parseMaturityModel(DEFAULT_MATURITY_MODEL, [
    ...CATALOG_FACTS,
    ...OWNERSHIP_FACTS,
    ...collectors().flatMap(c => c.facts),
  ]);
}

function ruleFacts(rule: Rule | undefined, out: string[] = []): string[] {
  if (!rule) return out;
  const r = rule as Record<string, unknown>;
  if (Array.isArray(r.all)) (r.all as Rule[]).forEach(x => ruleFacts(x, out));
  else if (Array.isArray(r.any))
    (r.any as Rule[]).forEach(x => ruleFacts(x, out));
  else if (r.not) ruleFacts(r.not as Rule, out);
  else if (typeof r.fact === 'string') out.push(r.fact);
  else if (typeof r.count === 'string') out.push(r.count);
  return out;
}

const model = portalModel();
/** Checks that read only what a checkout holds: repository and zero-trust facts. */
const TREE_ONLY_CHECKS = new Set(
  model.checks
    .filter(c =>
      [...ruleFacts(c.rule), ...ruleFacts(c.applicableWhen)].every(
        f => f.startsWith('repo.') || f.startsWith('zeroTrust.'),
      ),
    )
    .map(c => c.id),
);
/** Each Security check and the zero-trust control whose verdict it takes. */
const SECURITY_CONTROL = new Map(
  model.checks
    .filter(c => c.dimension === 'security')
    .map(c => {
      const fact = ruleFacts(c.rule)[0];
      const control = ZERO_TRUST_CONTROLS.find(
        z => zeroTrustFactName(z.id) === fact,
      );
      return [c.id, control?.id ?? `(reads ${fact}, not a zero-trust verdict)`];
    }),
);

/** The portal's catalog: the demo organization, as the catalog serves it. */
function portalCatalog(extra: Entity[] = []): Entity[] {
  const org = ['org.yaml', 'entities.yaml'].flatMap(file =>
    withLocation(
      parseAllDocuments(readFileSync(join(EXAMPLES_DIR, file), 'utf8')).map(
        d => d.toJS() as Entity,
      ),
      join(EXAMPLES_DIR, file),
    ),
  );
  // The catalog derives these relations when it processes the entities.
  return withMembership([...org, ...extra]).map(e =>
    e.kind === 'Component' ? withSpecRelations(e) : e,
  );
}

async function portalVerdicts(
  entity: Entity,
  catalogEntities: Entity[],
  allowedLocalRoots: string[],
): Promise<{ checks: Verdicts; controls: Verdicts }> {
  const catalog = catalogServiceMock({ entities: catalogEntities });
  const snapshot = await CatalogSnapshot.forEntity(
    catalog,
    stringifyEntityRef(entity),
    mockCredentials.service(),
  );
  if (!snapshot) throw new Error(`${stringifyEntityRef(entity)} not found`);
  const installed = collectors();
  const opened = await openSourceTree(entity, { allowedLocalRoots });
  if ('error' in opened) throw new Error(opened.error);
  const factSets = await collectEntityFacts(
    { entity, sourceTree: opened.tree },
    entityCollectors(snapshot, installed),
  );
  const { results } = evaluateFactSets(
    model,
    factSets,
    installedCollectorIds(installed),
  );
  const zeroTrust = factSets.find(s => s.collector === 'zeroTrust')!;
  return {
    checks: Object.fromEntries(results.map(r => [r.checkId, r.status])),
    controls: Object.fromEntries(
      ZERO_TRUST_CONTROLS.map(c => [
        c.id,
        String(zeroTrust.facts[zeroTrustFactName(c.id)]),
      ]),
    ),
  };
}

async function cli(command: string, path: string): Promise<any> {
  const run = await promisify(execFile)(
    process.execPath,
    [CLI, command, path, '--format', 'json'],
    {
      env: { ...process.env, MATURITY_CLI_FROM_SOURCE: '1' },
      maxBuffer: 64 * 1024 * 1024,
    },
  ).catch(e => {
    // Exit code 1 means below a threshold; none is given here.
    throw new Error(`maturity ${command} ${path}: ${e.stderr ?? e}`);
  });
  return JSON.parse(run.stdout);
}

async function cliVerdicts(path: string) {
  const [scan, zeroTrust] = await Promise.all([
    cli('scan', path),
    cli('zero-trust', path),
  ]);
  return {
    checks: Object.fromEntries(
      (scan.results as Array<{ checkId: string; status: string }>).map(r => [
        r.checkId,
        r.status,
      ]),
    ) as Verdicts,
    controls: Object.fromEntries(
      (zeroTrust.results as Array<{ controlId: string; status: string }>).map(
        r => [r.controlId, r.status],
      ),
    ) as Verdicts,
  };
}

async function harnessVerdicts(path: string, catalogEntities?: Entity[]) {
  const [maturity, posture] = await Promise.all([
    scanMaturity(path, {
      catalog: catalogEntities && {
        service: catalogServiceMock({ entities: catalogEntities }),
        credentials: mockCredentials.user(),
      },
    }),
    scanZeroTrust(path),
  ]);
  return {
    checks: Object.fromEntries(
      maturity.results.map(r => [r.checkId, r.status]),
    ) as Verdicts,
    controls: Object.fromEntries(
      posture.results.map(r => [r.controlId, r.status]),
    ) as Verdicts,
  };
}

/**
 * Every verdict that differs between paths, as `tree: what: a=x, b=y`.
 * `allChecks` names the paths whose every check is compared to the portal;
 * the others are compared on the tree-only checks.
 */
function differences(
  tree: string,
  paths: Record<string, { checks: Verdicts; controls: Verdicts }>,
  allChecks: string[],
): string[] {
  const out: string[] = [];
  const portal = paths.portal;
  for (const [name, path] of Object.entries(paths)) {
    for (const control of ZERO_TRUST_CONTROLS) {
      if (path.controls[control.id] !== portal.controls[control.id]) {
        out.push(
          `${tree}: control ${control.id}: portal=${
            portal.controls[control.id]
          }, ${name}=${path.controls[control.id]}`,
        );
      }
    }
    for (const check of model.checks) {
      if (!allChecks.includes(name) && !TREE_ONLY_CHECKS.has(check.id)) {
        continue;
      }
      if (path.checks[check.id] !== portal.checks[check.id]) {
        out.push(
          `${tree}: check ${check.id}: portal=${
            portal.checks[check.id]
          }, ${name}=${path.checks[check.id]}`,
        );
      }
    }
    // The Security checks take the zero-trust verdicts, in every path.
    for (const [checkId, controlId] of SECURITY_CONTROL) {
      if (path.checks[checkId] !== path.controls[controlId]) {
        out.push(
          `${tree}: ${name}: check ${checkId}=${path.checks[checkId]} but control ${controlId}=${path.controls[controlId]}`,
        );
      }
    }
  }
  return out;
}

describe('one verdict per question, everywhere', () => {
  it('every Security check takes the verdict of a zero-trust control', () => {
    expect(
      [...SECURITY_CONTROL].filter(([, control]) => control.startsWith('(')),
    ).toEqual([]);
    expect(SECURITY_CONTROL.size).toBeGreaterThan(10);
  });

  it('the portal, maturity scan, maturity zero-trust and the template harness agree on every tree under examples/repos', async () => {
    const catalogEntities = portalCatalog();
    const diffs: string[] = [];
    const repos = readdirSync(REPOS_DIR).filter(name =>
      existsSync(join(REPOS_DIR, name)),
    );
    expect(repos.length).toBeGreaterThan(5);
    for (const name of repos) {
      const path = join(REPOS_DIR, name);
      const entity = catalogEntities.find(
        e =>
          e.kind === 'Component' &&
          e.metadata.annotations?.['backstage.io/source-location'] ===
            `dir:./repos/${name}/`,
      );
      if (!entity) throw new Error(`no catalog entity scans repos/${name}`);
      diffs.push(
        ...differences(
          `repos/${name}`,
          {
            portal: await portalVerdicts(entity, catalogEntities, [
              EXAMPLES_DIR,
            ]),
            cli: await cliVerdicts(path),
            // The tree has no catalog-info.yaml: the harness, like the CLI,
            // has no catalog for it.
            harness: await harnessVerdicts(path),
          },
          [],
        ),
      );
    }
    expect(diffs).toEqual([]);
  });

  it('the portal, maturity scan, maturity zero-trust and the template harness agree on the first case of every template', async () => {
    const org = demoOrganization();
    const harness = await startTemplateHarness({
      catalogEntities: [...org, ...templateEntities(TEMPLATES_DIR)],
    });
    const outRoot = await fs.mkdtemp(join(os.tmpdir(), 'consistency-'));
    const diffs: string[] = [];
    let rendered = 0;
    try {
      for (const dir of readdirSync(TEMPLATES_DIR)) {
        const casesFile = join(TEMPLATES_DIR, dir, 'test-cases.yaml');
        if (!existsSync(casesFile)) continue;
        const suite = parse(readFileSync(casesFile, 'utf8'));
        // Day-2 templates change an existing repository: no tree of their own.
        if (suite.mode === 'day-2' || !suite.cases?.length) continue;
        const testCase = suite.cases[0];
        const out = join(outRoot, dir);
        await harness.render(join(TEMPLATES_DIR, dir), testCase.values, out);
        rendered++;
        const own = parseAllDocuments(
          await fs.readFile(join(out, 'catalog-info.yaml'), 'utf8'),
        ).map(d => {
          const e = d.toJS() as Entity;
          // Registered from the generated repository, as the local
          // repositories provider does.
          // Scanned from the rendered directory, not from the repository
          // URL the template writes.
          e.metadata.annotations = {
            ...e.metadata.annotations,
            'backstage.io/managed-by-location': `file:${join(
              out,
              'catalog-info.yaml',
            )}`,
            'backstage.io/source-location': `dir:${out}/`,
          };
          return e;
        });
        const catalogEntities = portalCatalog(own);
        const component = catalogEntities.find(
          e =>
            e.kind === 'Component' &&
            own.some(o => o.metadata.name === e.metadata.name),
        )!;
        diffs.push(
          ...differences(
            `templates/${dir}`,
            {
              portal: await portalVerdicts(component, catalogEntities, [
                outRoot,
              ]),
              cli: await cliVerdicts(out),
              harness: await harnessVerdicts(out, catalogEntities),
            },
            ['harness'],
          ),
        );
      }
    } finally {
      await harness.stop();
      await fs.rm(outRoot, { recursive: true, force: true });
    }
    expect(rendered).toBeGreaterThan(0);
    expect(diffs).toEqual([]);
  });
});
