import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { promises as fs } from 'fs';
import os from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { scanMaturity } from './scan';

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a' },
  spec: { type: 'team', children: [] },
};
const topic: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'orders-topic' },
  spec: { type: 'kafka-topic', owner: 'group:default/team-a' },
};
const catalogApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'orders-events' },
  spec: { type: 'asyncapi', lifecycle: 'production', owner: 'team-a' },
};

function component(spec: Record<string, unknown>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'order-events',
      annotations: { 'cloud-native-portal/stateful': 'false' },
    },
    spec: {
      type: 'service',
      lifecycle: 'experimental',
      owner: 'group:default/team-a',
      system: 'system:default/shop',
      ...spec,
    },
  };
}

describe('scanMaturity on a tree that is not in the catalog yet', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(join(os.tmpdir(), 'scan-maturity-'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  async function failingArchitecture(entities: Entity[]) {
    await fs.writeFile(
      join(root, 'catalog-info.yaml'),
      entities.map(e => stringify(e)).join('---\n'),
    );
    const result = await scanMaturity(root, {
      catalog: {
        service: catalogServiceMock({
          entities: [group, topic, catalogApi],
        }),
        credentials: mockCredentials.user(),
      },
    });
    return result.failing
      .map(r => r.checkId)
      .filter(id => id.startsWith('arch-'));
  }

  it('reads the AsyncAPI defined next to the Component and the Resource types from the catalog', async () => {
    const api: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: { name: 'order-events-api' },
      spec: { type: 'asyncapi', lifecycle: 'experimental', owner: 'team-a' },
    };
    expect(
      await failingArchitecture([
        component({
          providesApis: ['order-events-api'],
          dependsOn: ['resource:default/orders-topic'],
        }),
        api,
      ]),
    ).toEqual([]);
  });

  it('reads an AsyncAPI the Component consumes from the catalog', async () => {
    expect(
      await failingArchitecture([
        component({
          providesApis: ['order-events-api'],
          consumesApis: ['orders-events'],
        }),
      ]),
    ).toEqual([]);
  });

  it('still fails event-driven when neither an AsyncAPI nor an event-bus Resource is found (bad input: a dangling API ref)', async () => {
    expect(
      await failingArchitecture([
        component({
          providesApis: ['nowhere-api'],
          dependsOn: ['resource:default/no-such-topic'],
        }),
      ]),
    ).toContain('arch-event-driven');
  });

  it.each([
    ['1.0.0', 'fail'],
    ['1.1.0', 'pass'],
  ])(
    "measures whether a generated tree is on its template's current version (record %s, catalog 1.1.0: %s), from the Template in the catalog",
    async (recorded, status) => {
      await fs.writeFile(
        join(root, 'catalog-info.yaml'),
        stringify(component({})),
      );
      await fs.mkdir(join(root, '.platform'));
      await fs.writeFile(
        join(root, '.platform/template.yaml'),
        stringify({
          apiVersion: 'cloud-native-portal.io/v1alpha1',
          kind: 'TemplateRecord',
          template: {
            ref: 'template:default/cloud-native-service',
            version: recorded,
          },
          values: {},
          excluded: [],
          files: {},
        }),
      );
      const template: Entity = {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: {
          name: 'cloud-native-service',
          annotations: { 'cloud-native-portal/template-version': '1.1.0' },
        },
        spec: {},
      };
      const result = await scanMaturity(root, {
        catalog: {
          service: catalogServiceMock({ entities: [group, template] }),
          credentials: mockCredentials.user(),
        },
      });
      expect(
        result.results.find(r => r.checkId === 'delivery-template-current')
          ?.status,
      ).toBe(status);
    },
  );
});
