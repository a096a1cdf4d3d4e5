import { InputError, NotFoundError } from '@backstage/errors';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';

/** The author of commits the portal makes in local repositories. */
export const PORTAL_AUTHOR = {
  name: 'Cloud-Native Portal',
  email: 'scaffolder@portal.local',
};

/** One change to a tree: a file's new content, or `null` to delete it. */
export type TreeChange = { content: Buffer; executable?: boolean } | null;

/** The default branch of a local repository: the branch HEAD points at. */
export async function defaultBranch(dir: string): Promise<string> {
  const branch = await git
    .currentBranch({ fs, dir, fullname: false })
    .catch(() => undefined);
  if (!branch) {
    throw new NotFoundError(`${dir} is not a git repository with a branch`);
  }
  return branch;
}

/** Whether a branch exists in a local repository. */
export async function hasBranch(dir: string, branch: string) {
  return (await git.listBranches({ fs, dir })).includes(branch);
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

/**
 * Commits changes onto a new branch of a local repository, starting from
 * `base`, without touching its working tree or its other branches. Fails
 * when the branch exists; callers check {@link hasBranch} first.
 */
export async function commitToNewBranch(options: {
  dir: string;
  base: string;
  branch: string;
  message: string;
  changes: Map<string, TreeChange>;
}): Promise<string> {
  const { dir } = options;
  if (await hasBranch(dir, options.branch)) {
    throw new InputError(`branch ${options.branch} already exists in ${dir}`);
  }
  const parent = await git.resolveRef({ fs, dir, ref: options.base });
  const { commit } = await git.readCommit({ fs, dir, oid: parent });
  const tree = await applyChanges(dir, commit.tree, options.changes);
  if (!tree) {
    throw new InputError('the change would leave the repository empty');
  }
  return git.commit({
    fs,
    dir,
    message: options.message,
    author: PORTAL_AUTHOR,
    committer: PORTAL_AUTHOR,
    parent: [parent],
    tree,
    ref: `refs/heads/${options.branch}`,
  });
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
