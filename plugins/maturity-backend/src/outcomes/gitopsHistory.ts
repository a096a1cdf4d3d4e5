import git, {
  FsClient,
  ReadCommitResult,
  ReadTreeResult,
} from 'isomorphic-git';
import { DateTime } from 'luxon';
import fs from 'node:fs';
import { dirname, join } from 'node:path';
import { readGitLogHistory } from './gitLogHistory';

/** One commit of the branch's first-parent history, as far as it matters here. */
export interface GitopsCommit {
  sha: string;
  subject: string;
  /** Author timestamp (when the change was made), in epoch milliseconds. */
  authorMillis: number;
  /** Committer timestamp (when it reached the branch), in epoch milliseconds. */
  committerMillis: number;
  /** The `Source-Commit-Date:` trailer, when present and a valid ISO date. */
  sourceCommitMillis?: number;
  /** Shas (full or abbreviated) this commit reverts or rolls back by name. */
  reverts: string[];
  /** A revert or rollback: a deployment, but not a change. */
  isRollback: boolean;
}

/** A commit that changed `apps/<app>/<env>/` for one or more production envs. */
export interface Deployment {
  commit: GitopsCommit;
  app: string;
  environments: string[];
  /** The later commit that reverted or rolled it back, if any. */
  failedBy?: GitopsCommit;
}

/** The branch's production deployments, indexed by application. */
export interface GitopsHistory {
  headSha: string;
  /** Production deployments per app, newest first (first-parent order). */
  byApp: Map<string, Deployment[]>;
  /** The app folders under `apps/` at the head. */
  apps: Set<string>;
  /** How many commits were read. */
  commitsRead: number;
}

/** Where the history is read from. */
export interface GitopsHistoryOptions {
  /** The repository's directory (a work tree with `.git`, or a bare repository). */
  directory: string;
  branch: string;
  productionEnvironments: string[];
  /**
   * `auto` (the default): the git command-line client where it is installed
   * and can read the repository, else isomorphic-git; or one of them only.
   */
  reader?: 'auto' | 'git' | 'isomorphic-git';
}

const REVERT_BODY = /This reverts commit ([0-9a-f]{7,40})/gi;
const ROLLBACK_OF = /^Rollback-Of:\s*([0-9a-f]{7,40})\s*$/gim;
const SOURCE_COMMIT_DATE = /^Source-Commit-Date:\s*(\S+)\s*$/im;

/** Parses the parts of a commit message this collector reads. */
export function parseCommitMessage(message: string): {
  subject: string;
  reverts: string[];
  isRollback: boolean;
  sourceCommitMillis?: number;
} {
  const subject = message.split('\n', 1)[0].trim();
  const reverts: string[] = [];
  const isRevert = subject.startsWith('Revert "');
  if (isRevert) {
    for (const m of message.matchAll(REVERT_BODY)) {
      reverts.push(m[1].toLowerCase());
    }
  }
  for (const m of message.matchAll(ROLLBACK_OF)) {
    reverts.push(m[1].toLowerCase());
  }
  const isRollback =
    isRevert || reverts.length > 0 || /^rollback/i.test(subject);
  let sourceCommitMillis: number | undefined;
  const source = SOURCE_COMMIT_DATE.exec(message);
  if (source) {
    const date = DateTime.fromISO(source[1], { zone: 'utc', setZone: true });
    if (date.isValid) sourceCommitMillis = date.toMillis();
  }
  return { subject, reverts, isRollback, sourceCommitMillis };
}

async function repositoryArgs(
  directory: string,
): Promise<{ fs: typeof fs; dir?: string; gitdir: string }> {
  const dotGit = join(directory, '.git');
  const hasDotGit = await fs.promises
    .stat(dotGit)
    .then(s => s.isDirectory())
    .catch(() => false);
  return hasDotGit
    ? { fs, dir: directory, gitdir: dotGit }
    : { fs, gitdir: directory };
}

/** Resolves the branch's head; throws when the repository or branch is missing. */
export async function resolveBranchHead(
  options: Pick<GitopsHistoryOptions, 'directory' | 'branch'>,
): Promise<string> {
  const repo = await repositoryArgs(options.directory);
  return git.resolveRef({ ...repo, ref: `refs/heads/${options.branch}` });
}

type TreeEntries = ReadTreeResult['tree'];

/**
 * Reads trees for the walk down the first-parent chain: a commit's parent
 * trees are the next commit's own trees, so the trees of the last step are
 * kept for the next one.
 */
class TreeReader {
  private previous = new Map<string, TreeEntries>();
  private current = new Map<string, TreeEntries>();

