import { createBackendModule } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
// The test runs the module with the plugin it talks to.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import maturityPlugin from '@cloud-native-portal/plugin-maturity-backend';
import request from 'supertest';
import catalogModuleMaturity from '.';

jest.setTimeout(120_000);

const user = mockCredentials.user.header();

const component = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: group:default/shop-team
`;

// In a system the catalog does not hold yet.
const orders = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders
spec:
  type: service
  lifecycle: production
  owner: group:default/shop-team
  system: shop
`;

const shop = `apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: shop
spec:
  owner: group:default/shop-team
  domain: commerce
`;

const team = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: shop-team
spec:
  type: team
  children: []
`;

/** Polls until `check` holds; fails naming `what` after `timeoutMs`. */
async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * The real catalog backend with this module and the maturity plugin, with the
 * maturity plugin's new-entity scan turned off and its cycle an hour apart:
 * only the module's event can get a newly registered entity scored.
 */
describe('a component registered in the catalog', () => {
  const root = createMockDirectory();
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  const scorecard = (name: string) =>
    request(server)
      .get(`/api/maturity/entity/component/default/${name}`)
      .set('Authorization', user);

  beforeAll(async () => {
    root.setContent({
      'org.yaml': `${team}---\n${component('cart')}---\n${orders}`,
      'payments/catalog-info.yaml': component('payments'),
      'shop/catalog-info.yaml': shop,
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleMaturity,
        // Lets the test register a local file, as a user registers a URL.
        createBackendModule({
          pluginId: 'catalog',
          moduleId: 'test-file-locations',
          register(env) {
            env.registerInit({
              deps: { locations: catalogLocationsExtensionPoint },
              async init({ locations }) {
                locations.setAllowedLocationTypes(['url', 'file']);
              },
            });
          },
        }),
        maturityPlugin,
        schedulerServiceFactory,
        // The production backend's events service (one in-process bus), not
        // the test backend's default of one mock per plugin.
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Component', 'Group', 'System', 'Location'] }],
              processingInterval: { seconds: 1 },
              locations: [{ type: 'file', target: root.resolve('org.yaml') }],
            },
            maturity: {
              schedule: { frequency: { hours: 1 } },
              newEntities: { enabled: false },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    await waitFor(
      'the catalog serving cart',
      async () =>
        (
          await request(server)
            .get('/api/catalog/entities/by-name/component/default/cart')
            .set('Authorization', user)
        ).status === 200,
      60_000,
    );
  });

  afterAll(async () => {
    await stop?.();
  });

  it('is scored without the new-entity scan or a scheduled cycle', async () => {
    expect((await scorecard('payments')).status).toBe(404);

    const registered = await request(server)
      .post('/api/catalog/locations')
      .set('Authorization', user)
      .send({
        type: 'file',
        target: root.resolve('payments/catalog-info.yaml'),
      });
    expect(registered.status).toBe(201);

    await waitFor(
      'the score of the newly registered payments',
      async () => (await scorecard('payments')).status === 200,
      60_000,
    );
    const report = (await scorecard('payments')).body;
    expect(report.entityRef).toBe('component:default/payments');
  });

  it('is scored again when its system arrives in the catalog after it was scored, without the scan or a cycle', async () => {
    const domainOfOrders = async () => {
      const res = await request(server)
        .get('/api/maturity/entities')
        .set('Authorization', user);
      const item = res.body.items?.find(
        (i: { entityRef: string }) =>
          i.entityRef === 'component:default/orders',
      );
      return item ? { domainRef: item.domainRef ?? null } : undefined;
    };
    await waitFor(
      'the score of orders',
      async () => (await domainOfOrders()) !== undefined,
      60_000,
    );
    // Scored while its system is not in the catalog: no domain.
    expect(await domainOfOrders()).toEqual({ domainRef: null });

    const registered = await request(server)
      .post('/api/catalog/locations')
      .set('Authorization', user)
      .send({ type: 'file', target: root.resolve('shop/catalog-info.yaml') });
    expect(registered.status).toBe(201);

    await waitFor(
      "orders' score with its system's domain",
      async () =>
        (await domainOfOrders())?.domainRef === 'domain:default/commerce',
      60_000,
    );
  });
});
