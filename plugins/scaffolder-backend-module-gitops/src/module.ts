import {
  coreServices,
  createBackendFeatureLoader,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { resolve } from 'path';
import { createAnnotateExtractionAction } from './actions/annotateExtraction';
import { createCheckCapabilityAction } from './actions/checkCapability';
import { createFetchEntitySourceAction } from './actions/fetchEntitySource';
import { createOpenGitopsPrAction } from './actions/openPr';
import { createPlanAdoptionAction } from './actions/planAdoption';
import { createPlanFixAction } from './actions/planFix';
import { createRegistryDigestResolver } from './lib/registry';
import { createPlanUpgradeAction } from './actions/planUpgrade';
import {
  createPublishLocalAction,
  localPublishDirectory,
} from './actions/publishLocal';
import { createRenderTemplateAction } from './actions/renderTemplate';
import { createValidateManifestsAction } from './actions/validateManifests';
import { createWaitForEntityAction } from './actions/waitForEntity';
import { createWriteTemplateRecordAction } from './actions/writeTemplateRecord';
import { LocalRepositoriesEntityProvider } from './catalogProvider';
import {
  ensureLocalGitopsRepository,
  historyScript,
} from './lib/localGitopsRepository';
import { seedDemoRepositories } from './lib/demoRepositories';
import { LocalRepositoryConfinementProcessor } from './localConfinement';
import { LocalRepositoryPlaceholderProcessor } from './localPlaceholders';

/** Registers the GitOps actions with the scaffolder. */
export const scaffolderModuleGitops = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'gitops',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        urlReader: coreServices.urlReader,
        logger: coreServices.logger,
      },
      async init({
        scaffolder,
        config,
        catalog,
        discovery,
        auth,
        urlReader,
        logger,
      }) {
        const integrations = ScmIntegrations.fromConfig(config);
        // The local GitOps repository that templates propose changes to
        // when the portal has no GitHub credentials.
        const directory = localPublishDirectory(config);
        const gitopsRepository = config.getOptionalString(
          'scaffolder.localPublish.gitopsRepository',
        );
        if (directory && gitopsRepository) {
          // Demo portals only: a commit history written at first start.
          const demoHistory = config.getOptionalString(
            'scaffolder.localPublish.demoHistory',
          );
          const where = `${directory}/${gitopsRepository}`;
          try {
            if (
              await ensureLocalGitopsRepository(directory, gitopsRepository, {
                seedHistory: demoHistory
                  ? historyScript(demoHistory)
                  : undefined,
              })
            ) {
              logger.info(
                demoHistory
                  ? `Created the local GitOps repository ${where} with the demo history of ${demoHistory}`
                  : `Created the local GitOps repository ${where}`,
              );
            }
          } catch (error) {
            // The portal still starts, with an empty repository.
            logger.error(
              `${
                (error as Error).message
              }; created ${where} without it (delete the folder and restart to try again)`,
            );
            await ensureLocalGitopsRepository(directory, gitopsRepository);
          }
        }
        scaffolder.addActions(
          createWriteTemplateRecordAction({ catalog }),
          createValidateManifestsAction({ catalog }),
          createPublishLocalAction({ config }),
          createOpenGitopsPrAction({ integrations, config }),
          createRenderTemplateAction({ catalog, discovery, auth, urlReader }),
          createFetchEntitySourceAction({ catalog, urlReader, config }),
          createPlanAdoptionAction(),
          createPlanFixAction({
            resolveDigest: createRegistryDigestResolver({ config, logger }),
          }),
          createPlanUpgradeAction({ catalog, discovery, auth, urlReader }),
          createCheckCapabilityAction({ catalog }),
          createAnnotateExtractionAction(),
          createWaitForEntityAction({ catalog }),
        );
      },
    });
  },
});

/**
 * Registers the repositories `publish:local` creates in the catalog. Does
 * nothing unless `scaffolder.localPublish.directory` is configured.
 */
export const catalogModuleLocalRepositories = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'local-repositories',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
      },
      async init({ catalog, config, scheduler, logger }) {
        const directory = localPublishDirectory(config);
        if (!directory) return;
        // Demo portals only: repositories created before the provider's
        // first read, so that it registers them at once.
        const demoRepositories = config.getOptionalString(
          'scaffolder.localPublish.demoRepositories',
        );
        if (demoRepositories) {
          await seedDemoRepositories({
            source: resolve(demoRepositories),
            directory,
            logger,
          });
        }
        const seconds =
          config.getOptionalNumber(
            'scaffolder.localPublish.refreshIntervalSeconds',
          ) ?? 10;
        // What a local repository registers stays inside it.
        catalog.addProcessor(
          new LocalRepositoryConfinementProcessor(directory),
        );
        // Relative $text/$json/$yaml in local repositories' catalog files.
        catalog.addProcessor(
          new LocalRepositoryPlaceholderProcessor(directory),
        );
        catalog.addEntityProvider(
          new LocalRepositoriesEntityProvider(
            directory,
            scheduler.createScheduledTaskRunner({
              frequency: { seconds },
              timeout: { minutes: 1 },
              // Each replica reads its own disk.
              scope: 'local',
            }),
            logger,
          ),
        );
      },
    });
  },
});

/** The scaffolder actions and the catalog provider for local repositories. */
export const gitopsFeatures = createBackendFeatureLoader({
  *loader() {
    yield scaffolderModuleGitops;
    yield catalogModuleLocalRepositories;
  },
});
