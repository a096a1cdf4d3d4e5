import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import type { Octokit } from '@octokit/rest';

/**
 * A GitHub repository and an authenticated client to read its settings: the
 * portal's GitHub client (`createGithubClient` of maturity-node), which
 * retries, waits out rate limits and names a host that does not answer.
 */
export interface GitHubRepository {
  owner: string;
  repo: string;
  octokit: Octokit;
}

/** Whether the default branch requires review, as read from the GitHub API. */
export interface ReviewRequirement {
  status: 'pass' | 'fail' | 'unknown';
  evidence: Evidence;
  reason?: string;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown })?.status;
  return typeof status === 'number' ? status : undefined;
}

// Only the status, or the host and error code of a failed connection, are
// kept: request details would carry the authorization header.
function describe(error: unknown): string {
  const message = String((error as { message?: unknown })?.message ?? '');
  const answered = (error as { response?: unknown })?.response !== undefined;
  if (!answered && message.startsWith('could not reach ')) return message;
  const status = statusOf(error);
  return status ? `GitHub API returned ${status}` : 'GitHub API request failed';
}

/**
 * Reads branch protection and rulesets of the default branch and reports
 * whether a pull request review is required. Never throws.
 */
export async function checkRequiredReview(
  github: GitHubRepository,
): Promise<ReviewRequirement> {
  const { owner, repo, octokit } = github;
  const slug = `${owner}/${repo}`;
  const evidence = (note: string): Evidence => ({
    annotation: 'github.com/project-slug',
    note: `${slug}: ${note}`,
  });

  let branch: string;
  try {
    branch = (await octokit.repos.get({ owner, repo })).data.default_branch;
  } catch (error) {
    const reason =
      statusOf(error) === 404
        ? `${slug} not found or not visible to the token: branch protection not checked`
        : `${describe(error)} reading ${slug}: branch protection not checked`;
    return { status: 'unknown', evidence: evidence(reason), reason };
  }

  try {
    const { data } = await octokit.repos.getBranchProtection({
      owner,
      repo,
      branch,
    });
    const reviews = data.required_pull_request_reviews;
    const count = reviews?.required_approving_review_count ?? (reviews ? 1 : 0);
    if (reviews && count >= 1) {
      const note = `branch protection on ${branch} requires ${count} review(s)${
        reviews.require_code_owner_reviews ? ' including code owners' : ''
      }`;
      return { status: 'pass', evidence: evidence(note) };
    }
  } catch (error) {
    const message = String((error as { message?: unknown })?.message ?? '');
    // 404 "Branch not protected" is an answer; any other error leaves it unknown.
    if (!(statusOf(error) === 404 && /not protected/i.test(message))) {
      const reason = `${describe(
        error,
      )} reading branch protection of ${slug}@${branch} (the token needs admin read): review requirement not checked`;
      return { status: 'unknown', evidence: evidence(reason), reason };
    }
  }

  try {
    const { data: rules } = await octokit.repos.getBranchRules({
      owner,
      repo,
      branch,
    });
    const rule = rules.find(r => r.type === 'pull_request');
    const count = Number(
      (
        rule as
          | { parameters?: { required_approving_review_count?: number } }
          | undefined
      )?.parameters?.required_approving_review_count ?? 0,
    );
    if (rule && count >= 1) {
      return {
        status: 'pass',
        evidence: evidence(
          `a ruleset on ${branch} requires ${count} review(s)`,
        ),
      };
    }
  } catch (error) {
    const reason = `${describe(
      error,
    )} reading rulesets of ${slug}@${branch}: review requirement not checked`;
    return { status: 'unknown', evidence: evidence(reason), reason };
  }

  const reason = `${branch} of ${slug} does not require a pull request review (no branch protection or ruleset)`;
  return { status: 'fail', evidence: evidence(reason), reason };
}
