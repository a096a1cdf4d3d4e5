import { Entity } from '@backstage/catalog-model';
import {
  CheckResult,
  EntityScore,
  FactSet,
  MaturityModel,
} from '@cloud-native-portal/plugin-maturity-common';
import { FactCollector, FactCollectorContext } from '../collectors';
import { RepositoryTree } from '../repository';
import { CatalogSnapshot } from './CatalogSnapshot';
import {
  createCatalogFactCollector,
  createOwnershipFactCollector,
} from './catalogCollectors';
import { createTemplateFactCollector } from './templateCollector';
import { evaluateEntity } from './evaluate';
import { createFactLookup } from './factLookup';

/**
 * The collectors every evaluation in the portal counts as installed: catalog,
 * ownership and template.
 */
export const BUILTIN_COLLECTOR_IDS = [
  'catalog',
  'ownership',
  'template',
] as const;

/**
 * The collectors the portal runs for one entity: catalog, ownership and
 * template over the catalog snapshot, then the installed modules' collectors.
 */
export function entityCollectors(
  snapshot: CatalogSnapshot,
  collectors: FactCollector[],
  options: { placeholderOwners?: string[] } = {},
): FactCollector[] {
  return [
    createCatalogFactCollector(snapshot),
    createOwnershipFactCollector(snapshot, {
      placeholderOwners: options.placeholderOwners,
    }),
    createTemplateFactCollector(snapshot),
    ...collectors,
  ];
}

/**
 * Runs collectors for one entity, in order, over one opened source tree.
 * A collector that throws costs only its own facts: its set is reported
 * `unknown` with the error as the reason. The portal's engine, the CLI and
 * the template harness all collect through this function.
 */
export async function collectEntityFacts(
  context: FactCollectorContext,
  collectors: FactCollector[],
  options: {
    onCollectorError?: (collector: FactCollector, error: unknown) => void;
  } = {},
): Promise<FactSet[]> {
  const sets: FactSet[] = [];
  for (const collector of collectors) {
    try {
      sets.push(await collector.collect(context));
    } catch (e) {
      options.onCollectorError?.(collector, e);
      sets.push({
        collector: collector.id,
        version: collector.version,
        collectedAt: new Date().toISOString(),
        status: 'unknown',
        reason: `collector failed: ${(e as Error)?.message ?? e}`,
        facts: {},
      });
    }
  }
  return sets;
}

/** The ids of the installed collectors: the built-in ones plus the given ones. */
export function installedCollectorIds(
  collectors: FactCollector[],
): Set<string> {
  return new Set<string>([
    ...BUILTIN_COLLECTOR_IDS,
    ...collectors.map(c => c.id),
  ]);
}

/**
 * Evaluates the model over one entity's fact sets, as the portal's engine
 * does: a fact of an installed collector with no set is unknown, a check that
 * needs an optional collector that is not installed is not applicable.
 */
export function evaluateFactSets(
  model: MaturityModel,
  factSets: FactSet[],
  installed: Set<string>,
  waivers: Set<string> = new Set(),
): { results: CheckResult[]; score: EntityScore } {
  return evaluateEntity(
    model,
    createFactLookup(factSets, installed),
    installed,
    waivers,
  );
}

/** What {@link evaluateCheckout} is given. */
export interface EvaluateCheckoutOptions {
  model: MaturityModel;
  /** The checkout's source tree, read once and shared by every collector. */
  tree: RepositoryTree;
  /**
   * The Component of the checkout's catalog-info.yaml (with the relations its
   * spec implies); without one, catalog facts are unknown.
   */
  component?: Entity;
  /**
   * The catalog the catalog facts read besides the component: the other
   * entities of the same file, and whatever a catalog lookup found.
   */
  catalogEntities?: Entity[];
  /**
   * Run the ownership collector. Only meaningful when the owner Group is
   * among `catalogEntities`; otherwise ownership facts stay unknown.
   */
  ownership?: boolean;
  /** The modules' collectors (repo, zero trust, ...), in the portal's order. */
  collectors: FactCollector[];
}

/**
 * Collects and evaluates one checkout outside the portal (the CLI, the
 * template harness) with the portal's collectors and evaluation: the same
 * collectors, run through {@link collectEntityFacts}, evaluated by
 * {@link evaluateFactSets}. Only the catalog differs: it is what the
 * checkout's catalog-info.yaml (and an optional lookup) provides.
 */
export async function evaluateCheckout(options: EvaluateCheckoutOptions) {
  const { component } = options;
  const entity: Entity = component ?? {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout' },
  };
  const builtin: FactCollector[] = [];
  if (component) {
    // The component comes last, so it wins over older copies of its ref.
    const snapshot = new CatalogSnapshot([
      ...(options.catalogEntities ?? []),
      component,
    ]);
    builtin.push(createCatalogFactCollector(snapshot));
    if (options.ownership) builtin.push(createOwnershipFactCollector(snapshot));
    // Compares the record with the Template among `catalogEntities`; a
    // Template that is not there leaves template.current unknown, saying so.
    builtin.push(createTemplateFactCollector(snapshot));
  }
  const factSets = await collectEntityFacts(
    { entity, sourceTree: options.tree },
    [...builtin, ...options.collectors],
  );
  const installed = installedCollectorIds(options.collectors);
  return {
    entity,
    factSets,
    installed,
    ...evaluateFactSets(options.model, factSets, installed),
  };
}
