import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import {
  DEFAULT_MATURITY_MODEL,
  maturityFleetFixPermission,
} from '@cloud-native-portal/plugin-maturity-common';
import express from 'express';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseMaturityStore } from '../database/DatabaseMaturityStore';
import { createRouter } from '../router';
import { FleetRunner } from './FleetRunner';
import { FleetStore } from './FleetStore';
import { ChangeDestinations } from './destinations';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const REF = 'component:default/payments-gateway';
const PDB = {
  ...DEFAULT_MATURITY_MODEL.checks.find(c => c.id === 'scale-pdb')!,
  fixTemplate: {
    ref: 'template:default/fix-pod-disruption-budget',
    values: { component: '${{ entity.ref }}' },
  },
};
const model = {
  ...DEFAULT_MATURITY_MODEL,
  checks: DEFAULT_MATURITY_MODEL.checks.map(c =>
    c.id === PDB.id ? PDB : { ...c, fixTemplate: undefined },
  ),
};

describe.each(databases.eachSupportedId())('fleet routes on %p', id => {
  async function setup(
    options: {
      fleetAllowed?: boolean;
      fleet?: boolean;
      destinations?: ChangeDestinations;
    } = {},
  ) {
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
          dimensions: [
            {
              dimension: PDB.dimension,
              level: 2,
              score: 40,
              blockingChecks: [PDB.id],
            },
          ],
          results: [{ checkId: PDB.id, status: 'fail', evidence: [] }],
          modelVersion: '1',
          dimensionChecks: {
            [PDB.dimension]: { failing: [PDB.id], unknown: [] },
          },
        } as any,
      ],
      { at: new Date(), snapshot: false },
    );
    const fleetStore = new FleetStore(knex);
    const scaffolder = {
      scaffold: async () => ({ taskId: 't1' }),
      getTask: async () => ({ id: 't1', status: 'completed' }),
      getLogs: async () => [
        {
          type: 'completion',
          body: {
            message: 'done',
            output: {
              changed: true,
              where: 'local',
              branch: 'portal/fix-scale-pdb',
            },
          },
        },
      ],
    } as unknown as ScaffolderService;
    const runner = new FleetRunner({
      store,
      fleetStore,
      checks: () => model.checks,
      scaffolder,
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'payments-gateway' },
            spec: { owner: 'group:default/payments-team' },
          },
        ],
      }),
      logger: mockServices.logger.mock(),
      pollMs: 1,
    });
    const allow = (r: any[]) =>
      r.map(q => ({
        result:
          q.permission.name === maturityFleetFixPermission.name &&
          !options.fleetAllowed
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    const router = await createRouter({
      engine: { model } as any,
      store,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions.mock({
        authorize: async (r: any[]) => allow(r),
        authorizeConditional: async (r: any[]) => allow(r),
      } as any),
      ...(options.fleet === false
        ? {}
        : {
            fleet: {
              runner,
              store: fleetStore,
              destinations: options.destinations,
            },
          }),
    });
    const mw = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    return {
      app: express().use(router).use(mw.error()),
      runner,
      destroy: () => knex.destroy(),
    };
  }
  const body = { checkId: PDB.id, entityRefs: [REF] };

  it('only a portal admin (maturity.fleet.fix) opens fleet pull requests; anyone else gets 403 and nothing is recorded', async () => {
    const { app, destroy } = await setup({ fleetAllowed: false });
    const res = await request(app).post('/fleet/runs').send(body);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/maturity\.fleet\.fix/);
    expect((await request(app).get('/fleet/runs')).body.items).toEqual([]);
    await destroy();
  });

  it('starts a run with 202, which is then readable with each repository’s result and listed in the audit trail', async () => {
    const { app, runner, destroy } = await setup({ fleetAllowed: true });
    const res = await request(app).post('/fleet/runs').send(body);
    expect(res.status).toBe(202);
    await runner.idle();
    const run = await request(app).get(`/fleet/runs/${res.body.id}`);
    expect(run.status).toBe(200);
    expect(run.body.items).toEqual([
      expect.objectContaining({ entityRef: REF, status: 'opened' }),
    ]);
    const list = await request(app).get(`/fleet/runs?checkId=${PDB.id}`);
    expect(list.body.items[0]).toMatchObject({
      id: res.body.id,
      createdBy: 'user:default/mock',
      counts: { total: 1, done: 1, opened: 1 },
    });
    const candidates = await request(app).get(
      `/fleet/checks/${PDB.id}/candidates`,
    );
    expect(candidates.body).toMatchObject({
      checkId: PDB.id,
      fixTemplate: PDB.fixTemplate,
      items: [{ entityRef: REF, result: 'fail', state: 'pr-open' }],
    });
    await destroy();
  });

  it('candidates say where a fix would go before a run: a folder that is not a git repository is a preview only, with why', async () => {
    const { app, destroy } = await setup({
      destinations: new ChangeDestinations({
        catalog: catalogServiceMock({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'payments-gateway',
                annotations: {
                  'backstage.io/source-location': `dir:${__dirname}`,
                },
              },
              spec: { owner: 'group:default/payments-team' },
            },
          ],
        }),
        localRoots: [__dirname],
        localPublishDirectory: __dirname,
      }),
    });
    const candidates = await request(app).get(
      `/fleet/checks/${PDB.id}/candidates`,
    );
    expect(candidates.status).toBe(200);
    expect(candidates.body.items).toEqual([
      expect.objectContaining({
        entityRef: REF,
        destination: 'none',
        destinationNote: expect.stringContaining('not a git repository'),
      }),
    ]);
    await destroy();
  });

  it('a campaign shows, per service short of its goal, where the fix of each blocking check stands', async () => {
    const { app, runner, destroy } = await setup({ fleetAllowed: true });
    const campaign = await request(app).post('/campaigns').send({
      title: 'Scalable by spring',
      dimension: PDB.dimension,
      targetLevel: 4,
      deadline: '2027-03-31',
    });
    expect(campaign.status).toBe(201);
    const before = await request(app).get(`/campaigns/${campaign.body.id}`);
    expect(before.body.entitiesShort[0].blockingChecks).toEqual([
      { checkId: PDB.id, title: PDB.title, fix: { state: 'not-started' } },
    ]);
    await request(app)
      .post('/fleet/runs')
      .send({ ...body, campaignId: campaign.body.id })
      .expect(202);
    await runner.idle();
    const after = await request(app).get(`/campaigns/${campaign.body.id}`);
    expect(after.body.entitiesShort[0].blockingChecks[0].fix).toEqual({
      state: 'pr-open',
    });
    await destroy();
  });

  it.each([
    ['no entityRefs', { ...body, entityRefs: [] }, 400, /entityRefs/],
    [
      '501 entityRefs',
      {
        ...body,
        entityRefs: Array.from(
          { length: 501 },
          (_, i) => `component:default/s${i}`,
        ),
      },
      400,
      /entityRefs/,
    ],
    [
      'a NUL byte in an entity ref',
      { ...body, entityRefs: ['component:default/a\u0000b'] },
      400,
      /entityRefs/,
    ],
    [
      'an unknown field (autoMerge)',
      { ...body, autoMerge: true },
      400,
      /additional properties/,
    ],
    [
      'an unknown check',
      { ...body, checkId: 'no-such-check' },
      404,
      /no-such-check/,
    ],
    [
      'a check without a fix template',
      { ...body, checkId: DEFAULT_MATURITY_MODEL.checks[0].id },
      400,
      /no fix template/,
    ],
    [
      'an unknown campaign',
      { ...body, campaignId: '4a0f9a2e-5a4c-4d7e-9a53-0b1a2a3c4d5e' },
      404,
      /No campaign/,
    ],
  ])(
    'answers %s with a clear 4xx, recording nothing',
    async (_name, input, status, message) => {
      const { app, destroy } = await setup({ fleetAllowed: true });
      const res = await request(app).post('/fleet/runs').send(input);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      expect((await request(app).get('/fleet/runs')).body.items).toEqual([]);
      await destroy();
    },
  );

  it('answers 404 for an unknown run or check, and 503 when the backend has no fleet fixes', async () => {
    const { app, destroy } = await setup({ fleetAllowed: true });
    expect(
      (
        await request(app).get(
          '/fleet/runs/4a0f9a2e-5a4c-4d7e-9a53-0b1a2a3c4d5e',
        )
      ).status,
    ).toBe(404);
    expect(
      (await request(app).get('/fleet/checks/nope/candidates')).status,
    ).toBe(404);
    await destroy();
    const without = await setup({ fleetAllowed: true, fleet: false });
    expect(
      (await request(without.app).post('/fleet/runs').send(body)).status,
    ).toBe(503);
    await without.destroy();
  });
});
