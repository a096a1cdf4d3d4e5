import { LoggerService } from '@backstage/backend-plugin-api';
import {
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
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
   * longer fails at once with the time to try again.
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
 * The write spacing of this process, one group per interval, shared by
 * every client (each task makes its own).
 */
const writeGroups = new Map<number, Bottleneck.Group>();
function writeGroup(minTime: number): Bottleneck.Group {
  let group = writeGroups.get(minTime);
  if (!group) {
    group = new Bottleneck.Group({ maxConcurrent: 1, minTime });
    writeGroups.set(minTime, group);
  }
  return group;
}

/** The limits `gitops:open-pr` uses when the configuration sets none. */
export const DEFAULT_GITHUB_LIMITS: GithubLimits = {
  retries: 3,
  maxWaitSeconds: 60,
};

type RequestOptions = { method: string; url: string; [key: string]: unknown };
type HookError = Error & {
  status?: number;
  request?: unknown;
  response?: { headers?: Record<string, string | undefined> };
};
type Hooks = {
  hook: {
    error(
      name: 'request',
      fn: (error: HookError, options: RequestOptions) => unknown,
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
function urlOf(options: RequestOptions, error?: HookError): string {
  const sent = (error?.request as { url?: unknown } | undefined)?.url;
  if (typeof sent === 'string') return sent;
  return options.url.replace(/\{(\w+)\}/g, (whole, name: string) =>
    options[name] === undefined
      ? whole
      : encodeURIComponent(String(options[name])),
  );
}

/** The path of a request URL, without its query. */
function pathOf(url: string): string {
  try {
    return new URL(url, 'http://github.invalid').pathname;
  } catch {
    return url;
  }
}

/** The repository a REST path is about, as owner/repo. */
function repositoryOf(url: string): string | undefined {
  const match = /^\/repos\/([^/]+)\/([^/]+)/.exec(pathOf(url));
  return match
    ? `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`
    : undefined;
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

/** Seconds a rate-limited answer asks to wait, as the throttling plugin reads them. */
function secondsToWait(error: HookError): {
  limit: 'primary' | 'secondary';
  seconds: number;
} {
  const headers = error.response?.headers ?? {};
  if (/\bsecondary rate\b/i.test(error.message)) {
    return {
      limit: 'secondary',
      seconds: Number(headers['retry-after']) || 60,
    };
  }
  const reset = Number(headers['x-ratelimit-reset']) * 1000;
  return {
    limit: 'primary',
    seconds: Math.max(Math.ceil((reset - Date.now()) / 1000) + 1, 0),
  };
}

function isRateLimit(error: HookError): boolean {
  return (
    error.status === 403 &&
    (/\bsecondary rate\b/i.test(error.message) ||
      error.response?.headers?.['x-ratelimit-remaining'] === '0')
  );
}

/** The permission a write request needs, as GitHub names it. */
function permissionFor(url: string): string {
  return /^\/repos\/[^/]+\/[^/]+\/(pulls|issues)\b/.test(pathOf(url))
    ? 'pull requests: write'
    : 'contents: write';
}

/**
 * The outermost hook: turns what is left of an error after the retries
 * into one that says what to do. A rate limit beyond the bound is a
 * ServiceUnavailableError with the time to try again; a write refused
 * because the repository is archived, or because the token may not write,
 * is a NotAllowedError naming the repository and the permission.
 */
function explainErrors(limits: GithubLimits) {
  return (octokit: Hooks) => {
    octokit.hook.error('request', (error, options) => {
      const url = urlOf(options, error);
      const what = `${options.method} ${pathOf(url)}`;
      const repository = repositoryOf(url) ?? 'the repository';
      if (isRateLimit(error)) {
        const { limit, seconds } = secondsToWait(error);
        const at = new Date(Date.now() + seconds * 1000).toISOString();
        throw new ServiceUnavailableError(
          `GitHub's ${limit} rate limit stopped ${what}: it asks to wait ${seconds} s, until ${at}; gitops:open-pr waits at most ${limits.maxWaitSeconds} s and ${limits.retries} times per request. Run the task again after ${at}`,
        );
      }
      const write = options.method !== 'GET' && options.method !== 'HEAD';
      if (error.status === 403 && /\barchived\b/i.test(error.message)) {
        throw new NotAllowedError(
          `repository ${repository} is archived; unarchive it or leave it out`,
        );
      }
      if (write && (error.status === 403 || error.status === 404)) {
        throw new NotAllowedError(
          `the GitHub token may not write to ${repository}: ${what} needs the permission ${permissionFor(
            url,
          )} (GitHub answered ${
            error.status
          }); grant it, or leave the repository out`,
        );
      }
      throw error;
    });
    return {};
  };
}

/**
 * An Octokit client for gitops:open-pr. It retries server errors and
 * dropped connections (plugin-retry), waits out GitHub's primary and
 * secondary rate limits (plugin-throttling, which reads Retry-After and
 * x-ratelimit-reset) and spaces its writes, all within `limits`; it logs
 * which request was limited, never the token.
 */
export function createGithubClient(options: {
  token: string;
  baseUrl?: string;
  logger: LoggerService;
  limits: GithubLimits;
}): Octokit {
  const { logger, limits } = options;
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: RequestOptions,
      _o: unknown,
      count: number,
    ) => {
      const what = `${request.method} ${pathOf(urlOf(request))}`;
      if (count >= limits.retries || retryAfter > limits.maxWaitSeconds) {
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
  const Client = Octokit.plugin(
    limitsOn429 as unknown as Plugin,
    retry as unknown as Plugin,
    throttling as unknown as Plugin,
    explainErrors(limits) as unknown as Plugin,
  );
  const base = limits.retryAfterBaseValue ?? 1000;
  return new Client({
    auth: options.token,
    baseUrl: options.baseUrl,
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

/** A GitHub repository as `repos.get` returns it, the fields read here. */
export interface RepositoryAccess {
  default_branch: string;
  archived?: boolean;
  permissions?: { push?: boolean };
}

/**
 * Fails before any write when the repository cannot take the change: it is
 * archived, or the token may not push to it. GitHub reports `permissions`
 * for user tokens only; for a GitHub App token a refused write says it.
 */
export function assertWritable(
  repository: RepositoryAccess,
  owner: string,
  repo: string,
) {
  if (repository.archived) {
    throw new NotAllowedError(
      `repository ${owner}/${repo} is archived; unarchive it or leave it out`,
    );
  }
  if (repository.permissions?.push === false) {
    throw new NotAllowedError(
      `the GitHub token may not write to ${owner}/${repo}: it has no push permission (contents: write); grant it, or leave the repository out`,
    );
  }
}

/** A repository that GitHub does not show: absent, or hidden from the token. */
export function repositoryNotFound(owner: string, repo: string) {
  return new NotFoundError(
    `repository ${owner}/${repo} does not exist, or the GitHub token cannot see it`,
  );
}
