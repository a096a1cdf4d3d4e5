import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EventsService } from '@backstage/plugin-events-node';
import {
  MATURITY_CATALOG_ENTITY_TOPIC,
  MaturityCatalogEntityEvent,
  maturityEntityHash,
} from '@cloud-native-portal/plugin-maturity-node';
import { CatalogEntityEvents } from './CatalogEntityEvents';

const component = (name: string, lifecycle = 'production'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle, owner: 'group:default/team' },
});

const event = (
  entity: Entity,
  change: 'new' | 'changed' = 'new',
): MaturityCatalogEntityEvent => ({
  entityRef: `component:default/${entity.metadata.name}`,
  change,
  hash: maturityEntityHash(entity),
});

async function eventually(check: () => boolean) {
  for (let i = 0; i < 500 && !check(); i++) {
    await new Promise(r => setTimeout(r, 10));
  }
}

function setup(options: {
  catalog: Entity[];
  scored?: string[];
  maxPerBatch?: number;
  /** What each entity's last collection looked up, by its ref. */
  lookups?: Record<string, { refs?: string[]; extracted?: string[] }>;
}) {
  const refreshed: string[] = [];
  const lookups = Object.entries(options.lookups ?? {});
  const engine = {
    cycleRunning: false,
    refreshEntity: async (ref: string) => {
      refreshed.push(ref);
    },
    // The engine's own answer is tested in MaturityEngine.test.ts.
    entitiesLookingUp: (
      refs: Iterable<string>,
      from: Iterable<string> = [],
    ) => {
      const looked = new Set(refs);
      const monoliths = new Set(from);
      return lookups
        .filter(
          ([, l]) =>
            l.refs?.some(r => looked.has(r)) ||
            l.extracted?.some(r => monoliths.has(r)),
        )
        .map(([ref]) => ref);
    },
  };
  const scored = new Set(options.scored ?? []);
  const tooMany: number[] = [];
  let onEvent: ((payload: unknown) => Promise<void>) | undefined;
  const events: EventsService = {
    publish: async p => onEvent?.(p.eventPayload),
    subscribe: async s => {
      expect(s.topics).toEqual([MATURITY_CATALOG_ENTITY_TOPIC]);
      onEvent = async payload =>
        s.onEvent({ topic: s.topics[0], eventPayload: payload });
    },
  };
  const catalog = catalogServiceMock({ entities: options.catalog });
  const subscriber = new CatalogEntityEvents({
    events,
    engine,
    store: {
      getEvaluationStates: async refs =>
        new Map(refs.filter(r => scored.has(r)).map(r => [r, {}])),
    },
    catalog,
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    entityKinds: ['Component'],
    maxPerBatch: options.maxPerBatch ?? 20,
    onTooMany: count => tooMany.push(count),
    batchMs: 5,
    cyclePollMs: 5,
    catalogWait: { retries: 2, minTimeout: 1, maxTimeout: 1 },
  });
  const publish = (payload: unknown) =>
    events.publish({
      topic: MATURITY_CATALOG_ENTITY_TOPIC,
      eventPayload: payload,
    });
  return { subscriber, engine, refreshed, tooMany, publish, catalog };
}

