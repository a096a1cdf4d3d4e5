import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import {
  FactCollector,
  openSourceTree,
  RepositoryTree,
  resolveSourceLocation,
} from '@cloud-native-portal/plugin-maturity-node';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Folders the tree readers skip; their changes do not change the tree. */
const IGNORED_DIRS = new Set(['.git', 'node_modules']);
/** A local tree with more entries than this is not fingerprinted (nor cached). */
const MAX_STAMPED_ENTRIES = 20_000;
/** Entries stamped between two turns of the event loop. */
const YIELD_EVERY = 500;

/**
 * A fingerprint of a local directory from its entries' paths, kinds, sizes
 * and modification times (no file is read), or undefined when the directory
 * has more than `maxEntries` entries. Any file written, added, removed or
 * renamed changes it. The calls are synchronous (a small tree takes well
 * under a millisecond, where a thread-pool round trip per file costs more
 * than the call), with a turn of the event loop every `YIELD_EVERY` entries.
 */
export async function localTreeStamp(
  root: string,
  maxEntries = MAX_STAMPED_ENTRIES,
): Promise<string | undefined> {
  const hash = createHash('sha1');
  const stack = [''];
  let entries = 0;
  while (stack.length > 0) {
    const rel = stack.pop()!;
    let dirents;
    try {
      dirents = readdirSync(join(root, rel), { withFileTypes: true });
    } catch (e) {
      hash.update(`!${rel}:${(e as NodeJS.ErrnoException).code}\n`);
      continue;
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const dirent of dirents) {
      if (IGNORED_DIRS.has(dirent.name)) continue;
      const path = rel ? `${rel}/${dirent.name}` : dirent.name;
      const stat = lstatSync(join(root, path), { throwIfNoEntry: false });
      if (!stat) continue;
      if (++entries > maxEntries) return undefined;
      if (entries % YIELD_EVERY === 0) {
        await new Promise<void>(r => setImmediate(r));
      }
      let kind = 'f';
      if (stat.isDirectory()) kind = 'd';
      else if (stat.isSymbolicLink()) kind = 'l';
      hash.update(`${kind}${path}\0${stat.size}\0${stat.mtimeMs}\n`);
      if (kind === 'd') stack.push(path);
    }
  }
  return hash.digest('hex');
}

// What an entity without a cacheable tree gets: no facts, nothing kept.
const NO_FACTS: ReadonlyMap<string, FactSet> = new Map();
const forget = () => {};

interface CachedTree {
  /** The location and its version: stamp or ETag. */
  version: string;
  tree: RepositoryTree;
  /** Facts of the source-tree-only collectors, by collector id. */
  facts: Map<string, FactSet>;
  bytes: number;
}

/** What {@link SourceTreeCache.open} found. */
export interface OpenedSourceTree {
  tree?: RepositoryTree;
  error?: string;
  /**
   * The tree's version (stamp of a local tree, ETag of a URL tree), or the
   * error when there is no tree; undefined when a tree has no version.
   */
  version?: string;
  /** Facts of the collectors marked `sourceTreeOnly`, from an unchanged tree. */
  cachedFacts: ReadonlyMap<string, FactSet>;
  /** Keeps a collector's facts for the next refresh of this tree. */
  remember(collector: FactCollector, facts: FactSet): void;
}

/**
 * Source trees read for on-demand refreshes, kept while their repository is
 * unchanged, with the facts of the collectors that read nothing else: a
 * local tree by a stamp of its files' sizes and times, a URL tree by the ETag
 * (commit) its reader gave, checked with a conditional read that fails with
 * NotModifiedError when nothing changed. Bounded by the trees' total bytes;
 * the least recently used go first.
 */
export class SourceTreeCache {
  private readonly entries = new Map<string, CachedTree>();
  private bytes = 0;

  constructor(
    private readonly options: {
      urlReader?: UrlReaderService;
      allowedLocalRoots: string[];
      /** The most bytes of tree text kept in all. Default: 64 MiB. */
      maxBytes?: number;
    },
  ) {}

  /** Opens the entity's source tree, from the cache when unchanged. */
  async open(entity: Entity): Promise<OpenedSourceTree> {
    const location = await resolveSourceLocation(entity, this.options);
    const uncached = async (): Promise<OpenedSourceTree> => {
      const opened = await openSourceTree(entity, this.options);
      return {
        ...opened,
        version: 'error' in opened ? `error:${opened.error}` : undefined,
        cachedFacts: new Map(),
        remember: () => {},
      };
    };
    if (location.type === 'error') {
      // What openSourceTree answers for it, without resolving it again.
      return {
        error: location.reason,
        version: `error:${location.reason}`,
        cachedFacts: NO_FACTS,
        remember: forget,
      };
    }
    const key =
      location.type === 'local'
        ? `dir:${location.path}`
        : `url:${location.url}`;
    const cached = this.entries.get(key);

    let version: string | undefined;
    let urlReader = this.options.urlReader;
    let notModified = false;
    if (location.type === 'local') {
      version = await localTreeStamp(location.path);
      if (cached && version !== undefined && cached.version === version) {
        return this.hit(key, cached);
      }
    } else {
      const base = urlReader;
      if (!base) return uncached();
      // One read either way: conditional on the cached tree's ETag, which
      // fails with NotModifiedError when the tree is unchanged; otherwise
      // the new tree, whose ETag is kept for the next refresh.
      urlReader = {
        readUrl: (url, options) => base.readUrl(url, options),
        search: (url, options) => base.search(url, options),
        readTree: async (url, options) => {
          try {
            const response = await base.readTree(
              url,
              cached ? { ...options, etag: cached.version } : options,
            );
            version = response.etag || undefined;
            return response;
          } catch (e) {
            if ((e as Error)?.name === 'NotModifiedError') notModified = true;
            throw e;
          }
        },
      };
    }

    const opened = await openSourceTree(entity, { ...this.options, urlReader });
    if (notModified && cached) return this.hit(key, cached);
    this.evict(key);
    if (!('tree' in opened)) {
      return {
        error: opened.error,
        version: `error:${opened.error}`,
        cachedFacts: new Map(),
        remember: () => {},
      };
    }
    if (version === undefined) {
      return { tree: opened.tree, cachedFacts: new Map(), remember: () => {} };
    }
    const entry: CachedTree = {
      version,
      tree: opened.tree,
      facts: new Map(),
      bytes: treeBytes(opened.tree),
    };
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    this.trim();
    return {
      tree: entry.tree,
      version,
      cachedFacts: new Map(),
      remember: (collector, facts) => entry.facts.set(collector.id, facts),
    };
  }

  /** Trees cached now (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private hit(key: string, entry: CachedTree): OpenedSourceTree {
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return {
      tree: entry.tree,
      version: entry.version,
      cachedFacts: entry.facts,
      remember: (collector, facts) => entry.facts.set(collector.id, facts),
    };
  }

  private evict(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  private trim() {
    const max = this.options.maxBytes ?? 64 * 1024 * 1024;
    for (const key of this.entries.keys()) {
      if (this.bytes <= max) break;
      this.evict(key);
    }
  }
}

function treeBytes(tree: RepositoryTree): number {
  let bytes = 0;
  for (const path of tree.files()) bytes += tree.readText(path)?.length ?? 0;
  return bytes;
}
