import type { MaturityApiSchema } from '@cloud-native-portal/plugin-maturity-common';

export type MigrationRecord = MaturityApiSchema.MigrationRecord;
export type MigrationRecordRow = MaturityApiSchema.MigrationRecordRow;
export type MigrationRecordState = MaturityApiSchema.MigrationRecordState;
export type MigrationRecordMetric = MaturityApiSchema.MigrationRecordMetric;

const one = (value: number) =>
  Number.isInteger(value) ? String(value) : value.toFixed(1);

/** A recorded outcome in words: "9.5 per week", "6 h", "12%", "not measured". */
export function formatRecordMetric(metric: MigrationRecordMetric): string {
  const v = metric.value;
  if (v === null || v === undefined) return 'not measured';
  switch (metric.unit) {
    case 'perWeek':
      if (v === 0) return 'none';
      if (v < 1) return `one every ${Math.round(1 / v)} weeks`;
      return `${one(v)} per week`;
    case 'hours':
      if (v < 1) return `${Math.round(v * 60)} min`;
      if (v < 48) return `${one(v)} h`;
      return `${one(v / 24)} days`;
    case 'share':
      return `${Math.round(v * 100)}%`;
    case 'percent':
      return `${Math.round(v)}%`;
    case 'score':
      return `${Math.round(v)}/100`;
    case 'currency':
      return `${Math.round(v).toLocaleString('en-US')} per month`;
    default:
      return String(v);
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
