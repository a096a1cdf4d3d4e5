import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { createHash, randomUUID } from 'node:crypto';

/** The table of the cycle's and the shards' leases (migration 20261206003000). */
export const CYCLE_LEASES_TABLE = 'maturity_cycle_leases';

const CYCLE_ROW = 'cycle';
const shardRow = (index: number) => `shard:${index}`;

/**
 * The shard (0 to `shards` - 1) of an entity: the first four bytes of the
 * SHA-1 of its lower-cased ref, modulo the shard count. Every replica computes
 * the same shard for a ref, without asking the database.
 */
export function shardOf(entityRef: string, shards: number): number {
  if (shards <= 1) return 0;
  const digest = createHash('sha1')
    .update(entityRef.toLocaleLowerCase('en-US'))
    .digest();
  return digest.readUInt32BE(0) % shards;
}

/** One shard of one cycle, as handed to the function that evaluates it. */
export interface CycleShard {
  /** 0 to count - 1. */
  index: number;
  /** The shard count of this cycle. */
  count: number;
  /** The number of the cycle. */
  cycle: number;
  /** True for the entities of this shard. */
  includes(entityRef: string): boolean;
  /** Aborted when this replica lost its claim on the shard. */
  signal: AbortSignal;
}

/** What `start` did. */
export type CycleStart =
  | { started: true; cycle: number }
  | {
      started: false;
      cycle: number;
      /** running: shards of the latest cycle are not done; recent: it started within `notWithinMs`. */
      reason: 'running' | 'recent';
    };

/** Where the current cycle stands (`ShardedCycle.status`). */
export interface CycleStatus {
  /** The number of the current cycle; 0 before the first. */
  cycle: number;
  /** Its shard count. */
  shards: number;
  /** How many of its shards are done. */
  done: number;
  /** When it started, in epoch ms. */
  startedAt?: number;
}

/** Settings of the sharded cycle. */
export interface ShardedCycleOptions {
  /** The plugin's database, holding the lease table. */
  knex: Knex;
  /** How many shards a cycle started by this replica has (1 or more). */
  shards: number;
  /**
   * How long a claim on a shard lasts unless renewed. The holder renews it
   * every third of this; a replica that dies loses its shards after it.
   */
  leaseMs: number;
  /**
   * The longest one replica may hold one shard, renewals included: a replica
   * that hangs loses its shard after it.
   */
  maxHoldMs: number;
  /** Evaluates the entities of one shard. */
  runShard(shard: CycleShard): Promise<void>;
  logger: LoggerService;
  /** The clock, in epoch ms. Every replica should have the same time. */
  now?: () => number;
}

/**
 * The evaluation cycle, split into shards that replicas sharing one database
 * claim one at a time. A cycle is a number in the lease table: `start` moves
 * it to the next number, only when every shard has completed the current one
 * (a compare-and-set, so two replicas never start the same cycle). `work`
 * claims the shards of the current cycle that no live replica holds, runs
 * them and marks them done. A shard is done once per cycle, so each entity is
 * evaluated once per cycle; the claim of a replica that died lapses after the
 * lease, and the next replica that calls `work` takes the shard over.
 */
export class ShardedCycle {
  private readonly knex: Knex;
  private readonly now: () => number;
  private working: Promise<number[]> | undefined;

  constructor(private readonly options: ShardedCycleOptions) {
    if (!Number.isInteger(options.shards) || options.shards < 1) {
      throw new Error(
        `shards must be a whole number from 1, got ${options.shards}`,
      );
    }
    this.knex = options.knex;
    this.now = options.now ?? Date.now;
  }

  /**
   * Starts the next cycle in the database, unless shards of the current one
   * are not done yet, or (with `notWithinMs`) it started less than that ago.
   * Does not evaluate anything: call `work` next, on this replica, to start
   * evaluating at once.
   */
  async start(options?: { notWithinMs?: number }): Promise<CycleStart> {
    let row = await this.knex(CYCLE_LEASES_TABLE)
      .where('name', CYCLE_ROW)
      .first();
    if (!row) {
      await this.knex(CYCLE_LEASES_TABLE)
        .insert({ name: CYCLE_ROW, cycle: 0 })
        .onConflict('name')
        .ignore();
      row = await this.knex(CYCLE_LEASES_TABLE)
        .where('name', CYCLE_ROW)
        .first();
    }
    const cycle = Number(row.cycle);
    if (cycle > 0) {
      const unfinished = await this.knex(CYCLE_LEASES_TABLE)
        .whereIn('name', shardNames(Number(row.shards ?? 1)))
        .where('cycle', '<', cycle)
        .first('name');
      if (unfinished) return { started: false, cycle, reason: 'running' };
    }
    const startedAt =
      row.started_at === null ? undefined : Number(row.started_at);
    if (
      options?.notWithinMs !== undefined &&
      startedAt !== undefined &&
      this.now() - startedAt < options.notWithinMs
    ) {
      return { started: false, cycle, reason: 'recent' };
    }
    const shards = this.options.shards;
    // The shard rows exist from earlier cycles unless the count grew. In
    // chunks: SQLite caps a multi-row insert at 500 terms.
    if (cycle === 0 || shards > Number(row.shards ?? 1)) {
      const rows = Array.from({ length: shards }, (_, i) => ({
        name: shardRow(i),
        cycle,
      }));
      for (let i = 0; i < rows.length; i += 200) {
        await this.knex(CYCLE_LEASES_TABLE)
          .insert(rows.slice(i, i + 200))
          .onConflict('name')
          .ignore();
      }
    }
    const updated = await this.knex(CYCLE_LEASES_TABLE)
      .where({ name: CYCLE_ROW, cycle })
      .update({ cycle: cycle + 1, shards, started_at: this.now() });
    if (updated !== 1) {
      // Another replica started it between the read and the update.
      return { started: false, cycle: cycle + 1, reason: 'running' };
    }
    return { started: true, cycle: cycle + 1 };
  }

