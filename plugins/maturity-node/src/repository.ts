/** Why a file in a source tree was not read. */
export type SkipReason =
  | 'too-large'
  | 'binary'
  | 'symlink-outside-tree'
  | 'symlink'
  | 'too-many-files'
  | 'unreadable';

/** A file that was left out of a tree, with the reason. */
export interface SkippedFile {
  path: string;
  reason: SkipReason;
  detail?: string;
  /** The file's size in bytes, when known (always set for `too-large`). */
  size?: number;
  /** For `too-large` and `too-many-files`: the bound the file went past. */
  bound?: TreeBound;
  /** The value of that bound (bytes or a count). */
  limit?: number;
}

/** The name of one of the {@link RepositoryTreeLimits}. */
export type TreeBound =
  | 'maxFileBytes'
  | 'maxManifestBytes'
  | 'maxFiles'
  | 'maxTotalBytes'
  | 'maxWalkEntries'
  | 'maxDepth';

/**
 * A bound that stopped a reader before it saw the whole tree: the tree may
 * hold more than was judged.
 */
export interface TreeBoundReached {
  bound: TreeBound;
  /** The bound's value (a count, a depth or bytes). */
  limit: number;
  /**
   * Where reading stopped: the first path not visited or read (for
   * `maxDepth`, the first directory not entered).
   */
  at?: string;
  /** How many files or directories were left out past the bound, when known. */
  leftOut?: number;
  /** One sentence for people. */
  message: string;
}

/** One parsed YAML document of a file. */
export interface YamlDocument {
  /** Path relative to the tree root. */
  path: string;
  /** 0-based index within a multi-document file. */
  index: number;
  /** 1-based line where the document starts. */
  line: number;
  /** The parsed value (plain JSON); null for an empty document. */
  value: unknown;
  /** 1-based line of a dotted key path within the document, when known. */
  lineOf(path: Array<string | number>): number | undefined;
}

/** Why a YAML file (or part of it) was not parsed. */
export type YamlErrorKind = 'invalid' | 'helm-template' | 'limit';

/** A YAML file that could not be parsed, with the error. */
export interface YamlError {
  path: string;
  line?: number;
  message: string;
  /**
   * `invalid` for a syntax error, `helm-template` for an unrendered Helm
   * template, `limit` when the document limit stopped parsing. Optional so
   * that existing producers stay valid; readers treat a missing kind as
   * `invalid`.
   */
  kind?: YamlErrorKind;
}

/**
 * A read-only, bounded view of a source tree: the same interface whether it
 * comes from a local directory or from Backstage's UrlReaderService.
 */
export interface RepositoryTree {
  /** Where the tree came from (a URL or a local path), for messages. */
  source: string;
  /** Paths of the text files that were read, relative to the root, `/`-separated. */
  files(): string[];
  /** Whether a file was read. */
  has(path: string): boolean;
  /** A file's text, or undefined when absent or skipped. */
  readText(path: string): string | undefined;
  /** Files left out, with reasons. */
  skipped(): SkippedFile[];
  /**
   * The bounds that stopped reading the tree (walk entries, depth, file count,
   * total bytes), each with where it stopped; empty when the whole tree was
   * read. Large files skipped one by one are in {@link RepositoryTree.skipped}.
   */
  limitsReached(): TreeBoundReached[];
  /**
   * Parsed YAML documents of every `.yaml`/`.yml` file outside Helm chart
   * `templates/` folders (those are not YAML before rendering), bounded by the
   * tree's document limit.
   */
  yamlDocuments(): YamlDocument[];
  /** YAML files that failed to parse, and Helm templates left unparsed. */
  yamlErrors(): YamlError[];
}

/** Bounds that keep reading a tree safe on real repositories. */
export interface RepositoryTreeLimits {
  /**
   * Files larger than this are skipped (default 1 MiB), except Kubernetes
   * manifests, which have `maxManifestBytes`.
   */
  maxFileBytes: number;
  /**
   * The larger bound for YAML files that look like Kubernetes manifests
   * (default 8 MiB): install manifests are often several MiB. A YAML file is
   * taken for a manifest when it sits in a deployment folder (`deploy`,
   * `k8s`, `kubernetes`, `manifests`, `kustomize`, `base`, `overlays`, ...)
   * or starts with `apiVersion:` and `kind:` lines.
   */
  maxManifestBytes?: number;
  /** At most this many files are read (default 5,000). */
  maxFiles: number;
  /** At most this many YAML documents are parsed in all (default 5,000). */
  maxYamlDocuments: number;
  /** Total bytes read across the tree (default 50 MiB). */
  maxTotalBytes: number;
  /**
   * Directory entries a reader visits before it stops walking (default
   * 20,000); bounds the walk itself, not only what is kept.
   */
  maxWalkEntries?: number;
  /**
   * Directory depth below the root that a reader enters (default 32); deeper
   * directories are not walked, and the tree says so.
   */
  maxDepth?: number;
}
