import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventKey, InMemoryIdempotencyStore } from './idempotency';

test('the key is source and id: same id from another source is another event', () => {
  assert.equal(
    eventKey({ id: '1', source: '/a' }),
    eventKey({ id: '1', source: '/a' }),
  );
  assert.notEqual(
    eventKey({ id: '1', source: '/a' }),
    eventKey({ id: '1', source: '/b' }),
  );
  // No concatenation collision: ('/a', 'bc') is not ('/ab', 'c').
  assert.notEqual(
    eventKey({ id: 'bc', source: '/a' }),
    eventKey({ id: 'c', source: '/ab' }),
  );
});

test('an event without id or source is rejected', () => {
  assert.throws(() => eventKey({ id: '', source: '/a' }), /id and source/);
  assert.throws(() => eventKey({ id: '1', source: '' }), /id and source/);
});

test('a completed key is a duplicate; a released one can be claimed again', () => {
  const store = new InMemoryIdempotencyStore({ maxEntries: 10, ttlMs: 60_000 });
  assert.equal(store.claim('a'), true);
  assert.equal(
    store.claim('a'),
    false,
    'in flight: a concurrent delivery is a duplicate',
  );
  store.complete('a');
  assert.equal(store.claim('a'), false);
  assert.equal(store.claim('b'), true);
  store.release('b');
  assert.equal(
    store.claim('b'),
    true,
    'released after a failure: handled again',
  );
});

test('release never forgets a completed key', () => {
  const store = new InMemoryIdempotencyStore({ maxEntries: 10, ttlMs: 60_000 });
  store.claim('a');
  store.complete('a');
  store.release('a');
  assert.equal(store.claim('a'), false);
});

test('completed keys expire after the TTL', () => {
  let now = 0;
  const store = new InMemoryIdempotencyStore({
    maxEntries: 10,
    ttlMs: 1_000,
    now: () => now,
  });
  store.claim('a');
  store.complete('a');
  now = 999;
  assert.equal(store.claim('a'), false);
  now = 1_000;
  assert.equal(store.claim('a'), true);
});

test('the store is bounded: the oldest completed keys go first, claims in flight stay', () => {
  const store = new InMemoryIdempotencyStore({ maxEntries: 3, ttlMs: 60_000 });
  store.claim('inflight');
  for (const key of ['k1', 'k2', 'k3', 'k4']) {
    store.claim(key);
    store.complete(key);
  }
  assert.ok(store.size <= 3, `size ${store.size}`);
  assert.equal(store.claim('inflight'), false, 'the claim in flight was kept');
  assert.equal(store.claim('k4'), false, 'the newest key was kept');
  assert.equal(store.claim('k1'), true, 'the oldest key was evicted');
});

test('bad bounds are refused', () => {
  assert.throws(
    () => new InMemoryIdempotencyStore({ maxEntries: 0, ttlMs: 1 }),
    /maxEntries/,
  );
  assert.throws(
    () => new InMemoryIdempotencyStore({ maxEntries: 1.5, ttlMs: 1 }),
    /maxEntries/,
  );
  assert.throws(
    () => new InMemoryIdempotencyStore({ maxEntries: 1, ttlMs: 0 }),
    /ttlMs/,
  );
});
