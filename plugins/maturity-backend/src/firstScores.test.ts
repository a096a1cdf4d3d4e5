import { createServiceFactory } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { createTestDatabases } from './__testUtils__/testDatabases';
import { maturityPlugin } from './plugin';
import { CYCLE_TASK_ID } from './schedule';

jest.setTimeout(120_000);

const TASKS = 'backstage_backend_tasks__tasks';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team',
  },
});

const entities = ['service-0', 'service-1', 'service-2'].map(component);

/**
 * A catalog whose entities the test changes while the backend runs, as when
 * someone registers a component.
 */
function changingCatalog(initial: Entity[]) {
  let current = catalogServiceMock({ entities: initial });
  const service = new Proxy({} as CatalogService, {
    get: (_, prop) =>
      prop === 'then'
        ? undefined
        : (...args: unknown[]) => (current as any)[prop](...args),
  });
  return {
    factory: createServiceFactory({
      service: catalogServiceRef,
      deps: {},
      factory: () => service,
    }),
    register(...added: Entity[]) {
      current = catalogServiceMock({ entities: [...initial, ...added] });
    },
  };
}

function start(options: {
  knex: Knex;
  catalog: ReturnType<typeof createServiceFactory>;
  maturity?: JsonObject;
}) {
  return startTestBackend({
    features: [
      maturityPlugin,
      schedulerServiceFactory,
      mockServices.database.factory({ knex: options.knex }),
      options.catalog,
      mockServices.rootConfig.factory({
        data: options.maturity ? { maturity: options.maturity } : {},
      }),
    ],
  });
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    }
    await new Promise(r => setTimeout(r, 200));
  }
  return Date.now() - started;
}

async function scoredCount(knex: Knex) {
  const [{ count }] = await knex('maturity_entity_scores').count({
    count: '*',
  });
  return Number(count);
}

/** When the entity was last evaluated (ms), 0 when it has no score. */
async function evaluatedAt(knex: Knex, entityRef: string) {
  const row = await knex('maturity_entity_scores')
    .where('entity_ref', entityRef)
    .first('evaluated_at');
  return row ? new Date(row.evaluated_at).getTime() : 0;
}

async function isScored(knex: Knex, entityRef: string) {
  return !!(await knex('maturity_entity_scores')
    .where('entity_ref', entityRef)
    .first());
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'the first scores, on %p',
  (databaseId: TestDatabaseId) => {
    it('come from a cycle started at startup when maturity.schedule is not set', async () => {
      const knex = await databases.init(databaseId);
      const backend = await start({
        knex,
        catalog: catalogServiceMock.factory({ entities }),
      });
      // The cycle itself ran (not only the scan for new entities).
      await waitFor(
        'the first cycle',
        async () =>
          !!(
            await knex(TASKS).where('id', CYCLE_TASK_ID).first()
          )?.last_run_ended_at,
        10_000,
      );
      expect(await scoredCount(knex)).toBe(entities.length);
      await backend.stop();
    });

    it('after a restart come from a cycle started at startup, not at the run the killed process planned an hour later', async () => {
      const knex = await databases.init(databaseId);
      const maturity = {
        schedule: { frequency: { hours: 1 } },
        newEntities: { enabled: false },
      };
      const catalog = catalogServiceMock.factory({ entities });
      const first = await start({ knex, catalog, maturity });
      await waitFor(
        'the first process scoring every entity',
        async () => (await scoredCount(knex)) === entities.length,
        30_000,
      );
      await first.stop();

      // The scheduler remembers the next run an hour from now; the restarted
      // process evaluates everything again at once anyway.
      const before = await evaluatedAt(knex, 'component:default/service-0');
      const restarted = await start({ knex, catalog, maturity });
      const tookMs = await waitFor(
        'a cycle after the restart',
        async () =>
          (await evaluatedAt(knex, 'component:default/service-0')) > before,
        10_000,
      );
      expect(tookMs).toBeLessThan(10_000);
      await restarted.stop();
    });

    it('of a component registered after the cycle arrive within 30 s, not at the next cycle an hour later', async () => {
      const knex = await databases.init(databaseId);
      const catalog = changingCatalog(entities);
      const backend = await start({
        knex,
        catalog: catalog.factory,
        maturity: { schedule: { frequency: { hours: 1 } } },
      });
      await waitFor(
        'the first cycle',
        async () => (await scoredCount(knex)) === entities.length,
        30_000,
      );

      const before = await evaluatedAt(knex, 'component:default/service-0');
      catalog.register(component('registered-later'));
      const tookMs = await waitFor(
        'a score for the new component',
        () => isScored(knex, 'component:default/registered-later'),
        30_000,
      );
      expect(tookMs).toBeLessThan(30_000);
      // Scored on its own: the other entities were not evaluated again.
      expect(await evaluatedAt(knex, 'component:default/service-0')).toBe(
        before,
      );
      await backend.stop();
    });

    it('of more new components than one scan scores (4 new, maxPerScan 2) come from a full cycle', async () => {
      const knex = await databases.init(databaseId);
      const catalog = changingCatalog(entities);
      const backend = await start({
        knex,
        catalog: catalog.factory,
        maturity: {
          schedule: { frequency: { hours: 1 } },
          newEntities: { frequency: { seconds: 2 }, maxPerScan: 2 },
        },
      });
      await waitFor(
        'the first cycle',
        async () => (await scoredCount(knex)) === entities.length,
        30_000,
      );

      const cycleNumber = async () =>
        Number(
          (await knex('maturity_cycle_leases').where('name', 'cycle').first())
            ?.cycle ?? 0,
        );
      const before = await cycleNumber();
      const added = ['new-0', 'new-1', 'new-2', 'new-3'].map(component);
      catalog.register(...added);
      await waitFor(
        'scores for the four new components',
        async () => {
          for (const e of added) {
            if (!(await isScored(knex, `component:default/${e.metadata.name}`)))
              return false;
          }
          return true;
        },
        30_000,
      );
      // A second full cycle ran (the earlier entities, unchanged, are
      // skipped by it, so their evaluation time does not tell).
      expect(await cycleNumber()).toBe(before + 1);
      await backend.stop();
    });
  },
);
