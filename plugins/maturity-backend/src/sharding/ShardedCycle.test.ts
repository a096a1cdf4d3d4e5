import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseMaturityStore } from '../database/DatabaseMaturityStore';
import {
  CYCLE_LEASES_TABLE,
  CycleShard,
  ShardedCycle,
  shardOf,
} from './ShardedCycle';

jest.setTimeout(60_000);

const refs = Array.from(
  { length: 300 },
  (_, i) => `component:default/service-${i}`,
);

/** One replica: evaluates its shard's refs into `evaluated`, per cycle. */
function replica(
  knex: Knex,
  evaluated: Map<number, string[]>,
  options: {
    shards?: number;
    leaseMs?: number;
    runShard?: (shard: CycleShard) => Promise<void>;
  } = {},
) {
  return new ShardedCycle({
    knex,
    shards: options.shards ?? 8,
    leaseMs: options.leaseMs ?? 60_000,
    maxHoldMs: 10 * 60_000,
    logger: mockServices.logger.mock(),
    runShard:
      options.runShard ??
      (async shard => {
        // Yield, so that the two replicas interleave.
        await new Promise(r => setTimeout(r, 5));
        const list = evaluated.get(shard.cycle) ?? [];
        list.push(...refs.filter(ref => shard.includes(ref)));
        evaluated.set(shard.cycle, list);
      }),
  });
}

function expectEachOnce(list: string[] | undefined) {
  expect([...(list ?? [])].sort()).toEqual([...refs].sort());
}

