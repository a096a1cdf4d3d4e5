import {
  RepositoryTree,
  SkippedFile,
  TreeBound,
  TreeBoundReached,
} from '@cloud-native-portal/plugin-maturity-node';

/** A file skipped because it is over its size bound. */
export interface LargeFileSkipped {
  path: string;
  /** Its size in bytes, when the reader knew it. */
  size?: number;
  /** The bound it went past: `maxFileBytes`, or `maxManifestBytes` for a Kubernetes manifest. */
  bound?: TreeBound;
  /** The bound's value in bytes. */
  limit?: number;
}

/** What a scan could not judge in a tree, for the text and JSON output. */
export interface TreeReport {
  /** Files that were read and judged. */
  filesRead: number;
  /**
   * Set when the tree holds nothing the checks can judge (empty, everything
   * skipped, or documentation only): the reason, as one sentence.
   */
  nothingToJudge?: string;
  /** Bounds that stopped the walk, each with where it stopped. */
  limitsReached: TreeBoundReached[];
  /** Files over their size bound, with their size and the bound. */
  largeFilesSkipped: LargeFileSkipped[];
  /** How many binary files were skipped (counted, not listed). */
  binaryFilesSkipped: number;
  /** Other files left out: symlinks and unreadable files. */
  otherSkipped: SkippedFile[];
}

// Files that describe a project but hold nothing the checks judge.
// SECURITY.md and CODEOWNERS are judged, so they are not in this list.
const DOCUMENTATION =
  /(^|\/)((readme|license|licence|copying|changelog|changes|history|contributing|authors|notice|code_of_conduct)(\.[^/]*)?|[^/]+\.(md|markdown|txt|rst|adoc)|\.gitignore|\.gitattributes|\.editorconfig)$/i;

function isDocumentation(path: string): boolean {
  return DOCUMENTATION.test(path) && !/(^|\/)security\.md$/i.test(path);
}

/** Sizes for people: bytes, KiB or MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) {
    const kib = bytes / 1024;
    return `${Number.isInteger(kib) ? kib : kib.toFixed(1)} KiB`;
  }
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

function nothingToJudge(
  tree: RepositoryTree,
  skipped: SkippedFile[],
): string | undefined {
  const files = tree.files();
  if (files.length === 0) {
    return skipped.length === 0
      ? 'the directory is empty'
      : `no file could be read: all ${skipped.length} ${
          skipped.length === 1 ? 'entry was' : 'entries were'
        } skipped`;
  }
  if (files.every(isDocumentation)) {
    const shown = files.slice(0, 3).join(', ');
    return `it holds only documentation (${shown}${
      files.length > 3 ? `, and ${files.length - 3} more` : ''
    }): no source, build, deployment or CI file`;
  }
  return undefined;
}

/** Describes what a scan of the tree could not judge. */
export function describeTree(tree: RepositoryTree): TreeReport {
  const skipped = tree.skipped();
  const report: TreeReport = {
    filesRead: tree.files().length,
    nothingToJudge: nothingToJudge(tree, skipped),
    limitsReached: tree.limitsReached(),
    largeFilesSkipped: [],
    binaryFilesSkipped: 0,
    otherSkipped: [],
  };
  for (const s of skipped) {
    if (s.reason === 'binary') {
      report.binaryFilesSkipped++;
    } else if (s.reason === 'too-many-files' || s.bound === 'maxTotalBytes') {
      // Counted in limitsReached, which says where the reading stopped.
      continue;
    } else if (s.reason === 'too-large') {
      report.largeFilesSkipped.push({
        path: s.path,
        size: s.size,
        bound: s.bound,
        limit: s.limit,
      });
    } else {
      report.otherSkipped.push(s);
    }
  }
  return report;
}

function boundName(bound: TreeBound | undefined): string {
  switch (bound) {
    case 'maxManifestBytes':
      return 'Kubernetes manifest bound';
    case 'maxFileBytes':
      return 'file bound';
    default:
      return 'bound';
  }
}

/**
 * The report as text lines for CI logs: one line per bound reached and per
 * large file, one summary line for all binary files.
 */
export function formatTreeReport(report: TreeReport): string[] {
  const lines: string[] = [];
  if (report.nothingToJudge) {
    lines.push(`nothing to judge: ${report.nothingToJudge}`);
  }
  for (const limit of report.limitsReached) {
    lines.push(`not judged: ${limit.message} (${limit.bound} ${limit.limit})`);
  }
  for (const file of report.largeFilesSkipped) {
    const size =
      file.size !== undefined ? formatBytes(file.size) : 'size unknown';
    const over =
      file.limit !== undefined
        ? `, over the ${formatBytes(file.limit)} ${boundName(file.bound)}`
        : '';
    lines.push(`skipped ${file.path}: too large (${size}${over})`);
  }
  if (report.binaryFilesSkipped > 0) {
    lines.push(
      `${report.binaryFilesSkipped} binary ${
        report.binaryFilesSkipped === 1 ? 'file' : 'files'
      } skipped`,
    );
  }
  for (const s of report.otherSkipped) {
    lines.push(
      `skipped ${s.path}: ${s.reason}${s.detail ? ` (${s.detail})` : ''}`,
    );
  }
  return lines;
}
