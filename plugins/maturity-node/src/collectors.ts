import { Entity } from '@backstage/catalog-model';
import {
  FactDeclaration,
  FactSet,
} from '@cloud-native-portal/plugin-maturity-common';
import { RepositoryTree } from './repository';

/** What a collector is given for one entity. */
export interface FactCollectorContext {
  entity: Entity;
  /**
   * The entity's source tree, opened once per run and shared by collectors;
   * undefined when the entity has no readable source location (the reason is
   * in `sourceTreeError`).
   */
  sourceTree?: RepositoryTree;
  sourceTreeError?: string;
}

/**
 * A source of facts. Each collector reads one source and owns one namespace
 * of fact names (`<id>.<name>`).
 */
export interface FactCollector {
  /** Namespace of its facts, e.g. `repo`, `catalog`, `toil`, `zeroTrust`. */
  id: string;
  /** Version of its fact schema. */
  version: number;
  /** Every fact it may produce; model rules are validated against these. */
  facts: FactDeclaration[];
  /**
   * True when its facts depend on the entity's source tree and nothing else
   * (not the entity, the catalog or another service): the portal then reuses
   * them while the tree is unchanged (same file stamps, or same ETag).
   */
  sourceTreeOnly?: boolean;
  /**
   * True when, of the entity, it reads only its ref (kind, namespace, name)
   * and its annotations. A collector that is not `sourceTreeOnly` runs for
   * every entity in every cycle; when all such collectors say this, a cycle
   * hands them entities read with only those fields, and reads whole only
   * the entities it collects again.
   */
  readsRefAndAnnotationsOnly?: boolean;
  /** Collects facts for one entity. Must not throw for bad input: report `unknown`. */
  collect(context: FactCollectorContext): Promise<FactSet>;
}