describe('shardOf', () => {
  it('puts each ref in one of the shards, the same one whatever the case of the ref', () => {
    const counts = new Array(8).fill(0);
    for (const ref of refs) counts[shardOf(ref, 8)] += 1;
    // Every shard gets some of 300 refs.
    expect(counts.every(n => n > 0)).toBe(true);
    expect(shardOf('Component:Default/Service-7', 8)).toBe(
      shardOf('component:default/service-7', 8),
    );
    expect(shardOf('component:default/service-7', 1)).toBe(0);
  });
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'the sharded cycle with two replicas on one database, on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: DatabaseMaturityStore.migrationsDir,
      });
    });
    afterEach(async () => {
      await knex.destroy();
    });

    it('evaluate each entity exactly once per cycle when both are triggered at the same moment (8 shards)', async () => {
      const evaluated = new Map<number, string[]>();
      const a = replica(knex, evaluated);
      const b = replica(knex, evaluated);

      const starts = await Promise.all([a.start(), b.start()]);
      expect(starts.filter(s => s.started)).toHaveLength(1);
      const [doneA, doneB] = await Promise.all([a.work(), b.work()]);
      expect([...doneA, ...doneB].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expectEachOnce(evaluated.get(1));

      // The next cycle: again once each, and cycle 1 was not run again.
      const next = await Promise.all([b.start(), a.start()]);
      expect(next.filter(s => s.started)).toEqual([
        { started: true, cycle: 2 },
      ]);
      await Promise.all([a.work(), b.work()]);
      expectEachOnce(evaluated.get(1));
      expectEachOnce(evaluated.get(2));
      expect(await a.status()).toEqual({
        cycle: 2,
        shards: 8,
        done: 8,
        startedAt: expect.any(Number),
      });
    });

    it('start a cycle of 520 shards (more rows than one SQLite multi-row insert takes), and grow from 2 shards to 3', async () => {
      const evaluated = new Map<number, string[]>();
      const many = replica(knex, evaluated, { shards: 520 });
      expect(await many.start()).toEqual({ started: true, cycle: 1 });
      expect(await many.status()).toEqual({
        cycle: 1,
        shards: 520,
        done: 0,
        startedAt: expect.any(Number),
      });
      await many.work();
      expectEachOnce(evaluated.get(1));

      await replica(knex, evaluated, { shards: 2 }).start();
      const three = replica(knex, evaluated, { shards: 3 });
      await three.work();
      expect(await three.start()).toEqual({ started: true, cycle: 3 });
      expect((await three.work()).sort()).toEqual([0, 1, 2]);
      expectEachOnce(evaluated.get(3));
    });

    it('start no second cycle while shards of the first are not done', async () => {
      let release: () => void = () => {};
      const hold = new Promise<void>(r => (release = r));
      const evaluated = new Map<number, string[]>();
      const a = replica(knex, evaluated, {
        shards: 2,
        runShard: async shard => {
          await hold;
          const list = evaluated.get(shard.cycle) ?? [];
          list.push(...refs.filter(ref => shard.includes(ref)));
          evaluated.set(shard.cycle, list);
        },
      });
      const b = replica(knex, evaluated, { shards: 2 });

      expect(await a.start()).toEqual({ started: true, cycle: 1 });
      const working = a.work();
      // a holds a shard; b takes the other one.
      await new Promise(r => setTimeout(r, 200));
      expect(await b.start()).toEqual({
        started: false,
        cycle: 1,
        reason: 'running',
      });
      await b.work();
      expect(await b.start()).toEqual({
        started: false,
        cycle: 1,
        reason: 'running',
      });
      release();
      await working;
      expectEachOnce(evaluated.get(1));
      expect(evaluated.has(2)).toBe(false);
    });

    it('skip a scheduled start within notWithinMs of the last one (a cycle started on demand just before)', async () => {
      const evaluated = new Map<number, string[]>();
      const a = replica(knex, evaluated, { shards: 2 });
      await a.start();
      await a.work();
      expect(await a.start({ notWithinMs: 60_000 })).toEqual({
        started: false,
        cycle: 1,
        reason: 'recent',
      });
      expect(await a.start()).toEqual({ started: true, cycle: 2 });
    });

    it('take over the shard of a replica that died holding it, once its lease lapsed, and finish the cycle', async () => {
      const evaluated = new Map<number, string[]>();
      let heldShard: CycleShard | undefined;
      // Replica a claims one shard and never gets further: it died.
      const a = replica(knex, evaluated, {
        shards: 4,
        runShard: shard => {
          heldShard = shard;
          return new Promise<void>(() => {});
        },
      });
      const b = replica(knex, evaluated, { shards: 4 });

      expect(await a.start()).toEqual({ started: true, cycle: 1 });
      void a.work();
      while (!heldShard) await new Promise(r => setTimeout(r, 20));
      const held = heldShard.index;

      // b does the rest, but not the shard a holds.
      const first = await b.work();
      expect(first.sort()).toEqual([0, 1, 2, 3].filter(i => i !== held));
      expect(await b.start()).toMatchObject({ started: false });
      expect(evaluated.get(1)?.filter(ref => shardOf(ref, 4) === held)).toEqual(
        [],
      );

      // The lease passes without a renewal from the dead replica.
      await knex(CYCLE_LEASES_TABLE)
        .where('name', `shard:${held}`)
        .update({ expires_at: Date.now() - 1 });
      expect(await b.work()).toEqual([held]);
      expectEachOnce(evaluated.get(1));

      // The cycle is complete, so the next one starts and b runs all of it.
      expect(await b.start()).toEqual({ started: true, cycle: 2 });
      expect((await b.work()).sort()).toEqual([0, 1, 2, 3]);
      expectEachOnce(evaluated.get(2));
    });

    it('abort the run of a replica whose claim was taken over (its renewal finds another holder)', async () => {
      const evaluated = new Map<number, string[]>();
      let aborted: AbortSignal | undefined;
      const a = replica(knex, evaluated, {
        shards: 1,
        leaseMs: 1500,
        runShard: shard => {
          aborted = shard.signal;
          return new Promise<void>(resolve =>
            shard.signal.addEventListener('abort', () => resolve()),
          );
        },
      });
      await a.start();
      const working = a.work();
      while (!aborted) await new Promise(r => setTimeout(r, 20));
      await knex(CYCLE_LEASES_TABLE)
        .where('name', 'shard:0')
        .update({ holder: 'another-replica' });
      // The next renewal (a third of the lease) finds the claim gone.
      expect(await working).toEqual([]);
      expect(aborted.aborted).toBe(true);
    });
  },
);
