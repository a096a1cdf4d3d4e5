/*
 * The synthetic catalog of the maturity benchmarks: components spread from
 * "legacy" to "exemplary", owned by teams in a three-level group hierarchy,
 * with facts for the catalog, ownership and repo collectors. Seeded, so every
 * run generates the same catalog. Used by `yarn bench:maturity`
 * (benchmark.ts) and `yarn bench:scorecards-ui` (seedSyntheticCatalog.ts).
 */
import {
  CATALOG_FACTS,
  FactSet,
  FactValue,
  OWNERSHIP_FACTS,
  REPO_FACTS,
} from '@cloud-native-portal/plugin-maturity-common';
import { ScoredEntityInfo } from '../src/database/MaturityStore';

export interface SyntheticGroup {
  ref: string;
  parent?: string;
}

export interface SyntheticCatalog {
  /** 4 areas > 5 departments > 10 teams: 224 groups. */
  groups: SyntheticGroup[];
  /** The group closure (every ancestor of every group, itself at depth 0). */
  closure: Array<{ ancestor: string; descendant: string; depth: number }>;
  /** The scored components, owned by teams. */
  infos: ScoredEntityInfo[];
  /** Stored facts per component, as collection would have written them. */
  facts: Array<{ entityRef: string; factSets: FactSet[] }>;
}

/** Groups in three levels: 4 areas > 20 departments > 200 teams (224 groups). */
export function makeGroups(): SyntheticGroup[] {
  const groups: SyntheticGroup[] = [];
  for (let a = 0; a < 4; a++) {
    const area = `group:default/area-${a}`;
    groups.push({ ref: area });
    for (let d = 0; d < 5; d++) {
      const dept = `group:default/dept-${a}-${d}`;
      groups.push({ ref: dept, parent: area });
      for (let t = 0; t < 10; t++) {
        groups.push({ ref: `group:default/team-${a}-${d}-${t}`, parent: dept });
      }
    }
  }
  return groups;
}

export function groupClosure(groups: SyntheticGroup[]) {
  const closure: SyntheticCatalog['closure'] = [];
  const parentOf = new Map(groups.map(g => [g.ref, g.parent]));
  for (const g of groups) {
    let depth = 0;
    let current: string | undefined = g.ref;
    while (current) {
      closure.push({ ancestor: current, descendant: g.ref, depth });
      current = parentOf.get(current);
      depth++;
    }
  }
  return closure;
}

/** A small seeded PRNG (LCG), so runs are comparable. */
function makeRandom(initialSeed: number) {
  let seed = initialSeed;
  const random = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  const chance = (p: number) => random() < p;
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  return { random, chance, pick };
}
type Random = ReturnType<typeof makeRandom>;

/** Facts for one entity: maturity varies from traditional to automated. */
function makeFacts(
  { random, chance, pick }: Random,
  index: number,
  owner: string,
): FactSet[] {
  const maturity = random(); // 0 = legacy, 1 = exemplary
  const good = (p = 0) => chance(Math.min(0.97, maturity + p));
  const at = new Date().toISOString();
  const facts: Record<string, FactValue> = {};
  for (const decl of [...CATALOG_FACTS, ...OWNERSHIP_FACTS, ...REPO_FACTS]) {
    switch (decl.type) {
      case 'boolean':
        facts[decl.name] = good(0.1);
        break;
      case 'number':
        facts[decl.name] = good() ? Math.floor(random() * 4) + 1 : 0;
        break;
      case 'string':
        facts[decl.name] = null;
        break;
      default:
        facts[decl.name] = good() ? ['Deployment', 'Service'] : [];
    }
  }
  facts['catalog.kind'] = 'component';
  facts['catalog.type'] = pick([
    'service',
    'service',
    'service',
    'function',
    'monolith',
  ]);
  facts['catalog.lifecycle'] = good(0.3) ? 'production' : null;
  facts['catalog.tier'] = pick([1, 2, 3]);
  facts['ownership.ownerRef'] = owner;
  facts['ownership.ownerMissing'] = !good(0.5);
  facts['repo.workloads.minReplicas'] = good() ? 3 : 1;
  facts['repo.manifests.invalidYamlCount'] = 0;
  const split = (prefix: string, version: number): FactSet => ({
    collector: prefix,
    version,
    collectedAt: at,
    status: 'ok',
    facts: Object.fromEntries(
      Object.entries(facts).filter(([k]) => k.startsWith(`${prefix}.`)),
    ),
    evidence: {
      [`${prefix}.example`]: [
        { path: `deploy/service-${index}.yaml`, line: 12 },
      ],
    },
  });
  return [split('catalog', 1), split('ownership', 1), split('repo', 1)];
}

/**
 * Generates the synthetic catalog: `entities` components over 300 systems and
 * 12 domains, owned by the 200 teams. The same seed gives the same catalog.
 */
export function createSyntheticCatalog(
  entities: number,
  seed = 42,
): SyntheticCatalog {
  const rnd = makeRandom(seed);
  const groups = makeGroups();
  const teams = groups.filter(g => g.ref.includes('team-'));
  const infos: ScoredEntityInfo[] = [];
  const facts: SyntheticCatalog['facts'] = [];
  for (let i = 0; i < entities; i++) {
    const owner = rnd.pick(teams).ref;
    const info: ScoredEntityInfo = {
      entityRef: `component:default/service-${i}`,
      kind: 'component',
      ownerRef: owner,
      systemRef: `system:default/system-${i % 300}`,
      domainRef: `domain:default/domain-${i % 12}`,
      lifecycle: rnd.pick(['production', 'production', 'experimental']),
      type: 'service',
      tags: [rnd.pick(['java', 'typescript', 'go', 'python'])],
    };
    infos.push(info);
    facts.push({
      entityRef: info.entityRef,
      factSets: makeFacts(rnd, i, owner),
    });
  }
  return { groups, closure: groupClosure(groups), infos, facts };
}
