/**
 * Test utilities for the maturity plugin's modules:
 * `@cloud-native-portal/plugin-maturity-node/testUtils`.
 *
 * @packageDocumentation
 */
import {
  type BackendFeature,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { FactCollector } from './collectors';
import { maturityCollectorsExtensionPoint } from './extensions';

/**
 * A stand-in for the maturity plugin that records the collectors modules
 * add: for testing a collector module with `startTestBackend`, without the
 * maturity plugin's database, catalog and scheduler.
 *
 * ```ts
 * const maturity = maturityCollectorsRecorder();
 * await startTestBackend({ features: [maturity.plugin, myCollectorModule] });
 * expect(maturity.collectors.map(c => c.id)).toEqual(['my-collector']);
 * ```
 */
export function maturityCollectorsRecorder(): {
  plugin: BackendFeature;
  /** The collectors added so far, in the order they were added. */
  collectors: FactCollector[];
} {
  const collectors: FactCollector[] = [];
  const plugin = createBackendPlugin({
    pluginId: 'maturity',
    register(env) {
      env.registerExtensionPoint(maturityCollectorsExtensionPoint, {
        addFactCollector: (...added) => collectors.push(...added),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  return { plugin, collectors };
}
