import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { maturityCollectorsExtensionPoint } from '@cloud-native-portal/plugin-maturity-node';
import { DEFAULT_OPENCOST_AGGREGATE, readOutcomesConfig } from './config';
import { createCostFactCollector } from './costCollector';
import { openCostApiSource, openCostFileSource } from './opencost';

/**
 * Adds the `cost` fact collector to the maturity plugin: cost per service
 * and its idle share from OpenCost's allocation API, or from a saved answer
 * of it (`maturity.outcomes.opencost`). Without that key it is installed and
 * answers unknown with the config key that connects it.
 */
export const maturityModuleCostOutcomes = createBackendModule({
  pluginId: 'maturity',
  moduleId: 'cost-outcomes',
  register(env) {
    env.registerInit({
      deps: {
        collectors: maturityCollectorsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ collectors, config, logger }) {
        const settings = readOutcomesConfig(config).opencost;
        let source;
        if (settings && 'file' in settings) {
          source = openCostFileSource(settings.file);
        } else if (settings) {
          source = openCostApiSource(settings);
        }
        collectors.addFactCollector(
          createCostFactCollector({
            source,
            aggregate: settings?.aggregate ?? DEFAULT_OPENCOST_AGGREGATE,
            currency: settings?.currency,
            onSkipped(reasons, where) {
              logger.warn(
                `Left out ${
                  reasons.length
                } OpenCost allocation(s) of ${where}: ${reasons
                  .slice(0, 5)
                  .join('; ')}`,
              );
            },
          }),
        );
        logger.info(
          `Cost outcomes: OpenCost ${source ? source.where : 'not configured'}`,
        );
      },
    });
  },
});
