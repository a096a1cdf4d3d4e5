import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createCheckCapabilityAction } from './checkCapability';

const monolith = (location?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'classroom-monolith',
    annotations: {
      'cloud-native-portal/capabilities': 'courses, notifications, reporting',
      ...(location ? { 'backstage.io/managed-by-location': location } : {}),
    },
  },
  spec: { type: 'monolith' },
});

const courseCatalog: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'course-catalog-service',
    annotations: {
      'cloud-native-portal/extracted-from': 'component:classroom-monolith',
      'cloud-native-portal/extracted-capability': 'courses',
    },
  },
  spec: { type: 'service' },
};

describe('gitops:check-capability', () => {
  const run = (entities: Entity[], input: Record<string, unknown>) => {
    const action = createCheckCapabilityAction({
      catalog: catalogServiceMock({ entities }),
    });
    const ctx = createMockActionContext({
      input: input as any,
      logger: mockServices.logger.mock(),
    });
    return { ctx, done: action.handler(ctx) };
  };

  it('passes a listed capability and outputs what stays in the monolith', async () => {
    const { ctx, done } = run([monolith(), courseCatalog], {
      monolith: 'classroom-monolith',
      capability: 'notifications',
    });
    await done;
    expect(ctx.output).toHaveBeenCalledWith(
      'monolithRef',
      'component:default/classroom-monolith',
    );
    expect(ctx.output).toHaveBeenCalledWith('remaining', ['reporting']);
    // Its catalog entry is not in a GitHub repository: no monolith PR.
    expect(ctx.output).not.toHaveBeenCalledWith(
      'monolithRepoUrl',
      expect.anything(),
    );
  });

  it("outputs the GitHub repository of the monolith's catalog entry", async () => {
    const { ctx, done } = run(
      [
        monolith(
          'url:https://github.com/brightpath/classroom-monolith/blob/production/catalog-info.yaml',
        ),
      ],
      {
        monolith: 'component:default/classroom-monolith',
        capability: 'reporting',
      },
    );
    await done;
    expect(ctx.output).toHaveBeenCalledWith(
      'monolithRepoUrl',
      'github.com?owner=brightpath&repo=classroom-monolith',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'monolithCatalogInfoPath',
      'catalog-info.yaml',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'monolithCatalogInfoBranch',
      'production',
    );
  });

  it('fails with a clear error for bad input', async () => {
    const entities = [monolith(), courseCatalog];
    await expect(
      run(entities, { monolith: 'classroom-monolith', capability: 'chat' })
        .done,
    ).rejects.toThrow(
      'component:default/classroom-monolith does not list the capability "chat"; it lists: courses, notifications, reporting',
    );
    await expect(
      run(entities, { monolith: 'classroom-monolith', capability: 'courses' })
        .done,
    ).rejects.toThrow(
      'already extracted to component:default/course-catalog-service',
    );
    await expect(
      run(entities, { monolith: 'no-such-monolith', capability: 'courses' })
        .done,
    ).rejects.toThrow('No component:default/no-such-monolith in the catalog');
    await expect(
      run(entities, {
        monolith: 'course-catalog-service',
        capability: 'courses',
      }).done,
    ).rejects.toThrow('not a monolith');
    await expect(
      run(entities, { monolith: 'classroom-monolith', capability: 'No Way' })
        .done,
    ).rejects.toThrow('is not a capability name');
    await expect(
      run(entities, { monolith: 'group:', capability: 'courses' }).done,
    ).rejects.toThrow('is not an entity ref');
  });
});
