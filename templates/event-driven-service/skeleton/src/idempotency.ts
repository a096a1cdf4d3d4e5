/**
 * Idempotent handling: the bus delivers at least once, so the same CloudEvent
 * can arrive again (a redelivery after a rebalance, a producer retry). An
 * event is identified by its `source` and `id` (CloudEvents 1.0: the pair is
 * unique per distinct event).
 */
export interface IdempotencyStore {
  /**
   * Claims the key for processing. Returns false when the key is already
   * claimed or done: the event is a duplicate and must not be handled again.
   */
  claim(key: string): boolean;
  /** Marks a claimed key as done: later deliveries are duplicates. */
  complete(key: string): void;
  /** Gives a claim back after a failure, so a redelivery is handled again. */
  release(key: string): void;
  /** Number of keys held (claimed or done). */
  readonly size: number;
}

/** The dedupe key of an event: its source and id. */
export function eventKey(event: { id: string; source: string }): string {
  if (!event.id || !event.source) {
    throw new TypeError('a CloudEvent needs both id and source');
  }
  // The NUL separator cannot appear in either attribute's printable form.
  return `${event.source}\u0000${event.id}`;
}

export interface InMemoryIdempotencyStoreOptions {
  /** Most keys kept; the oldest completed keys are evicted first. */
  maxEntries: number;
  /** How long a completed key is remembered, in milliseconds. */
  ttlMs: number;
  /** The clock, for tests. */
  now?: () => number;
}

/**
 * A bounded store in process memory: at most `maxEntries` keys, each kept
 * for `ttlMs` after it completed. Enough when one partition (or one
 * JetStream consumer) is read by one replica at a time; share a store
 * (Redis, a database) behind the same interface if replicas can see the same
 * event concurrently.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  // Insertion order is eviction order: a Map iterates oldest first.
  private readonly entries = new Map<
    string,
    { state: 'claimed' | 'done'; at: number }
  >();
  private readonly now: () => number;

  constructor(private readonly options: InMemoryIdempotencyStoreOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer');
    }
    if (!(options.ttlMs > 0)) {
      throw new RangeError('ttlMs must be positive');
    }
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  claim(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry) {
      const expired =
        entry.state === 'done' && this.now() - entry.at >= this.options.ttlMs;
      if (!expired) return false;
      this.entries.delete(key);
    }
    this.evict();
    this.entries.set(key, { state: 'claimed', at: this.now() });
    return true;
  }

  complete(key: string): void {
    // Re-inserting moves the key to the young end of the eviction order.
    this.entries.delete(key);
    this.entries.set(key, { state: 'done', at: this.now() });
    this.evict();
  }

  release(key: string): void {
    if (this.entries.get(key)?.state === 'claimed') this.entries.delete(key);
  }

  private evict(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.state === 'done' && now - entry.at >= this.options.ttlMs) {
        this.entries.delete(key);
      }
    }
    // Over the bound: drop the oldest completed keys. Claims in flight stay,
    // so an event being handled is never handled twice at once.
    for (const [key, entry] of this.entries) {
      if (this.entries.size < this.options.maxEntries) break;
      if (entry.state === 'done') this.entries.delete(key);
    }
  }
}
