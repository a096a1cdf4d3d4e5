import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { scaffolderServiceRef } from '@backstage/plugin-scaffolder-node';
import { maturityPermissions } from '@cloud-native-portal/plugin-maturity-common';
import {
  createRepoFactCollector,
  FactCollector,
  githubClientsServiceRef,
  localPublishDirectory,
  localSourceRoots,
  maturityCollectorsExtensionPoint,
} from '@cloud-native-portal/plugin-maturity-node';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';
import { resolve } from 'node:path';
import { registerMaturityActions } from './actions';
import { DatabaseMaturityStore } from './database/DatabaseMaturityStore';
import { CatalogEntityEvents } from './engine/CatalogEntityEvents';
import { loadMaturityModel } from './engine/loadModel';
import { MaturityEngine, phasesText } from './engine/MaturityEngine';
import { createRouter } from './router';
import { FleetRunner } from './fleet/FleetRunner';
import { FleetStore } from './fleet/FleetStore';
import { ChangeDestinations } from './fleet/destinations';
import { FixReviewStates } from './fleet/reviewState';
import { DIGEST_TASK_ID, readNudgeSettings, sendDigests } from './fleet/digest';
import { RegressionNudges } from './fleet/regressions';
import {
  CYCLE_TASK_ID,
  NEW_ENTITY_SCAN_TASK_ID,
  NEW_ENTITY_SCAN_TIMEOUT,
  readCycleSharding,
  readMaturitySchedule,
  readNewEntityScan,
  scheduledCycleGapMs,
  SHARD_POLL_TASK_ID,
} from './schedule';
import { CycleStart, ShardedCycle } from './sharding/ShardedCycle';

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
        events: eventsServiceRef,
        scaffolder: scaffolderServiceRef,
        notifications: notificationService,
        github: githubClientsServiceRef,
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
        // The local folders the engine and the fix review states may read.
        const allowedLocalRoots = (
          config.getOptionalStringArray('maturity.allowedLocalRoots') ?? []
        ).map(root => resolve(root));
        const store = await DatabaseMaturityStore.create({
          database: deps.database,
          preparedStatements:
            config.getOptionalBoolean('maturity.database.preparedStatements') ??
            true,
        });
        const fleetStore = new FleetStore(await deps.database.getClient());
        const nudges = readNudgeSettings(config);
        const checkTitle = (checkId: string) =>
          model.checks.find(c => c.id === checkId)?.title ?? checkId;
        // Checks that went from pass to fail: one notification per owning
        // team and day.
        const regressionNudges = nudges.regressions.enabled
          ? new RegressionNudges({
              knex: await deps.database.getClient(),
              notifications: deps.notifications,
              logger,
              checkTitle,
            })
          : undefined;
        const engine = new MaturityEngine({
          ...(regressionNudges
            ? {
                onRegressions: async regressions => {
                  await regressionNudges.notify(regressions);
                },
              }
            : {}),
          store,
          model,
          collectors,
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          urlReader: deps.urlReader,
          allowedLocalRoots,
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

        // The cycle's shards, claimed by one replica at a time through the
        // lease table in the plugin's database (src/sharding).
        const sharding = readCycleSharding(config);
        const cycles = new ShardedCycle({
          knex: await deps.database.getClient(),
          shards: sharding.shards,
          leaseMs: sharding.leaseMs,
          maxHoldMs: durationToMilliseconds(schedule.timeout as HumanDuration),
          logger,
          runShard: async shard => {
            const summary = await engine.runCycle({
              ...(shard.count > 1 ? { includes: shard.includes } : {}),
              signal: shard.signal,
            });
            logger.info(
              `Maturity cycle ${shard.cycle}${
                shard.count > 1
                  ? `, shard ${shard.index + 1} of ${shard.count}`
                  : ''
              }: ${summary.entities} entities evaluated, ${
                summary.removed
              } removed, in ${summary.durationMs} ms${
                summary.phases ? ` (${phasesText(summary.phases)})` : ''
              }`,
            );
          },
        });

        // Starts the next cycle in the database, and says why it did or did
        // not: when a cycle is running already (on any replica), none starts;
        // a scheduled run right after another start is skipped.
        const beginCycle = async (
          reason: string,
          options?: { notWithinMs?: number },
        ): Promise<CycleStart> => {
          const start = await cycles.start(options);
          if (start.started) {
            logger.info(`Maturity cycle ${start.cycle} started: ${reason}`);
          } else if (start.reason === 'running') {
            logger.info(
              `Maturity cycle not started (${reason}): cycle ${start.cycle} is running already`,
            );
          } else {
            logger.info(
              `Maturity cycle not started (${reason}): cycle ${
                start.cycle
              } started less than ${Math.round(
                (options?.notWithinMs ?? 0) / 1000,
              )} s ago`,
            );
          }
          return start;
        };

        // Starts the next cycle now and works on it in this process, without
        // waiting for a scheduler poll. This replica also helps with the
        // unclaimed shards of a cycle that is running already.
        const startCycle = async (
          reason: string,
          options?: { notWithinMs?: number },
        ) => {
          try {
            await beginCycle(reason, options);
            await cycles.work();
          } catch (e) {
            logger.warn(`Could not start the maturity cycle (${reason}): ${e}`);
          }
        };

        // New and changed entities, as the catalog module
        // @cloud-native-portal/plugin-catalog-backend-module-maturity announces
        // them while the catalog processes them: scored within a second, with
        // no scheduler poll. The new-entity scan below stays as the fallback
        // for missed events (no shared event bus between replicas, a restart).
        const entityEvents = new CatalogEntityEvents({
          events: deps.events,
          engine,
          store,
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          entityKinds: config.getOptionalStringArray(
            'maturity.entityKinds',
          ) ?? ['Component'],
          maxPerBatch: scan.maxPerScan,
          onTooMany: count =>
            void startCycle(
              `the catalog announced ${count} new or changed entities`,
            ),
        });
        await entityEvents.subscribe();
        deps.rootLifecycle.addShutdownHook(() => entityEvents.stop());

        // The tasks start once every plugin is up, so that the first cycle
        // reads a catalog that answers.
        deps.rootLifecycle.addStartupHook(async () => {
          // Global scope: with several replicas, one of them runs each cycle.
          await scheduler.scheduleTask({
            id: CYCLE_TASK_ID,
            scope: 'global',
            ...schedule,
            // A cycle started on demand shortly before counts as this run.
            fn: () =>
              startCycle('its schedule', {
                notWithinMs: scheduledCycleGapMs(schedule),
              }),
          });
          // Every replica joins a running cycle within the poll interval, and
          // takes over the shards of a replica that died.
          await scheduler.scheduleTask({
            id: SHARD_POLL_TASK_ID,
            scope: 'local',
            frequency: sharding.pollInterval,
            timeout: schedule.timeout,
            fn: async () => {
              await cycles.work();
            },
          });
          // The scheduler keeps a task's next run across restarts: without
          // this, the first cycle after a restart would wait for the run the
          // previous process planned, up to a whole frequency later. Not
          // awaited: it runs the whole cycle.
          void startCycle('the backend started');

          // The weekly digest per owning team; one replica sends it.
          if (nudges.digest.enabled) {
            await scheduler.scheduleTask({
              id: DIGEST_TASK_ID,
              scope: 'global',
              frequency: nudges.digest.frequency,
              timeout: { minutes: 10 },
              // The first cycle stores the scores it reports.
              initialDelay: { minutes: 10 },
              fn: async () => {
                const told = await sendDigests({
                  store,
                  fleetStore,
                  notifications: deps.notifications,
                  logger,
                  checkTitle,
                });
                logger.info(`Maturity digest sent to ${told.length} team(s)`);
              },
            });
          }

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
                void startCycle(
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

        // Fleet fixes: runs left unfinished by a stopped backend are marked
        // interrupted; running the fix again resumes them without duplicates.
        const interrupted = await fleetStore.interruptUnfinished();
        if (interrupted) {
          logger.warn(
            `${interrupted} fleet fix run(s) were interrupted by a restart; run them again to resume`,
          );
        }
        const fleetRunner = new FleetRunner({
          store,
          fleetStore,
          checks: () => engine.model.checks,
          scaffolder: deps.scaffolder,
          catalog: deps.catalog,
          notifications: deps.notifications,
          logger,
          concurrency: config.getOptionalNumber('maturity.fleet.concurrency'),
        });

        // Whether fix pull requests were merged, and where they can go.
        const fleetGithub = deps.github;
        deps.httpRouter.use(
          await createRouter({
            engine,
            store,
            fleet: {
              runner: fleetRunner,
              store: fleetStore,
              reviewStates: new FixReviewStates({
                allowedLocalRoots,
                github: fleetGithub,
              }),
              destinations: new ChangeDestinations({
                catalog: deps.catalog,
                localRoots: localSourceRoots(config),
                localPublishDirectory: localPublishDirectory(config),
                github: fleetGithub,
              }),
            },
            notifications: { service: deps.notifications, logger },
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            waiverMaxDays: config.getOptionalNumber('maturity.waivers.maxDays'),
            cycles: {
              // Answers once the cycle is started; it runs on in the background.
              start: async reason => {
                const start = await beginCycle(reason);
                cycles.work().catch(e => {
                  logger.warn(`Maturity cycle ${start.cycle} failed: ${e}`);
                });
                return start;
              },
              status: () => cycles.status(),
            },
          }),
        );
      },
    });
  },
});
