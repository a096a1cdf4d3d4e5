import assert from 'node:assert/strict';
import { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createApp } from './app';

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
