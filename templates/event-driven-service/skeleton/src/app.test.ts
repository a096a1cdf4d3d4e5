import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createApp } from './app';
import { createMetrics } from './metrics';

// The service's metrics are labelled by event type, and its HTTP side has no
// per-path metric: a path is chosen by the caller, so a label from it would
// add a series to Prometheus for every scanner's probe.
const metrics = createMetrics({ defaultMetrics: false });
const server = createApp({ metrics });
let base = '';

before(async () => {
  await new Promise<void>(resolve => server.listen(0, resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

/** The series in the /metrics text: every sample line. */
async function series(): Promise<string[]> {
  const body = await (await fetch(`${base}/metrics`)).text();
  return body.split('\n').filter(line => line !== '' && !line.startsWith('#'));
}

function randomPath(): string {
  const segment = () =>
    randomBytes(1 + Math.floor(Math.random() * 12)).toString('base64url');
  const depth = 1 + Math.floor(Math.random() * 4);
  return `/${Array.from({ length: depth }, segment).join('/')}?q=${segment()}`;
}

test('1,000 random paths add no metric series', async () => {
  const before = await series();
  for (let batch = 0; batch < 20; batch++) {
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await fetch(`${base}${randomPath()}`);
        assert.equal(res.status, 404);
        await res.arrayBuffer();
      }),
    );
  }
  assert.deepEqual(await series(), before);
});
