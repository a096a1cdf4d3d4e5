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
  /** Files larger than this are skipped (default 1 MiB). */
  maxFileBytes: number;
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
}
