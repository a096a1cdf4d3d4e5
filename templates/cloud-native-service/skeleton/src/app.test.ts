import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createApp } from './app';
import { ROUTES, routeOf, UNMATCHED } from './routes';

let base = '';
let ready = false;
const server = createApp({ isReady: () => ready });

before(async () => {
  await new Promise<void>(resolve => server.listen(0, resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('liveness answers 200', async () => {
  const res = await fetch(`${base}/healthz/live`);
  assert.equal(res.status, 200);
});

test('readiness is 503 until ready, then 200', async () => {
  assert.equal((await fetch(`${base}/healthz/ready`)).status, 503);
  ready = true;
  assert.equal((await fetch(`${base}/healthz/ready`)).status, 200);
});

test('metrics are in the Prometheus text format', async () => {
  await fetch(`${base}/`);
  const body = await (await fetch(`${base}/metrics`)).text();
  assert.match(body, /http_requests_total\{route="\/",status="200"\} 1/);
});

test('unknown routes are 404', async () => {
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});

/** The series of one metric in the /metrics text, e.g. http_requests_total{route="/",status="200"}. */
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
  // The latency histogram is labelled the same way.
  const routes = new Set(
    (await series('http_request_duration_seconds_count')).map(
      line => /route="([^"]*)"/.exec(line)?.[1],
    ),
  );
  assert.ok(
    [...routes].every(
      r => r !== undefined && ROUTES.concat(UNMATCHED).includes(r),
    ),
    [...routes].join(', '),
  );
});

test('/courses/, /courses/42/other and a path with an empty segment do not match /courses/:id', () => {
  const routes = ['/courses/:id', '/courses/:id/reviews'];
  assert.equal(routeOf('/courses/42', routes), '/courses/:id');
  assert.equal(routeOf('/courses/42/reviews', routes), '/courses/:id/reviews');
  assert.equal(routeOf('/courses/', routes), UNMATCHED);
  assert.equal(routeOf('/courses/42/other', routes), UNMATCHED);
  assert.equal(routeOf('/courses//reviews', routes), UNMATCHED);
});