describe('CatalogEntityEvents', () => {
  it('scores a new entity without a score once the catalog serves it', async () => {
    const checkout = component('checkout');
    const { subscriber, refreshed } = setup({ catalog: [checkout] });
    const result = await subscriber.scoreBatch([event(checkout)]);
    expect(result.scored).toEqual(['component:default/checkout']);
    expect(refreshed).toEqual(['component:default/checkout']);
  });

  it('does not score a "new" entity that has a score already (the module was installed after it)', async () => {
    const checkout = component('checkout');
    const { subscriber, refreshed } = setup({
      catalog: [checkout],
      scored: ['component:default/checkout'],
    });
    const result = await subscriber.scoreBatch([event(checkout)]);
    expect(refreshed).toEqual([]);
    expect(result.skipped).toEqual([
      { entityRef: 'component:default/checkout', reason: 'it has a score' },
    ]);
  });

  it('does not score a new entity the catalog does not serve yet, and says so', async () => {
    const { subscriber, refreshed } = setup({ catalog: [] });
    const result = await subscriber.scoreBatch([event(component('checkout'))]);
    expect(refreshed).toEqual([]);
    expect(result.skipped[0].reason).toContain('not in the catalog yet');
  });

  it('scores a changed entity only when the catalog serves the announced version', async () => {
    const old = component('checkout', 'production');
    const changed = component('checkout', 'deprecated');
    const scored = ['component:default/checkout'];

    const stale = setup({ catalog: [old], scored });
    const result = await stale.subscriber.scoreBatch([
      event(changed, 'changed'),
    ]);
    expect(stale.refreshed).toEqual([]);
    expect(result.skipped[0].reason).toContain('older version');

    const fresh = setup({ catalog: [changed], scored });
    await fresh.subscriber.scoreBatch([event(changed, 'changed')]);
    expect(fresh.refreshed).toEqual(['component:default/checkout']);
  });

  it('starts the cycle instead when a batch has more entities than maxPerBatch', async () => {
    const entities = ['a', 'b', 'c'].map(n => component(n));
    const { subscriber, refreshed, tooMany } = setup({
      catalog: entities,
      maxPerBatch: 2,
    });
    await subscriber.scoreBatch(entities.map(e => event(e)));
    expect(refreshed).toEqual([]);
    expect(tooMany).toEqual([3]);
  });

  it('batches events from the topic and scores each entity once', async () => {
    const checkout = component('checkout');
    const { subscriber, refreshed, publish } = setup({ catalog: [checkout] });
    await subscriber.subscribe();
    await publish(event(checkout));
    await publish(event(checkout));
    await eventually(() => refreshed.length > 0);
    await subscriber.stop();
    expect(refreshed).toEqual(['component:default/checkout']);
  });

  it('ignores payloads of an unknown shape and kinds it neither scores nor looks up', async () => {
    const { subscriber, refreshed, publish } = setup({
      catalog: [],
      lookups: { 'component:default/x': { refs: ['location:default/org'] } },
    });
    await subscriber.subscribe();
    await publish({ entityRef: 'component:default/x', change: 'deleted' });
    await publish('component:default/x');
    await publish({
      entityRef: 'location:default/org',
      change: 'new',
      hash: 'h',
    });
    await new Promise(r => setTimeout(r, 50));
    await subscriber.stop();
    expect(refreshed).toEqual([]);
  });

  it('holds a batch back while a cycle runs, and scores the entity after it when the cycle did not', async () => {
    const checkout = component('checkout');
    const { subscriber, engine, refreshed, publish } = setup({
      catalog: [checkout],
    });
    engine.cycleRunning = true;
    await subscriber.subscribe();
    await publish(event(checkout));
    await new Promise(r => setTimeout(r, 50));
    expect(refreshed).toEqual([]);
    engine.cycleRunning = false;
    await eventually(() => refreshed.length > 0);
    await subscriber.stop();
    expect(refreshed).toEqual(['component:default/checkout']);
  });

  describe('the entities that looked up an announced entity', () => {
    const shop: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'shop', namespace: 'default' },
      spec: { owner: 'group:default/team', domain: 'commerce' },
    };
    const systemEvent: MaturityCatalogEntityEvent = {
      entityRef: 'system:default/shop',
      change: 'new',
      hash: maturityEntityHash(shop),
    };
    const lookups = {
      'component:default/cart': {
        refs: ['group:default/team', 'system:default/shop'],
      },
      'component:default/orders': {
        refs: ['group:default/team', 'system:default/shop'],
      },
      'component:default/search': { refs: ['group:default/team'] },
    };

    it('scores again the ones whose collection looked up a system that arrived, once the catalog serves it', async () => {
      const { subscriber, refreshed, publish } = setup({
        catalog: [shop],
        lookups,
      });
      await subscriber.subscribe();
      await publish(systemEvent);
      await eventually(() => refreshed.length >= 2);
      await subscriber.stop();
      expect(refreshed.sort()).toEqual([
        'component:default/cart',
        'component:default/orders',
      ]);

      const direct = setup({ catalog: [shop], lookups });
      const result = await direct.subscriber.scoreBatch([systemEvent]);
      expect(result.dependents.sort()).toEqual([
        'component:default/cart',
        'component:default/orders',
      ]);
      expect(result.scored).toEqual([]);
    });

    it('scores none of them while the catalog does not serve the announced version', async () => {
      const { subscriber, refreshed } = setup({ catalog: [], lookups });
      const result = await subscriber.scoreBatch([systemEvent]);
      expect(refreshed).toEqual([]);
      expect(result.skipped).toEqual([
        {
          entityRef: 'system:default/shop',
          reason: expect.stringContaining('not in the catalog yet'),
        },
      ]);
    });

    it('does not ask the catalog for an announced entity that no collection looked up', async () => {
      const { subscriber, refreshed, catalog } = setup({
        catalog: [shop],
        lookups: {
          'component:default/search': { refs: ['group:default/team'] },
        },
      });
      const read = jest.spyOn(catalog, 'getEntityByRef');
      const result = await subscriber.scoreBatch([systemEvent]);
      expect(read).not.toHaveBeenCalled();
      expect(refreshed).toEqual([]);
      expect(result).toEqual({ scored: [], dependents: [], skipped: [] });
    });

    it('scores a monolith again when a new service names it as extracted from it', async () => {
      const ledger: Entity = {
        ...component('ledger'),
        metadata: {
          name: 'ledger',
          namespace: 'default',
          annotations: {
            'cloud-native-portal/extracted-from': 'classroom-monolith',
          },
        },
      };
      const { subscriber, refreshed } = setup({
        catalog: [ledger],
        lookups: {
          'component:default/classroom-monolith': {
            extracted: ['component:default/classroom-monolith'],
          },
        },
      });
      const result = await subscriber.scoreBatch([event(ledger)]);
      expect(result.scored).toEqual(['component:default/ledger']);
      expect(result.dependents).toEqual([
        'component:default/classroom-monolith',
      ]);
      expect(refreshed.sort()).toEqual([
        'component:default/classroom-monolith',
        'component:default/ledger',
      ]);
    });

    it('scores an announced entity once, not again as one that looked up another announced entity', async () => {
      const cart = component('cart');
      const { subscriber, refreshed } = setup({
        catalog: [cart, shop],
        lookups,
      });
      const result = await subscriber.scoreBatch([
        event(cart, 'new'),
        systemEvent,
      ]);
      expect(result.scored).toEqual(['component:default/cart']);
      expect(result.dependents).toEqual(['component:default/orders']);
      expect(refreshed.sort()).toEqual([
        'component:default/cart',
        'component:default/orders',
      ]);
    });

    it('starts the cycle instead when they and the announced entities are more than maxPerBatch', async () => {
      const { subscriber, refreshed, tooMany } = setup({
        catalog: [shop],
        lookups,
        maxPerBatch: 1,
      });
      const result = await subscriber.scoreBatch([systemEvent]);
      expect(refreshed).toEqual([]);
      expect(tooMany).toEqual([2]);
      expect(result.skipped.map(s => s.reason)).toEqual([
        'too many for one batch',
        'too many for one batch',
      ]);
    });
  });
});
