import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  DEFAULT_GUEST_USER_REF,
  PortalPermissionPolicy,
} from './PortalPermissionPolicy';

/** Installs the portal policy in the permission backend. */
export const permissionModulePortalPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ policy, config, catalog, auth, logger }) {
        // The guest provider signs in as its configured user, or the default.
        const guestUser = config.getOptionalString(
          'auth.providers.guest.userEntityRef',
        );
        policy.setPolicy(
          new PortalPermissionPolicy({
            admins: config.getOptionalStringArray('permission.admins') ?? [],
            guestUsers: [
              DEFAULT_GUEST_USER_REF,
              ...(guestUser ? [guestUser] : []),
            ],
            demoGuestIsAdmin:
              config.getOptionalBoolean('permission.demo.guestIsAdmin') ??
              false,
            catalog,
            auth,
            logger,
          }),
        );
      },
    });
  },
});
