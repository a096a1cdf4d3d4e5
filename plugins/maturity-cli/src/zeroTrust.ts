import { readLocalTree } from '@cloud-native-portal/plugin-maturity-node';
import { scanRepository } from '@cloud-native-portal/plugin-zero-trust-node';
import {
  getZeroTrustControl,
  PostureGrade,
  PostureReport,
  RISK_WEIGHTS,
} from '@cloud-native-portal/plugin-zero-trust-common';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { GRADES } from './options';
import { describeTree, formatTreeReport, TreeReport } from './treeReport';

/** A zero-trust scan of a checkout, with what the reader skipped. */
export interface ZeroTrustScan extends PostureReport {
  /** What the reader could not judge (bounds reached, large files, a count of binary files). */
  warnings: string[];
  /** The same, structured: bounds reached, files skipped, or nothing at all. */
  tree: TreeReport;
}

/** The CI gate: a minimum grade or a minimum score, never both. */
export type ZeroTrustThreshold =
  | { minGrade: PostureGrade; minScore?: undefined }
  | { minScore: number; minGrade?: undefined }
  | { minGrade?: undefined; minScore?: undefined };

/** Scans a local checkout for the zero-trust controls, as the portal does. */
export async function scanZeroTrust(path: string): Promise<ZeroTrustScan> {
  const root = resolve(path);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new Error(`${path} is not a directory`);
  }
  const tree = await readLocalTree(root);
  const report = await scanRepository(tree);
  const treeReport = describeTree(tree);
  return {
    ...report,
    warnings: formatTreeReport(treeReport),
    tree: treeReport,
  };
}

/**
 * Why the scan misses the threshold, or undefined when it meets it. A scan
 * with nothing scored misses any threshold: a gate that cannot judge must not
 * pass silently.
 */
export function missedThreshold(
  report: PostureReport & { tree?: TreeReport },
  threshold: ZeroTrustThreshold,
): string | undefined {
  if (threshold.minGrade === undefined && threshold.minScore === undefined) {
    return undefined;
  }
  if (report.tree?.nothingToJudge) {
    return `nothing to judge: ${report.tree.nothingToJudge}; the threshold cannot be met`;
  }
  if (report.score === null || report.grade === null) {
    return 'no control could be scored, so the threshold cannot be met';
  }
  if (
    threshold.minGrade !== undefined &&
    GRADES.indexOf(report.grade) > GRADES.indexOf(threshold.minGrade)
  ) {
    return `grade ${report.grade} is below the required grade ${threshold.minGrade}`;
  }
  if (threshold.minScore !== undefined && report.score < threshold.minScore) {
    return `score ${report.score} is below the required score ${threshold.minScore}`;
  }
  return undefined;
}

const STATUS_ORDER = { fail: 0, unknown: 1, pass: 2, 'not-applicable': 3 };

/** A readable rendering of a zero-trust scan for CI logs: failures first. */
export function formatZeroTrustText(scan: ZeroTrustScan): string {
  const lines = [
    `${scan.source}: zero-trust grade ${scan.grade ?? '-'}, score ${
      scan.score ?? '-'
    }/100, ${scan.criticalFailures} Critical ${
      scan.criticalFailures === 1 ? 'failure' : 'failures'
    }, ${scan.excluded} excluded (unknown or not applicable)`,
    '',
  ];
  const rows = scan.results
    .map(r => ({ ...r, control: getZeroTrustControl(r.controlId)! }))
    .sort(
      (a, b) =>
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        RISK_WEIGHTS[b.control.risk] - RISK_WEIGHTS[a.control.risk],
    );
  for (const row of rows) {
    lines.push(
      `  ${row.status.toUpperCase().padEnd(14)} ${row.control.risk.padEnd(8)} ${
        row.controlId
      }`,
    );
    if (row.status === 'pass') continue;
    if (row.reason) lines.push(`      ${row.reason}`);
    const where = row.evidence
      .filter(e => e.path || e.annotation)
      .slice(0, 3)
      .map(e =>
        e.path ? `${e.path}${e.line ? `:${e.line}` : ''}` : e.annotation,
      );
    if (where.length) lines.push(`      evidence: ${where.join('; ')}`);
    if (row.status === 'fail') lines.push(`      fix: ${row.control.fix}`);
  }
  for (const w of scan.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
