/*
 * The synthetic catalog of `yarn bench:maturity` as catalog entities, for the
 * end-to-end benchmark (endToEnd.ts), which feeds them to a real catalog
 * through an entity provider: the 224 groups of syntheticCatalog.ts, 300
 * systems, 12 domains and the components. Seeded, so every run generates the
 * same catalog.
 */
import { Entity } from '@backstage/catalog-model';
import { makeGroups } from './syntheticCatalog';

/** Where the provider says its entities come from. */
export const SYNTHETIC_LOCATION = 'url:https://bench.invalid/synthetic-catalog';
/** The annotation that says which variant of the groups the catalog holds. */
export const VARIANT_ANNOTATION = 'bench.cloud-native-portal/variant';

function makeRandom(initialSeed: number) {
  let seed = initialSeed;
  return () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
}

const name = (ref: string) => ref.slice(ref.indexOf('/') + 1);

export interface SyntheticEntitiesOptions {
  components: number;
  /**
   * Odd variants give every team an on-call annotation, even ones none: the
   * ownership facts of every component (all are owned by teams) change from
   * one variant to the next,
   * while the catalog reprocesses only the 224 groups.
   */
  variant: number;
  /** `dir:` source location of `service-0`, the entity refreshed on demand. */
  treeDir?: string;
}

/** Groups, domains, systems and components, in that order. */
export function createSyntheticEntities(
  options: SyntheticEntitiesOptions,
): Entity[] {
  const random = makeRandom(42);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const annotations = (extra: Record<string, string> = {}) => ({
    'backstage.io/managed-by-location': SYNTHETIC_LOCATION,
    'backstage.io/managed-by-origin-location': SYNTHETIC_LOCATION,
    ...extra,
  });
  const groups = makeGroups();
  const teams = groups.filter(g => g.ref.includes('team-'));
  const entities: Entity[] = groups.map(g => {
    const type = name(g.ref).split('-')[0];
    const isTeam = type === 'team';
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: name(g.ref),
        annotations: annotations({
          [VARIANT_ANNOTATION]: String(options.variant),
          ...(isTeam && options.variant % 2 === 1
            ? { 'opsgenie.com/team': name(g.ref) }
            : {}),
        }),
      },
      spec: {
        type: type === 'dept' ? 'department' : type,
        ...(g.parent ? { parent: name(g.parent) } : {}),
        children: [],
      },
    };
  });
  for (let d = 0; d < 12; d++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: `domain-${d}`, annotations: annotations() },
      spec: { owner: `group:default/area-${d % 4}` },
    });
  }
  for (let s = 0; s < 300; s++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: `system-${s}`, annotations: annotations() },
      spec: {
        owner: teams[s % teams.length].ref,
        domain: `domain-${s % 12}`,
      },
    });
  }
  for (let i = 0; i < options.components; i++) {
    // 0 = legacy, 1 = exemplary: how many of the good practices it shows.
    const maturity = random();
    const good = (p = 0) => chance(Math.min(0.97, maturity + p));
    const extra: Record<string, string> = {};
    if (good()) extra['pagerduty.com/service-id'] = `P${i}`;
    if (good()) extra['cloud-native-portal/runbook'] = `https://runbooks/${i}`;
    if (good(0.2)) extra['cloud-native-portal/tier'] = String(pick([1, 2, 3]));
    if (i === 0 && options.treeDir) {
      extra['backstage.io/source-location'] = `dir:${options.treeDir}/`;
    }
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `service-${i}`,
        annotations: annotations(extra),
        tags: [pick(['java', 'typescript', 'go', 'python'])],
      },
      spec: {
        type: pick(['service', 'service', 'service', 'function', 'monolith']),
        lifecycle: good(0.3) ? 'production' : 'experimental',
        owner: pick(teams).ref,
        system: `system-${i % 300}`,
        ...(good() ? { providesApis: [] } : {}),
      },
    });
  }
  return entities;
}
