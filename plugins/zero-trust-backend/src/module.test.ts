import { startTestBackend, mockServices } from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  FactCollector,
  maturityCollectorsExtensionPoint,
} from '@cloud-native-portal/plugin-maturity-node';
import maturityModuleZeroTrust from './index';

describe('maturityModuleZeroTrust', () => {
  it('registers the zeroTrust collector with the maturity plugin', async () => {
    const added: FactCollector[] = [];
    const fakeMaturity = createBackendPlugin({
      pluginId: 'maturity',
      register(env) {
        env.registerExtensionPoint(maturityCollectorsExtensionPoint, {
          addFactCollector: (...collectors) => added.push(...collectors),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    await startTestBackend({
      features: [
        fakeMaturity,
        maturityModuleZeroTrust,
        mockServices.rootConfig.factory({
          data: {
            integrations: { github: [{ host: 'github.com', token: 'secret' }] },
          },
        }),
      ],
    });
    expect(added.map(c => c.id)).toEqual(['zeroTrust']);
  });
});
