import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  FactCollector,
  GithubClients,
} from '@cloud-native-portal/plugin-maturity-node';
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
 * The `delivery` and `incidents` collectors as `maturity.outcomes`
 * configures them, with a one-line summary of their sources for the log.
 * `now` sets the end of their window: the module leaves it to the clock;
 * the demo history asks them as of past dates.
 */
export function createDeliveryOutcomeCollectors(options: {
  config: Config;
  urlReader: UrlReaderService;
  logger: LoggerService;
  /** The backend's GitHub clients (`githubClientsServiceRef`). */
  github: GithubClients;
  now?: () => number;
}): { collectors: FactCollector[]; summary: string } {
  const { config, urlReader, logger, github, now } = options;
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
  const collectors = [
    createDeliveryFactCollector({
      ...deliveryCollectorOptions({
        outcomes,
        logger,
        github,
        notConfiguredReason: deliveryReason,
      }),
      ...(now ? { now } : {}),
    }),
    createIncidentsFactCollector({
      source,
      pagerduty,
      notConfiguredReason: outcomes.configured
        ? undefined
        : 'incident outcomes are not configured: set maturity.outcomes.incidents.file or maturity.outcomes.incidents.url to an incident export (JSON or CSV)',
      windowDays: outcomes.windowDays,
      ...(now ? { now } : {}),
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
  ];
  const summary = `Delivery outcomes: GitOps repository ${
    deliveryReason ? 'not configured' : outcomes.gitopsRepository
  }, incidents ${source ? source.where : 'not configured'}${
    pagerduty
      ? `, PagerDuty at ${
          outcomes.pagerduty?.baseUrl ?? 'https://api.pagerduty.com'
        } for entities with pagerduty.com/service-id`
      : ''
  }`;
  return { collectors, summary };
}
