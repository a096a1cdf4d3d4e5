import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { resolve } from 'node:path';
import { ownershipPermissions } from './permissions';
import { createRouter } from './router';
import { OwnershipService } from './service/OwnershipService';

/**
 * The ownership backend plugin: checks every owned entity's owner, group
 * hierarchy, on-call and CODEOWNERS, and serves coverage and per-entity
 * reports under /api/ownership.
 */
export const ownershipPlugin = createBackendPlugin({
  pluginId: 'ownership',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger, scheduler } = deps;
        const schedule = config.has('ownership.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('ownership.schedule'),
            )
          : {
              frequency: { minutes: 10 },
              timeout: { minutes: 10 },
              initialDelay: { seconds: 15 },
            };
        const service = new OwnershipService({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          urlReader: deps.urlReader,
          // Shares the maturity engine's setting: the same trees are readable.
          allowedLocalRoots: (
            config.getOptionalStringArray('maturity.allowedLocalRoots') ?? []
          ).map(root => resolve(root)),
          kinds: config.getOptionalStringArray('ownership.entityKinds'),
          placeholderOwners:
            config.getOptionalStringArray('ownership.placeholderOwners') ??
            config.getOptionalStringArray('maturity.placeholderOwners'),
          fixTemplateRef: config.getOptionalString('ownership.fixTemplateRef'),
          oncallComponentTypes: config.getOptionalStringArray(
            'ownership.oncallComponentTypes',
          ),
          ttlMs:
            (config.getOptionalNumber('ownership.cacheTtlMinutes') ?? 15) *
            60_000,
        });

        deps.permissionsRegistry.addPermissions(ownershipPermissions);

        // Local scope: each replica keeps its own in-memory report warm.
        await scheduler.scheduleTask({
          id: 'ownership-refresh',
          scope: 'local',
          ...schedule,
          fn: async () => {
            await service.refresh();
          },
        });

        deps.httpRouter.use(
          await createRouter({
            service,
            catalog: deps.catalog,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
