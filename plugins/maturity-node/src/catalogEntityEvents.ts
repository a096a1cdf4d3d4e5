import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import stableStringify from 'fast-json-stable-stringify';
import { createHash } from 'node:crypto';

/**
 * The events topic on which the catalog module
 * `@cloud-native-portal/plugin-catalog-backend-module-maturity` announces
 * entities that the catalog processed for the first time, or whose
 * definition changed, so that the maturity plugin scores them, and the
 * entities that looked them up, without waiting for its next scan or cycle.
 * It announces the scored kinds and {@link MATURITY_LOOKUP_KINDS}.
 */
export const MATURITY_CATALOG_ENTITY_TOPIC = 'maturity.catalog.entity-changed';

/**
 * The kinds of the entities that an entity's maturity collection looks up in
 * the catalog besides the entity itself: its owner and the owner's members
 * and parents, its system and the system's domain, its APIs and resources,
 * and the Template its repository's record names. The catalog module
 * announces these kinds too, so that the maturity plugin scores again the
 * entities that looked one up when it arrives or changes.
 */
export const MATURITY_LOOKUP_KINDS: readonly string[] = [
  'Group',
  'User',
  'System',
  'Domain',
  'API',
  'Resource',
  'Template',
];

/** The payload of an event on {@link MATURITY_CATALOG_ENTITY_TOPIC}. */
export interface MaturityCatalogEntityEvent {
  /** The entity's ref, as `kind:namespace/name`, lower case. */
  entityRef: string;
  /**
   * `new` when the catalog processed the entity for the first time since
   * the module was installed, `changed` when its definition changed since it
   * was last processed.
   */
  change: 'new' | 'changed';
  /**
   * {@link maturityEntityHash} of the entity as processed: the maturity
   * plugin waits until the catalog serves this version before it scores it.
   */
  hash: string;
}

/**
 * A hash of the parts of an entity that its maturity score reads: its kind,
 * its metadata (name, namespace, title, description, labels, annotations,
 * tags, links) and its spec. Key order does not matter. Fields that the
 * catalog sets itself (uid, etag, generation, relations, status) are left
 * out, so the catalog's own refreshes of an unchanged entity keep the hash.
 */
export function maturityEntityHash(entity: Entity): string {
  const { metadata } = entity;
  return createHash('sha256')
    .update(
      stableStringify({
        ref: stringifyEntityRef(entity),
        metadata: {
          title: metadata.title,
          description: metadata.description,
          labels: metadata.labels,
          annotations: metadata.annotations,
          tags: metadata.tags,
          links: metadata.links,
        },
        spec: entity.spec,
      }),
    )
    .digest('hex');
}

/**
 * True when the entity's `metadata.etag` is the catalog's own hash of its
 * content: the catalog's stitching sets the etag to a SHA-1 of the stable
 * serialisation of the stitched entity (uid, relations and status
 * included, the etag itself left out), unless the entity came with an etag of its own,
 * which it then keeps through later changes. Only an etag that is the
 * content hash tells, by staying the same, that the entity did not change.
 */
export function isCatalogContentEtag(entity: Entity): boolean {
  const etag = entity.metadata.etag;
  if (!etag) return false;
  const { etag: _etag, ...metadata } = entity.metadata;
  return (
    createHash('sha1')
      .update(stableStringify({ ...entity, metadata }))
      .digest('hex') === etag
  );
}

/**
 * Reads an event payload from {@link MATURITY_CATALOG_ENTITY_TOPIC}; returns
 * undefined for a payload of another shape (for example from a newer or
 * older module), which the caller ignores.
 */
export function readMaturityCatalogEntityEvent(
  payload: unknown,
): MaturityCatalogEntityEvent | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { entityRef, change, hash } = payload as Record<string, unknown>;
  if (
    typeof entityRef !== 'string' ||
    (change !== 'new' && change !== 'changed') ||
    typeof hash !== 'string'
  ) {
    return undefined;
  }
  return { entityRef, change, hash };
}
