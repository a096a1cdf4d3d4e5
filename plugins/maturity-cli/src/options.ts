import type { PostureGrade } from '@cloud-native-portal/plugin-zero-trust-common';
import { InvalidArgumentError } from 'commander';

/** The zero-trust grades, best first. */
export const GRADES: PostureGrade[] = ['A', 'B', 'C', 'D', 'F'];

/** `--min-level`: a maturity level from 1 to 5. */
export function level(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5) {
    throw new InvalidArgumentError('a level from 1 to 5');
  }
  return n;
}

/** `--min-grade`: a zero-trust grade from A to F, in either case. */
export function grade(value: string): PostureGrade {
  const upper = value.toLocaleUpperCase('en-US');
  if (!GRADES.includes(upper as PostureGrade)) {
    throw new InvalidArgumentError('a grade from A to F');
  }
  return upper as PostureGrade;
}

/** `--min-score`: a zero-trust score from 0 to 100. */
export function score(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new InvalidArgumentError('a score from 0 to 100');
  }
  return n;
}
