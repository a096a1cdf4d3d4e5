import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { OwnershipService } from './OwnershipService';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
};
const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments-team' },
};

describe('OwnershipService', () => {
  function serviceOver(catalog: ReturnType<typeof catalogServiceMock>) {
    return new OwnershipService({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      allowedLocalRoots: [],
      ttlMs: 10 * 60_000,
      emptyTtlMs: 0,
    });
  }

  it('recomputes a report made while the catalog was still empty, instead of serving it for the whole TTL', async () => {
    const empty = catalogServiceMock({ entities: [] });
    const filled = catalogServiceMock({ entities: [team, service] });
    const catalog = catalogServiceMock.mock({
      queryEntities: jest
        .fn()
        .mockImplementationOnce(empty.queryEntities.bind(empty))
        .mockImplementation(filled.queryEntities.bind(filled)),
      getEntityByRef: filled.getEntityByRef.bind(filled),
    });
    const ownership = serviceOver(catalog);
    expect((await ownership.getReport()).coverage.total).toBe(0);
    expect((await ownership.getReport()).coverage.total).toBe(1);
  });

  it('serves a report that checked entities for its TTL', async () => {
    const filled = catalogServiceMock({ entities: [team, service] });
    const queryEntities = jest.fn(filled.queryEntities.bind(filled));
    const ownership = serviceOver(
      catalogServiceMock.mock({
        queryEntities,
        getEntityByRef: filled.getEntityByRef.bind(filled),
      }),
    );
    await ownership.getReport();
    await ownership.getReport();
    expect(queryEntities).toHaveBeenCalledTimes(1);
  });
});
