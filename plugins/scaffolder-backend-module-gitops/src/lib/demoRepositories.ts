import { isChildPath, LoggerService } from '@backstage/backend-plugin-api';
import { Dirent, promises as fs } from 'fs';
import git from 'isomorphic-git';
import { basename, join, relative } from 'path';
import { REPO_NAME } from '../actions/publishLocal';
import { PORTAL_AUTHOR } from './localGit';

/** What seedDemoRepositories did with each folder of the demo folder. */
export interface SeedDemoRepositoriesResult {
  /** Repositories created now, each with one commit on `main`. */
  seeded: string[];
  /** Folders whose repository already exists; left as they are. */
  kept: string[];
  /** Folders that were not seeded (a bad name, a symbolic link, an error). */
  skipped: string[];
}

/** Options of seedDemoRepositories. */
export interface SeedDemoRepositoriesOptions {
  /** The folder of demo repository trees, one subfolder per repository. */
  source: string;
  /** The local publish directory the repositories are created in. */
  directory: string;
  logger: LoggerService;
}

const KEY = 'scaffolder.localPublish.demoRepositories';

/**
 * Copies `from` to `to`, leaving out symbolic links (they could point out
 * of the demo folder), special files and `.git` folders. Returns the
 * paths left out, relative to `from`.
 */
async function copyTree(from: string, to: string): Promise<string[]> {
  const left: string[] = [];
  await fs.cp(from, to, {
    recursive: true,
    errorOnExist: true,
    force: false,
    filter: async src => {
      if (src !== from && basename(src) === '.git') return false;
      const stat = await fs.lstat(src);
      if (stat.isFile() || stat.isDirectory()) return true;
      left.push(relative(from, src));
      return false;
    },
  });
  return left;
}

/** Creates `<directory>/<name>` from `folder` with one commit on `main`. */
async function seedOne(
  folder: string,
  dir: string,
  name: string,
  logger: LoggerService,
): Promise<void> {
  const left = await copyTree(folder, dir);
  if (left.length > 0) {
    logger.warn(
      `${KEY}: ${name}: left out ${left.join(
        ', ',
      )} (symbolic links and special files are not copied)`,
    );
  }
  await git.init({ fs, dir, defaultBranch: 'main' });
  await git.add({ fs, dir, filepath: '.' });
  await git.commit({
    fs,
    dir,
    message: 'Initial commit',
    author: PORTAL_AUTHOR,
    committer: PORTAL_AUTHOR,
  });
}

/**
 * Demo portals only: turns each subfolder `<name>` of `source` into the git
 * repository `<directory>/<name>`, with its files in one commit on `main`,
 * unless `<directory>/<name>` exists. Existing folders are never touched, so
 * a restart keeps the branches and commits made since. A subfolder whose
 * name is not a repository name, or that is a symbolic link or resolves
 * outside `source`, is skipped with a warning. Never throws for one
 * folder: a repository that fails half-way is removed again and skipped.
 */
export async function seedDemoRepositories(
  options: SeedDemoRepositoriesOptions,
): Promise<SeedDemoRepositoriesResult> {
  const { source, directory, logger } = options;
  const result: SeedDemoRepositoriesResult = {
    seeded: [],
    kept: [],
    skipped: [],
  };
  let entries: Dirent[];
  try {
    entries = await fs.readdir(source, { withFileTypes: true });
  } catch (error) {
    logger.warn(
      `${KEY}: cannot read ${source} (${
        (error as Error).message
      }); no demo repositories created`,
    );
    return result;
  }
  const realSource = await fs.realpath(source);
  await fs.mkdir(directory, { recursive: true });
  const skip = (name: string, why: string) => {
    logger.warn(`${KEY}: ${JSON.stringify(name)} ${why}; skipped`);
    result.skipped.push(name);
  };

  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const name = entry.name;
    const folder = join(source, name);
    if (entry.isSymbolicLink()) {
      skip(name, 'is a symbolic link');
      continue;
    }
    // Files beside the repositories (a README) are not repositories.
    if (!entry.isDirectory()) continue;
    if (!REPO_NAME.test(name)) {
      skip(
        name,
        'is not a repository name (lowercase letters, digits, ., _ or -)',
      );
      continue;
    }
    const realFolder = await fs.realpath(folder);
    if (realFolder === realSource || !isChildPath(realSource, realFolder)) {
      skip(name, `resolves outside ${source}`);
      continue;
    }
    const dir = join(directory, name);
    if (await fs.lstat(dir).catch(() => undefined)) {
      result.kept.push(name);
      continue;
    }
    try {
      await seedOne(folder, dir, name, logger);
      result.seeded.push(name);
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      skip(name, `could not be created (${(error as Error).message})`);
    }
  }

  const { seeded } = result;
  if (seeded.length > 0) {
    const names = seeded.join(', ');
    logger.info(
      `Created ${seeded.length} demo repositories in ${directory} from ${source}: ${names}`,
    );
  }
  return result;
}