  constructor(
    private readonly repo: { fs: FsClient; dir?: string; gitdir: string },
    private readonly cache: object,
  ) {}

  async entries(oid: string | undefined): Promise<TreeEntries> {
    if (!oid) return [];
    let entries = this.current.get(oid) ?? this.previous.get(oid);
    if (!entries) {
      entries = (await git.readTree({ ...this.repo, oid, cache: this.cache }))
        .tree;
    }
    this.current.set(oid, entries);
    return entries;
  }

  /** Moves on to the next commit. */
  step(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

function treeOid(entries: TreeEntries, path: string): string | undefined {
  const entry = entries.find(e => e.path === path);
  return entry?.type === 'tree' ? entry.oid : undefined;
}

/**
 * The `[app, environment]` pairs whose `apps/<app>/<env>` entry differs
 * between a commit's tree and its parent's (or, for a root commit, exists
 * in it). Reads only `apps/` and stops at the environment level: a
 * differing tree id there means some file under it changed.
 */
async function changedAppEnvironments(
  trees: TreeReader,
  tree: string,
  parentTree: string | undefined,
): Promise<Array<[string, string]>> {
  const changed: Array<[string, string]> = [];
  const apps = treeOid(await trees.entries(tree), 'apps');
  const parentApps = parentTree
    ? treeOid(await trees.entries(parentTree), 'apps')
    : undefined;
  if (apps === parentApps) return changed;
  const byApp = async (oid: string | undefined) =>
    new Map(
      (await trees.entries(oid))
        .filter(e => e.type === 'tree')
        .map(e => [e.path, e.oid]),
    );
  const current = await byApp(apps);
  const previous = await byApp(parentApps);
  for (const app of new Set([...current.keys(), ...previous.keys()])) {
    if (current.get(app) === previous.get(app)) continue;
    const envs = new Map(
      (await trees.entries(current.get(app))).map(e => [e.path, e.oid]),
    );
    const parentEnvs = new Map(
      (await trees.entries(previous.get(app))).map(e => [e.path, e.oid]),
    );
    for (const env of new Set([...envs.keys(), ...parentEnvs.keys()])) {
      if (envs.get(env) !== parentEnvs.get(env)) changed.push([app, env]);
    }
  }
  return changed;
}

const LOOSE_OBJECT = /[\\/]objects[\\/][0-9a-f]{2}[\\/][0-9a-f]{38}$/;

/**
 * A read-only view of the file system for one history read. isomorphic-git
 * looks for each object as a loose file first, then lists the pack
 * directory: here directory listings are read once, and a loose object that
 * its directory's listing lacks is answered "not found" without a system
 * call. Git objects never change; a repack during the read fails that read,
 * and the next read (next entity or cycle) starts afresh.
 */
function snapshotFs(): FsClient {
  const p = fs.promises;
  const listings = new Map<string, Promise<string[]>>();
  const notFound = Object.assign(new Error('not found'), { code: 'ENOENT' });
  const readdir = (path: string): Promise<string[]> => {
    let listing = listings.get(path);
    if (!listing) {
      listing = p.readdir(path);
      listings.set(path, listing);
    }
    return listing;
  };
  const listed = async (path: string) => {
    if (!LOOSE_OBJECT.test(path)) return true;
    const names = await readdir(dirname(path)).catch(() => [] as string[]);
    return names.includes(path.slice(-38));
  };
  return {
    promises: {
      async readFile(path: string, options?: any) {
        if (!(await listed(path))) throw notFound;
        return p.readFile(path, options);
      },
      async stat(path: string, options?: any) {
        if (!(await listed(path))) throw notFound;
        return p.stat(path, options);
      },
      async lstat(path: string, options?: any) {
        if (!(await listed(path))) throw notFound;
        return p.lstat(path, options);
      },
      readdir,
      writeFile: p.writeFile,
      mkdir: p.mkdir,
      rmdir: p.rmdir,
      unlink: p.unlink,
      readlink: p.readlink,
      symlink: p.symlink,
    },
  } as FsClient;
}

/**
 * Reads the branch's first-parent history from its head back to `since`
 * (epoch milliseconds; commits whose committer date is older end the walk)
 * and indexes its production deployments by app. A merge commit is diffed
 * against its first parent, so a merged change counts once, when it reached
 * the branch; commits no longer reachable from the branch (force-pushed
 * away) are never read.
 */
export async function readGitopsHistory(
  options: GitopsHistoryOptions,
  since: number,
): Promise<GitopsHistory> {
  const repo = {
    ...(await repositoryArgs(options.directory)),
    fs: snapshotFs(),
  };
  // isomorphic-git's object cache: keeps pack indexes parsed across reads.
  const cache = {};
  const headSha = await git.resolveRef({
    ...repo,
    ref: `refs/heads/${options.branch}`,
  });
  const reader = options.reader ?? 'auto';
  if (reader !== 'isomorphic-git') {
    // The git client walks the history some 30 times faster than
    // isomorphic-git parses it in JavaScript (BENCHMARKS.md).
    try {
      return await readGitLogHistory(options, headSha, since);
    } catch (error) {
      if (reader === 'git') throw error;
    }
  }
  const read: ChangedCommit[] = [];

  const trees = new TreeReader(repo, cache);
  const readCommit = async (oid: string) =>
    (await git.readCommit({ ...repo, oid, cache })).commit;
  let oid: string | undefined = headSha;
  let commit: ReadCommitResult['commit'] | undefined = await readCommit(oid);
  const apps = new Set(
    (await trees.entries(treeOid(await trees.entries(commit.tree), 'apps')))
      .filter(e => e.type === 'tree')
      .map(e => e.path),
  );
  while (oid && commit) {
    const committerMillis = commit.committer.timestamp * 1000;
    if (committerMillis < since) break;
    const parsed = parseCommitMessage(commit.message);
    const entry: GitopsCommit = {
      sha: oid,
      subject: parsed.subject,
      authorMillis: commit.author.timestamp * 1000,
      committerMillis,
      sourceCommitMillis: parsed.sourceCommitMillis,
      reverts: parsed.reverts,
      isRollback: parsed.isRollback,
    };

    // Merge commits are compared with their first parent only.
    const parent: string | undefined = commit.parent[0];
    const parentCommit: ReadCommitResult['commit'] | undefined = parent
      ? await readCommit(parent)
      : undefined;
    const changed = await changedAppEnvironments(
      trees,
      commit.tree,
      parentCommit?.tree,
    );
    trees.step();
    read.push({ commit: entry, changed });
    oid = parent;
    commit = parentCommit;
  }

  return {
    headSha,
    byApp: indexDeployments(read, options.productionEnvironments),
    apps,
    commitsRead: read.length,
  };
}

/** A first-parent commit and the `[app, environment]` folders it changed. */
export interface ChangedCommit {
  commit: GitopsCommit;
  changed: Array<[string, string]>;
}

/**
 * Indexes the production deployments of a first-parent history (newest
 * first) by app, and marks the failed changes: a commit that reverts or
 * rolls back another by sha fails that commit's deployments; a rollback by
 * subject alone fails the app's previous production deployment to the same
 * environment. Shared by every reader of a GitOps repository (local, GitHub).
 */
export function indexDeployments(
  read: ChangedCommit[],
  productionEnvironments: string[],
): Map<string, Deployment[]> {
  const production = new Set(productionEnvironments.map(e => e.toLowerCase()));
  const byApp = new Map<string, Deployment[]>();
  const commits: GitopsCommit[] = [];
  const bySha = new Map<string, Deployment[]>();
  for (const { commit: entry, changed } of read) {
    commits.push(entry);
    const envsByApp = new Map<string, string[]>();
    for (const [app, env] of changed) {
      if (!production.has(env.toLowerCase())) continue;
      const envs = envsByApp.get(app) ?? [];
      if (!envs.includes(env)) envs.push(env);
      envsByApp.set(app, envs);
    }
    for (const [app, environments] of envsByApp) {
      const deployment: Deployment = { commit: entry, app, environments };
      const list = byApp.get(app) ?? [];
      list.push(deployment);
      byApp.set(app, list);
      const same = bySha.get(entry.sha) ?? [];
      same.push(deployment);
      bySha.set(entry.sha, same);
    }
  }

  // Failed changes. `commits` is newest first, so a reverted commit comes
  // after (is older than) the commit that reverts it.
  for (const [index, reverting] of commits.entries()) {
    for (const target of reverting.reverts) {
      const older = commits
        .slice(index + 1)
        .find(c => c.sha === target || c.sha.startsWith(target));
      if (!older) continue;
      for (const deployment of bySha.get(older.sha) ?? []) {
        deployment.failedBy ??= reverting;
      }
    }
  }
  // A rollback by subject alone rolls back the app's previous production
  // deployment to the same environment.
  for (const deployments of byApp.values()) {
    for (const [index, deployment] of deployments.entries()) {
      const rollback = deployment.commit;
      if (!rollback.isRollback || rollback.reverts.length > 0) continue;
      const previous = deployments
        .slice(index + 1)
        .find(
          d =>
            !d.commit.isRollback &&
            d.environments.some(e => deployment.environments.includes(e)),
        );
      if (previous) previous.failedBy ??= rollback;
    }
  }

  return byApp;
}
