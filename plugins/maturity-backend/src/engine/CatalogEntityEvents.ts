import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  EXTRACTED_FROM_ANNOTATION,
  MATURITY_CATALOG_ENTITY_TOPIC,
  MATURITY_LOOKUP_KINDS,
  MaturityCatalogEntityEvent,
  maturityEntityHash,
  readMaturityCatalogEntityEvent,
  toRef,
} from '@cloud-native-portal/plugin-maturity-node';
import pLimit from 'p-limit';
import pRetry, { AbortError } from 'p-retry';
import { MaturityStore } from '../database/MaturityStore';
import { MaturityEngine } from './MaturityEngine';

/** The events subscriber id; replicas that share an event bus split events. */
export const CATALOG_ENTITY_EVENTS_SUBSCRIBER = 'catalog-entity-changes';

/** How long to wait for the catalog to serve a processed entity. */
export interface CatalogWait {
  /** Attempts after the first (p-retry `retries`). */
  retries: number;
  /** The first pause between attempts, in ms; it doubles up to `maxTimeout`. */
  minTimeout: number;
  /** The longest pause between attempts, in ms. */
  maxTimeout: number;
}

/**
 * About 10 s: the catalog stitches a processed entity within a second or two,
 * unless it is busy with a large batch.
 */
export const DEFAULT_CATALOG_WAIT: CatalogWait = {
  retries: 8,
  minTimeout: 100,
  maxTimeout: 2000,
};

/** What an event batch did, for logs and tests. */
export interface CatalogEntityBatchResult {
  /** Refs of the announced entities scored. */
  scored: string[];
  /**
   * Refs scored again because their last collection looked up an announced
   * entity (its owner, system, API, Template, or a service extracted from
   * it), which the catalog now serves in another version or for the first
   * time.
   */
  dependents: string[];
  /** Refs left to the next scan or cycle, with the reason. */
  skipped: Array<{ entityRef: string; reason: string }>;
}

export interface CatalogEntityEventsOptions {
  events: EventsService;
  engine: Pick<
    MaturityEngine,
    'cycleRunning' | 'refreshEntity' | 'entitiesLookingUp'
  >;
  store: Pick<MaturityStore, 'getEvaluationStates'>;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** Kinds the plugin scores (`maturity.entityKinds`). */
  entityKinds: string[];
  /**
   * A batch with more entities to score than this (announced entities and
   * the entities that looked them up) is not scored one by one: `onTooMany`
   * is called instead (the plugin starts the full cycle).
   */
  maxPerBatch: number;
  onTooMany(count: number): void;
  /** How long events are collected before a batch is scored; 200 ms. */
  batchMs?: number;
  /** How often a batch held back by a running cycle looks again; 1 s. */
  cyclePollMs?: number;
  catalogWait?: CatalogWait;
}

/**
 * Scores the entities that the catalog announces on
 * `maturity.catalog.entity-changed` (published by
 * `@cloud-native-portal/plugin-catalog-backend-module-maturity`), without
 * waiting for the new-entity scan:
 *
 * - events are collected for 200 ms, and each batch is scored at once;
 * - a `new` entity is scored when it has no score yet, and a `changed` one
 *   always, once the catalog serves that version (the catalog stitches an
 *   entity shortly after processing it; the wait is bounded);
 * - the entities whose last collection looked up an announced entity (an
 *   owner, system, domain, API, resource or Template that arrived or
 *   changed, or a monolith that a new service names as extracted from it)
 *   are scored again once the catalog serves it: an entity scored before
 *   its system reached the catalog does not keep a score without the
 *   system's domain until the next cycle;
 * - nothing is scored while this process runs a full cycle: the batch waits
 *   for its end (the cycle's catalog snapshot may predate the entity), and
 *   then skips the new entities that the cycle scored.
 *
 * Events are a fast path, not the only one: an event can be missed (the
 * catalog runs in another backend without a shared event bus, or this
 * process stopped), and the new-entity scan and the cycle still find every
 * entity.
 */
export class CatalogEntityEvents {
  private pending = new Map<string, MaturityCatalogEntityEvent>();
  private timer?: ReturnType<typeof setTimeout>;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly kinds: Set<string>;
  private readonly lookupKinds = new Set(
    MATURITY_LOOKUP_KINDS.map(k => k.toLowerCase()),
  );

