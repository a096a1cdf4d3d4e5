import {
  FactLookup,
  FactSet,
  unknownReasons,
} from '@cloud-native-portal/plugin-maturity-common';

// Fact name -> namespace. A model reads a few hundred fact names, looked up
// for every entity of a cycle; splitting each name anew allocated an array
// per lookup.
const namespaces = new Map<string, string>();
const NAMESPACE_CACHE_LIMIT = 10_000;

function namespaceOf(name: string): string {
  let namespace = namespaces.get(name);
  if (namespace === undefined) {
    const dot = name.indexOf('.');
    namespace = dot < 0 ? name : name.slice(0, dot);
    if (namespaces.size < NAMESPACE_CACHE_LIMIT) {
      namespaces.set(name, namespace);
    }
  }
  return namespace;
}

/**
 * Builds the rule evaluator's lookup over an entity's stored fact sets.
 * A fact is unknown when its collector could not read its source, when the
 * collector marked it unknown, when it was never collected, or when no
 * installed collector owns its namespace.
 */
export function createFactLookup(
  factSets: FactSet[],
  installedCollectors: Set<string>,
): FactLookup {
  const byCollector = new Map(factSets.map(set => [set.collector, set]));
  return name => {
    const namespace = namespaceOf(name);
    const set = byCollector.get(namespace);
    if (!set) {
      return {
        state: 'unknown',
        reason: installedCollectors.has(namespace)
          ? `no ${namespace} facts collected yet`
          : unknownReasons.collectorNotInstalled(namespace),
      };
    }
    if (set.status === 'unknown') {
      return {
        state: 'unknown',
        reason: set.reason ?? `${namespace} facts unavailable`,
      };
    }
    const unknownReason = set.unknown?.[name];
    if (unknownReason) return { state: 'unknown', reason: unknownReason };
    if (!(name in set.facts)) {
      return { state: 'unknown', reason: `${name} was not collected` };
    }
    return {
      state: 'value',
      value: set.facts[name],
      evidence: set.evidence?.[name],
    };
  };
}
