import type { MaturityApiSchema } from '@cloud-native-portal/plugin-maturity-common';
import { formatOutcome, OUTCOMES } from '../DeliveryOutcomes/outcomes';

export type MigrationRecord = MaturityApiSchema.MigrationRecord;
export type MigrationRecordRow = MaturityApiSchema.MigrationRecordRow;
export type MigrationRecordState = MaturityApiSchema.MigrationRecordState;
export type MigrationRecordMetric = MaturityApiSchema.MigrationRecordMetric;

/**
 * A recorded outcome in words, as the delivery outcome cards write it
 * ("On demand (9.5 / week)", "6 h", "12%"); posture and toil as scores.
 */
export function formatRecordMetric(metric: MigrationRecordMetric): string {
  const v = metric.value;
  if (v === null || v === undefined) return 'not measured';
  const outcome = OUTCOMES.find(o => o.fact === metric.fact);
  if (outcome) {
    return formatOutcome(outcome, v, {
      ofOneService: metric.aggregate !== 'sum',
    });
  }
  switch (metric.unit) {
    case 'percent':
      return `${Math.round(v)}%`;
    case 'score':
      return `${Math.round(v)}/100`;
    case 'share':
      return `${Math.round(v * 100)}%`;
    default:
      return String(Math.round(v * 10) / 10);
  }
}

/** A state's level in words, e.g. "L1 Traditional", or "not evaluated". */
export function formatRecordLevel(state: MigrationRecordState): string {
  if (state.level === null || state.level === undefined) {
    return state.components === 0 ? 'no components' : 'not evaluated';
  }
  return `L${state.level} ${state.levelName ?? ''}`.trim();
}

/** One line per state: level and outcomes, as exported. */
export function formatRecordState(
  row: MigrationRecordRow,
  state: MigrationRecordState,
): string {
  const parts: string[] = [];
  if (row.dimension) parts.push(formatRecordLevel(state));
  for (const m of state.metrics) {
    parts.push(`${m.label}: ${formatRecordMetric(m)}`);
  }
  if (parts.length === 0) return `${state.components} components`;
  return parts.join('; ');
}
