import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import {
  ControlStatus,
  controlIdToCamelCase,
  PostureGrade,
  RISK_WEIGHTS,
  ZERO_TRUST_CONTROLS,
} from '@cloud-native-portal/plugin-zero-trust-common';
import { ControlView, EntityPosture } from './types';

/** The maturity collector id whose facts hold the posture. */
export const ZERO_TRUST_COLLECTOR = 'zeroTrust';

const STATUSES: ControlStatus[] = ['pass', 'fail', 'not-applicable', 'unknown'];
const STATUS_ORDER: Record<ControlStatus, number> = {
  fail: 0,
  unknown: 1,
  pass: 2,
  'not-applicable': 3,
};
const GRADES: PostureGrade[] = ['A', 'B', 'C', 'D', 'F'];

/** Fact name of a control's status, e.g. `zeroTrust.mtlsStrict`. */
export function controlFactName(controlId: string): string {
  return `${ZERO_TRUST_COLLECTOR}.${controlIdToCamelCase(controlId)}`;
}

/** Orders controls as a reader triages them: failing first, highest risk first. */
export function compareControls(a: ControlView, b: ControlView): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    RISK_WEIGHTS[b.control.risk] - RISK_WEIGHTS[a.control.risk]
  );
}

/**
 * Turns the zeroTrust FactSet into a posture. The collector appends the
 * scanner's reason to a control's evidence as a note, so notes become the
 * reason and the rest stays as locations.
 */
export function postureFromFactSet(set: FactSet): EntityPosture {
  const num = (name: string) => {
    const v = set.facts[`${ZERO_TRUST_COLLECTOR}.${name}`];
    return typeof v === 'number' ? v : null;
  };
  const gradeFact = set.facts[`${ZERO_TRUST_COLLECTOR}.grade`];
  const controls: ControlView[] = ZERO_TRUST_CONTROLS.map(control => {
    const name = controlFactName(control.id);
    const value = set.facts[name];
    const evidence = set.evidence?.[name] ?? [];
    const notes = evidence.filter(e => !e.path && !e.annotation && e.note);
    const status: ControlStatus = STATUSES.includes(value as ControlStatus)
      ? (value as ControlStatus)
      : 'unknown';
    const reason =
      set.unknown?.[name] ??
      (notes.length ? notes.map(e => e.note).join('; ') : undefined) ??
      (value === undefined
        ? set.reason ?? 'not reported by the last scan'
        : undefined);
    return {
      control,
      status,
      locations: evidence.filter(e => e.path || e.annotation),
      ...(reason ? { reason } : {}),
    };
  });
  controls.sort(compareControls);
  return {
    status: set.status,
    ...(set.reason ? { reason: set.reason } : {}),
    collectedAt: set.collectedAt,
    score: num('score'),
    grade: GRADES.includes(gradeFact as PostureGrade)
      ? (gradeFact as PostureGrade)
      : null,
    criticalFailures: num('criticalFailures') ?? 0,
    controls,
  };
}
