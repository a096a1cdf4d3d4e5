import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  DEFAULT_HOURS_PER_PERSON,
  toilPermissions,
} from '@cloud-native-portal/plugin-toil-common';
import { resolve } from 'node:path';
import { DatabaseToilStore } from './database/DatabaseToilStore';
import { createRouter } from './router';
import { SeedRetry } from './seed';
import { ToilMetricsService } from './service/ToilMetricsService';

/**
 * The toil register backend plugin: the register with its audit trail,
 * metrics, CSV import and export, and the bulk facts the maturity
 * collector reads.
 */
export const toilPlugin = createBackendPlugin({
  pluginId: 'toil',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        const store = await DatabaseToilStore.create({
          database: deps.database,
        });
        const hoursPerPerson =
          config.getOptionalNumber('toil.hoursPerPersonPerWeek') ??
          DEFAULT_HOURS_PER_PERSON;
        if (!(hoursPerPerson > 0 && hoursPerPerson <= 168)) {
          throw new Error(
            `toil.hoursPerPersonPerWeek must be between 0 and 168, got ${hoursPerPerson}`,
          );
        }
        const metrics = new ToilMetricsService({
          store,
          catalog: deps.catalog,
          hoursPerPerson,
          trendMonths: config.getOptionalNumber('toil.trendMonths') ?? 6,
        });
        deps.permissionsRegistry.addPermissions(toilPermissions);

        const seedFile = config.getOptionalString('toil.seed.file');
        if (seedFile) {
          const file = resolve(seedFile);
          // Global scope: with several replicas only one seeds. The task runs
          // until the catalog has ingested the demo entities, with a bounded
          // number of attempts, then its schedule stops (seeding.signal).
          const seeding = new SeedRetry({
            file,
            store,
            catalog: deps.catalog,
            auth: deps.auth,
            logger,
          });
          await deps.scheduler.scheduleTask({
            id: 'toil-seed-register',
            scope: 'global',
            frequency: { seconds: 30 },
            timeout: { minutes: 2 },
            initialDelay: { seconds: 5 },
            signal: seeding.signal,
            fn: async () => {
              await seeding.attempt();
            },
          });
        }

        deps.httpRouter.use(
          await createRouter({
            store,
            metrics,
            catalog: deps.catalog,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
          }),
        );
      },
    });
  },
});
