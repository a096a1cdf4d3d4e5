import pLimit from 'p-limit';
import { GitopsHistoryReader } from './deliverySource';
import { GithubClients } from '@cloud-native-portal/plugin-maturity-node';
import { parseRepositoryUrl } from './githubClient';
import {
  ChangedCommit,
  GitopsCommit,
  GitopsHistory,
  indexDeployments,
  parseCommitMessage,
} from './gitopsHistory';

/** The branch head is asked again after this long (one request per cycle, not per entity). */
const HEAD_TTL_MS = 30_000;
/** Compares in flight at once for one history read. */
const COMPARE_CONCURRENCY = 4;
/** Changed folders are remembered for this many commits (they never change). */
const MAX_CACHED_COMMITS = 100_000;

/** Options of {@link githubGitopsReader}. */
export interface GithubGitopsOptions {
  /** The repository's web URL, e.g. https://github.com/acme/gitops. */
  url: string;
  branch: string;
  productionEnvironments: string[];
  github: GithubClients;
  now?: () => number;
}

/** The `[app, environment]` folders a list of changed paths touches. */
function appEnvironments(paths: Iterable<string>): Array<[string, string]> {
  const seen = new Set<string>();
  const changed: Array<[string, string]> = [];
  for (const path of paths) {
    const [top, app, env, ...rest] = path.split('/');
    // A file directly in apps/<app>/ is not in an environment.
    if (top !== 'apps' || !app || !env || rest.length === 0) continue;
    const key = `${app}/${env}`;
    if (seen.has(key)) continue;
    seen.add(key);
    changed.push([app, env]);
  }
  return changed;
}

/**
 * Reads the GitOps repository's history from GitHub with the same
 * semantics as the local reader: the branch's first-parent commits (head
 * back to `since`) that change `apps/<app>/<production env>/` are
 * deployments. The commit list is paginated (100 a page, bounded by
 * `since`); each first-parent commit costs one compare with its first parent
 * (a merge counts what it brought to the branch), remembered by sha, so a
 * new head costs only its new commits.
 */
export function githubGitopsReader(
  options: GithubGitopsOptions,
): GitopsHistoryReader {
  const { url, branch, productionEnvironments, github } = options;
  const now = options.now ?? Date.now;
  const { owner, repo } = parseRepositoryUrl(url);
  const changedBySha = new Map<string, Array<[string, string]>>();
  let head: { at: number; sha: Promise<string> } | undefined;

  async function changedFolders(
    sha: string,
    parent: string | undefined,
  ): Promise<Array<[string, string]>> {
    const known = changedBySha.get(sha);
    if (known) return known;
    const octokit = await github.forUrl(url);
    let paths: string[];
    if (parent) {
      const { data } = await octokit.repos.compareCommits({
        owner,
        repo,
        base: parent,
        head: sha,
      });
      paths = (data.files ?? []).flatMap(f =>
        f.previous_filename ? [f.filename, f.previous_filename] : [f.filename],
      );
    } else {
      const { data } = await octokit.repos.getCommit({ owner, repo, ref: sha });
      paths = (data.files ?? []).map(f => f.filename);
    }
    const changed = appEnvironments(paths);
    if (changedBySha.size >= MAX_CACHED_COMMITS) changedBySha.clear();
    changedBySha.set(sha, changed);
    return changed;
  }

  return {
    where: `${url} (branch ${branch})`,
    fixHint:
      'set maturity.outcomes.gitops.github to a repository that exists, maturity.outcomes.gitops.branch to its branch, and give integrations.github read access to it',
    head() {
      const at = now();
      if (!head || at - head.at > HEAD_TTL_MS) {
        const sha = github.forUrl(url).then(async octokit => {
          const { data } = await octokit.git.getRef({
            owner,
            repo,
            ref: `heads/${branch}`,
          });
          return data.object.sha;
        });
        const entry = { at, sha };
        head = entry;
        sha.catch(() => {
          if (head === entry) head = undefined;
        });
      }
      return head.sha;
    },
    async read(headSha, since): Promise<GitopsHistory> {
      const octokit = await github.forUrl(url);
      const apps = new Set<string>();
      try {
        const { data } = await octokit.repos.getContent({
          owner,
          repo,
          path: 'apps',
          ref: headSha,
        });
        for (const entry of Array.isArray(data) ? data : []) {
          if (entry.type === 'dir') apps.add(entry.name);
        }
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
      }

      // The commits reachable from the head and dated after `since`, newest
      // first; the first-parent chain is walked through them.
      type Listed = Awaited<
        ReturnType<typeof octokit.repos.listCommits>
      >['data'][number];
      const listed = new Map<string, Listed>();
      for await (const page of octokit.paginate.iterator(
        'GET /repos/{owner}/{repo}/commits',
        {
          owner,
          repo,
          sha: headSha,
          since: new Date(since).toISOString(),
          per_page: 100,
        },
      )) {
        for (const c of page.data) listed.set(c.sha, c);
      }

      // The first-parent chain first (no request), then its changed
      // folders, a few compares at a time.
      const chain: Array<{ commit: GitopsCommit; parent?: string }> = [];
      let sha: string | undefined = headSha;
      while (sha) {
        const c = listed.get(sha);
        if (!c) break;
        const committerMillis = Date.parse(c.commit.committer?.date ?? '');
        if (!(committerMillis >= since)) break;
        const authorMillis = Date.parse(c.commit.author?.date ?? '');
        const parsed = parseCommitMessage(c.commit.message);
        const parent: string | undefined = c.parents[0]?.sha;
        chain.push({
          commit: {
            sha,
            subject: parsed.subject,
            authorMillis: Number.isFinite(authorMillis)
              ? authorMillis
              : committerMillis,
            committerMillis,
            sourceCommitMillis: parsed.sourceCommitMillis,
            reverts: parsed.reverts,
            isRollback: parsed.isRollback,
          },
          parent,
        });
        sha = parent;
      }
      const limit = pLimit(COMPARE_CONCURRENCY);
      const read: ChangedCommit[] = await Promise.all(
        chain.map(({ commit, parent }) =>
          limit(async () => ({
            commit,
            changed: await changedFolders(commit.sha, parent),
          })),
        ),
      );
      return {
        headSha,
        byApp: indexDeployments(read, productionEnvironments),
        apps,
        commitsRead: read.length,
      };
    },
  };
}
