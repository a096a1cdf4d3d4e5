import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { maturityPlugin } from './plugin';

jest.setTimeout(120_000);

const user = mockCredentials.user.header();

/**
 * A catalog the portal has never seen: a team and a service registered with
 * catalog-info.yaml only, without a backstage.io/source-location annotation.
 */
const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'shop-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/shop-team',
    },
  },
];

describe('the scorecard of a service with no source-location annotation', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;
  let report: any;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        maturityPlugin,
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            maturity: {
              schedule: {
                frequency: { seconds: 3 },
                initialDelay: { seconds: 1 },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const res = await request(server)
        .get('/api/maturity/entity/component/default/checkout')
        .set('Authorization', user);
      if (res.status === 200) {
        report = res.body;
        break;
      }
      if (Date.now() > deadline) throw new Error('checkout was not scored');
      await new Promise(r => setTimeout(r, 500));
    }
  });

  afterAll(async () => {
    await stop?.();
  });

  it('marks the dimensions that read only the repository as not evaluated, not level 1', () => {
    const delivery = report.dimensions.find(
      (d: any) => d.dimension === 'delivery',
    );
    expect(delivery).toMatchObject({
      status: 'not-evaluated',
      level: null,
      score: null,
      levelName: 'Not evaluated',
      blockingChecks: [],
    });
  });

  it('states its coverage', () => {
    const unknown = report.checks.filter(
      (c: any) => c.status === 'unknown',
    ).length;
    expect(unknown).toBeGreaterThan(0);
    expect(report.coverage.measured).toBe(report.coverage.total - unknown);
  });

  it('lists no unknown check as a next step, and asks for the source-location annotation instead', () => {
    const status = new Map(
      report.checks.map((c: any) => [c.checkId, c.status]),
    );
    for (const step of report.nextSteps) {
      expect([step.checkId, status.get(step.checkId)]).toEqual([
        step.checkId,
        'fail',
      ]);
    }
    const [first] = report.connectEvidence.gaps;
    expect(first.kind).toBe('source-location');
    expect(first.what).toContain('backstage.io/source-location');
    expect(first.checks).toContain('delivery-ci-builds');
  });

  it('leaves the not-evaluated dimensions out of the team roll-up', async () => {
    const res = await request(server)
      .get('/api/maturity/rollups?groupBy=owner')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const team = res.body.items.find(
      (r: any) => r.key === 'group:default/shop-team',
    );
    expect(team.dimensions.delivery).toBeUndefined();
  });
});
