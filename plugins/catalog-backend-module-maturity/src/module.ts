import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { MaturityEntityChangeProcessor } from './MaturityEntityChangeProcessor';

/**
 * Catalog module that tells the maturity plugin about new and changed
 * entities while the catalog processes them, on the events topic
 * `maturity.catalog.entity-changed`, so that a newly registered entity is
 * scored right away instead of at the maturity plugin's next scan.
 */
export const catalogModuleMaturity = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'maturity',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        events: eventsServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ catalog, events, config, logger }) {
        catalog.addProcessor(
          new MaturityEntityChangeProcessor({
            events,
            logger,
            // The same key and default as the maturity plugin.
            entityKinds: config.getOptionalStringArray(
              'maturity.entityKinds',
            ) ?? ['Component'],
          }),
        );
      },
    });
  },
});
