import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { maturityCollectorsExtensionPoint } from '@cloud-native-portal/plugin-maturity-node';
import { ToilFactsResponse } from '@cloud-native-portal/plugin-toil-common';
import { createToilFactCollector } from './collector';

/**
 * Adds the `toil` fact collector to the maturity plugin. It runs inside the
 * maturity plugin, so it reads the toil plugin's REST API with a
 * service-to-service token rather than the toil database.
 */
export const maturityModuleToil = createBackendModule({
  pluginId: 'maturity',
  moduleId: 'toil',
  register(env) {
    env.registerInit({
      deps: {
        collectors: maturityCollectorsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ collectors, config, discovery, auth }) {
        const cacheSeconds =
          config.getOptionalNumber('toil.collector.cacheSeconds') ?? 60;
        collectors.addFactCollector(
          createToilFactCollector({
            cacheMillis: cacheSeconds * 1000,
            async fetchFacts() {
              const baseUrl = await discovery.getBaseUrl('toil');
              const { token } = await auth.getPluginRequestToken({
                onBehalfOf: await auth.getOwnServiceCredentials(),
                targetPluginId: 'toil',
              });
              const response = await fetch(`${baseUrl}/facts`, {
                headers: { Authorization: `Bearer ${token}` },
              });
              if (!response.ok) {
                throw await ResponseError.fromResponse(response);
              }
              return (await response.json()) as ToilFactsResponse;
            },
          }),
        );
      },
    });
  },
});
