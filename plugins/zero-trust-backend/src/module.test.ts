import { startTestBackend, mockServices } from '@backstage/backend-test-utils';
import { FactCollector } from '@cloud-native-portal/plugin-maturity-node';
import { maturityCollectorsRecorder } from '@cloud-native-portal/plugin-maturity-node/testUtils';
import maturityModuleZeroTrust from './index';

/** The collector the module adds, with `integrations.github` as given. */
async function collectorWith(github: object[]): Promise<FactCollector[]> {
  const maturity = maturityCollectorsRecorder();
  const backend = await startTestBackend({
    features: [
      maturity.plugin,
      maturityModuleZeroTrust,
      mockServices.rootConfig.factory({ data: { integrations: { github } } }),
    ],
  });
  await backend.stop();
  return maturity.collectors;
}

describe('maturityModuleZeroTrust', () => {
  it('registers the zeroTrust collector with the maturity plugin', async () => {
    const added = await collectorWith([
      { host: 'github.com', token: 'secret' },
    ]);
    expect(added.map(c => c.id)).toEqual(['zeroTrust']);
    // With credentials, branch protection is read: not the tree alone.
    expect(added[0].sourceTreeOnly).toBe(false);
  });

  it('reads branch protection with a GitHub App of integrations.github, and the tree alone without credentials', async () => {
    const app = {
      appId: 1,
      privateKey: 'unused',
      clientId: 'client',
      clientSecret: 'secret',
      webhookSecret: 'hook',
    };
    const [withApp] = await collectorWith([
      { host: 'github.com', apps: [app] },
    ]);
    expect(withApp.sourceTreeOnly).toBe(false);
    const [without] = await collectorWith([{ host: 'github.com' }]);
    expect(without.sourceTreeOnly).toBe(true);
  });
});
