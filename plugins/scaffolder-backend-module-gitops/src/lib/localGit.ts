import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { basename } from 'path';

/** The author of commits the portal makes in local repositories. */
export const PORTAL_AUTHOR = {
  name: 'Cloud-Native Portal',
  email: 'scaffolder@portal.local',
};

/** One change to a tree: a file's new content, or `null` to delete it. */
export type TreeChange = { content: Buffer; executable?: boolean } | null;

/**
 * The branch a change to a local repository starts from: `main` when it
 * exists (publish:local creates `main`), else `master`, else the branch
 * HEAD points at. Branch names compare case-insensitively, as they do on
 * case-insensitive file systems (macOS APFS, Windows).
 */
export async function defaultBranch(dir: string): Promise<string> {
  const branches = await git.listBranches({ fs, dir }).catch(() => undefined);
  if (branches) {
    for (const preferred of ['main', 'master']) {
      const found = branches.find(b => b.toLowerCase() === preferred);
      if (found) return found;
    }
  }
  const branch = await git
    .currentBranch({ fs, dir, fullname: false })
    .catch(() => undefined);
  if (!branch || !branches?.includes(branch)) {
    throw new NotFoundError(`${dir} is not a git repository with a branch`);
  }
  return branch;
}

/**
 * The existing branch whose name equals `branch` ignoring case, if any: on a
 * case-insensitive file system `Main` and `main` are the same ref file.
 */
export async function findBranch(
  dir: string,
  branch: string,
): Promise<string | undefined> {
  const wanted = branch.toLowerCase();
  return (await git.listBranches({ fs, dir })).find(
    b => b.toLowerCase() === wanted,
  );
}

/** Whether a branch exists in a local repository, ignoring case. */
export async function hasBranch(dir: string, branch: string) {
  return (await findBranch(dir, branch)) !== undefined;
}

async function applyChanges(
  dir: string,
  treeOid: string | undefined,
  changes: Map<string, TreeChange>,
): Promise<string | undefined> {
  const entries = treeOid
    ? (await git.readTree({ fs, dir, oid: treeOid })).tree
    : [];
  // Changes grouped by their first path segment.
  const direct = new Map<string, TreeChange>();
  const nested = new Map<string, Map<string, TreeChange>>();
  for (const [path, change] of changes) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      direct.set(path, change);
    } else {
      const head = path.slice(0, slash);
      const rest = nested.get(head) ?? new Map<string, TreeChange>();
      rest.set(path.slice(slash + 1), change);
      nested.set(head, rest);
    }
  }
  const out = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    seen.add(entry.path);
    if (direct.has(entry.path)) {
      const change = direct.get(entry.path)!;
      if (change) {
        out.push({
          mode: change.executable ? '100755' : '100644',
          path: entry.path,
          type: 'blob' as const,
          oid: await git.writeBlob({ fs, dir, blob: change.content }),
        });
      }
      // A null change deletes it (a directory of that name included).
    } else if (nested.has(entry.path) && entry.type === 'tree') {
      const oid = await applyChanges(dir, entry.oid, nested.get(entry.path)!);
      if (oid) out.push({ ...entry, oid });
    } else if (nested.has(entry.path)) {
      // A file replaced by a directory of the same name.
      const oid = await applyChanges(dir, undefined, nested.get(entry.path)!);
      if (oid)
        out.push({
          mode: '040000',
          path: entry.path,
          type: 'tree' as const,
          oid,
        });
    } else {
      out.push(entry);
    }
  }
  for (const [name, change] of direct) {
    if (seen.has(name) || !change) continue;
    out.push({
      mode: change.executable ? '100755' : '100644',
      path: name,
      type: 'blob' as const,
      oid: await git.writeBlob({ fs, dir, blob: change.content }),
    });
  }
  for (const [name, rest] of nested) {
    if (seen.has(name)) continue;
    const oid = await applyChanges(dir, undefined, rest);
    if (oid)
      out.push({ mode: '040000', path: name, type: 'tree' as const, oid });
  }
  if (out.length === 0) return undefined;
  return git.writeTree({ fs, dir, tree: out });
}

/** What {@link proposeOnBranch} did. */
export interface ProposedBranch {
  /** The commit the branch points at. */
  commit: string;
  /** True when the branch already held exactly this change (a retry). */
  reused: boolean;
  /** The branch the change starts from. */
  base: string;
}

