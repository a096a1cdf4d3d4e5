import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { maturityCollectorsExtensionPoint } from '@cloud-native-portal/plugin-maturity-node';
import { createZeroTrustFactCollector } from '@cloud-native-portal/plugin-zero-trust-node';

/**
 * Adds the zero-trust fact collector to the maturity plugin. The GitHub token
 * comes from the first `integrations.github` entry, when one is configured.
 */
export const maturityModuleZeroTrust = createBackendModule({
  pluginId: 'maturity',
  moduleId: 'zero-trust',
  register(env) {
    env.registerInit({
      deps: {
        collectors: maturityCollectorsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ collectors, config, logger }) {
        const github =
          ScmIntegrations.fromConfig(config).github.list()[0]?.config;
        collectors.addFactCollector(
          createZeroTrustFactCollector({
            github: github?.token
              ? { token: github.token, apiBaseUrl: github.apiBaseUrl }
              : undefined,
            logger,
          }),
        );
      },
    });
  },
});
