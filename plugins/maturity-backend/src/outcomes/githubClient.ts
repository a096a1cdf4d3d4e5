import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
  ScmIntegrations,
} from '@backstage/integration';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** How often a request limited by GitHub is tried again. */
const RATE_LIMIT_RETRIES = 3;
/** A limit that asks to wait longer than this (seconds) is not waited for. */
const MAX_RETRY_AFTER_SECONDS = 120;

type AnyOctokit = {
  hook: {
    error(name: 'request', fn: (error: any, options: any) => unknown): void;
  };
};

/**
 * GitHub answers a secondary rate limit with 403 or 429, and a Retry-After
 * header. The throttling plugin in use recognises the 403 form only; this
 * plugin presents a 429 in that form (status 403, "secondary rate limit"),
 * so the throttling plugin waits for its Retry-After and tries again.
 */
function secondaryLimitOn429(octokit: AnyOctokit) {
  octokit.hook.error('request', error => {
    if (error?.status === 429 && error.response) {
      error.status = 403;
      error.message = `secondary rate limit (HTTP 429): ${error.message}`;
    }
    throw error;
  });
  return {};
}

// The plugins are written against @octokit/core 5 and @octokit/rest 19 is
// built on core 4: their hook API (hook.wrap, hook.error) is the same, only
// the type declarations differ.
type Plugin = Parameters<typeof Octokit.plugin>[0];
// Inner to outer: the 429 adapter, retries of server errors, throttling.
const LimitedOctokit: typeof Octokit = Octokit.plugin(
  secondaryLimitOn429 as Plugin,
  retry as unknown as Plugin,
  throttling as unknown as Plugin,
);
/** An Octokit client with retries and rate-limit handling. */
export type GithubClient = Octokit;

/** The path of a request URL, without its query. */
function pathOf(url: string): string {
  try {
    return new URL(url, 'http://github.invalid').pathname;
  } catch {
    return url;
  }
}

/**
 * fetch, whose failure to connect names the host and the system error
 * (Octokit would report only "fetch failed").
 */
const fetchNamingTheHost: typeof fetch = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (e) {
    const url = typeof input === 'string' ? input : (input as Request).url;
    const cause = (e as { cause?: { code?: string } }).cause;
    let host = url;
    try {
      host = new URL(url).host;
    } catch {
      // keep the URL
    }
    throw new Error(
      `could not reach ${host}${cause?.code ? `: ${cause.code}` : ''}`,
    );
  }
};

/** Options of {@link createGithubClient}. */
export interface GithubClientOptions {
  baseUrl: string;
  token?: string;
  headers?: Record<string, string>;
  logger: LoggerService;
  /**
   * Milliseconds per second of Retry-After and of backoff (tests shorten
   * the waits with it). Default: 1000.
   */
  retryAfterBaseValue?: number;
}

/**
 * An Octokit client that retries server errors (plugin-retry) and waits out
 * GitHub's primary and secondary rate limits (plugin-throttling, which reads
 * Retry-After and X-RateLimit-Reset). Logs say which request was limited,
 * never the token.
 */
export function createGithubClient(options: GithubClientOptions): GithubClient {
  const { logger } = options;
  const limited =
    (kind: string) =>
    (retryAfter: number, request: any, _octokit: unknown, count: number) => {
      const what = `${request.method} ${pathOf(request.url)}`;
      if (count >= RATE_LIMIT_RETRIES || retryAfter > MAX_RETRY_AFTER_SECONDS) {
        logger.warn(
          `GitHub ${kind} limit on ${what}: giving up after ${count} retries (Retry-After ${retryAfter} s)`,
        );
        return false;
      }
      logger.info(
        `GitHub ${kind} limit on ${what}: retrying after ${retryAfter} s`,
      );
      return true;
    };
  return new LimitedOctokit({
    baseUrl: options.baseUrl,
    request: { fetch: fetchNamingTheHost },
    ...(options.token ? { auth: options.token } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    log: {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: () => {},
    },
    retry: {
      retries: 2,
      ...(options.retryAfterBaseValue !== undefined
        ? { retryAfterBaseValue: options.retryAfterBaseValue }
        : {}),
    },
    throttle: {
      onRateLimit: limited('rate'),
      onSecondaryRateLimit: limited('secondary rate'),
      ...(options.retryAfterBaseValue !== undefined
        ? { retryAfterBaseValue: options.retryAfterBaseValue }
        : {}),
    },
  });
}

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
      const client = createGithubClient({
        baseUrl,
        token,
        headers: token ? undefined : headers,
        logger,
        retryAfterBaseValue: options.retryAfterBaseValue,
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