async function treeOf(dir: string, oid: string): Promise<string> {
  return (await git.readCommit({ fs, dir, oid })).commit.tree;
}

/**
 * Proposes changes as a new branch of a local repository, starting from
 * `base`, without touching its working tree or its other branches.
 *
 * When the branch exists it is reused only if its tip holds exactly the
 * tree this change would commit (a retried task); a branch that was merged
 * already, or that holds another change, is a ConflictError naming it. A
 * branch name that differs from an existing branch, or from the base, only
 * by case is refused: on a case-insensitive file system they are one ref.
 */
export async function proposeOnBranch(options: {
  dir: string;
  base: string;
  branch: string;
  message: string;
  changes: Map<string, TreeChange>;
}): Promise<ProposedBranch> {
  const { dir, base, branch } = options;
  const where = `local repository ${basename(dir)}`;
  if (branch.toLowerCase() === base.toLowerCase()) {
    throw new InputError(
      `branchName "${branch}" is the base branch ${base} of ${where}; a change is proposed on a branch of its own`,
    );
  }
  const parent = await git.resolveRef({ fs, dir, ref: base });
  const tree = await applyChanges(
    dir,
    await treeOf(dir, parent),
    options.changes,
  );
  if (!tree) {
    throw new InputError('the change would leave the repository empty');
  }
  const existing = await findBranch(dir, branch);
  if (existing !== undefined) {
    const advice = `pick another branchName or delete the old branch (git branch -D ${existing})`;
    if (existing !== branch) {
      throw new ConflictError(
        `branch "${branch}" differs only by case from the existing branch ${existing} of ${where}; ${advice}`,
      );
    }
    const tip = await git.resolveRef({ fs, dir, ref: `refs/heads/${branch}` });
    const merged =
      tip === parent ||
      (await git.isDescendent({ fs, dir, oid: parent, ancestor: tip }));
    if (merged) {
      throw new ConflictError(
        `branch ${branch} of ${where} was merged into ${base} already; ${advice}`,
      );
    }
    // A retry: the tip holds this change, made on the base as it is now or
    // as it was when the branch was made.
    const tipTree = await treeOf(dir, tip);
    const tipParents = (await git.readCommit({ fs, dir, oid: tip })).commit
      .parent;
    const sameChange =
      tipTree === tree ||
      (tipParents.length === 1 &&
        tipTree ===
          (await applyChanges(
            dir,
            await treeOf(dir, tipParents[0]),
            options.changes,
          )));
    if (!sameChange) {
      throw new ConflictError(
        `branch ${branch} of ${where} already exists with another change; ${advice}`,
      );
    }
    return { commit: tip, reused: true, base };
  }
  const commit = await git.commit({
    fs,
    dir,
    message: options.message,
    author: PORTAL_AUTHOR,
    committer: PORTAL_AUTHOR,
    parent: [parent],
    tree,
    ref: `refs/heads/${branch}`,
  });
  return { commit, reused: false, base };
}

/**
 * The git blob id of a file's content, as `git hash-object` computes it, to
 * tell whether a file would change without writing it.
 */
export function blobId(content: Buffer): string {
  return createHash('sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');
}

/** The blob id of a path on a branch, or undefined when it is no file there. */
export async function blobIdOnBranch(
  dir: string,
  branch: string,
  path: string,
): Promise<string | undefined> {
  const oid = await git.resolveRef({ fs, dir, ref: branch });
  // readBlob fails for a path that is missing or a directory.
  return git
    .readBlob({ fs, dir, oid, filepath: path })
    .then(r => r.oid)
    .catch(() => undefined);
}

/** The files of a branch, as paths relative to the repository root. */
export async function filesOnBranch(
  dir: string,
  branch: string,
): Promise<Map<string, Buffer>> {
  const oid = await git.resolveRef({ fs, dir, ref: branch });
  const out = new Map<string, Buffer>();
  await git.walk({
    fs,
    dir,
    trees: [git.TREE({ ref: oid })],
    map: async (path, [entry]) => {
      if (!entry || path === '.') return undefined;
      if ((await entry.type()) === 'blob') {
        out.set(path, Buffer.from((await entry.content())!));
      }
      return true;
    },
  });
  return out;
}
