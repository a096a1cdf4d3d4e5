import { getZeroTrustControl, RISK_WEIGHTS } from './controls';
import { ControlResult, PostureGrade } from './types';

/** A posture score with what went into it. */
export interface PostureScore {
  /** 0-100, one decimal; null when no control passed or failed. */
  score: number | null;
  /** Grade from {@link gradeFor}, capped at C by a Critical failure. */
  grade: PostureGrade | null;
  /** Controls left out of the score because they are unknown or not applicable. */
  excluded: number;
  /** Failing controls whose risk is Critical. */
  criticalFailures: number;
  /** Sum of the weights of passing controls. */
  passedWeight: number;
  /** Sum of the weights of passing and failing controls. */
  applicableWeight: number;
}

const GRADE_ORDER: PostureGrade[] = ['A', 'B', 'C', 'D', 'F'];

/**
 * Grade bands: A at 90 or more, B at 80, C at 70, D at 60, F below 60.
 */
export function gradeFor(score: number): PostureGrade {
  if (score >= 90) return 'A';
  if (score >= 80) return 'B';
  if (score >= 70) return 'C';
  if (score >= 60) return 'D';
  return 'F';
}

/** The worse of two grades. */
function worse(a: PostureGrade, b: PostureGrade): PostureGrade {
  return GRADE_ORDER[Math.max(GRADE_ORDER.indexOf(a), GRADE_ORDER.indexOf(b))];
}

/**
 * Scores results 0-100, weighted by risk (Critical 10, High 7.5, Medium 5,
 * Low 2.5), over passing and failing controls only. A failing Critical control
 * caps the grade at C, because one open Critical hole (plaintext secrets, no
 * mTLS, an injectable workflow) defeats the rest of the posture.
 */
export function computePostureScore(results: ControlResult[]): PostureScore {
  let passedWeight = 0;
  let applicableWeight = 0;
  let excluded = 0;
  let criticalFailures = 0;
  for (const result of results) {
    const control = getZeroTrustControl(result.controlId);
    if (!control) {
      throw new Error(`Unknown zero-trust control '${result.controlId}'`);
    }
    if (result.status !== 'pass' && result.status !== 'fail') {
      excluded++;
      continue;
    }
    const weight = RISK_WEIGHTS[control.risk];
    applicableWeight += weight;
    if (result.status === 'pass') {
      passedWeight += weight;
    } else if (control.risk === 'Critical') {
      criticalFailures++;
    }
  }
  if (applicableWeight === 0) {
    return {
      score: null,
      grade: null,
      excluded,
      criticalFailures,
      passedWeight,
      applicableWeight,
    };
  }
  const score = Math.round((1000 * passedWeight) / applicableWeight) / 10;
  const banded = gradeFor(score);
  return {
    score,
    grade: criticalFailures > 0 ? worse(banded, 'C') : banded,
    excluded,
    criticalFailures,
    passedWeight,
    applicableWeight,
  };
}
