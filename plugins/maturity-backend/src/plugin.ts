import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { isError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { maturityPermissions } from '@cloud-native-portal/plugin-maturity-common';
import {
  createRepoFactCollector,
  FactCollector,
  maturityCollectorsExtensionPoint,
} from '@cloud-native-portal/plugin-maturity-node';
import { resolve } from 'node:path';
import { registerMaturityActions } from './actions';
import { DatabaseMaturityStore } from './database/DatabaseMaturityStore';
import { loadMaturityModel } from './engine/loadModel';
import { MaturityEngine } from './engine/MaturityEngine';
import { createRouter } from './router';
import {
  CYCLE_TASK_ID,
  NEW_ENTITY_SCAN_TASK_ID,
  NEW_ENTITY_SCAN_TIMEOUT,
  readMaturitySchedule,
  readNewEntityScan,
} from './schedule';

/**
 * The maturity scorecard backend plugin: collects facts on a schedule,
 * evaluates the model, stores results and history, and serves scorecards,
 * roll-ups, next steps, risks and waivers over REST.
 */
export const maturityPlugin = createBackendPlugin({
  pluginId: 'maturity',
  register(env) {
    const collectors: FactCollector[] = [createRepoFactCollector()];
    env.registerExtensionPoint(maturityCollectorsExtensionPoint, {
      addFactCollector(...added) {
        collectors.push(...added);
      },
    });

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
        rootLifecycle: coreServices.rootLifecycle,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger, scheduler } = deps;
        const ids = new Set<string>(['catalog', 'ownership']);
        for (const collector of collectors) {
          if (ids.has(collector.id)) {
            throw new Error(
              `Two maturity fact collectors use the id '${collector.id}'`,
            );
          }
          ids.add(collector.id);
        }
        // Invalid models stop the backend here, with the bad key named.
        const model = loadMaturityModel(config, collectors);
        const store = await DatabaseMaturityStore.create({
          database: deps.database,
        });
        const engine = new MaturityEngine({
          store,
          model,
          collectors,
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          urlReader: deps.urlReader,
          allowedLocalRoots: (
            config.getOptionalStringArray('maturity.allowedLocalRoots') ?? []
          ).map(root => resolve(root)),
          entityKinds: config.getOptionalStringArray(
            'maturity.entityKinds',
          ) ?? ['Component'],
          placeholderOwners: config.getOptionalStringArray(
            'maturity.placeholderOwners',
          ),
          retentionDays:
            config.getOptionalNumber('maturity.historyRetentionDays') ?? 400,
          trackedFacts: config.getOptionalStringArray('maturity.trackedFacts'),
        });
        logger.info(
          `Maturity model ${model.id}@${model.version}: ${
            model.checks.length
          } checks; collectors: ${engine.installedCollectors().join(', ')}`,
        );

        deps.permissionsRegistry.addPermissions(maturityPermissions);
        registerMaturityActions({
          actionsRegistry: deps.actionsRegistry,
          engine,
          store,
          permissions: deps.permissions,
        });

        // The timeout never exceeds the frequency (schedule.ts), so a replica
        // that dies mid-cycle blocks the others for one cycle at most.
        const schedule = readMaturitySchedule(config);
        const scan = readNewEntityScan(config);

        // Asks the scheduler to run the cycle now. Whichever replica claims
        // it runs it; when one already runs it, this one has nothing to do.
        const startCycle = async (reason: string) => {
          try {
            await scheduler.triggerTask(CYCLE_TASK_ID);
            logger.info(`Maturity cycle started: ${reason}`);
          } catch (e) {
            if (isError(e) && e.name === 'ConflictError') {
              logger.info(
                `Maturity cycle not started (${reason}): a cycle is running already`,
              );
            } else {
              logger.warn(
                `Could not start the maturity cycle (${reason}): ${e}`,
              );
            }
          }
        };

        // The tasks start once every plugin is up, so that the first cycle
        // reads a catalog that answers.
        deps.rootLifecycle.addStartupHook(async () => {
          // Global scope: with several replicas, one of them runs each cycle.
          await scheduler.scheduleTask({
            id: CYCLE_TASK_ID,
            scope: 'global',
            ...schedule,
            fn: async () => {
              const summary = await engine.runCycle();
              logger.info(
                `Maturity cycle: ${summary.entities} entities evaluated, ${summary.removed} removed, in ${summary.durationMs} ms`,
              );
            },
          });
          // The scheduler keeps a task's next run across restarts: without
          // this, the first cycle after a restart would wait for the run the
          // previous process planned, up to a whole frequency later. Not
          // awaited: a scheduler may run the task inside the call.
          void startCycle('the backend started');

          // Entities registered between two cycles are scored within seconds.
          if (!scan.enabled) return;
          await scheduler.scheduleTask({
            id: NEW_ENTITY_SCAN_TASK_ID,
            scope: 'global',
            frequency: scan.frequency,
            timeout: NEW_ENTITY_SCAN_TIMEOUT,
            // The first cycle goes first.
            initialDelay: scan.frequency,
            fn: async signal => {
              // The running cycle scores them, and would drop the scores of
              // entities missing from its catalog snapshot.
              if (engine.cycleRunning) return;
              const found = await engine.scoreNewEntities({
                max: scan.maxPerScan,
                signal,
              });
              if (found.tooMany) {
                await startCycle(
                  `${found.unscored} entities in the catalog have no score yet`,
                );
              } else if (found.scored.length > 0) {
                logger.info(
                  `Maturity: scored ${
                    found.scored.length
                  } new entities: ${found.scored.join(', ')}`,
                );
              }
            },
          });
        });

        deps.httpRouter.use(
          await createRouter({
            engine,
            store,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            waiverMaxDays: config.getOptionalNumber('maturity.waivers.maxDays'),
          }),
        );
      },
    });
  },
});
