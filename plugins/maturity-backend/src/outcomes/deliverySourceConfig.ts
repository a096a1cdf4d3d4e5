import { LoggerService } from '@backstage/backend-plugin-api';
import { argocdSource, ARGOCD_APP_ANNOTATION } from './argocd';
import { OutcomesConfig } from './config';
import { DeliveryFactCollectorOptions } from './deliveryCollector';
import { DeliverySource } from './deliverySource';
import {
  GithubClients,
  GITHUB_PROJECT_SLUG_ANNOTATION,
} from '@cloud-native-portal/plugin-maturity-node';
import { githubDeploymentsSource } from './githubDeployments';
import { githubGitopsReader } from './githubGitops';

/**
 * The `delivery` collector's options from `maturity.outcomes` and
 * `integrations.github`: the GitOps repository (on GitHub when
 * `gitops.github` is set, else the local one), then Argo CD when
 * `argocd.baseUrl` is set, then GitHub deployments when a GitHub integration
 * is configured. `notConfiguredReason` is used when there is no source.
 */
export function deliveryCollectorOptions(options: {
  outcomes: OutcomesConfig;
  logger: LoggerService;
  notConfiguredReason?: string;
  /** The backend's GitHub clients (`githubClientsServiceRef`). */
  github: GithubClients;
}): DeliveryFactCollectorOptions {
  const { outcomes, logger } = options;
  const base = {
    branch: outcomes.branch,
    productionEnvironments: outcomes.productionEnvironments,
    windowDays: outcomes.windowDays,
  };
  if (!outcomes.configured) {
    return { ...base, notConfiguredReason: options.notConfiguredReason };
  }
  const { github } = options;
  const sources: DeliverySource[] = [];
  const unconfiguredHints: string[] = [];
  if (outcomes.argocd) {
    sources.push(argocdSource(outcomes.argocd));
  } else {
    unconfiguredHints.push(
      `set maturity.outcomes.argocd.baseUrl and annotate it with ${ARGOCD_APP_ANNOTATION}`,
    );
  }
  if (github.hosts().length) {
    sources.push(
      githubDeploymentsSource({
        github,
        productionEnvironments: outcomes.productionEnvironments,
        deployWorkflow: outcomes.deployWorkflow,
      }),
    );
  } else {
    unconfiguredHints.push(
      `configure integrations.github with a token or a GitHub App and annotate it with ${GITHUB_PROJECT_SLUG_ANNOTATION}`,
    );
  }
  const gitops = outcomes.gitopsGithub
    ? githubGitopsReader({
        url: outcomes.gitopsGithub,
        branch: outcomes.branch,
        productionEnvironments: outcomes.productionEnvironments,
        github,
      })
    : undefined;
  const repository = gitops ? undefined : outcomes.gitopsRepository;
  logger.info(
    `Delivery sources, in order: ${
      [
        gitops
          ? `GitOps repository ${outcomes.gitopsGithub} on GitHub`
          : repository && `GitOps repository ${repository}`,
        outcomes.argocd && `Argo CD at ${outcomes.argocd.baseUrl}`,
        github.hosts().length &&
          `GitHub deployments on ${github.hosts().join(', ')}`,
      ]
        .filter(Boolean)
        .join(', ') || 'none'
    }`,
  );
  return {
    ...base,
    repository,
    gitops,
    sources,
    unconfiguredHints,
    notConfiguredReason:
      'no delivery source is configured: set maturity.outcomes.gitops.localRepository or maturity.outcomes.gitops.github (the GitOps repository), maturity.outcomes.argocd.baseUrl (Argo CD), or integrations.github (GitHub deployments)',
  };
}
