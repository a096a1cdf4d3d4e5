import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Octokit } from '@octokit/rest';
import type Bottleneck from 'bottleneck';
import { fetchReportingUnreachable } from './network';

/** How a GitHub client waits out rate limits and transient failures. */
export interface GithubLimits {
  /**
   * How often one request is tried again after a rate limit, and, apart
   * from that, after a server error or a dropped connection.
   */
  retries: number;
  /**
   * The longest wait, in seconds, for one rate limit. A limit that asks for
   * longer fails at once.
   */
  maxWaitSeconds: number;
  /**
   * Milliseconds per second of Retry-After, of the rate-limit reset and of
   * the backoff between retries. Default 1000; tests shorten the waits.
   */
  retryAfterBaseValue?: number;
  /**
   * Milliseconds between two write requests of this process to GitHub,
   * and three times that between two that notify people (opening a pull
   * request). Default 1000, as GitHub asks of clients to avoid its
   * secondary limits.
   */
  writeIntervalMs?: number;
}

/**
 * The limits of the portal's GitHub reads in a scorecard cycle: three
 * retries, and a rate limit waited out when it asks for two minutes at most.
 */
export const GITHUB_READ_LIMITS: GithubLimits = {
  retries: 3,
  maxWaitSeconds: 120,
};

/** A request as Octokit's hooks see it. */
export type GithubRequestOptions = {
  method: string;
  url: string;
  [key: string]: unknown;
};

/** An error as Octokit's hooks see it. */
export type GithubRequestError = Error & {
  status?: number;
  request?: unknown;
  response?: { headers?: Record<string, string | undefined> };
};

type Hooks = {
  hook: {
    error(
      name: 'request',
      fn: (error: GithubRequestError, options: GithubRequestOptions) => unknown,
    ): void;
  };
};
// The plugins are written against @octokit/core 5, @octokit/rest 19 is
// built on core 4: their hook API (hook.wrap, hook.error) is the same, only
// the type declarations differ.
type Plugin = Parameters<typeof Octokit.plugin>[0];

/**
 * The URL of a request: the one sent, else Octokit's route with its
 * parameters filled in ("/repos/{owner}/{repo}" names the repository).
 */
export function githubRequestUrl(
  options: GithubRequestOptions,
  error?: GithubRequestError,
): string {
  const sent = (error?.request as { url?: unknown } | undefined)?.url;
  if (typeof sent === 'string') return sent;
  return options.url.replace(/\{(\w+)\}/g, (whole, name: string) =>
    options[name] === undefined
      ? whole
      : encodeURIComponent(String(options[name])),
  );
}

/** The path of a request URL, without its query or host. */
export function githubRequestPath(url: string): string {
  try {
    return new URL(url, 'http://github.invalid').pathname;
  } catch {
    return url;
  }
}

/**
 * GitHub answers its secondary rate limit with 403 or 429 and Retry-After,
 * and its primary limit with 403 or 429 and x-ratelimit-remaining 0. The
 * throttling plugin in use reads the 403 form only; this hook, innermost,
 * presents a 429 in that form.
 */
function limitsOn429(octokit: Hooks) {
  octokit.hook.error('request', error => {
    if (error?.status === 429 && error.response) {
      error.status = 403;
      if (error.response.headers?.['x-ratelimit-remaining'] !== '0') {
        error.message = `secondary rate limit (HTTP 429): ${error.message}`;
      }
    }
    // A host that does not resolve will not resolve on a retry either; a
    // plain error (without request options) is not retried.
    if (
      error?.status === 500 &&
      /^could not reach .*: ENOTFOUND$/.test(error.message)
    ) {
      throw Object.assign(new Error(error.message), { status: 500 });
    }
    throw error;
  });
  return {};
}

/** The outermost hook: what is left of an error after the retries. */
function outermost(
  explain: (error: GithubRequestError, options: GithubRequestOptions) => void,
) {
  return (octokit: Hooks) => {
    octokit.hook.error('request', (error, options) => {
      explain(error, options);
      throw error;
    });
    return {};
  };
}

/**
 * The write spacing of this process, one group per interval, shared by
 * every client (each task or integration makes its own).
 */
const writeGroups = new Map<number, Bottleneck.Group>();
function writeGroup(minTime: number): Bottleneck.Group {
  let group = writeGroups.get(minTime);
  if (!group) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Group } = require('bottleneck') as typeof Bottleneck;
    group = new Group({ maxConcurrent: 1, minTime });
    writeGroups.set(minTime, group);
  }
  return group;
}

/** Options of {@link createGithubClient}. */
export interface GithubClientOptions {
  /** The API's base URL; GitHub.com's when undefined. */
  baseUrl?: string;
  token?: string;
  headers?: Record<string, string>;
  logger: LoggerService;
  limits: GithubLimits;
  /**
   * Called with what is left of a failed request after the retries. It
   * may throw an error that says what to do instead; otherwise the error
   * is thrown as it is.
   */
  explainErrors?: (
    error: GithubRequestError,
    request: GithubRequestOptions,
  ) => void;
}

/**
 * The portal's GitHub client. It retries server errors and dropped
 * connections (plugin-retry), waits out GitHub's primary and secondary rate
 * limits (plugin-throttling, which reads Retry-After and
 * x-ratelimit-reset) and spaces its writes, all within `limits`. A request
 * that gets no answer names its host. It logs which request was limited,
 * never the token.
 */
export function createGithubClient(options: GithubClientOptions): Octokit {
  const { logger, limits } = options;
  // Octokit loads on first use: the command-line scan, which shares this
  // package, starts faster without it.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Octokit: Base } = require('@octokit/rest') as {
    Octokit: typeof Octokit;
  };
  const { retry } = require('@octokit/plugin-retry');
  const { throttling } = require('@octokit/plugin-throttling');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: GithubRequestOptions,
      _o: unknown,
      count: number,
    ) => {
      const what = `${request.method} ${githubRequestPath(
        githubRequestUrl(request),
      )}`;
      if (count >= limits.retries || retryAfter > limits.maxWaitSeconds) {
        logger.warn(
          `GitHub's ${kind} rate limit on ${what}: not waited for (it asks to wait ${retryAfter} s; at most ${limits.maxWaitSeconds} s and ${limits.retries} retries)`,
        );
        return false;
      }
      logger.warn(
        `GitHub's ${kind} rate limit on ${what}: retry ${count + 1} of ${
          limits.retries
        } in ${retryAfter} s`,
      );
      return true;
    };
  // Inner to outer: the 429 form, server-error retries, throttling, and
  // the errors that are left.
  const Client = Base.plugin(
    limitsOn429 as unknown as Plugin,
    retry as Plugin,
    throttling as Plugin,
    ...(options.explainErrors
      ? [outermost(options.explainErrors) as unknown as Plugin]
      : []),
  );
  const base = limits.retryAfterBaseValue ?? 1000;
  return new Client({
    ...(options.token ? { auth: options.token } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    log: { debug() {}, info() {}, warn() {}, error() {} },
    // A DNS or connection failure says which host, not "500".
    request: { fetch: fetchReportingUnreachable() },
    retry: { retries: limits.retries, retryAfterBaseValue: base },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: base,
      write: writeGroup(limits.writeIntervalMs ?? 1000),
      notifications: writeGroup(3 * (limits.writeIntervalMs ?? 1000)),
    },
  } as ConstructorParameters<typeof Octokit>[0]) as Octokit;
}
