import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { join } from 'path';
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

/**
 * Creates the local GitOps repository `<directory>/<name>` with a first
 * commit on `main`, unless it exists. Returns whether it created it.
 */
export async function ensureLocalGitopsRepository(
  directory: string,
  name: string,
): Promise<boolean> {
  const dir = join(directory, name);
  if (await fs.stat(dir).catch(() => undefined)) return false;
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(join(dir, 'README.md'), README);
  await git.init({ fs, dir, defaultBranch: 'main' });
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
