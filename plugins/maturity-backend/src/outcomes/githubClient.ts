import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
  ScmIntegrations,
} from '@backstage/integration';
import {
  createGithubClient,
  GITHUB_READ_LIMITS,
} from '@cloud-native-portal/plugin-maturity-node';
import { Octokit } from '@octokit/rest';

/** An Octokit client with retries and rate-limit handling. */
export type GithubClient = Octokit;

/** GitHub clients per repository, with the integration's credentials. */
export interface GithubClients {
  /** True when `integrations.github` configures the URL's host. */
  hasIntegration(url: string): boolean;
  /** The hosts configured under `integrations.github`, in config order. */
  hosts(): string[];
  /** A client for the repository at `url`; throws when its host has no integration. */
  forUrl(url: string): Promise<GithubClient>;
}

/**
 * GitHub clients from Backstage's integrations: the API base URL of
 * `integrations.github` and its token or GitHub App credentials
 * (DefaultGithubCredentialsProvider). A client is kept while its token is
 * the same, so its rate-limit state is shared by every entity.
 */
export function githubClientsFromIntegrations(options: {
  integrations: ScmIntegrationRegistry;
  configuredHosts: string[];
  logger: LoggerService;
  credentials?: GithubCredentialsProvider;
  retryAfterBaseValue?: number;
}): GithubClients {
  const { integrations, configuredHosts, logger } = options;
  const credentials =
    options.credentials ??
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  const clients = new Map<string, { token?: string; client: GithubClient }>();
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
    async forUrl(url) {
      const integration = integrations.github.byUrl(url);
      if (!integration || !configuredHosts.includes(integration.config.host)) {
        throw new Error(
          `no GitHub integration with credentials for ${hostOf(
            url,
          )}: add it, with a token or a GitHub App, under integrations.github`,
        );
      }
      const { token, headers } = await credentials.getCredentials({ url });
      const baseUrl = integration.config.apiBaseUrl!;
      const key = baseUrl;
      const kept = clients.get(key);
      if (kept && kept.token === token) return kept.client;
      // The portal's GitHub client, with the scorecard's read limits.
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

/** GitHub clients from the backend's config (`integrations.github`). */
export function githubClientsFromConfig(
  config: Config,
  logger: LoggerService,
): GithubClients {
  const integrations = ScmIntegrations.fromConfig(config);
  // Only integrations with credentials (a token or a GitHub App): without
  // them GitHub allows 60 requests an hour, which a cycle would use up and
  // then wait on; their services stay unknown, with the key to set.
  const configuredHosts = (
    config.getOptionalConfigArray('integrations.github') ?? []
  )
    .filter(c => c.getOptionalString('token') || c.has('apps'))
    .map(c => c.getOptionalString('host') ?? 'github.com');
  return githubClientsFromIntegrations({
    integrations,
    configuredHosts,
    logger,
  });
}

/** Reads `owner` and `repo` from a repository URL (`https://host/owner/repo`). */
export function parseRepositoryUrl(url: string): {
  host: string;
  owner: string;
  repo: string;
} {
  const parsed = new URL(url);
  const [owner, repo] = parsed.pathname
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/');
  if (!owner || !repo) {
    throw new Error(
      `${url} is not a repository URL (https://<host>/<owner>/<repo>)`,
    );
  }
  return { host: parsed.host, owner, repo };
}

/** A short description of a GitHub request failure, without credentials. */
export function describeGithubError(error: unknown): string {
  const e = error as {
    status?: number;
    message?: string;
    code?: string;
    cause?: { code?: string };
  };
  const code = e.cause?.code ?? e.code;
  if (code && typeof code === 'string' && /^E[A-Z_]+$/.test(code)) {
    return `could not reach GitHub: ${code}`;
  }
  if (e.status && e.status >= 400 && e.status !== 500) {
    return `GitHub answered ${e.status}: ${(e.message ?? '').split('\n')[0]}`;
  }
  return (e.message ?? String(error)).split('\n')[0];
}
