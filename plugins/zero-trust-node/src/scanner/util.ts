import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import {
  describeObject,
  Workload,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  ControlResult,
  ControlStatus,
} from '@cloud-native-portal/plugin-zero-trust-common';

/** Builds a control result. */
export function result(
  controlId: string,
  status: ControlStatus,
  evidence: Evidence[],
  reason?: string,
): ControlResult {
  return { controlId, status, evidence, ...(reason ? { reason } : {}) };
}

/** Passing and failing observations for one control. */
export interface Findings {
  fail: Evidence[];
  pass: Evidence[];
  unknown: Evidence[];
}

/** Empty findings. */
export function findings(): Findings {
  return { fail: [], pass: [], unknown: [] };
}

/** Joins the notes of evidence into one reason, de-duplicated and bounded. */
export function notesOf(evidence: Evidence[], max = 5): string {
  const notes = [
    ...new Set(evidence.map(e => e.note).filter(Boolean)),
  ] as string[];
  const shown = notes.slice(0, max).join('; ');
  return notes.length > max
    ? `${shown}; and ${notes.length - max} more`
    : shown;
}

/**
 * Combines the parts of a control (for example manifests and Dockerfiles):
 * any fail fails, then any unknown is unknown, then any pass passes.
 */
export function combine(
  controlId: string,
  parts: ControlResult[],
): ControlResult {
  const order: ControlStatus[] = ['fail', 'unknown', 'pass', 'not-applicable'];
  for (const status of order) {
    const matching = parts.filter(p => p.status === status);
    if (matching.length === 0) continue;
    const reasons = matching.map(p => p.reason).filter(Boolean);
    return result(
      controlId,
      status,
      parts.flatMap(p =>
        p.status === status || status === 'pass' ? p.evidence : [],
      ),
      reasons.length ? reasons.join('; ') : undefined,
    );
  }
  return result(controlId, 'not-applicable', [], 'nothing to check');
}

/** A human label for a workload, e.g. `Deployment/api`. */
export function labelOf(workload: Workload): string {
  return describeObject(workload.object);
}
