import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  BackstageCredentials,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
// The maturity plugin whose routes the policy guards: a test-only dependency,
// the module itself imports no plugin.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import maturityPlugin from '@cloud-native-portal/plugin-maturity-backend';
import { maturityEntityReadPermission } from '@cloud-native-portal/plugin-maturity-common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { permissionModulePortalPolicy } from './module';
import { PortalPermissionPolicy } from './PortalPermissionPolicy';

jest.setTimeout(120_000);

const DAY = 86400_000;

/** The demo organization in small: who is in which team. */
const members: Record<string, string[]> = {
  'user:default/liam.chen': ['group:default/courses-team'],
  'user:default/dana.okafor': ['group:default/payments-team'],
  'user:default/marcus.lee': ['group:default/platform-team'],
  'user:development/guest': [],
};

const catalogYaml = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: engineering }
spec: { type: department, children: [platform-team, learning-experience, payments-team] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform-team }
spec: { type: team, parent: engineering, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: learning-experience }
spec: { type: product-area, parent: engineering, children: [courses-team] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: courses-team }
spec: { type: team, parent: learning-experience, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: payments-team }
spec: { type: team, parent: engineering, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: course-catalog-service }
spec: { type: service, lifecycle: production, owner: group:default/courses-team }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: payments-gateway }
spec: { type: service, lifecycle: production, owner: group:default/payments-team }
`;

/**
 * The signed-in user's groups, as the auth backend puts them in a real
 * token's ownership claims.
 */
const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(members[ref] ?? [])],
      };
    },
  }),
});

/**
 * The mock HTTP auth, except that a plugin's request on behalf of a user
 * keeps the plugin as the actor, as real on-behalf-of tokens do; the
 * permission backend refuses conditional requests from users without one.
 */
const SERVICE_TOKEN_PREFIX = mockCredentials.service
  .token({ onBehalfOf: mockCredentials.user(), targetPluginId: 'catalog' })
  .replace(/\{.*$/, '');
const httpAuthFactory = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) => {
    const inner = mockServices.httpAuth({ pluginId: plugin.getId() });
    return {
      async credentials(req: any, options?: any) {
        const credentials: BackstageCredentials = await inner.credentials(
          req,
          options,
        );
        const token = String(req.headers.authorization ?? '').replace(
          /^Bearer\s+/i,
          '',
        );
        if (
          (credentials.principal as { type: string }).type === 'user' &&
          token.startsWith(SERVICE_TOKEN_PREFIX)
        ) {
          const { obo } = JSON.parse(token.slice(SERVICE_TOKEN_PREFIX.length));
          if (obo) {
            // The mock token does not say which plugin sent it.
            return mockCredentials.user(obo, {
              actor: { subject: 'plugin:caller' },
            }) as any;
          }
        }
        return credentials;
      },
      issueUserCookie: inner.issueUserCookie.bind(inner),
    };
  },
});

const header = (ref: string) => mockCredentials.user.header(ref);
const OWNER = header('user:default/liam.chen');
const OTHER_TEAM = header('user:default/dana.okafor');
const ADMIN = header('user:default/marcus.lee');
const GUEST = header('user:development/guest');
const COURSES = 'component:default/course-catalog-service';
const PAYMENTS = 'component:default/payments-gateway';

async function poll<T>(fn: () => Promise<T | undefined>, what: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

async function startPortal(
  dir: string,
  policyFeature: any,
  config: Record<string, unknown> = {},
  maturity: Record<string, unknown> = {},
) {
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      maturityPlugin,
      permissionPlugin,
      policyFeature,
      // The real permissions service: it asks the permission backend.
      permissionsServiceFactory,
      httpAuthFactory,
      userInfoFactory,
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true, ...config },
          catalog: {
            rules: [{ allow: ['Component', 'Group', 'User', 'Location'] }],
            locations: [{ type: 'file', target: join(dir, 'catalog.yaml') }],
            processingInterval: { seconds: 1 },
          },
          maturity: {
            ...maturity,
            schedule: {
              frequency: { seconds: 2 },
              timeout: { seconds: 2 },
              initialDelay: { seconds: 1 },
            },
          },
        },
      }),
    ],
  });
  // As a service, which may read everything whatever the policy.
  await poll(async () => {
    const res = await request(backend.server)
      .get('/api/maturity/entities?kind=component')
      .set('Authorization', mockCredentials.service.header());
    return res.status === 200 && res.body.totalCount >= 2 ? true : undefined;
  }, 'both components to be scored');
  return backend;
}

const waiver = (entityRef: string, days: number) => ({
  entityRef,
  reason: 'Owned by the team in the migration plan',
  expiresAt: new Date(Date.now() + days * DAY).toISOString(),
});

describe('the portal policy through the real routers', () => {
  let dir: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let checkId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portal-policy-'));
    writeFileSync(join(dir, 'catalog.yaml'), catalogYaml);
    backend = await startPortal(dir, permissionModulePortalPolicy, {
      admins: ['group:default/platform-team'],
    });
    const model = await request(backend.server)
      .get('/api/maturity/model')
      .set('Authorization', ADMIN);
    checkId = model.body.model.checks[0].id;
  });

  afterAll(async () => {
    await backend?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, who: string, body: object) =>
    request(backend.server).post(path).set('Authorization', who).send(body);

  it('a signed-in member of another team creating a ten-year waiver on the service gets 403', async () => {
    const res = await post('/api/maturity/waivers', OTHER_TEAM, {
      ...waiver(COURSES, 3650),
      checkId,
    });
    expect(res.status).toBe(403);
  });

  it('the guest creating a waiver gets 403', async () => {
    const res = await post('/api/maturity/waivers', GUEST, {
      ...waiver(COURSES, 30),
      checkId,
    });
    expect(res.status).toBe(403);
  });

  it('an owner asking for a ten-year expiry gets 400 naming expiresAt', async () => {
    const res = await post('/api/maturity/waivers', OWNER, {
      ...waiver(COURSES, 3650),
      checkId,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/expiresAt/);
    expect(res.body.error.message).toMatch(/90 days/);
  });

  it('an owner may waive for 90 days; a member of another team revoking it gets 403, an admin may', async () => {
    const created = await post('/api/maturity/waivers', OWNER, {
      ...waiver(COURSES, 90),
      checkId,
    });
    expect(created.status).toBe(201);
    const byOtherTeam = await request(backend.server)
      .delete(`/api/maturity/waivers/${created.body.id}`)
      .set('Authorization', OTHER_TEAM);
    expect(byOtherTeam.status).toBe(403);
    const byAdmin = await request(backend.server)
      .delete(`/api/maturity/waivers/${created.body.id}`)
      .set('Authorization', ADMIN);
    expect(byAdmin.status).toBe(200);
  });

  it('a signed-in non-admin creating a campaign gets 403; an admin may', async () => {
    const campaign = {
      title: 'Owners everywhere',
      dimension: 'ownership',
      targetLevel: 2,
      deadline: new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10),
    };
    const model = await request(backend.server)
      .get('/api/maturity/model')
      .set('Authorization', ADMIN);
    campaign.dimension = model.body.model.dimensions[0].id;
    expect(
      (await post('/api/maturity/campaigns', OWNER, campaign)).status,
    ).toBe(403);
    expect(
      (await post('/api/maturity/campaigns', GUEST, campaign)).status,
    ).toBe(403);
    expect(
      (await post('/api/maturity/campaigns', ADMIN, campaign)).status,
    ).toBe(201);
  });

  it("a member of another team deleting the team's catalog entity is denied; the owner may", async () => {
    const entity = await request(backend.server)
      .get(
        '/api/catalog/entities/by-name/component/default/course-catalog-service',
      )
      .set('Authorization', OWNER);
    const uid = entity.body.metadata.uid;
    const byOtherTeam = await request(backend.server)
      .delete(`/api/catalog/entities/by-uid/${uid}`)
      .set('Authorization', OTHER_TEAM);
    expect(byOtherTeam.status).toBe(403);
    const byGuest = await request(backend.server)
      .delete(`/api/catalog/entities/by-uid/${uid}`)
      .set('Authorization', GUEST);
    expect(byGuest.status).toBe(403);
    const byOwner = await request(backend.server)
      .delete(`/api/catalog/entities/by-uid/${uid}`)
      .set('Authorization', OWNER);
    expect(byOwner.status).toBe(204);
  });

  it('a signed-in non-admin unregistering a location is denied; an admin gets past the policy', async () => {
    // The permission is checked before the location is looked up.
    const id = '00000000-0000-4000-8000-000000000000';
    const byOwner = await request(backend.server)
      .delete(`/api/catalog/locations/${id}`)
      .set('Authorization', OWNER);
    expect(byOwner.status).toBe(403);
    const byAdmin = await request(backend.server)
      .delete(`/api/catalog/locations/${id}`)
      .set('Authorization', ADMIN);
    expect(byAdmin.status).toBe(404);
  });
});

/**
 * A stricter policy than the portal's: each user reads only the maturity of
 * entities their groups own. The aggregated views must count only those,
 * not answer 403.
 */
const ownReadsOnly = createBackendModule({
  pluginId: 'permission',
  moduleId: 'own-reads-only',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ policy, catalog, auth, logger }) {
        const portal = new PortalPermissionPolicy({
          admins: [],
          catalog,
          auth,
          logger,
        });
        policy.setPolicy({
          async handle(req, user) {
            if (req.permission.name !== maturityEntityReadPermission.name) {
              return portal.handle(req, user);
            }
            if (!user) return { result: AuthorizeResult.DENY };
            return createCatalogConditionalDecision(
              maturityEntityReadPermission,
              catalogConditions.isEntityOwner({
                claims: user.info.ownershipEntityRefs,
              }),
            );
          },
        });
      },
    });
  },
});

describe('aggregated maturity views under a conditional read policy', () => {
  let dir: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portal-policy-'));
    writeFileSync(join(dir, 'catalog.yaml'), catalogYaml);
    backend = await startPortal(
      dir,
      ownReadsOnly,
      {},
      {
        waivers: { maxDays: 30 },
      },
    );
  });

  afterAll(async () => {
    await backend?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, who: string) =>
    request(backend.server).get(path).set('Authorization', who);

  it.each([
    '/api/maturity/entities',
    '/api/maturity/rollups',
    '/api/maturity/checks/failing',
    '/api/maturity/trends',
    '/api/maturity/campaigns',
    '/api/maturity/waivers',
    '/api/maturity/facts/status-counts?collector=catalog',
    '/api/maturity/risks?system=none',
  ])(
    'a user who may read only their own team answers %s with 200',
    async path => {
      const res = await get(path, OWNER);
      expect(res.status).toBe(200);
    },
  );

  it('lists and rolls up only the entities of the reader', async () => {
    const owner = await get('/api/maturity/entities', OWNER);
    expect(owner.body.items.map((i: any) => i.entityRef)).toEqual([COURSES]);
    expect(owner.body.totalCount).toBe(1);
    const other = await get('/api/maturity/entities', OTHER_TEAM);
    expect(other.body.items.map((i: any) => i.entityRef)).toEqual([PAYMENTS]);

    const rollups = await get('/api/maturity/rollups?groupBy=owner', OWNER);
    expect(rollups.status).toBe(200);
    const keys = rollups.body.items.map((r: any) => r.key);
    expect(keys).toContain('group:default/courses-team');
    expect(keys).not.toContain('group:default/payments-team');
    const counted = rollups.body.items.find(
      (r: any) => r.key === 'group:default/courses-team',
    );
    expect(counted.entityCount).toBe(1);
  });

  it('counts failing checks over the readable entities only', async () => {
    const mine = await get('/api/maturity/checks/failing?limit=100', OWNER);
    expect(mine.body.items.length).toBeGreaterThan(0);
    for (const item of mine.body.items) {
      expect(item.failing + item.unknown).toBeLessThanOrEqual(1);
    }
  });

  it('an owner asking for 60 days where maturity.waivers.maxDays is 30 gets 400 naming expiresAt', async () => {
    const model = await get('/api/maturity/model', OWNER);
    const res = await request(backend.server)
      .post('/api/maturity/waivers')
      .set('Authorization', OWNER)
      .send({
        ...waiver(COURSES, 60),
        checkId: model.body.model.checks[0].id,
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/expiresAt.*30 days/);
  });

  it('a user who may read neither entity sees empty lists, not 403', async () => {
    const res = await get('/api/maturity/entities', GUEST);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});
