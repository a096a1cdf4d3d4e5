import { createServiceFactory } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { createTestDatabases } from './__testUtils__/testDatabases';
import { maturityPlugin } from './plugin';
import {
  DEFAULT_CYCLE_SHARDING,
  DEFAULT_NEW_ENTITY_SCAN,
  readCycleSharding,
  readMaturitySchedule,
  readNewEntityScan,
} from './schedule';

jest.setTimeout(120_000);

const TASKS = 'backstage_backend_tasks__tasks';
const TASK_ID = 'maturity-evaluate-all';

const entities: Entity[] = Array.from({ length: 3 }, (_, i) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: `service-${i}`, namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team',
  },
}));

const schedule = (data: JsonObject) =>
  readMaturitySchedule(new ConfigReader({ maturity: { schedule: data } }));

describe('maturity.schedule', () => {
  it('refuses a timeout longer than the frequency (timeout 10 minutes, frequency 5 minutes)', () => {
    expect(() =>
      schedule({ frequency: { minutes: 5 }, timeout: { minutes: 10 } }),
    ).toThrow(
      /maturity\.schedule\.timeout \(600 s\) may not be longer than maturity\.schedule\.frequency \(300 s\)/,
    );
  });

  it('takes the frequency as the timeout when no timeout is given', () => {
    expect(schedule({ frequency: 'PT5M' })).toEqual({
      frequency: { minutes: 5 },
      timeout: { minutes: 5 },
      initialDelay: undefined,
    });
  });

  it('requires a timeout with a cron frequency (frequency { cron } without timeout)', () => {
    expect(() => schedule({ frequency: { cron: '*/5 * * * *' } })).toThrow(
      'maturity.schedule.timeout is required when maturity.schedule.frequency is a cron expression',
    );
  });

  it('keeps the default of 30 minutes with a 20-minute timeout', () => {
    expect(readMaturitySchedule(new ConfigReader({}))).toMatchObject({
      frequency: { minutes: 30 },
      timeout: { minutes: 20 },
    });
  });
});

const newEntities = (data: JsonObject) =>
  readNewEntityScan(new ConfigReader({ maturity: { newEntities: data } }));

describe('maturity.newEntities', () => {
  it('scans every 10 seconds, 20 entities at most, when not set', () => {
    expect(readNewEntityScan(new ConfigReader({}))).toEqual(
      DEFAULT_NEW_ENTITY_SCAN,
    );
  });

  it('reads an ISO duration (frequency PT30S, maxPerScan 5)', () => {
    expect(newEntities({ frequency: 'PT30S', maxPerScan: 5 })).toEqual({
      enabled: true,
      frequency: { seconds: 30 },
      maxPerScan: 5,
    });
  });

  it('refuses a frequency under a second (frequency { milliseconds: 100 })', () => {
    expect(() => newEntities({ frequency: { milliseconds: 100 } })).toThrow(
      'maturity.newEntities.frequency must be between 1 second and 5 minutes, got 0.1 s',
    );
  });

  it('refuses a frequency over 5 minutes (frequency { hours: 1 })', () => {
    expect(() => newEntities({ frequency: { hours: 1 } })).toThrow(
      'maturity.newEntities.frequency must be between 1 second and 5 minutes, got 3600 s',
    );
  });

  it('refuses maxPerScan 0', () => {
    expect(() => newEntities({ maxPerScan: 0 })).toThrow(
      'maturity.newEntities.maxPerScan must be a whole number from 1 to 500, got 0',
    );
  });
});

const sharding = (data: JsonObject) =>
  readCycleSharding(new ConfigReader({ maturity: { sharding: data } }));

describe('maturity.sharding', () => {
  it('has one shard, a 1-minute lease and a 5-second poll when not set', () => {
    expect(readCycleSharding(new ConfigReader({}))).toEqual(
      DEFAULT_CYCLE_SHARDING,
    );
  });

  it('reads shards 16, leaseDuration PT2M, pollInterval { seconds: 2 }', () => {
    expect(
      sharding({
        shards: 16,
        leaseDuration: 'PT2M',
        pollInterval: { seconds: 2 },
      }),
    ).toEqual({ shards: 16, leaseMs: 120_000, pollInterval: { seconds: 2 } });
  });

  it('refuses shards 0 and shards 2.5', () => {
    expect(() => sharding({ shards: 0 })).toThrow(
      'maturity.sharding.shards must be a whole number from 1 to 4096, got 0',
    );
    expect(() => sharding({ shards: 2.5 })).toThrow(
      'maturity.sharding.shards must be a whole number from 1 to 4096, got 2.5',
    );
  });

  it('refuses a lease under a second (leaseDuration { milliseconds: 10 })', () => {
    expect(() => sharding({ leaseDuration: { milliseconds: 10 } })).toThrow(
      'maturity.sharding.leaseDuration must be between 1 second and 1 hour, got 0.01 s',
    );
  });

  it('refuses a poll interval over 5 minutes (pollInterval PT1H)', () => {
    expect(() => sharding({ pollInterval: 'PT1H' })).toThrow(
      'maturity.sharding.pollInterval must be between 1 second and 5 minutes, got 3600 s',
    );
  });
});

