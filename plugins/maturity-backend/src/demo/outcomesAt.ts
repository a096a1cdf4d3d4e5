import { Entity } from '@backstage/catalog-model';
import { FactCollector } from '@cloud-native-portal/plugin-maturity-node';
import { MetricsAt } from './recordedHistory';

/**
 * Asks outcome collectors (delivery, incidents) for an entity's tracked
 * facts as they stood at a past date: the collectors' window ends at that
 * date, so only the deployments and incidents known then count. Calls must
 * not overlap (the recorded history asks one point at a time), since the
 * collectors share the clock set for the call.
 */
export function outcomesAt(options: {
  /** Creates the collectors with the clock they are to read. */
  collectors: (now: () => number) => FactCollector[];
  /** The entity of a ref, from the catalog; undefined when gone. */
  entity: (entityRef: string) => Promise<Entity | undefined>;
  /** The facts the history keeps (maturity.trackedFacts). */
  tracked: string[];
}): MetricsAt {
  let clock = Date.now();
  const collectors = options.collectors(() => clock);
  const tracked = new Set(options.tracked);
  return async (entityRef, at) => {
    const entity = await options.entity(entityRef);
    const out: Record<string, number> = {};
    if (!entity) return out;
    clock = at.getTime();
    for (const collector of collectors) {
      if (!collector.facts.some(f => tracked.has(f.name))) continue;
      const set = await collector.collect({ entity });
      if (set.status !== 'ok') continue;
      for (const [name, value] of Object.entries(set.facts)) {
        if (
          tracked.has(name) &&
          typeof value === 'number' &&
          Number.isFinite(value)
        ) {
          out[name] = value;
        }
      }
    }
    return out;
  };
}
