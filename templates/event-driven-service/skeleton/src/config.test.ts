import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './config';

const base = {
  EVENT_TOPIC: 'orders',
  EVENT_BUS_SERVERS: 'a:9092, b:9092',
  EVENT_CONSUMER_GROUP: 'svc',
};

test('defaults: the dead-letter topic is <topic>.dlq', () => {
  const config = loadConfig(base);
  assert.equal(config.deadLetterTopic, 'orders.dlq');
  assert.deepEqual(config.servers, ['a:9092', 'b:9092']);
  assert.equal(config.maxAttempts, 5);
});

test('missing or malformed settings are named', () => {
  assert.throws(
    () => loadConfig({ ...base, EVENT_TOPIC: '' }),
    /EVENT_TOPIC is not set/,
  );
  assert.throws(
    () => loadConfig({ ...base, EVENT_MAX_ATTEMPTS: 'three' }),
    /EVENT_MAX_ATTEMPTS must be a positive integer/,
  );
  assert.throws(
    () => loadConfig({ ...base, IDEMPOTENCY_MAX_ENTRIES: '0' }),
    /IDEMPOTENCY_MAX_ENTRIES/,
  );
});
