import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_SOURCE_LOCATION,
  type Entity,
} from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import type { Octokit } from '@octokit/rest';
import { createGithubClient, GITHUB_READ_LIMITS } from './github';
import { githubProjectOf } from './sourceLocation';

// @backstage/integration loads on first use, as Octokit does: the
// command-line scan, which shares this package, starts 0.3 s faster.
function integrationsModule(): typeof import('@backstage/integration') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@backstage/integration');
}

/** The portal's GitHub client: Octokit with retries and rate-limit handling. */
export type GithubClient = Octokit;

/** GitHub clients per repository, with the integration's credentials. */
export interface GithubClients {
  /** True when `integrations.github` configures the URL's host with credentials. */
  hasIntegration(url: string): boolean;
  /** The hosts configured under `integrations.github` with credentials, in config order. */
  hosts(): string[];
  /**
   * True when the URL's host is a GitHub host of `integrations.github`
   * (github.com always is), with credentials or without.
   */
  isGithubHost(url: string): boolean;
  /** A client for the repository at `url`; throws when its host has no integration. */
  forUrl(url: string): Promise<GithubClient>;
}

/**
 * GitHub clients from Backstage's integrations: the API base URL of
 * `integrations.github` and its token or GitHub App credentials
 * (`DefaultGithubCredentialsProvider`, which finds the App installation of
 * the repository's owner). A client is kept per API and owner while its
 * token is the same, so its retries see every entity's requests. Reads use
 * `GITHUB_READ_LIMITS`.
 */
export function githubClientsFromIntegrations(options: {
  integrations: ScmIntegrationRegistry;
  /** The hosts to serve; the others are refused with the key to set. */
  configuredHosts: string[];
  logger: LoggerService;
  credentials?: GithubCredentialsProvider;
  /** The unit of Retry-After and backoff in milliseconds (1000); tests shorten it. */
  retryAfterBaseValue?: number;
}): GithubClients {
  const { integrations, configuredHosts, logger } = options;
  const credentials =
    options.credentials ??
    integrationsModule().DefaultGithubCredentialsProvider.fromIntegrations(
      integrations,
    );
  const clients = new Map<string, { token?: string; client: GithubClient }>();
  // Backstage's App token cache fills once a token has arrived: requests for
  // one owner that start together would each fetch one. One asks at a time;
  // the others wait, then read the cache (which also checks that the
  // installation covers their repository). After a failed fetch, the next
  // waiter fetches, not all of them at once.
  const fetching = new Map<string, Promise<unknown>>();
  const credentialsFor = async (url: string, key: string) => {
    let pending = fetching.get(key);
    while (pending) {
      await pending.catch(() => undefined);
      pending = fetching.get(key);
    }
    const fetched = credentials.getCredentials({ url });
    fetching.set(key, fetched);
    try {
      return await fetched;
    } finally {
      if (fetching.get(key) === fetched) fetching.delete(key);
    }
  };
  const hostOf = (url: string) => {
    try {
      return new URL(url).host;
    } catch {
      return '';
    }
  };
  return {
    hasIntegration: url => configuredHosts.includes(hostOf(url)),
    hosts: () => [...configuredHosts],
    isGithubHost: url => !!hostOf(url) && !!integrations.github.byUrl(url),
    async forUrl(url) {
      const integration = integrations.github.byUrl(url);
      if (!integration || !configuredHosts.includes(integration.config.host)) {
        throw new Error(
          `no GitHub integration with credentials for ${hostOf(
            url,
          )}: add it, with a token or a GitHub App, under integrations.github`,
        );
      }
      const baseUrl = integration.config.apiBaseUrl;
      if (!baseUrl) {
        // Octokit would send this host's credentials to api.github.com.
        throw new Error(
          `integrations.github for ${integration.config.host} has no apiBaseUrl: set it (for GitHub Enterprise Server, https://${integration.config.host}/api/v3)`,
        );
      }
      const owner = new URL(url).pathname.split('/')[1];
      // An App's installation token differs per owner and changes hourly:
      // a client is kept per API and owner, and made anew with a new token.
      const key = `${baseUrl} ${owner}`;
      const { token, headers } = await credentialsFor(url, key);
      if (!token && !headers?.Authorization) {
        // Only GitHub Apps on this host, none installed for the owner:
        // anonymous reads would see little and soon be rate limited.
        throw new Error(
          `no GitHub App of integrations.github is installed for ${owner} on ${integration.config.host}: install it there, or add a token`,
        );
      }
      const kept = clients.get(key);
      if (kept && kept.token === token) return kept.client;
      const client = createGithubClient({
        baseUrl,
        token,
        headers: token ? undefined : headers,
        logger,
        limits: {
          ...GITHUB_READ_LIMITS,
          retryAfterBaseValue: options.retryAfterBaseValue,
        },
      });
      clients.set(key, { token, client });
      return client;
    },
  };
}

/**
 * GitHub clients from the backend's config (`integrations.github`). Only
 * integrations with credentials (a token or a GitHub App) are served:
 * without them GitHub allows 60 requests an hour, which a cycle would use up
 * and then wait on. Entities on other hosts stay unknown, with the key to set.
 */
export function githubClientsFromConfig(
  config: Config,
  logger: LoggerService,
): GithubClients {
  const configuredHosts = (
    config.getOptionalConfigArray('integrations.github') ?? []
  )
    .filter(c => c.getOptionalString('token')?.trim() || c.has('apps'))
    .map(c => c.getOptionalString('host') ?? 'github.com');
  return githubClientsFromIntegrations({
    integrations: integrationsModule().ScmIntegrations.fromConfig(config),
    configuredHosts,
    logger,
  });
}

/**
 * The backend's one set of GitHub clients, from `integrations.github`
 * ({@link githubClientsFromConfig}). Root scoped: the maturity plugin, its
 * delivery sources and fleet fixes, and every module that reads GitHub share
 * one credentials provider, so a GitHub App's installation token is fetched
 * once per owner, not once per consumer, and one client per owner sees all
 * their requests for its retries and rate limits.
 */
export const githubClientsServiceRef = createServiceRef<GithubClients>({
  id: 'cloud-native-portal.github-clients',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
      },
      factory: ({ config, logger }) =>
        githubClientsFromConfig(config, logger.child({ service: 'github' })),
    }),
});

/**
 * The GitHub repository of an entity: `owner/repo` from its
 * `github.com/project-slug` annotation, on the host of its
 * `backstage.io/source-location` when that is a GitHub host (with
 * credentials or without: a repository on a host without them is refused by
 * `forUrl`, never looked up on another host), else on the first host with
 * credentials. Undefined without a slug or without any host.
 */
export function githubRepositoryOf(
  entity: Entity,
  github: Pick<GithubClients, 'isGithubHost' | 'hosts'>,
): { owner: string; repo: string; url: string } | undefined {
  const project = githubProjectOf(entity);
  if (!project) return undefined;
  const location =
    entity.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION] ?? '';
  const origin = /^url:(https?:\/\/[^/]+)\//.exec(location)?.[1];
  const host =
    origin && github.isGithubHost(origin)
      ? new URL(origin).host
      : github.hosts()[0];
  if (!host) return undefined;
  return {
    ...project,
    url: `https://${host}/${project.owner}/${project.repo}`,
  };
}
