import { Evidence } from '@cloud-native-portal/plugin-maturity-common';

/** Outcome of one control: `unknown` when evidence was unreachable. */
export type ControlStatus = 'pass' | 'fail' | 'not-applicable' | 'unknown';

/** The result of one control for one source tree. */
export interface ControlResult {
  controlId: string;
  status: ControlStatus;
  /** Files and lines (or notes) that support the status. */
  evidence: Evidence[];
  /** Why the control failed, is unknown or does not apply. */
  reason?: string;
}

/** A letter grade for a posture score. */
export type PostureGrade = 'A' | 'B' | 'C' | 'D' | 'F';

/** The zero-trust posture of one source tree. */
export interface PostureReport {
  /** 0-100, one decimal; null when no control could be scored. */
  score: number | null;
  /** Letter grade, capped at C by a Critical failure; null with no score. */
  grade: PostureGrade | null;
  /** Number of controls left out of the score (unknown or not applicable). */
  excluded: number;
  /** Number of failing Critical controls. */
  criticalFailures: number;
  results: ControlResult[];
  /** ISO timestamp of the scan. */
  scannedAt: string;
  /** Where the tree came from (URL or path). */
  source: string;
}
