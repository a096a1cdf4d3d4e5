import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorCache } from '@backstage/plugin-catalog-node';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { JsonValue } from '@backstage/types';
import { MATURITY_CATALOG_ENTITY_TOPIC } from '@cloud-native-portal/plugin-maturity-node';
import { MaturityEntityChangeProcessor } from './MaturityEntityChangeProcessor';

const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

const checkout = (spec: Record<string, unknown> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/shop-team',
    ...spec,
  },
});

/**
 * The catalog's per-entity processor cache: a run sees what the previous
 * run wrote, and keeps it when it writes nothing.
 */
function entityCache() {
  let stored: Record<string, JsonValue> = {};
  return {
    run(): CatalogProcessorCache {
      const written: Record<string, JsonValue> = {};
      let wrote = false;
      const previous = stored;
      const cache: CatalogProcessorCache = {
        async get<T extends JsonValue>(key: string) {
          return previous[key] as T | undefined;
        },
        async set<T extends JsonValue>(key: string, value: T) {
          written[key] = value;
          wrote = true;
        },
      };
      return Object.assign(cache, {
        commit() {
          if (wrote) stored = written;
        },
      });
    },
  };
}

function setup(publish?: EventsService['publish']) {
  const published: EventParams[] = [];
  const events: EventsService = {
    publish:
      publish ??
      (async params => {
        published.push(params);
      }),
    subscribe: async () => {},
  };
  const logger = mockServices.logger.mock();
  const processor = new MaturityEntityChangeProcessor({
    events,
    logger,
    entityKinds: ['Component'],
  });
  // The catalog keeps one cache per entity.
  const caches = new Map<string, ReturnType<typeof entityCache>>();
  const process = async (entity: Entity) => {
    const key = `${entity.kind}:${entity.metadata.name}`;
    if (!caches.has(key)) caches.set(key, entityCache());
    const run = caches.get(key)!.run();
    const out = await processor.postProcessEntity(
      entity,
      location,
      () => {},
      run,
    );
    (run as any).commit();
    // Lets a publish that is not awaited settle.
    await new Promise(resolve => setImmediate(resolve));
    return out;
  };
  return { process, published, logger };
}

describe('MaturityEntityChangeProcessor', () => {
  it('publishes one "new" event for an entity it has not seen', async () => {
    const { process, published } = setup();
    await process(checkout());
    expect(published).toEqual([
      {
        topic: MATURITY_CATALOG_ENTITY_TOPIC,
        eventPayload: {
          entityRef: 'component:default/checkout',
          change: 'new',
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      },
    ]);
  });

  it('publishes nothing when the same entity is processed again', async () => {
    const { process, published } = setup();
    await process(checkout());
    await process(checkout());
    await process(checkout());
    expect(published).toHaveLength(1);
  });

  it('publishes nothing when only fields the catalog sets change (uid, etag, relations)', async () => {
    const { process, published } = setup();
    await process(checkout());
    const again = checkout();
    again.metadata.uid = 'b3b8a1c2';
    again.metadata.etag = 'e7';
    again.relations = [
      { type: 'ownedBy', targetRef: 'group:default/shop-team' },
    ];
    await process(again);
    expect(published).toHaveLength(1);
  });

  it('publishes "changed" when the spec changed since the last run', async () => {
    const { process, published } = setup();
    await process(checkout());
    await process(checkout({ lifecycle: 'deprecated' }));
    expect(published.map(p => (p.eventPayload as any).change)).toEqual([
      'new',
      'changed',
    ]);
    // And only once for that version.
    await process(checkout({ lifecycle: 'deprecated' }));
    expect(published).toHaveLength(2);
  });

  it('publishes "changed" when an annotation changed', async () => {
    const { process, published } = setup();
    await process(checkout());
    const annotated = checkout();
    annotated.metadata.annotations = {
      'backstage.io/source-location': 'url:https://github.com/acme/checkout',
    };
    await process(annotated);
    expect((published[1].eventPayload as any).change).toBe('changed');
  });

  it('publishes the kinds that scoring looks up (a new System, a changed Group) as it does the scored kinds', async () => {
    const { process, published } = setup();
    const team = (children: string[]): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'shop-team', namespace: 'default' },
      spec: { type: 'team', children },
    });
    await process({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'shop', namespace: 'default' },
      spec: { owner: 'group:default/shop-team', domain: 'commerce' },
    });
    await process(team([]));
    await process(team([]));
    await process(team(['payments-team']));
    expect(
      published.map(p => [
        (p.eventPayload as any).entityRef,
        (p.eventPayload as any).change,
      ]),
    ).toEqual([
      ['system:default/shop', 'new'],
      ['group:default/shop-team', 'new'],
      ['group:default/shop-team', 'changed'],
    ]);
  });

  it('publishes nothing for kinds the maturity plugin neither scores nor looks up', async () => {
    const { process, published } = setup();
    await process({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: { name: 'org' },
      spec: { type: 'url', target: 'https://example.com/org.yaml' },
    });
    expect(published).toEqual([]);
  });

  it('still returns the entity and logs when publishing rejects', async () => {
    const { process, logger } = setup(async () => {
      throw new Error('event bus unreachable');
    });
    const entity = checkout();
    await expect(process(entity)).resolves.toBe(entity);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Could not tell the maturity plugin that component:default\/checkout is new.*event bus unreachable/,
      ),
    );
  });

  it('still returns the entity and logs when publishing throws synchronously', async () => {
    const { process, logger } = setup(() => {
      throw new Error('not started');
    });
    const entity = checkout();
    await expect(process(entity)).resolves.toBe(entity);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Could not tell the maturity plugin that component:default\/checkout is new.*not started/,
      ),
    );
  });

  it('does not hold up processing for a publish that never settles', async () => {
    const { process } = setup(() => new Promise<void>(() => {}));
    const entity = checkout();
    await expect(process(entity)).resolves.toBe(entity);
  });

  it('still returns the entity when the cache fails', async () => {
    const published: EventParams[] = [];
    const logger = mockServices.logger.mock();
    const processor = new MaturityEntityChangeProcessor({
      events: {
        publish: async p => {
          published.push(p);
        },
        subscribe: async () => {},
      },
      logger,
      entityKinds: ['Component'],
    });
    const entity = checkout();
    const out = await processor.postProcessEntity(entity, location, () => {}, {
      get: async () => {
        throw new Error('cache unavailable');
      },
      set: async () => {},
    });
    expect(out).toBe(entity);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('cache unavailable'),
    );
  });
});
