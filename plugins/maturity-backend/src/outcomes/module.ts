import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { maturityCollectorsExtensionPoint } from '@cloud-native-portal/plugin-maturity-node';
import { readOutcomesConfig } from './config';
import { createDeliveryFactCollector } from './deliveryCollector';
import { deliveryCollectorOptions } from './deliverySourceConfig';
import {
  createIncidentsFactCollector,
  incidentFileSource,
  incidentUrlSource,
} from './incidentsCollector';
import { createPagerDutyIncidentSource } from './pagerdutySource';

/**
 * Adds the delivery outcome collectors to the maturity plugin: `delivery`
 * (production deployments, lead time and change failure rate from the
 * GitOps repository's history) and `incidents` (time to restore from an
 * incident export, or from PagerDuty for entities with the annotation
 * pagerduty.com/service-id). Configured under `maturity.outcomes`; without
 * it, both are installed and answer unknown with the config key that
 * connects them.
 */
export const maturityModuleDeliveryOutcomes = createBackendModule({
  pluginId: 'maturity',
  moduleId: 'delivery-outcomes',
  register(env) {
    env.registerInit({
      deps: {
        collectors: maturityCollectorsExtensionPoint,
        config: coreServices.rootConfig,
        urlReader: coreServices.urlReader,
        logger: coreServices.logger,
      },
      async init({ collectors, config, urlReader, logger }) {
        const outcomes = readOutcomesConfig(config);
        let deliveryReason: string | undefined;
        if (!outcomes.configured) {
          deliveryReason =
            'delivery outcomes are not configured: set maturity.outcomes.gitops.localRepository to the GitOps repository (or set maturity.outcomes to use scaffolder.localPublish.directory/gitopsRepository)';
        } else if (!outcomes.gitopsRepository) {
          deliveryReason =
            'no GitOps repository is configured: set maturity.outcomes.gitops.localRepository (or scaffolder.localPublish.directory and scaffolder.localPublish.gitopsRepository)';
        }
        let source;
        if (outcomes.incidents && 'file' in outcomes.incidents) {
          source = incidentFileSource(outcomes.incidents.file);
        } else if (outcomes.incidents) {
          source = incidentUrlSource(urlReader, outcomes.incidents.url);
        }
        const pagerduty = outcomes.pagerduty
          ? createPagerDutyIncidentSource(outcomes.pagerduty)
          : undefined;
        collectors.addFactCollector(
          createDeliveryFactCollector(
            deliveryCollectorOptions({
              config,
              outcomes,
              logger,
              notConfiguredReason: deliveryReason,
            }),
          ),
          createIncidentsFactCollector({
            source,
            pagerduty,
            notConfiguredReason: outcomes.configured
              ? undefined
              : 'incident outcomes are not configured: set maturity.outcomes.incidents.file or maturity.outcomes.incidents.url to an incident export (JSON or CSV)',
            windowDays: outcomes.windowDays,
            onSkippedRows(rows, where) {
              logger.warn(
                `Skipped ${
                  rows.length
                } invalid row(s) of the incident source ${where}: ${rows
                  .slice(0, 5)
                  .map(r => `${r.where}: ${r.reason}`)
                  .join('; ')}`,
              );
            },
          }),
        );
        logger.info(
          `Delivery outcomes: GitOps repository ${
            deliveryReason ? 'not configured' : outcomes.gitopsRepository
          }, incidents ${source ? source.where : 'not configured'}${
            pagerduty
              ? `, PagerDuty at ${
                  outcomes.pagerduty?.baseUrl ?? 'https://api.pagerduty.com'
                } for entities with pagerduty.com/service-id`
              : ''
          }`,
        );
      },
    });
  },
});