  constructor(private readonly options: CatalogEntityEventsOptions) {
    this.kinds = new Set(options.entityKinds.map(k => k.toLowerCase()));
  }

  private kindOf(entityRef: string): string | undefined {
    try {
      return parseEntityRef(entityRef).kind.toLowerCase();
    } catch {
      return undefined;
    }
  }

  /** Subscribes to the topic; events then start batches. */
  async subscribe(): Promise<void> {
    await this.options.events.subscribe({
      id: CATALOG_ENTITY_EVENTS_SUBSCRIBER,
      topics: [MATURITY_CATALOG_ENTITY_TOPIC],
      onEvent: async params => this.add(params.eventPayload),
    });
  }

  /** Queues one event payload; ignores payloads of another shape or kind. */
  add(payload: unknown): void {
    if (this.stopped) return;
    const event = readMaturityCatalogEntityEvent(payload);
    if (!event) {
      this.options.logger.debug(
        `Ignored an event on ${MATURITY_CATALOG_ENTITY_TOPIC} of an unknown shape`,
      );
      return;
    }
    const kind = this.kindOf(event.entityRef);
    if (!kind || (!this.kinds.has(kind) && !this.lookupKinds.has(kind))) {
      return;
    }
    this.queue([event], this.options.batchMs ?? 200);
  }

