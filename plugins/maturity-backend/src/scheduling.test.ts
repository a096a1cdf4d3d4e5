import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { maturityPlugin } from './plugin';

jest.setTimeout(120_000);

const hasPostgres =
  !!process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const databases = TestDatabases.create({
  ids: hasPostgres ? ['POSTGRES_15'] : [],
});

const entities: Entity[] = Array.from({ length: 25 }, (_, i) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: `service-${i}`, namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team',
  },
}));

// Two backend replicas against one PostgreSQL, as in production. The cycle is
// a global scheduled task: the replicas share its lock in the database.
(hasPostgres ? describe : describe.skip)('two backend replicas', () => {
  it('evaluate each entity once per cycle, not once per replica', async () => {
    const knex = await databases.init('POSTGRES_15');
    const replica = () =>
      startTestBackend({
        features: [
          maturityPlugin,
          schedulerServiceFactory,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities }),
          mockServices.rootConfig.factory({
            data: {
              maturity: {
                // One cycle once both replicas are up, the next an hour later.
                schedule: {
                  frequency: { hours: 1 },
                  timeout: { minutes: 1 },
                  initialDelay: { seconds: 3 },
                },
              },
            },
          }),
        ],
      });
    // Started one after the other: the first creates the schema.
    const a = await replica();
    const b = await replica();

    // Wait for the first cycle to land, then give a duplicate time to show up.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const [{ count }] = await knex('maturity_snapshots').count({
        count: '*',
      });
      if (Number(count) >= entities.length) break;
      await new Promise(r => setTimeout(r, 250));
    }
    await new Promise(r => setTimeout(r, 5000));

    const perEntity = await knex('maturity_snapshots')
      .select('entity_ref')
      .count({ n: '*' })
      .groupBy('entity_ref');
    expect(perEntity).toHaveLength(entities.length);
    for (const row of perEntity) {
      expect(Number(row.n)).toBe(1);
    }

    await a.stop();
    await b.stop();
    await knex.destroy();
  });

  it('split a cycle of 4 shards between them, each entity evaluated once, each shard done once', async () => {
    const knex = await databases.init('POSTGRES_15');
    const replica = () =>
      startTestBackend({
        features: [
          maturityPlugin,
          schedulerServiceFactory,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities }),
          mockServices.rootConfig.factory({
            data: {
              maturity: {
                schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
                newEntities: { enabled: false },
                sharding: { shards: 4, pollInterval: { seconds: 1 } },
              },
            },
          }),
        ],
      });
    // Started one after the other: the first creates the schema.
    const a = await replica();
    const b = await replica();

    const deadline = Date.now() + 60_000;
    let done = 0;
    while (Date.now() < deadline && done < 4) {
      const rows = await knex('maturity_cycle_leases')
        .where('name', 'like', 'shard:%')
        .where('cycle', '>=', 1);
      done = rows.length;
      await new Promise(r => setTimeout(r, 250));
    }
    expect(done).toBe(4);
    // A duplicate run would show up within the poll interval.
    await new Promise(r => setTimeout(r, 3000));

    const cycle = await knex('maturity_cycle_leases')
      .where('name', 'cycle')
      .first();
    expect(Number(cycle.cycle)).toBe(1);
    expect(Number(cycle.shards)).toBe(4);
    const perEntity = await knex('maturity_snapshots')
      .select('entity_ref')
      .count({ n: '*' })
      .groupBy('entity_ref');
    expect(perEntity).toHaveLength(entities.length);
    for (const row of perEntity) {
      expect(Number(row.n)).toBe(1);
    }

    await a.stop();
    await b.stop();
    await knex.destroy();
  });
});
