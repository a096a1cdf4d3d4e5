import { constants, promises as fs } from 'fs';
import { join, relative, sep } from 'path';
import { Entity } from '@backstage/catalog-model';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  assertError,
  ForwardedError,
  isError,
  NotFoundError,
} from '@backstage/errors';
import {
  createRepositoryTree,
  DEFAULT_TREE_LIMITS,
  RawTreeFile,
} from './createRepositoryTree';
import {
  RepositoryTree,
  RepositoryTreeLimits,
  SkippedFile,
} from './repository';
import { resolveSourceLocation } from './sourceLocation';

/** Folders no collector reads; skipped silently to keep walks cheap. */
const IGNORED_DIRS = new Set(['.git', 'node_modules']);

// Enough parallel reads to hide latency without exhausting file handles.
const READ_CONCURRENCY = 32;

// Code-unit order: stable across locales, unlike localeCompare.
function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function isIgnoredPath(path: string): boolean {
  return path.split('/').some(segment => IGNORED_DIRS.has(segment));
}

function toTreePath(root: string, full: string): string {
  return relative(root, full).split(sep).join('/');
}

async function mapConcurrent<T>(
  items: T[],
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, worker),
  );
}

/** Reads at most `max + 1` bytes, so an oversized file is never read whole. */
async function readBounded(
  handle: fs.FileHandle,
  size: number,
  max: number,
): Promise<Buffer> {
  const length = Math.min(size, max + 1);
  const buffer = Buffer.alloc(length);
  let offset = 0;
  while (offset < length) {
    const { bytesRead } = await handle.read(buffer, offset, length - offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return buffer.subarray(0, offset);
}

/**
 * Reads a local directory into a bounded {@link RepositoryTree}. Never
 * follows symlinks (they are recorded as skipped), skips `.git` and
 * `node_modules`, stops walking after `maxWalkEntries` entries and reads
 * only regular files within the size limits.
 */
export async function readLocalTree(
  rootDir: string,
  limits?: Partial<RepositoryTreeLimits>,
): Promise<RepositoryTree> {
  const bounds = { ...DEFAULT_TREE_LIMITS, ...limits };
  const maxWalkEntries =
    bounds.maxWalkEntries ?? DEFAULT_TREE_LIMITS.maxWalkEntries ?? 20000;
  const root = await fs.realpath(rootDir);
  const rootStat = await fs.lstat(root);
  if (!rootStat.isDirectory()) {
    throw new Error(`${rootDir} is not a directory`);
  }

  const skipped: SkippedFile[] = [];
  const candidates: string[] = [];
  const symlinks: string[] = [];
  let entries = 0;
  let truncated = false;

  // Depth-first with sorted entries, so which files survive the limits is
  // stable from run to run.
  const stack: string[] = [root];
  while (stack.length > 0 && !truncated) {
    const dir = stack.pop()!;
    let dirents;
    try {
      dirents = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      skipped.push({
        path: toTreePath(root, dir),
        reason: 'unreadable',
        detail: isError(e) ? e.message : String(e),
      });
      continue;
    }
    dirents.sort((a, b) => compare(a.name, b.name));
    const subdirs: string[] = [];
    for (const dirent of dirents) {
      if (++entries > maxWalkEntries || candidates.length >= bounds.maxFiles) {
        truncated = true;
        break;
      }
      const full = join(dir, dirent.name);
      // Dirent types come from lstat semantics: a symlink is never a dir/file here.
      if (dirent.isSymbolicLink()) {
        symlinks.push(full);
      } else if (dirent.isDirectory()) {
        if (!IGNORED_DIRS.has(dirent.name)) subdirs.push(full);
      } else if (dirent.isFile()) {
        candidates.push(full);
      } else {
        skipped.push({
          path: toTreePath(root, full),
          reason: 'unreadable',
          detail: 'not a regular file',
        });
      }
    }
    stack.push(...subdirs.reverse());
  }
  if (truncated) {
    skipped.push({
      path: '.',
      reason: 'too-many-files',
      detail: `walk stopped after ${Math.min(
        entries,
        maxWalkEntries,
      )} entries (${candidates.length} files; limits: ${
        bounds.maxFiles
      } files, ${maxWalkEntries} entries)`,
    });
  }

  await mapConcurrent(symlinks, async full => {
    const path = toTreePath(root, full);
    try {
      const target = await fs.realpath(full);
      if (target === root || target.startsWith(root + sep)) {
        skipped.push({ path, reason: 'symlink', detail: 'not followed' });
      } else {
        skipped.push({
          path,
          reason: 'symlink-outside-tree',
          detail: 'points outside the tree; not followed',
        });
      }
    } catch {
      skipped.push({ path, reason: 'symlink', detail: 'dangling link' });
    }
  });

  const files: RawTreeFile[] = [];
  let totalBytes = 0;
  await mapConcurrent(candidates, async full => {
    const path = toTreePath(root, full);
    let handle: fs.FileHandle | undefined;
    try {
      // O_NOFOLLOW: a file swapped for a symlink after the walk is not followed.
      handle = await fs.open(full, constants.O_RDONLY | constants.O_NOFOLLOW);
      const stat = await handle.stat();
      if (!stat.isFile()) {
        skipped.push({
          path,
          reason: 'unreadable',
          detail: 'not a regular file',
        });
        return;
      }
      if (stat.size > bounds.maxFileBytes) {
        skipped.push({
          path,
          reason: 'too-large',
          detail: `${stat.size} bytes, over ${bounds.maxFileBytes}`,
        });
        return;
      }
      if (totalBytes + stat.size > bounds.maxTotalBytes) {
        skipped.push({
          path,
          reason: 'too-large',
          detail: `tree over ${bounds.maxTotalBytes} bytes in all`,
        });
        return;
      }
      totalBytes += stat.size;
      const content = await readBounded(handle, stat.size, bounds.maxFileBytes);
      files.push({ path, content });
    } catch (e) {
      skipped.push({
        path,
        reason:
          (e as NodeJS.ErrnoException).code === 'ELOOP'
            ? 'symlink'
            : 'unreadable',
        detail: isError(e) ? e.message : String(e),
      });
    } finally {
      await handle?.close().catch(() => undefined);
    }
  });

  skipped.sort((a, b) => compare(a.path, b.path));
  return createRepositoryTree({ source: root, files, skipped, limits: bounds });
}

/**
 * Reads a remote tree through Backstage's UrlReaderService into a bounded
 * {@link RepositoryTree}. Oversized files are filtered out before download
 * when the reader reports sizes. Reader failures are rethrown with a message
 * naming the URL, keeping the original error name (e.g. NotFoundError).
 */
export async function readUrlTree(
  urlReader: UrlReaderService,
  url: string,
  limits?: Partial<RepositoryTreeLimits>,
): Promise<RepositoryTree> {
  const bounds = { ...DEFAULT_TREE_LIMITS, ...limits };
  const skipped: SkippedFile[] = [];
  let listed = 0;
  let response;
  try {
    response = await urlReader.readTree(url, {
      filter: (path, info) => {
        if (isIgnoredPath(path)) return false;
        if (info && info.size > bounds.maxFileBytes) {
          skipped.push({
            path,
            reason: 'too-large',
            detail: `${info.size} bytes, over ${bounds.maxFileBytes}`,
          });
          return false;
        }
        if (++listed > bounds.maxFiles) {
          skipped.push({
            path,
            reason: 'too-many-files',
            detail: `more than ${bounds.maxFiles} files`,
          });
          return false;
        }
        return true;
      },
    });
  } catch (e) {
    assertError(e);
    if (e.name === 'NotFoundError') {
      throw new NotFoundError(`Source tree not found at ${url}`, e);
    }
    throw new ForwardedError(`Could not read source tree at ${url}`, e);
  }

  const listedFiles = await response.files();
  const files: RawTreeFile[] = [];
  let totalBytes = 0;
  // Readers without size info still pass everything; bound here as well.
  const kept = listedFiles
    .filter(file => !isIgnoredPath(file.path))
    .sort((a, b) => compare(a.path, b.path));
  for (const file of kept.slice(bounds.maxFiles)) {
    skipped.push({
      path: file.path,
      reason: 'too-many-files',
      detail: `more than ${bounds.maxFiles} files`,
    });
  }
  for (const file of kept.slice(0, bounds.maxFiles)) {
    if (totalBytes >= bounds.maxTotalBytes) {
      skipped.push({
        path: file.path,
        reason: 'too-large',
        detail: `tree over ${bounds.maxTotalBytes} bytes in all`,
      });
      continue;
    }
    try {
      const content = await file.content();
      totalBytes += content.length;
      files.push({ path: file.path, content });
    } catch (e) {
      skipped.push({
        path: file.path,
        reason: 'unreadable',
        detail: isError(e) ? e.message : String(e),
      });
    }
  }
  return createRepositoryTree({ source: url, files, skipped, limits: bounds });
}

/** Options for {@link openSourceTree}. */
export interface OpenSourceTreeOptions {
  /** Needed for `url:` source locations; without it they report an error. */
  urlReader?: UrlReaderService;
  /** See {@link ResolveSourceLocationOptions.allowedLocalRoots}. */
  allowedLocalRoots: string[];
  limits?: Partial<RepositoryTreeLimits>;
}

/**
 * Opens an entity's source tree from its `backstage.io/source-location`.
 * Never throws: any failure comes back as `{ error }` with the reason.
 */
export async function openSourceTree(
  entity: Entity,
  options: OpenSourceTreeOptions,
): Promise<{ tree: RepositoryTree } | { error: string }> {
  try {
    const location = await resolveSourceLocation(entity, options);
    if (location.type === 'error') return { error: location.reason };
    if (location.type === 'local') {
      return { tree: await readLocalTree(location.path, options.limits) };
    }
    if (!options.urlReader) {
      return {
        error: `cannot read ${location.url}: no UrlReaderService was given`,
      };
    }
    return {
      tree: await readUrlTree(options.urlReader, location.url, options.limits),
    };
  } catch (e) {
    return { error: isError(e) ? e.message : String(e) };
  }
}