  private queue(events: MaturityCatalogEntityEvent[], delayMs: number) {
    if (this.stopped) return;
    for (const event of events) {
      const queued = this.pending.get(event.entityRef);
      // A `new` entity stays new when it changes before its batch runs.
      this.pending.set(
        event.entityRef,
        queued?.change === 'new' ? { ...event, change: 'new' } : event,
      );
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      this.running = this.running.then(() =>
        this.scoreBatch(batch).then(
          () => undefined,
          e =>
            this.options.logger.warn(
              `Could not score the entities the catalog announced: ${e}`,
            ),
        ),
      );
    }, delayMs);
  }

  /** Stops taking events; waits for the batch being scored. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    await this.running;
  }

  /** Scores one batch of events; exported for tests through the class. */
  async scoreBatch(
    batch: MaturityCatalogEntityEvent[],
  ): Promise<CatalogEntityBatchResult> {
    const { engine, logger } = this.options;
    const result: CatalogEntityBatchResult = {
      scored: [],
      dependents: [],
      skipped: [],
    };
    const skip = (entityRef: string, reason: string) =>
      result.skipped.push({ entityRef, reason });
    if (batch.length === 0) return result;
    if (engine.cycleRunning) {
      for (const e of batch) skip(e.entityRef, 'a cycle is running');
      this.queue(batch, this.options.cyclePollMs ?? 1000);
      return result;
    }
    const own = batch.filter(e => this.kinds.has(this.kindOf(e.entityRef)!));
    const stored = await this.options.store.getEvaluationStates(
      own.map(e => e.entityRef),
    );
    const due = own.filter(
      e => e.change === 'changed' || !stored.has(e.entityRef),
    );
    for (const e of own) {
      if (!due.includes(e)) skip(e.entityRef, 'it has a score');
    }
    // The announced entities that others may have looked up: with none
    // looking them up and nothing else to score, the batch is done without
    // a request (a catalog ingesting its users, before the first cycle).
    const looked = batch.filter(e =>
      this.lookupKinds.has(this.kindOf(e.entityRef)!),
    );
    const lookingUp = looked.length
      ? engine.entitiesLookingUp(looked.map(e => e.entityRef))
      : [];
    const count = new Set([...due.map(e => e.entityRef), ...lookingUp]).size;
    if (count > this.options.maxPerBatch) {
      for (const e of due) skip(e.entityRef, 'too many for one batch');
      for (const ref of lookingUp) skip(ref, 'too many for one batch');
      this.options.onTooMany(count);
      return result;
    }
    if (count === 0) return result;

    // The due entities and the announced ones they may look up, once the
    // catalog serves them: the entities that looked them up are found, and
    // everything is scored, only after that.
    const served = new Map<string, Entity>();
    const limit = pLimit(4);
    await Promise.all(
      [...new Set([...due, ...looked])].map(event =>
        limit(async () => {
          if (this.stopped) return skip(event.entityRef, 'stopping');
          const entity = await this.waitForCatalog(event);
          if (typeof entity === 'string') {
            return skip(event.entityRef, entity);
          }
          served.set(event.entityRef, entity);
          return undefined;
        }),
      ),
    );
    const toScore = due.filter(e => served.has(e.entityRef));
    const scoring = new Set(toScore.map(e => e.entityRef));
    // A new or changed service names the monolith it was extracted from:
    // the monolith's extracted services changed.
    const monoliths = toScore.flatMap(e => {
      const from = toRef(
        served.get(e.entityRef)!.metadata.annotations?.[
          EXTRACTED_FROM_ANNOTATION
        ],
        'component',
      );
      return from ? [from] : [];
    });
    const dependents = engine
      .entitiesLookingUp(served.keys(), monoliths)
      .filter(ref => !scoring.has(ref));
    if (toScore.length + dependents.length > this.options.maxPerBatch) {
      for (const e of toScore) skip(e.entityRef, 'too many for one batch');
      for (const ref of dependents) skip(ref, 'too many for one batch');
      this.options.onTooMany(toScore.length + dependents.length);
      return result;
    }

    const refresh = async (entityRef: string, why: string) => {
      try {
        await engine.refreshEntity(entityRef);
        return true;
      } catch (e) {
        logger.warn(
          `Could not score ${entityRef} (${why}); the next scan or cycle scores it: ${e}`,
        );
        skip(entityRef, `scoring failed: ${e}`);
        return false;
      }
    };
    await Promise.all([
      ...toScore.map(event =>
        limit(async () => {
          if (this.stopped) return skip(event.entityRef, 'stopping');
          // A cycle started meanwhile: after it, unless it scored the entity.
          if (engine.cycleRunning) {
            this.queue([event], this.options.cyclePollMs ?? 1000);
            return skip(event.entityRef, 'a cycle is running');
          }
          if (
            await refresh(event.entityRef, `${event.change} in the catalog`)
          ) {
            result.scored.push(event.entityRef);
          }
          return undefined;
        }),
      ),
      ...dependents.map(entityRef =>
        limit(async () => {
          if (this.stopped) return skip(entityRef, 'stopping');
          // The cycle that started meanwhile read the catalog after the
          // announced entities were served: it scores this one again.
          if (engine.cycleRunning) {
            return skip(entityRef, 'a cycle is running');
          }
          if (await refresh(entityRef, 'it looked up an announced entity')) {
            result.dependents.push(entityRef);
          }
          return undefined;
        }),
      ),
    ]);
    if (result.scored.length > 0) {
      logger.info(
        `Maturity: scored ${
          result.scored.length
        } new or changed catalog entities: ${result.scored.join(', ')}`,
      );
    }
    if (result.dependents.length > 0) {
      logger.info(
        `Maturity: scored again ${
          result.dependents.length
        } entities that looked up new or changed catalog entities (${[
          ...served.keys(),
        ].join(', ')}): ${result.dependents.join(', ')}`,
      );
    }
    return result;
  }

  /**
   * Waits, bounded, until the catalog serves the entity: any version for a
   * `new` entity, the announced one for a `changed` entity. Returns the
   * entity served, or why not.
   */
  private async waitForCatalog(
    event: MaturityCatalogEntityEvent,
  ): Promise<Entity | string> {
    const { catalog, auth } = this.options;
    const wait = this.options.catalogWait ?? DEFAULT_CATALOG_WAIT;
    try {
      return await pRetry(
        async () => {
          if (this.stopped) throw new AbortError('stopping');
          const entity = await catalog.getEntityByRef(event.entityRef, {
            credentials: await auth.getOwnServiceCredentials(),
          });
          if (!entity) throw new Error('not in the catalog yet');
          if (
            event.change === 'changed' &&
            maturityEntityHash(entity) !== event.hash
          ) {
            throw new Error('the catalog serves an older version');
          }
          return entity;
        },
        { ...wait, factor: 2 },
      );
    } catch (e) {
      return `${(e as Error).message}; the next scan or cycle scores it`;
    }
  }
}