  /**
   * Claims and runs the current cycle's shards that are not done and that no
   * replica holds, one after the other, until none is left; returns the
   * indexes of the shards this replica completed. A shard whose run failed is
   * left to its lease before anyone retries it. Calls made while this replica
   * works wait for that work instead of starting a second one.
   */
  async work(): Promise<number[]> {
    if (!this.working) {
      this.working = this.workOnce().finally(() => {
        this.working = undefined;
      });
    }
    return this.working;
  }

  private async workOnce(): Promise<number[]> {
    const done: number[] = [];
    const row = await this.knex(CYCLE_LEASES_TABLE)
      .where('name', CYCLE_ROW)
      .first();
    if (!row || Number(row.cycle) === 0) return done;
    const cycle = Number(row.cycle);
    const count = Number(row.shards ?? 1);
    const tried = new Set<string>();
    for (;;) {
      const open = (
        await this.knex(CYCLE_LEASES_TABLE)
          .whereIn('name', shardNames(count))
          .where('cycle', '<', cycle)
          .where(q =>
            q.whereNull('holder').orWhere('expires_at', '<', this.now()),
          )
          .select('name')
      )
        .map(r => r.name as string)
        .filter(name => !tried.has(name));
      if (open.length === 0) return done;
      // In random order, so that replicas starting together rarely collide;
      // a shard another replica claimed meanwhile is skipped by the update.
      for (const name of shuffle(open)) {
        tried.add(name);
        const now = this.now();
        const token = randomUUID();
        const claimed = await this.knex(CYCLE_LEASES_TABLE)
          .where('name', name)
          .where('cycle', '<', cycle)
          .where(q => q.whereNull('holder').orWhere('expires_at', '<', now))
          .update({
            holder: token,
            expires_at: now + this.options.leaseMs,
            hold_until: now + this.options.maxHoldMs,
          });
        if (claimed !== 1) continue;
        const index = Number(name.slice('shard:'.length));
        if (await this.runClaimed({ name, index, count, cycle, token })) {
          done.push(index);
        }
      }
    }
  }

  private async runClaimed(shard: {
    name: string;
    index: number;
    count: number;
    cycle: number;
    token: string;
  }): Promise<boolean> {
    const { name, index, count, cycle, token } = shard;
    const { leaseMs, logger } = this.options;
    const lost = new AbortController();
    const mine = () =>
      this.knex(CYCLE_LEASES_TABLE).where({ name, holder: token });
    // Renews the claim until the run ends, never past hold_until.
    const holdUntil = this.now() + this.options.maxHoldMs;
    const renew = async () => {
      const now = this.now();
      const renewed = await mine()
        .where('hold_until', '>', now)
        .update({ expires_at: Math.min(now + leaseMs, holdUntil) })
        .catch(e => {
          logger.warn(`Could not renew the claim on maturity ${name}: ${e}`);
          return 1;
        });
      if (renewed === 0) lost.abort();
    };
    const timer = setInterval(() => void renew(), Math.max(leaseMs / 3, 10));
    timer.unref?.();
    try {
      await this.options.runShard({
        index,
        count,
        cycle,
        includes: ref => shardOf(ref, count) === index,
        signal: lost.signal,
      });
    } catch (e) {
      // Held until the lease lapses: a failing shard is retried once per lease.
      logger.warn(
        `Maturity cycle ${cycle}, shard ${index + 1} of ${count} failed: ${e}`,
      );
      return false;
    } finally {
      clearInterval(timer);
    }
    const marked = await mine().update({
      cycle,
      holder: null,
      expires_at: null,
      hold_until: null,
    });
    if (marked !== 1) {
      logger.warn(
        `Maturity cycle ${cycle}, shard ${
          index + 1
        } of ${count}: the claim lapsed before the shard was done; another replica runs it again`,
      );
      return false;
    }
    return true;
  }

  /**
   * The current cycle: its number (0 before the first), its shard count, the
   * shards done, and when it started (epoch ms).
   */
  async status(): Promise<CycleStatus> {
    const row = await this.knex(CYCLE_LEASES_TABLE)
      .where('name', CYCLE_ROW)
      .first();
    if (!row) return { cycle: 0, shards: 0, done: 0 };
    const cycle = Number(row.cycle);
    const shards = Number(row.shards ?? 1);
    const [{ n }] = await this.knex(CYCLE_LEASES_TABLE)
      .whereIn('name', shardNames(shards))
      .where('cycle', '>=', cycle)
      .count({ n: '*' });
    return {
      cycle,
      shards,
      done: Number(n),
      ...(row.started_at === null || row.started_at === undefined
        ? {}
        : { startedAt: Number(row.started_at) }),
    };
  }
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function shardNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => shardRow(i));
}
