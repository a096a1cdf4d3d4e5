import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  MATURITY_CATALOG_ENTITY_TOPIC,
  MATURITY_LOOKUP_KINDS,
  MaturityCatalogEntityEvent,
  maturityEntityHash,
} from '@cloud-native-portal/plugin-maturity-node';

/** The processor cache key of the hash last announced for an entity. */
const HASH_KEY = 'maturity-entity-hash-v1';

/**
 * Announces, on {@link MATURITY_CATALOG_ENTITY_TOPIC}, every entity of the
 * scored kinds, and of the kinds that scoring looks up
 * ({@link MATURITY_LOOKUP_KINDS}: owners, systems, domains, APIs, resources,
 * Templates), that the catalog processes for the first time, or whose
 * definition changed since it was last processed. It remembers the hash of
 * each entity in the catalog's per-entity processor cache, so an unchanged
 * entity is announced once, not on every processing loop.
 *
 * It never fails or holds up processing: the event is published without
 * waiting, and a failure is logged.
 */
export class MaturityEntityChangeProcessor implements CatalogProcessor {
  private readonly kinds: Set<string>;

  constructor(
    private readonly options: {
      events: EventsService;
      logger: LoggerService;
      /** Kinds the maturity plugin scores (`maturity.entityKinds`). */
      entityKinds: string[];
    },
  ) {
    this.kinds = new Set(
      [...options.entityKinds, ...MATURITY_LOOKUP_KINDS].map(k =>
        k.toLowerCase(),
      ),
    );
  }

  getProcessorName(): string {
    return 'MaturityEntityChangeProcessor';
  }

  /** Runs after the other processors, so it hashes the entity as stored. */
  getPriority(): number {
    return 1000;
  }

  async postProcessEntity(
    entity: Entity,
    _location: unknown,
    _emit: CatalogProcessorEmit,
    cache: CatalogProcessorCache,
  ): Promise<Entity> {
    if (!this.kinds.has(entity.kind?.toLowerCase())) return entity;
    try {
      const hash = maturityEntityHash(entity);
      const previous = await cache.get<string>(HASH_KEY);
      if (previous === hash) return entity;
      // Written only when it changed: the catalog keeps the previous cache
      // values of a run that writes none.
      await cache.set(HASH_KEY, hash);
      this.publish({
        entityRef: stringifyEntityRef(entity),
        change: previous === undefined ? 'new' : 'changed',
        hash,
      });
    } catch (e) {
      this.options.logger.warn(
        `Could not check whether ${safeRef(
          entity,
        )} is new to the maturity plugin: ${e}`,
      );
    }
    return entity;
  }

  private publish(event: MaturityCatalogEntityEvent) {
    // Not awaited; a synchronous throw becomes a rejection, logged below.
    const pending = Promise.resolve().then(() =>
      this.options.events.publish({
        topic: MATURITY_CATALOG_ENTITY_TOPIC,
        eventPayload: event,
      }),
    );
    pending.catch(e =>
      this.options.logger.warn(
        `Could not tell the maturity plugin that ${event.entityRef} is ${event.change}; its next scan or cycle scores it: ${e}`,
      ),
    );
  }
}

function safeRef(entity: Entity): string {
  try {
    return stringifyEntityRef(entity);
  } catch {
    return 'an entity';
  }
}
