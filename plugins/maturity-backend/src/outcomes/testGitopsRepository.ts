import git from 'isomorphic-git';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/** When and by whom a test commit was made. */
export interface TestCommitOptions {
  message: string;
  /** Files to write (content) or delete (null), relative to the root. */
  files?: Record<string, string | null>;
  /** Author date (when the change was made). */
  authoredAt: Date | string;
  /** Committer date (when it reached the branch); default: the author date. */
  committedAt?: Date | string;
  /** Parents; default: the branch's head. */
  parents?: string[];
  /** Branch to move to the new commit; default main. */
  branch?: string;
}

type Tree = Map<string, Tree | string>;

/**
 * A real git repository in a temp dir, written with isomorphic-git with
 * explicit author and committer dates: each commit's tree is the first
 * parent's files plus the given changes.
 */
export class TestGitopsRepository {
  private readonly snapshots = new Map<string, Map<string, string>>();

  private constructor(readonly dir: string) {}

  static async create(): Promise<TestGitopsRepository> {
    const dir = await fs.promises.mkdtemp(join(os.tmpdir(), 'gitops-test-'));
    await git.init({ fs, dir, defaultBranch: 'main' });
    return new TestGitopsRepository(dir);
  }

  async head(branch = 'main'): Promise<string | undefined> {
    return git
      .resolveRef({ fs, dir: this.dir, ref: `refs/heads/${branch}` })
      .catch(() => undefined);
  }

  async commit(options: TestCommitOptions): Promise<string> {
    const branch = options.branch ?? 'main';
    const head = await this.head(branch);
    const parents = options.parents ?? (head ? [head] : []);
    const files = new Map(
      parents.length ? this.snapshots.get(parents[0]) ?? [] : [],
    );
    for (const [path, content] of Object.entries(options.files ?? {})) {
      if (content === null) files.delete(path);
      else files.set(path, content);
    }
    const tree = await this.writeTree(files);
    const person = (at: Date | string) => ({
      name: 'Test Engineer',
      email: 'engineer@example.com',
      timestamp: Math.floor(new Date(at).getTime() / 1000),
      timezoneOffset: 0,
    });
    const sha = await git.writeCommit({
      fs,
      dir: this.dir,
      commit: {
        message: options.message.endsWith('\n')
          ? options.message
          : `${options.message}\n`,
        tree,
        parent: parents,
        author: person(options.authoredAt),
        committer: person(options.committedAt ?? options.authoredAt),
      },
    });
    this.snapshots.set(sha, files);
    await git.writeRef({
      fs,
      dir: this.dir,
      ref: `refs/heads/${branch}`,
      value: sha,
      force: true,
    });
    return sha;
  }

  /** Moves a branch to a commit, as a force-push does. */
  async reset(branch: string, sha: string): Promise<void> {
    await git.writeRef({
      fs,
      dir: this.dir,
      ref: `refs/heads/${branch}`,
      value: sha,
      force: true,
    });
  }

  async remove(): Promise<void> {
    await fs.promises.rm(this.dir, { recursive: true, force: true });
  }

  private async writeTree(files: Map<string, string>): Promise<string> {
    const root: Tree = new Map();
    for (const [path, content] of files) {
      const parts = path.split('/');
      let node = root;
      for (const part of parts.slice(0, -1)) {
        let child = node.get(part);
        if (!(child instanceof Map)) {
          child = new Map();
          node.set(part, child);
        }
        node = child;
      }
      node.set(parts[parts.length - 1], content);
    }
    const write = async (node: Tree): Promise<string> => {
      const entries = [];
      for (const [name, value] of node) {
        if (value instanceof Map) {
          entries.push({
            mode: '040000',
            path: name,
            oid: await write(value),
            type: 'tree' as const,
          });
        } else {
          entries.push({
            mode: '100644',
            path: name,
            oid: await git.writeBlob({
              fs,
              dir: this.dir,
              blob: Buffer.from(value),
            }),
            type: 'blob' as const,
          });
        }
      }
      return git.writeTree({ fs, dir: this.dir, tree: entries });
    };
    return write(root);
  }
}
