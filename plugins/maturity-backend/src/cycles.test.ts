import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { maturityPlugin } from './plugin';

jest.setTimeout(120_000);

const user = mockCredentials.user.header();

// Enough entities that a cycle is still running when the next request comes.
const entities: Entity[] = Array.from({ length: 1500 }, (_, i) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: `service-${i}`, namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team',
  },
}));

function backend(permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  return startTestBackend({
    features: [
      maturityPlugin,
      schedulerServiceFactory,
      catalogServiceMock.factory({ entities }),
      ...(permission
        ? [mockServices.permissions.factory({ result: permission })]
        : []),
      mockServices.rootConfig.factory({
        data: {
          maturity: {
            // The schedule would start the next cycle an hour from now.
            schedule: { frequency: { hours: 1 }, timeout: { minutes: 10 } },
            newEntities: { enabled: false },
          },
        },
      }),
    ],
  });
}

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

async function idleCycle(server: Server) {
  for (;;) {
    const res = await request(server)
      .get('/api/maturity/cycles/current')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    if (res.body.cycle > 0 && !res.body.running) return res.body;
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('POST /cycles', () => {
  it('starts the next cycle at once, without waiting for the schedule, and starts no second one while it runs', async () => {
    const b = await backend();
    const server = b.server;
    try {
      // The cycle the backend starts when it starts.
      const first = await idleCycle(server);
      expect(first).toMatchObject({ cycle: 1, shards: 1, done: 1 });

      const started = await request(server)
        .post('/api/maturity/cycles')
        .set('Authorization', user);
      expect(started.status).toBe(202);
      expect(started.body).toEqual({ started: true, cycle: 2 });

      // It is running: a second request starts nothing and says so.
      const again = await request(server)
        .post('/api/maturity/cycles')
        .set('Authorization', user);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({
        started: false,
        cycle: 2,
        reason: 'running',
      });

      const second = await idleCycle(server);
      expect(second).toMatchObject({ cycle: 2, done: 1, running: false });
      expect(Date.parse(second.startedAt)).toBeGreaterThan(
        Date.parse(first.startedAt),
      );
      const scores = await request(server)
        .get('/api/maturity/entities?limit=1')
        .set('Authorization', user);
      expect(scores.body.totalCount).toBe(entities.length);
    } finally {
      await b.stop();
    }
  });

  it('answers 403 without maturity.cycle.run, and starts nothing', async () => {
    const b = await backend(AuthorizeResult.DENY);
    const server = b.server;
    try {
      const before = await idleCycle(server);
      const res = await request(server)
        .post('/api/maturity/cycles')
        .set('Authorization', user);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('maturity.cycle.run');
      const after = await request(server)
        .get('/api/maturity/cycles/current')
        .set('Authorization', user);
      expect(after.body.cycle).toBe(before.cycle);
    } finally {
      await b.stop();
    }
  });
});
