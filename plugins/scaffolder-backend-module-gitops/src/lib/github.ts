import { LoggerService } from '@backstage/backend-plugin-api';
import {
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  createGithubClient as createPortalGithubClient,
  githubRequestPath,
  githubRequestUrl,
  GithubLimits,
  GithubRequestError,
} from '@cloud-native-portal/plugin-maturity-node';
import { Octokit } from '@octokit/rest';

export type { GithubLimits };

/** The limits `gitops:open-pr` uses when the configuration sets none. */
export const DEFAULT_GITHUB_LIMITS: GithubLimits = {
  retries: 3,
  maxWaitSeconds: 60,
};

/** The repository a REST path is about, as owner/repo. */
function repositoryOf(url: string): string | undefined {
  const match = /^\/repos\/([^/]+)\/([^/]+)/.exec(githubRequestPath(url));
  return match
    ? `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`
    : undefined;
}

/** Seconds a rate-limited answer asks to wait, as the throttling plugin reads them. */
function secondsToWait(error: GithubRequestError): {
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

function isRateLimit(error: GithubRequestError): boolean {
  return (
    error.status === 403 &&
    (/\bsecondary rate\b/i.test(error.message) ||
      error.response?.headers?.['x-ratelimit-remaining'] === '0')
  );
}

/** The permission a write request needs, as GitHub names it. */
function permissionFor(url: string): string {
  return /^\/repos\/[^/]+\/[^/]+\/(pulls|issues)\b/.test(githubRequestPath(url))
    ? 'pull requests: write'
    : 'contents: write';
}

/**
 * An Octokit client for gitops:open-pr: the portal's GitHub client (see
 * maturity-node's createGithubClient), whose errors left after the retries
 * say what to do. A rate limit beyond the bound is a
 * ServiceUnavailableError with the time to try again; a write refused
 * because the repository is archived, or because the token may not write,
 * is a NotAllowedError naming the repository and the permission.
 */
export function createGithubClient(options: {
  token: string;
  baseUrl?: string;
  logger: LoggerService;
  limits: GithubLimits;
}): Octokit {
  const { limits } = options;
  return createPortalGithubClient({
    ...options,
    explainErrors: (error, request) => {
      const url = githubRequestUrl(request, error);
      const what = `${request.method} ${githubRequestPath(url)}`;
      const repository = repositoryOf(url) ?? 'the repository';
      if (isRateLimit(error)) {
        const { limit, seconds } = secondsToWait(error);
        const at = new Date(Date.now() + seconds * 1000).toISOString();
        throw new ServiceUnavailableError(
          `GitHub's ${limit} rate limit stopped ${what}: it asks to wait ${seconds} s, until ${at}; gitops:open-pr waits at most ${limits.maxWaitSeconds} s and ${limits.retries} times per request. Run the task again after ${at}`,
        );
      }
      const write = request.method !== 'GET' && request.method !== 'HEAD';
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
    },
  });
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
