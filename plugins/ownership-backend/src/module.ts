import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createSetCatalogOwnerAction } from './actions/setCatalogOwner';

/** Adds the `ownership:catalog:set-owner` action to the scaffolder. */
export const scaffolderModuleOwnership = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'ownership',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createSetCatalogOwnerAction());
      },
    });
  },
});
