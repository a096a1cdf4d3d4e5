import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { maturityCollectorsRecorder } from '@cloud-native-portal/plugin-maturity-node/testUtils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { testCatalog } from '../__testUtils__/demoCatalog';
import { toilPlugin } from '../plugin';
import maturityModuleToil from '../maturity';

describe('maturityModuleToil', () => {
  it('registers the toil collector, which reads the toil plugin with a service token', async () => {
    const maturity = maturityCollectorsRecorder();
    const added = maturity.collectors;
    await startTestBackend({
      features: [
        maturity.plugin,
        maturityModuleToil,
        toilPlugin,
        catalogServiceMock.factory({ entities: testCatalog }),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    expect(added.map(c => c.id)).toEqual(['toil']);
    const set = await added[0].collect({ entity: testCatalog[4] });
    // The request went through discovery and auth to the real toil router.
    expect(set).toMatchObject({ status: 'ok', facts: {} });
    expect(set.unknown?.['toil.registerExists']).toMatch(/no toil recorded/);
  });
});
