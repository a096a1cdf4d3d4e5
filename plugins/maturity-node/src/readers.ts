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
  fileByteBound,
  MANIFEST_SNIFF_BYTES,
  RawTreeFile,
  tooLargeFile,
} from './createRepositoryTree';
import {
  RepositoryTree,
  RepositoryTreeLimits,
  SkippedFile,
  TreeBoundReached,
} from './repository';
import { resolveSourceLocation } from './sourceLocation';

const YAML_FILE = /\.ya?ml$/i;

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

/** The first bytes of a file, read at position 0 without moving the file position. */
async function readHead(handle: fs.FileHandle, size: number): Promise<string> {
  const buffer = Buffer.alloc(Math.min(size, MANIFEST_SNIFF_BYTES));
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
  return buffer.subarray(0, bytesRead).toString('utf8');
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
 * `node_modules`, stops walking after `maxWalkEntries` entries or `maxFiles`
 * files, does not enter directories deeper than `maxDepth`, and reads only
 * regular files within the size limits (`maxManifestBytes` for YAML files
 * that look like Kubernetes manifests, `maxFileBytes` for the rest). Where a
 * bound stopped the walk is in the tree's `limitsReached()`.
 */
export async function readLocalTree(
  rootDir: string,
  limits?: Partial<RepositoryTreeLimits>,
): Promise<RepositoryTree> {
  const bounds = { ...DEFAULT_TREE_LIMITS, ...limits };
  const maxWalkEntries =
    bounds.maxWalkEntries ?? DEFAULT_TREE_LIMITS.maxWalkEntries;
  const maxDepth = bounds.maxDepth ?? DEFAULT_TREE_LIMITS.maxDepth;
  const root = await fs.realpath(rootDir);
  const rootStat = await fs.lstat(root);
  if (!rootStat.isDirectory()) {
    throw new Error(`${rootDir} is not a directory`);
  }

  const skipped: SkippedFile[] = [];
  const limitsReached: TreeBoundReached[] = [];
  const candidates: string[] = [];
  const symlinks: string[] = [];
  const tooDeep: string[] = [];
  let entries = 0;
  let truncated:
    | { bound: 'maxWalkEntries' | 'maxFiles'; at: string }
    | undefined;

  // Depth-first with sorted entries, so which files survive the limits is
  // stable from run to run.
  const stack: Array<{ dir: string; depth: number }> = [
    { dir: root, depth: 0 },
  ];
  while (stack.length > 0 && !truncated) {
    const { dir, depth } = stack.pop()!;
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
    const subdirs: Array<{ dir: string; depth: number }> = [];
    for (const dirent of dirents) {
      const full = join(dir, dirent.name);
      if (++entries > maxWalkEntries) {
        truncated = { bound: 'maxWalkEntries', at: toTreePath(root, full) };
        break;
      }
      if (candidates.length >= bounds.maxFiles) {
        truncated = { bound: 'maxFiles', at: toTreePath(root, full) };
        break;
      }
      // Dirent types come from lstat semantics: a symlink is never a dir/file here.
      if (dirent.isSymbolicLink()) {
        symlinks.push(full);
      } else if (dirent.isDirectory()) {
        if (IGNORED_DIRS.has(dirent.name)) continue;
        if (depth + 1 > maxDepth) tooDeep.push(toTreePath(root, full));
        else subdirs.push({ dir: full, depth: depth + 1 });
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
    const limit =
      truncated.bound === 'maxFiles' ? bounds.maxFiles : maxWalkEntries;
    skipped.push({
      path: '.',
      reason: 'too-many-files',
      detail: `walk stopped after ${Math.min(
        entries,
        maxWalkEntries,
      )} entries (${candidates.length} files; limits: ${
        bounds.maxFiles
      } files, ${maxWalkEntries} entries)`,
      bound: truncated.bound,
      limit,
    });
    limitsReached.push({
      bound: truncated.bound,
      limit,
      at: truncated.at,
      message:
        truncated.bound === 'maxFiles'
          ? `the walk stopped at ${truncated.at}: it had found ${bounds.maxFiles} files, the most it reads; ${truncated.at} and everything after it were not read`
          : `the walk stopped at ${truncated.at}: it had visited ${maxWalkEntries} entries, the most it visits; ${truncated.at} and everything after it were not read`,
    });
  }
  if (tooDeep.length > 0) {
    limitsReached.push({
      bound: 'maxDepth',
      limit: maxDepth,
      at: tooDeep[0],
      leftOut: tooDeep.length,
      message: `${tooDeep.length} ${
        tooDeep.length === 1 ? 'directory is' : 'directories are'
      } deeper than ${maxDepth} levels and ${
        tooDeep.length === 1 ? 'was' : 'were'
      } not read, the first ${tooDeep[0]}`,
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
      let limit = bounds.maxFileBytes;
      if (stat.size > bounds.maxFileBytes) {
        // Only a YAML file may get the manifest bound; read its head to tell.
        const fileBound = fileByteBound(
          bounds,
          path,
          YAML_FILE.test(path) ? await readHead(handle, stat.size) : undefined,
        );
        if (stat.size > fileBound.limit) {
          skipped.push(tooLargeFile(path, stat.size, fileBound));
          return;
        }
        limit = fileBound.limit;
      }
      if (totalBytes + stat.size > bounds.maxTotalBytes) {
        skipped.push({
          path,
          reason: 'too-large',
          detail: `tree over ${bounds.maxTotalBytes} bytes in all`,
          size: stat.size,
          bound: 'maxTotalBytes',
          limit: bounds.maxTotalBytes,
        });
        return;
      }
      totalBytes += stat.size;
      const content = await readBounded(handle, stat.size, limit);
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
  const overTotal = skipped.filter(s => s.bound === 'maxTotalBytes');
  if (overTotal.length > 0) {
    limitsReached.push({
      bound: 'maxTotalBytes',
      limit: bounds.maxTotalBytes,
      at: overTotal[0].path,
      leftOut: overTotal.length,
      message: `stopped reading at ${overTotal[0].path}: the tree is over ${bounds.maxTotalBytes} bytes in all; ${overTotal.length} files were not read`,
    });
  }
  return createRepositoryTree({
    source: root,
    files,
    skipped,
    limitsReached,
    limits: bounds,
  });
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
        // The content is not known yet: a YAML file may be a manifest, so it
        // gets the manifest bound here and createRepositoryTree decides.
        const fileBound = YAML_FILE.test(path)
          ? {
              bound: 'maxManifestBytes' as const,
              limit: Math.max(bounds.maxManifestBytes, bounds.maxFileBytes),
            }
          : { bound: 'maxFileBytes' as const, limit: bounds.maxFileBytes };
        if (info && info.size > fileBound.limit) {
          skipped.push(tooLargeFile(path, info.size, fileBound));
          return false;
        }
        if (++listed > bounds.maxFiles) {
          skipped.push({
            path,
            reason: 'too-many-files',
            detail: `more than ${bounds.maxFiles} files`,
            size: info?.size,
            bound: 'maxFiles',
            limit: bounds.maxFiles,
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
      bound: 'maxFiles',
      limit: bounds.maxFiles,
    });
  }
  for (const file of kept.slice(0, bounds.maxFiles)) {
    if (totalBytes >= bounds.maxTotalBytes) {
      skipped.push({
        path: file.path,
        reason: 'too-large',
        detail: `tree over ${bounds.maxTotalBytes} bytes in all`,
        bound: 'maxTotalBytes',
        limit: bounds.maxTotalBytes,
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
  const limitsReached: TreeBoundReached[] = [];
  const pastFiles = skipped.filter(s => s.bound === 'maxFiles');
  if (pastFiles.length > 0) {
    limitsReached.push({
      bound: 'maxFiles',
      limit: bounds.maxFiles,
      at: pastFiles[0].path,
      leftOut: pastFiles.length,
      message: `stopped reading at ${pastFiles[0].path}: more than ${bounds.maxFiles} files; ${pastFiles.length} more were not read`,
    });
  }
  const overTotal = skipped.filter(s => s.bound === 'maxTotalBytes');
  if (overTotal.length > 0) {
    limitsReached.push({
      bound: 'maxTotalBytes',
      limit: bounds.maxTotalBytes,
      at: overTotal[0].path,
      leftOut: overTotal.length,
      message: `stopped reading at ${overTotal[0].path}: the tree is over ${bounds.maxTotalBytes} bytes in all; ${overTotal.length} files were not read`,
    });
  }
  return createRepositoryTree({
    source: url,
    files,
    skipped,
    limitsReached,
    limits: bounds,
  });
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
