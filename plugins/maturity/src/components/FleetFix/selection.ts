import type { FleetCandidate } from '../../api';

/**
 * Whether a fix can be proposed to a candidate: not when the check passes
 * or a waiver holds, since there is nothing to fix then.
 */
export function isSelectable(candidate: FleetCandidate): boolean {
  return (
    candidate.result !== 'pass' &&
    candidate.result !== 'waived' &&
    candidate.state !== 'check-passing' &&
    candidate.state !== 'waived'
  );
}

/**
 * Whether the header's "select all failing" takes a candidate: one that
 * fails the check and can be selected.
 */
export function isFailing(candidate: FleetCandidate): boolean {
  return candidate.result === 'fail' && isSelectable(candidate);
}

/**
 * The services selected when the dialog opens: those that fail the check,
 * have no fix under way (none yet, or the last attempt failed) and whose
 * repository a fix can go to. Services with an open fix branch or pull
 * request are left for the reviewer to pick again, and services a fix can
 * only be previewed for (no branchable repository) to pick for a preview.
 */
export function preselected(candidates: FleetCandidate[]): Set<string> {
  return new Set(
    candidates
      .filter(
        c =>
          isFailing(c) &&
          (c.state === 'not-started' || c.state === 'failed') &&
          c.destination !== 'none',
      )
      .map(c => c.entityRef),
  );
}
