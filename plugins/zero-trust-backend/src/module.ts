import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  githubClientsServiceRef,
  maturityCollectorsExtensionPoint,
} from '@cloud-native-portal/plugin-maturity-node';
import { createZeroTrustFactCollector } from '@cloud-native-portal/plugin-zero-trust-node';

/**
 * Adds the zero-trust fact collector to the maturity plugin. Branch
 * protection is read with the credentials of `integrations.github`: a token
 * or a GitHub App, on every host configured there.
 */
export const maturityModuleZeroTrust = createBackendModule({
  pluginId: 'maturity',
  moduleId: 'zero-trust',
  register(env) {
    env.registerInit({
      deps: {
        collectors: maturityCollectorsExtensionPoint,
        github: githubClientsServiceRef,
      },
      async init({ collectors, github }) {
        collectors.addFactCollector(createZeroTrustFactCollector({ github }));
      },
    });
  },
});
