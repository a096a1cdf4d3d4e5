import { createBackendModule } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { FactCollector } from './collectors';
import { maturityCollectorsExtensionPoint } from './extensions';
import { maturityCollectorsRecorder } from './testUtils';

describe('maturityCollectorsExtensionPoint', () => {
  it('lets a backend module add collectors to the maturity plugin', async () => {
    const maturity = maturityCollectorsRecorder();
    const collector: FactCollector = {
      id: 'toil',
      version: 1,
      facts: [],
      collect: async () => ({
        collector: 'toil',
        version: 1,
        collectedAt: new Date(0).toISOString(),
        status: 'ok',
        facts: {},
      }),
    };
    const module = createBackendModule({
      pluginId: 'maturity',
      moduleId: 'toil-collector',
      register(env) {
        env.registerInit({
          deps: { collectors: maturityCollectorsExtensionPoint },
          async init({ collectors }) {
            collectors.addFactCollector(collector);
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [maturity.plugin, module],
    });
    expect(maturity.collectors).toEqual([collector]);
    expect(maturityCollectorsExtensionPoint.id).toBe('maturity.collectors');
    await backend.stop();
  });
});
