import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { CloudEvent, HTTP } from 'cloudevents';
import { createApp, MAX_BODY_BYTES } from './app';
import { ACCEPTED_TYPES, handle, InvalidEventError } from './handler';
import { ROUTES, routeOf, UNMATCHED } from './routes';

const TYPE = [...ACCEPTED_TYPES][0];
let base = '';
let ready = false;
let handled: CloudEvent<unknown>[] = [];
let failNext: Error | undefined;

const server = createApp({
  isReady: () => ready,
  handler: async event => {
    if (failNext) {
      const error = failNext;
      failNext = undefined;
      throw error;
    }
    await handle(event);
    handled.push(event);
  },
});

before(async () => {
  await new Promise<void>(resolve => server.listen(0, resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());
beforeEach(() => {
  handled = [];
  failNext = undefined;
});

function post(message: { headers: Record<string, unknown>; body: unknown }) {
  return fetch(`${base}/`, {
    method: 'POST',
    headers: message.headers as Record<string, string>,
    body:
      typeof message.body === 'string'
        ? message.body
        : JSON.stringify(message.body),
  });
}

const event = (overrides: Partial<CloudEvent<unknown>> = {}) =>
  new CloudEvent<unknown>({
    type: TYPE,
    source: '/tests',
    data: { id: 42 },
    ...overrides,
  });

test('accepts a binary-mode CloudEvent and hands it to the handler', async () => {
  const sent = event();
  const res = await post(HTTP.binary(sent));
  assert.equal(res.status, 202);
  assert.equal(handled.length, 1);
  assert.equal(handled[0].id, sent.id);
  assert.deepEqual(handled[0].data, { id: 42 });
});

test('accepts a structured-mode CloudEvent', async () => {
  const res = await post(HTTP.structured(event({ subject: 'course/7' })));
  assert.equal(res.status, 202);
  assert.equal(handled[0].subject, 'course/7');
});

test('a request that is not a CloudEvent is rejected with 400', async () => {
  const res = await fetch(`${base}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"hello":"world"}',
  });
  assert.equal(res.status, 400);
  assert.equal(handled.length, 0);
});

test('an event type the function does not handle is rejected with 400', async () => {
  const res = await post(HTTP.binary(event({ type: 'com.example.other' })));
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /com\.example\.other/);
  assert.equal(handled.length, 0);
});

test('data that is not a JSON object is final: 400, no retry', async () => {
  const res = await post(
    HTTP.binary(event({ data: 'plain text', datacontenttype: 'text/plain' })),
  );
  assert.equal(res.status, 400);
  assert.equal(handled.length, 0);
});

test('a handler failure answers 500 so the broker retries', async () => {
  failNext = new Error('database unavailable');
  const res = await post(HTTP.binary(event()));
  assert.equal(res.status, 500);
  failNext = new InvalidEventError('bad order');
  assert.equal((await post(HTTP.binary(event()))).status, 400);
});

test('bodies over the limit are refused with 413', async () => {
  const res = await fetch(`${base}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: 'x'.repeat(MAX_BODY_BYTES + 1),
  }).catch(() => undefined);
  // The server may close the connection before the client finishes sending.
  if (res) assert.equal(res.status, 413);
  assert.equal(handled.length, 0);
});

test('GET / is not an event: 405', async () => {
  assert.equal((await fetch(`${base}/`)).status, 405);
});

test('liveness answers 200, readiness 503 until ready', async () => {
  assert.equal((await fetch(`${base}/healthz/live`)).status, 200);
  assert.equal((await fetch(`${base}/healthz/ready`)).status, 503);
  ready = true;
  assert.equal((await fetch(`${base}/healthz/ready`)).status, 200);
});

test('metrics count events by type and outcome', async () => {
  await post(HTTP.binary(event()));
  const body = await (await fetch(`${base}/metrics`)).text();
  assert.match(
    body,
    new RegExp(
      `cloudevents_handled_total\\{type="${TYPE.replace(
        /\./g,
        '\\.',
      )}",outcome="ok"\\} \\d+`,
    ),
  );
  assert.match(
    body,
    /cloudevents_handled_total\{type="unknown",outcome="rejected"\} \d+/,
  );
  assert.match(body, /http_requests_total\{route="\/",status="202"\} \d+/);
});

test('unknown routes are 404', async () => {
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});

/** The series of one metric in the /metrics text. */
async function series(metric: string): Promise<string[]> {
  const body = await (await fetch(`${base}/metrics`)).text();
  return body.split('\n').filter(line => line.startsWith(`${metric}{`));
}

function randomPath(): string {
  const segment = () =>
    randomBytes(1 + Math.floor(Math.random() * 12)).toString('base64url');
  const depth = 1 + Math.floor(Math.random() * 4);
  return `/${Array.from({ length: depth }, segment).join('/')}?q=${segment()}`;
}

test('1,000 random paths add one http_requests_total series, not a thousand', async () => {
  const before = await series('http_requests_total');
  for (let batch = 0; batch < 20; batch++) {
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await fetch(`${base}${randomPath()}`);
        assert.equal(res.status, 404);
        await res.arrayBuffer();
      }),
    );
  }
  const after = await series('http_requests_total');
  // At most the one series of unmatched paths is new.
  assert.ok(
    after.length <= before.length + 1,
    `${after.length - before.length} new series`,
  );
  assert.ok(
    after.some(line =>
      line.startsWith('http_requests_total{route="unmatched",status="404"} '),
    ),
  );
  const routes = new Set(
    after.map(line => /route="([^"]*)"/.exec(line)?.[1] ?? ''),
  );
  for (const route of routes) {
    assert.ok(ROUTES.concat(UNMATCHED).includes(route), route);
  }
});

test('/jobs/, /jobs/42/other and a path with an empty segment do not match /jobs/:id', () => {
  const routes = ['/jobs/:id', '/jobs/:id/logs'];
  assert.equal(routeOf('/jobs/42', routes), '/jobs/:id');
  assert.equal(routeOf('/jobs/42/logs', routes), '/jobs/:id/logs');
  assert.equal(routeOf('/jobs/', routes), UNMATCHED);
  assert.equal(routeOf('/jobs/42/other', routes), UNMATCHED);
  assert.equal(routeOf('/jobs//logs', routes), UNMATCHED);
});
