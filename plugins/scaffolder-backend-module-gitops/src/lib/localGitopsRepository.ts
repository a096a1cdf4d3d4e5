import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { join, resolve } from 'path';
import { promisify } from 'util';
import { PORTAL_AUTHOR } from './localGit';

const README = `# GitOps repository (local)

The portal's local GitOps repository, for portals without GitHub
credentials. Templates propose changes to it as branches, the local
equivalent of pull requests: \`gitops:open-pr\` with
\`localRepository: <this folder's name>\` commits to a new branch and leaves
\`main\` alone. Review a proposal with \`git log <branch>\` and
\`git diff main..<branch>\`, and merge it with \`git merge <branch>\`.

Layout: \`apps/<application>/<environment>/...\`, for example the routing
rules a strangler-fig extraction adds under
\`apps/<monolith>/<environment>/routes/<capability>/\`.
`;

/** Options of ensureLocalGitopsRepository. */
export interface EnsureLocalGitopsRepositoryOptions {
  /**
   * Writes a commit history on `main` into the new repository, after
   * `git init` and before the README commit (the demo's history). When it
   * fails, the folder is removed again and the error is thrown.
   */
  seedHistory?: (dir: string) => Promise<void>;
}

/**
 * Creates the local GitOps repository `<directory>/<name>` with a first
 * commit on `main`, unless it exists. Returns whether it created it.
 */
export async function ensureLocalGitopsRepository(
  directory: string,
  name: string,
  options: EnsureLocalGitopsRepositoryOptions = {},
): Promise<boolean> {
  const dir = join(directory, name);
  if (await fs.stat(dir).catch(() => undefined)) return false;
  await fs.mkdir(dir, { recursive: true });
  await git.init({ fs, dir, defaultBranch: 'main' });
  if (options.seedHistory) {
    try {
      await options.seedHistory(dir);
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
  await fs.writeFile(join(dir, 'README.md'), README);
  await git.add({ fs, dir, filepath: 'README.md' });
  await git.commit({
    fs,
    dir,
    message: 'Start the local GitOps repository',
    author: PORTAL_AUTHOR,
    committer: PORTAL_AUTHOR,
  });
  return true;
}

const execFileAsync = promisify(execFile);

/**
 * A `seedHistory` that runs a Node script (`scaffolder.localPublish.demoHistory`)
 * as `node <script> <repository-dir>`, in its own process.
 */
export function historyScript(
  script: string,
  timeoutMs = 5 * 60_000,
): (dir: string) => Promise<void> {
  const path = resolve(script);
  return async dir => {
    try {
      await execFileAsync(process.execPath, [path, dir], {
        timeout: timeoutMs,
        maxBuffer: 1024 * 1024,
      });
    } catch (error) {
      const e = error as Error & { stderr?: string };
      throw new Error(
        `scaffolder.localPublish.demoHistory: ${path} failed: ${
          e.stderr?.trim() || e.message
        }`,
      );
    }
  };
}