/** Moves the task's and the shard's claims and next start `seconds` into the past. */
async function ageClaim(knex: Knex, seconds: number) {
  const cols = [
    'current_run_started_at',
    'current_run_expires_at',
    'next_run_start_at',
  ];
  const shift = (col: string) =>
    knex.client.config.client.includes('sqlite')
      ? knex.raw(`datetime(??, ?)`, [col, `-${seconds} seconds`])
      : knex.raw(`?? - make_interval(secs => ?)`, [col, seconds]);
  await knex(TASKS)
    .where('id', TASK_ID)
    .update(Object.fromEntries(cols.map(c => [c, shift(c)])));
  // The claim on the cycle's shard (epoch ms), and when the cycle started.
  const leases = ['expires_at', 'hold_until', 'started_at'];
  await knex('maturity_cycle_leases').update(
    Object.fromEntries(
      leases.map(c => [c, knex.raw('?? - ?', [c, seconds * 1000])]),
    ),
  );
}

/**
 * Starts a backend with the maturity plugin and the real scheduler on the
 * given database. `janitor`: the scheduler frees expired claims as it does
 * outside tests (Backstage starts its janitor only when NODE_ENV is not test).
 */
async function replica(options: {
  knex: Knex;
  schedule: JsonObject;
  catalog: ReturnType<typeof createServiceFactory>;
  janitor?: boolean;
}) {
  const nodeEnv = process.env.NODE_ENV;
  if (options.janitor) process.env.NODE_ENV = 'development';
  try {
    return await startTestBackend({
      features: [
        maturityPlugin,
        schedulerServiceFactory,
        mockServices.database.factory({ knex: options.knex }),
        options.catalog,
        mockServices.rootConfig.factory({
          data: { maturity: { schedule: options.schedule } },
        }),
      ],
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'a replica killed in the middle of a cycle, on %p',
  (databaseId: TestDatabaseId) => {
    it('blocks the surviving replica for one cycle at most (frequency 5 minutes, no timeout given)', async () => {
      const knex = await databases.init(databaseId);
      const cycle = { frequency: { minutes: 5 } };

      // The replica that dies: its cycle starts, claims the task, and never
      // finishes (its catalog never answers), as when the process is killed.
      let unblock: (e: Error) => void = () => {};
      const stuck = new Promise<never>((_, reject) => (unblock = reject));
      const hanging = createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () =>
          new Proxy({} as any, {
            get: (_, prop) => (prop === 'then' ? undefined : () => stuck),
          }) as any,
      });
      const dying = await replica({ knex, schedule: cycle, catalog: hanging });
      const claimDeadline = Date.now() + 30_000;
      while (Date.now() < claimDeadline) {
        const row = await knex(TASKS).where('id', TASK_ID).first();
        const shard = await knex('maturity_cycle_leases')
          .where('name', 'shard:0')
          .first()
          .catch(() => undefined);
        if (row?.current_run_ticket && shard?.holder) break;
        await new Promise(r => setTimeout(r, 200));
      }
      const claimed = await knex(TASKS).where('id', TASK_ID).first();
      expect(claimed.current_run_ticket).toBeTruthy();

      // One cycle later (and a second, as SQLite counts in whole seconds), a
      // surviving replica is running.
      await ageClaim(knex, 5 * 60 + 1);
      const survivor = await replica({
        knex,
        schedule: cycle,
        catalog: catalogServiceMock.factory({ entities }),
        janitor: true,
      });

      // It runs the cycle within seconds, not after the dead run's lock.
      const deadline = Date.now() + 30_000;
      let evaluated = 0;
      while (Date.now() < deadline && evaluated < entities.length) {
        const [{ count }] = await knex('maturity_snapshots').count({
          count: '*',
        });
        evaluated = Number(count);
        await new Promise(r => setTimeout(r, 250));
      }
      expect(evaluated).toBe(entities.length);

      unblock(new Error('the test is over'));
      await survivor.stop();
      await dying.stop();
    });
  },
);
