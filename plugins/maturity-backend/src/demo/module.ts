import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { githubClientsServiceRef } from '@cloud-native-portal/plugin-maturity-node';
import { resolve } from 'node:path';
import { DEFAULT_TRACKED_FACTS } from '../engine/MaturityEngine';
import { createDeliveryOutcomeCollectors } from '../outcomes/collectors';
import { outcomesAt } from './outcomesAt';
import { RecordedHistorySeeder } from './recordedHistory';

/**
 * Demo only: applies the recorded timeline named by
 * `maturity.demo.recordedHistory.file` once, at first start, to an empty
 * maturity history, so trends, "changes since" and the review's deltas show
 * the demo organization's six months. Each point also records the delivery
 * outcomes (deployments, lead time, change failure rate, time to restore)
 * that the configured sources give as of its date. Without the key it does
 * nothing; the production configuration never sets it.
 */
export const maturityModuleDemoHistory = createBackendModule({
  pluginId: 'maturity',
  moduleId: 'demo-history',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        github: githubClientsServiceRef,
      },
      async init({
        config,
        database,
        logger,
        scheduler,
        urlReader,
        catalog,
        auth,
        github,
      }) {
        const file = config.getOptionalString(
          'maturity.demo.recordedHistory.file',
        );
        if (!file) return;
        const seeder = new RecordedHistorySeeder({
          db: () => database.getClient(),
          file: resolve(file),
          logger,
          metricsAt: outcomesAt({
            collectors: now =>
              createDeliveryOutcomeCollectors({
                config,
                urlReader,
                logger,
                github,
                now,
              }).collectors,
            entity: async entityRef =>
              (await catalog.getEntityByRef(entityRef, {
                credentials: await auth.getOwnServiceCredentials(),
              })) ?? undefined,
            tracked:
              config.getOptionalStringArray('maturity.trackedFacts') ??
              DEFAULT_TRACKED_FACTS,
          }),
        });
        // Global scope: one replica applies it. Attempts every 30 s until the
        // first evaluation has scored the timeline's entities.
        await scheduler.scheduleTask({
          id: 'maturity-demo-recorded-history',
          scope: 'global',
          frequency: { seconds: 30 },
          timeout: { minutes: 2 },
          initialDelay: { seconds: 20 },
          signal: seeder.signal,
          fn: async () => {
            await seeder.attempt();
          },
        });
      },
    });
  },
});
