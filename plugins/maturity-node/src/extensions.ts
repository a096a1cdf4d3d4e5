import {
  type BackendFeature,
  createBackendPlugin,
  createExtensionPoint,
} from '@backstage/backend-plugin-api';
import { FactCollector } from './collectors';

/** Lets backend modules add fact collectors to the maturity plugin. */
export interface MaturityCollectorsExtensionPoint {
  /** Registers collectors; each owns the fact namespace named by its `id`. */
  addFactCollector(...collectors: FactCollector[]): void;
}

/**
 * Extension point through which backend modules (toil, zero trust, ...) add
 * fact collectors to the maturity plugin.
 */
export const maturityCollectorsExtensionPoint =
  createExtensionPoint<MaturityCollectorsExtensionPoint>({
    id: 'maturity.collectors',
  });

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
