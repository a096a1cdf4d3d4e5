import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  githubClientsServiceRef,
  maturityCollectorsExtensionPoint,
} from '@cloud-native-portal/plugin-maturity-node';
import { createDeliveryOutcomeCollectors } from './collectors';

/**
 * Adds the delivery outcome collectors to the maturity plugin: `delivery`
 * (production deployments, lead time and change failure rate from the
 * GitOps repository's history) and `incidents` (time to restore from an
 * incident export, or from PagerDuty for entities with the annotation
 * pagerduty.com/service-id). Configured under `maturity.outcomes`; without
 * it, both are installed and answer unknown with the config key that
 * connects them.
 */
export const maturityModuleDeliveryOutcomes = createBackendModule({
  pluginId: 'maturity',
  moduleId: 'delivery-outcomes',
  register(env) {
    env.registerInit({
      deps: {
        collectors: maturityCollectorsExtensionPoint,
        config: coreServices.rootConfig,
        urlReader: coreServices.urlReader,
        logger: coreServices.logger,
        github: githubClientsServiceRef,
      },
      async init({ collectors, config, urlReader, logger, github }) {
        const outcomes = createDeliveryOutcomeCollectors({
          config,
          urlReader,
          logger,
          github,
        });
        collectors.addFactCollector(...outcomes.collectors);
        logger.info(outcomes.summary);
      },
    });
  },
});
