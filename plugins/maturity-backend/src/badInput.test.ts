import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DEFAULT_MATURITY_MODEL } from '@cloud-native-portal/plugin-maturity-common';
import express from 'express';
import request from 'supertest';
import { createTestDatabases } from './__testUtils__/testDatabases';
import { DatabaseMaturityStore } from './database/DatabaseMaturityStore';
import { createRouter } from './router';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const REF = 'component:default/payments-gateway';

describe.each(databases.eachSupportedId())('maturity bad input on %p', id => {
  async function app() {
    const knex = await databases.init(id);
    const store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    await store.saveEvaluations(
      [
        {
          entity: {
            entityRef: REF,
            kind: 'component',
            ownerRef: 'group:default/payments-team',
            tags: [],
          },
          level: 2,
          score: 40,
          dimensions: [],
          results: [],
          modelVersion: '1',
          dimensionChecks: {},
        } as any,
      ],
      { at: new Date(), snapshot: false },
    );
    const router = await createRouter({
      engine: {
        model: DEFAULT_MATURITY_MODEL,
        reevaluateEntity: async () => {},
      } as any,
      store,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions.mock({
        authorize: async (r: unknown[]) =>
          r.map(() => ({ result: AuthorizeResult.ALLOW })),
        authorizeConditional: async (r: unknown[]) =>
          r.map(() => ({ result: AuthorizeResult.ALLOW })),
      } as any),
    });
    const mw = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    return express().use(router).use(mw.error());
  }
  const campaign = {
    title: 'Observable by spring',
    dimension: DEFAULT_MATURITY_MODEL.dimensions[0].id,
    targetLevel: 3,
    deadline: '2027-03-31',
  };
  const waiver = {
    entityRef: REF,
    checkId: DEFAULT_MATURITY_MODEL.checks[0].id,
    reason: 'Retired in January',
    expiresAt: '2027-01-31',
  };

  it.each([
    [
      'campaign title NUL',
      '/campaigns',
      { ...campaign, title: 'A\u0000b c' },
      /title/,
    ],
    [
      'campaign deadline 2026-02-31',
      '/campaigns',
      { ...campaign, deadline: '2026-02-31' },
      /deadline: must be a date that exists/,
    ],
    [
      'campaign deadline past',
      '/campaigns',
      { ...campaign, deadline: '2020-01-01' },
      /deadline: must be today or later/,
    ],
    [
      'waiver reason NUL',
      '/waivers',
      { ...waiver, reason: 'Retired\u0000 soon' },
      /reason: must not contain a NUL/,
    ],
    [
      'waiver expiresAt next week',
      '/waivers',
      { ...waiver, expiresAt: 'next week' },
      /expiresAt: must be a date in the form YYYY-MM-DD, like 2027-03-31/,
    ],
    [
      'waiver expiresAt 2027-02-30',
      '/waivers',
      { ...waiver, expiresAt: '2027-02-30' },
      /expiresAt: must be a date that exists/,
    ],
  ])('%s gives 400', async (_, path, body, message) => {
    const res = await request(await app())
      .post(path)
      .set('Authorization', 'Bearer mock-user-token')
      .send(body);
    expect([res.status, res.body.error?.message]).toEqual([
      400,
      expect.stringMatching(message),
    ]);
  });

  it('a good campaign and waiver are 201', async () => {
    const a = await app();
    const c = await request(a).post('/campaigns').send(campaign);
    expect([c.status, c.body.deadline]).toEqual([201, '2027-03-31']);
    const w = await request(a).post('/waivers').send(waiver);
    expect(w.status).toBe(201);
    expect(w.body.expiresAt).toMatch(/^2027-01-31T23:59:59/);
  });
});

describe.each(databases.eachSupportedId())(
  'maturity NUL in paths on %p',
  id => {
    it.each([
      '/entity/component/default/a%00b',
      '/entities?owner=a%00b',
      '/waivers?entityRef=a%00b',
      '/entity/component/default/a%00b/history',
    ])('GET %s', async path => {
      const knex = await databases.init(id);
      const store = await DatabaseMaturityStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const router = await createRouter({
        engine: {
          model: DEFAULT_MATURITY_MODEL,
          reevaluateEntity: async () => {},
        } as any,
        store,
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions.mock({
          authorize: async (r: unknown[]) =>
            r.map(() => ({ result: AuthorizeResult.ALLOW })),
          authorizeConditional: async (r: unknown[]) =>
            r.map(() => ({ result: AuthorizeResult.ALLOW })),
        } as any),
      });
      const mw = MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.logger.mock(),
      });
      const res = await request(express().use(router).use(mw.error())).get(
        path,
      );
      expect([res.status, res.body?.error?.message]).toEqual([
        400,
        expect.anything(),
      ]);
    });
  },
);

describe.each(databases.eachSupportedId())('maturity query dates on %p', id => {
  it.each([
    [
      '/entity/component/default/payments-gateway/history?from=2026-02-31',
      /from: must be a date that exists/,
    ],
    [
      '/trends?from=next%20week',
      /from: must be a date in the form YYYY-MM-DD, like 2027-03-31/,
    ],
    [
      '/review?system=system:default/x&since=2026-02-31',
      /since: must be a date that exists/,
    ],
  ])('GET %s', async (path, message) => {
    const knex = await databases.init(id);
    const store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const router = await createRouter({
      engine: {
        model: DEFAULT_MATURITY_MODEL,
        reevaluateEntity: async () => {},
      } as any,
      store,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions.mock({
        authorize: async (r: unknown[]) =>
          r.map(() => ({ result: AuthorizeResult.ALLOW })),
        authorizeConditional: async (r: unknown[]) =>
          r.map(() => ({ result: AuthorizeResult.ALLOW })),
      } as any),
    });
    const mw = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    const res = await request(express().use(router).use(mw.error())).get(path);
    expect([res.status, res.body?.error?.message]).toEqual([
      400,
      expect.stringMatching(message),
    ]);
  });
});

describe('maturity 413', () => {
  it('answers a 20 MB JSON body with a 413 that states the limit', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const router = await createRouter({
      engine: {
        model: DEFAULT_MATURITY_MODEL,
        reevaluateEntity: async () => {},
      } as any,
      store,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
    });
    const mw = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    const res = await request(express().use(router).use(mw.error()))
      .post('/campaigns')
      .type('application/json')
      .send(JSON.stringify({ title: 'x'.repeat(20 * 1024 * 1024) }));
    expect([res.status, res.body.error.message]).toEqual([
      413,
      'Request body too large: limit is 65536 bytes (64 kB)',
    ]);
  });
});
