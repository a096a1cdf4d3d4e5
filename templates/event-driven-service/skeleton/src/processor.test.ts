import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { CloudEvent } from 'cloudevents';
import { InMemoryIdempotencyStore } from './idempotency';
import { createMetrics, EventMetrics } from './metrics';
import { EventProcessor, EventProcessorOptions } from './processor';

propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function event(id = 'e-1', source = '/tests') {
  return new CloudEvent({
    id,
    source,
    type: 'com.example.thing.created',
    data: { n: 1 },
    traceparent: TRACEPARENT,
  });
}

let metrics: EventMetrics;
let deadLetters: CloudEvent<unknown>[];
let sleeps: number[];

beforeEach(() => {
  metrics = createMetrics({ defaultMetrics: false });
  deadLetters = [];
  sleeps = [];
});

function processor(overrides: Partial<EventProcessorOptions> = {}) {
  return new EventProcessor({
    handler: async () => undefined,
    store: new InMemoryIdempotencyStore({ maxEntries: 100, ttlMs: 60_000 }),
    deadLetter: async e => {
      deadLetters.push(e);
    },
    metrics,
    maxAttempts: 3,
    sleep: async ms => {
      sleeps.push(ms);
    },
    ...overrides,
  });
}

async function count(name: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

test('a handled event is processed once; a redelivery is a duplicate', async () => {
  let calls = 0;
  const p = processor({ handler: async () => void calls++ });
  assert.equal(await p.process(event()), 'processed');
  assert.equal(await p.process(event()), 'duplicate');
  assert.equal(
    await p.process(event('e-1', '/other')),
    'processed',
    'same id, other source',
  );
  assert.equal(calls, 2);
  assert.equal(await count('events_processed_total'), 2);
  assert.equal(await count('events_duplicates_total'), 1);
});

test('a transient failure is retried with backoff and not dead-lettered', async () => {
  let calls = 0;
  const p = processor({
    handler: async () => {
      if (++calls < 3) throw new Error('flaky');
    },
  });
  assert.equal(await p.process(event()), 'processed');
  assert.equal(calls, 3);
  assert.deepEqual(sleeps, [200, 400]);
  assert.equal(deadLetters.length, 0);
  assert.equal(await count('events_failed_total'), 2);
});

test('after the last attempt the event goes to the dead-letter topic, with reason, attempts and trace context', async () => {
  let calls = 0;
  const p = processor({
    handler: async () => {
      calls++;
      throw new Error('schema mismatch');
    },
  });
  assert.equal(await p.process(event()), 'dead-lettered');
  assert.equal(calls, 3);
  assert.equal(deadLetters.length, 1);
  const dead = deadLetters[0];
  assert.equal(dead.id, 'e-1');
  assert.equal(dead.source, '/tests');
  assert.deepEqual(dead.data, { n: 1 });
  assert.equal(dead.deadletterreason, 'schema mismatch');
  assert.equal(dead.deadletterattempts, 3);
  assert.match(
    String(dead.traceparent),
    /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-0[01]$/,
  );
  assert.equal(await count('events_dead_lettered_total'), 1);
  assert.equal(await count('events_failed_total'), 3);
  // A redelivery of a dead-lettered event is not dead-lettered twice.
  assert.equal(await p.process(event()), 'duplicate');
  assert.equal(deadLetters.length, 1);
});

test('if the dead-letter publish fails, process throws and the event can be redelivered', async () => {
  let deadLetterUp = false;
  let calls = 0;
  const p = processor({
    maxAttempts: 1,
    handler: async () => {
      calls++;
      throw new Error('boom');
    },
    deadLetter: async e => {
      if (!deadLetterUp) throw new Error('broker unavailable');
      deadLetters.push(e);
    },
  });
  await assert.rejects(
    p.process(event()),
    /could not be dead-lettered: broker unavailable/,
  );
  assert.equal(await count('events_dead_lettered_total'), 0);
  deadLetterUp = true;
  assert.equal(
    await p.process(event()),
    'dead-lettered',
    'not taken for a duplicate',
  );
  assert.equal(calls, 2);
  assert.equal(deadLetters.length, 1);
});

test('an attempt that hangs times out, is retried, then dead-lettered; the handler sees the abort', async () => {
  const aborted: boolean[] = [];
  const p = processor({
    maxAttempts: 2,
    attemptTimeoutMs: 20,
    handler: (_event, signal) =>
      new Promise<void>(() => {
        signal.addEventListener('abort', () => aborted.push(true));
      }),
  });
  assert.equal(await p.process(event()), 'dead-lettered');
  assert.match(
    String(deadLetters[0].deadletterreason),
    /timed out after 20 ?ms/,
  );
  assert.equal(aborted.length, 2);
  assert.equal(await count('events_failed_total'), 2);
});

test('bad settings are refused: maxAttempts and attemptTimeoutMs', () => {
  assert.throws(() => processor({ maxAttempts: 0 }), /maxAttempts/);
  assert.throws(() => processor({ maxAttempts: 2.5 }), /maxAttempts/);
  assert.throws(() => processor({ attemptTimeoutMs: 0 }), /attemptTimeoutMs/);
});
