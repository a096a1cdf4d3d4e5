import { isChildPath } from '@backstage/backend-plugin-api';
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import * as nodeFs from 'node:fs';
import git from 'isomorphic-git';
import pLimit from 'p-limit';
import { isOpenFix, LatestFix } from './FleetStore';
import { GithubClients } from '@cloud-native-portal/plugin-maturity-node';
import {
  describeGithubError,
  parseRepositoryUrl,
} from '../outcomes/githubClient';

/** Where a fix's branch or pull request stands with its reviewers. */
export type ReviewState =
  | { state: 'open' }
  | { state: 'merged' }
  | { state: 'closed' }
  | { state: 'unknown'; reason: string };

/** How long a pull request's state is kept before it is asked again. */
const CACHE_MS = 60_000;

/**
 * Reads whether fix pull requests were merged: a GitHub pull request
 * (`https://<host>/<owner>/<repo>/pull/<n>`) through the GitHub integration,
 * or a branch of a local repository (`file://<repository>#<branch>`, as
 * `gitops:open-pr` answers for local repositories) by whether the default
 * branch contains it. Local repositories are read only under
 * `maturity.allowedLocalRoots`. Answers are kept for a minute, so a page
 * that lists many services asks each repository once.
 */
export class FixReviewStates {
  private readonly cache = new Map<
    string,
    { at: number; state: Promise<ReviewState> }
  >();

  // Repositories asked at once, however many services a page lists.
  private readonly limit = pLimit(8);

  constructor(
    private readonly options: {
      allowedLocalRoots: string[];
      github?: GithubClients;
    },
  ) {}

  /**
   * Where a fix's branch or pull request stands, for a fix that left one
   * open; undefined for any other fix.
   */
  async ofFix(fix: LatestFix | undefined): Promise<ReviewState | undefined> {
    if (!fix?.pullRequestUrl || !isOpenFix(fix.status)) return undefined;
    const url = fix.pullRequestUrl;
    return this.limit(() => this.of(url));
  }

  of(pullRequestUrl: string): Promise<ReviewState> {
    const now = Date.now();
    const kept = this.cache.get(pullRequestUrl);
    if (kept && now - kept.at < CACHE_MS) return kept.state;
    if (this.cache.size > 5000) this.cache.clear();
    const state = this.read(pullRequestUrl).catch(
      (e): ReviewState => ({ state: 'unknown', reason: String(e) }),
    );
    this.cache.set(pullRequestUrl, { at: now, state });
    return state;
  }

  private async read(url: string): Promise<ReviewState> {
    if (url.startsWith('file:')) return this.readLocal(url);
    const match = /^(https?:\/\/[^/]+\/[^/]+\/[^/]+)\/pull\/(\d+)$/.exec(url);
    if (!match) {
      return { state: 'unknown', reason: `not a pull request URL: ${url}` };
    }
    const github = this.options.github;
    if (!github?.hasIntegration(url)) {
      return {
        state: 'unknown',
        reason: `no GitHub integration with credentials for ${
          new URL(url).host
        }`,
      };
    }
    const { owner, repo } = parseRepositoryUrl(match[1]);
    try {
      const client = await github.forUrl(url);
      const { data } = await client.pulls.get({
        owner,
        repo,
        pull_number: Number(match[2]),
      });
      if (data.merged_at) return { state: 'merged' };
      return data.state === 'closed' ? { state: 'closed' } : { state: 'open' };
    } catch (e) {
      return { state: 'unknown', reason: describeGithubError(e) };
    }
  }

  private async readLocal(url: string): Promise<ReviewState> {
    const hash = url.indexOf('#');
    if (hash < 0) {
      return { state: 'unknown', reason: 'no branch in the address' };
    }
    const dir = resolve(fileURLToPath(url.slice(0, hash)));
    const branch = decodeURIComponent(url.slice(hash + 1));
    if (!this.options.allowedLocalRoots.some(root => isChildPath(root, dir))) {
      return {
        state: 'unknown',
        reason: 'the repository is outside maturity.allowedLocalRoots',
      };
    }
    await fs.access(dir);
    let tip: string;
    try {
      tip = await git.resolveRef({
        fs: nodeFs,
        dir,
        ref: `refs/heads/${branch}`,
      });
    } catch {
      return {
        state: 'unknown',
        reason: `branch ${branch} is gone (deleted after a merge, or by hand)`,
      };
    }
    const head = await git.resolveRef({ fs: nodeFs, dir, ref: 'HEAD' });
    const merged =
      head === tip ||
      (await git.isDescendent({ fs: nodeFs, dir, oid: head, ancestor: tip }));
    return merged ? { state: 'merged' } : { state: 'open' };
  }
}
