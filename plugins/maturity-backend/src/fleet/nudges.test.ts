import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DEFAULT_MATURITY_MODEL } from '@cloud-native-portal/plugin-maturity-common';
import express from 'express';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseMaturityStore } from '../database/DatabaseMaturityStore';
import { createRouter } from '../router';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const DIMENSION = DEFAULT_MATURITY_MODEL.dimensions[0];

function evaluation(name: string, owner: string | undefined, level: number) {
  return {
    entity: {
      entityRef: `component:default/${name}`,
      kind: 'component',
      ...(owner ? { ownerRef: owner } : {}),
      tags: [],
    },
    level,
    score: level * 20,
    dimensions: [
      {
        dimension: DIMENSION.id,
        level,
        score: level * 20,
        blockingChecks: [],
      },
    ],
    results: [],
    modelVersion: '1',
    dimensionChecks: {},
  } as any;
}

describe.each(databases.eachSupportedId())('campaign nudges on %p', id => {
  const sent: Parameters<NotificationService['send']>[0][] = [];

  async function setup(options: { allowed: boolean; notifications: boolean }) {
    sent.length = 0;
    const knex = await databases.init(id);
    const store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    await store.saveEvaluations(
      [
        evaluation('alpha', 'group:default/team-a', 1),
        evaluation('beta', 'group:default/team-a', 2),
        evaluation('gamma', 'group:default/team-b', 2),
        evaluation('done', 'group:default/team-b', 4),
        evaluation('orphan', undefined, 1),
      ],
      { at: new Date(), snapshot: false },
    );
    const campaign = await store.createCampaign({
      title: 'Ready for spring',
      dimension: DIMENSION.id,
      targetLevel: 3,
      deadline: '2027-03-31',
      filters: {},
      createdBy: 'user:default/lead',
    });
    const decision = {
      result: options.allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    };
    const router = await createRouter({
      engine: { model: DEFAULT_MATURITY_MODEL } as any,
      store,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions.mock({
        authorize: async (r: unknown[]) => r.map(() => decision),
        authorizeConditional: async (r: unknown[]) =>
          r.map(() => ({ result: AuthorizeResult.ALLOW })),
      } as any),
      ...(options.notifications
        ? {
            notifications: {
              service: {
                send: async n => {
                  if (
                    n.recipients.type === 'entity' &&
                    n.recipients.entityRef === 'group:default/broken'
                  ) {
                    throw new Error('unreachable');
                  }
                  sent.push(n);
                },
              },
              logger: mockServices.logger.mock(),
            },
          }
        : {}),
    });
    const mw = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    return {
      app: express().use(router).use(mw.error()),
      campaign,
      destroy: () => knex.destroy(),
    };
  }

  it('tells each team with services short of the goal once, names its services, and counts the unowned; sending again reuses the same scope', async () => {
    const { app, campaign, destroy } = await setup({
      allowed: true,
      notifications: true,
    });
    const res = await request(app).post(`/campaigns/${campaign.id}/notify`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { owner: 'group:default/team-a', entityCount: 2 },
        { owner: 'group:default/team-b', entityCount: 1 },
      ],
      unowned: 1,
    });
    expect(sent).toHaveLength(2);
    expect(sent[0].payload).toMatchObject({
      title: expect.stringContaining('2 of your services'),
      description: expect.stringMatching(/^alpha, beta\./),
      topic: 'maturity-campaign',
      scope: `maturity-campaign:${campaign.id}`,
      // Opens the scorecards page on this campaign.
      link: `/maturity?tab=campaigns&campaign=${campaign.id}`,
    });
    expect(sent[1].payload.description).not.toMatch(/done/);

    await request(app).post(`/campaigns/${campaign.id}/notify`).expect(200);
    expect(new Set(sent.map(n => n.payload.scope)).size).toBe(1);
    await destroy();
  });

  it('a new campaign tells the teams whose services it targets at once, in the same notification Notify owners updates', async () => {
    const { app, campaign, destroy } = await setup({
      allowed: true,
      notifications: true,
    });
    const res = await request(app).post('/campaigns').send({
      title: 'Observable by summer',
      dimension: DIMENSION.id,
      targetLevel: 3,
      deadline: '2027-06-30',
    });
    expect(res.status).toBe(201);
    expect(sent.map(n => n.recipients)).toEqual([
      { type: 'entity', entityRef: 'group:default/team-a' },
      { type: 'entity', entityRef: 'group:default/team-b' },
    ]);
    expect(sent[0].payload).toMatchObject({
      title: expect.stringContaining('Observable by summer'),
      scope: `maturity-campaign:${res.body.id}`,
    });
    expect(res.body.id).not.toBe(campaign.id);
    await destroy();
  });

  it('refuses a user without maturity.campaign.manage (403), an unknown campaign (404), and answers 503 without notifications, sending nothing', async () => {
    const denied = await setup({ allowed: false, notifications: true });
    const res = await request(denied.app).post(
      `/campaigns/${denied.campaign.id}/notify`,
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/maturity\.campaign\.manage/);
    await denied.destroy();

    const allowed = await setup({ allowed: true, notifications: true });
    expect(
      (
        await request(allowed.app).post(
          '/campaigns/4a0f9a2e-5a4c-4d7e-9a53-0b1a2a3c4d5e/notify',
        )
      ).status,
    ).toBe(404);
    await allowed.destroy();

    const without = await setup({ allowed: true, notifications: false });
    expect(
      (
        await request(without.app).post(
          `/campaigns/${without.campaign.id}/notify`,
        )
      ).status,
    ).toBe(503);
    expect(sent).toEqual([]);
    await without.destroy();
  });
});
