import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { resolve } from 'node:path';
import { RecordedHistorySeeder } from './recordedHistory';

/**
 * Demo only: applies the recorded timeline named by
 * `maturity.demo.recordedHistory.file` once, at first start, to an empty
 * maturity history, so trends, "changes since" and the review's deltas show
 * the demo organization's six months. Without the key it does nothing; the
 * production configuration never sets it.
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
      },
      async init({ config, database, logger, scheduler }) {
        const file = config.getOptionalString(
          'maturity.demo.recordedHistory.file',
        );
        if (!file) return;
        const seeder = new RecordedHistorySeeder({
          db: () => database.getClient(),
          file: resolve(file),
          logger,
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
