import { mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createRepoFactCollector } from '@cloud-native-portal/plugin-maturity-node';
import { resolve } from 'node:path';
import { registerMaturityActions } from './actions';
import { DatabaseMaturityStore } from './database/DatabaseMaturityStore';
import { loadMaturityModel } from './engine/loadModel';
import { MaturityEngine } from './engine/MaturityEngine';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const examples = resolve(__dirname, '../../../examples');

describe('get-entity-maturity action', () => {
  async function setup(decision: AuthorizeResult) {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const collectors = [createRepoFactCollector()];
    const engine = new MaturityEngine({
      store,
      model: loadMaturityModel(
        mockServices.rootConfig({ data: {} }),
        collectors,
      ),
      collectors,
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'course-catalog-service',
              namespace: 'default',
              annotations: {
                'backstage.io/managed-by-location': `file:${examples}/entities.yaml`,
                'backstage.io/source-location':
                  'dir:./repos/course-catalog-service/',
              },
            },
            spec: { type: 'service', lifecycle: 'production', owner: 'team' },
          },
        ],
      }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      allowedLocalRoots: [examples],
      entityKinds: ['Component'],
      retentionDays: 30,
    });
    await engine.refreshEntity('component:default/course-catalog-service');
    const registry = actionsRegistryServiceMock();
    registerMaturityActions({
      actionsRegistry: registry,
      engine,
      store,
      permissions: {
        authorize: async requests =>
          requests.map(() => ({
            result: decision as AuthorizeResult.ALLOW | AuthorizeResult.DENY,
          })),
        authorizeConditional: async requests =>
          requests.map(() => ({ result: decision })) as any,
      },
    });
    const { actions } = await registry.list();
    const action = actions.find(a => a.name === 'get-entity-maturity')!;
    return { registry, id: action.id, knex };
  }

  it('answers with the level, score, dimensions and next steps', async () => {
    const { registry, id, knex } = await setup(AuthorizeResult.ALLOW);
    const { output } = (await registry.invoke({
      id,
      input: { entityRef: 'component:default/course-catalog-service' },
    })) as any;
    expect(output.evaluated).toBe(true);
    expect(output.level).toBeGreaterThanOrEqual(1);
    expect(output.levelName).toBeTruthy();
    expect(output.dimensions.length).toBeGreaterThan(0);
    expect(Array.isArray(output.nextSteps)).toBe(true);
    // Bad input: an entity the engine never scored.
    await expect(
      registry.invoke({
        id,
        input: { entityRef: 'component:default/no-such-service' },
      }),
    ).rejects.toThrow(/No maturity score/);
    await knex.destroy();
  });

  it('refuses callers the permission policy denies', async () => {
    const { registry, id, knex } = await setup(AuthorizeResult.DENY);
    await expect(
      registry.invoke({
        id,
        input: { entityRef: 'component:default/course-catalog-service' },
      }),
    ).rejects.toThrow(/Not allowed/);
    await knex.destroy();
  });
});
