/**
 * The register's CSV format: the spreadsheet teams keep, one task a row.
 * Import and export use the same columns.
 */
import type { ToilTaskInput } from './api';

/** A register field that a CSV column fills. */
export type CsvField = keyof ToilTaskInput | 'recordedBy' | 'recordedAt';

/** CSV columns in export order, with the register field each fills. */
export const CSV_COLUMNS: Array<{
  header: string;
  field: CsvField;
  required: boolean;
}> = [
  { header: 'service', field: 'entityRef', required: true },
  { header: 'task', field: 'task', required: true },
  { header: 'category', field: 'category', required: true },
  { header: 'frequency', field: 'frequency', required: true },
  { header: 'frequency_unit', field: 'frequencyUnit', required: true },
  {
    header: 'minutes_per_occurrence',
    field: 'minutesPerOccurrence',
    required: true,
  },
  { header: 'people', field: 'people', required: true },
  { header: 'automatable', field: 'automatable', required: true },
  { header: 'link', field: 'link', required: false },
  { header: 'automation_status', field: 'automationStatus', required: false },
  { header: 'build_hours', field: 'buildHours', required: false },
  { header: 'automated_at', field: 'automatedAt', required: false },
  { header: 'recorded_by', field: 'recordedBy', required: false },
  { header: 'recorded_at', field: 'recordedAt', required: false },
];

/** Limits of one import. */
export const CSV_IMPORT_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  maxRows: 10000,
} as const;

/** Characters that make a spreadsheet treat a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** True when a cell would start a formula in a spreadsheet. */
export function looksLikeFormula(value: string): boolean {
  return FORMULA_START.test(value) && !/^-\d+(\.\d+)?$/.test(value);
}

/** Normalizes a header for matching: lower case, spaces and dashes as `_`. */
export function normalizeHeader(header: string): string {
  return header
    .trim()
    .toLocaleLowerCase('en-US')
    .replace(/[\s-]+/g, '_');
}

/**
 * Guesses a mapping from register fields to the file's headers: exact names
 * first, then a few spellings people use.
 */
export function guessCsvMapping(headers: string[]): Record<string, string> {
  const aliases: Record<string, string[]> = {
    entityRef: ['service', 'entity', 'entity_ref', 'component'],
    task: ['task', 'name', 'task_name'],
    category: ['category', 'type'],
    frequency: ['frequency', 'occurrences'],
    frequencyUnit: ['frequency_unit', 'unit', 'per'],
    minutesPerOccurrence: ['minutes_per_occurrence', 'minutes', 'duration'],
    people: ['people', 'people_involved', 'persons'],
    automatable: ['automatable'],
    link: ['link', 'url', 'ticket', 'runbook'],
    automationStatus: ['automation_status', 'status'],
    buildHours: ['build_hours', 'estimate_hours'],
    automatedAt: ['automated_at', 'automated_on'],
    recordedBy: ['recorded_by'],
    recordedAt: ['recorded_at'],
  };
  const byNormal = new Map(headers.map(h => [normalizeHeader(h), h]));
  const mapping: Record<string, string> = {};
  for (const [field, names] of Object.entries(aliases)) {
    for (const name of names) {
      const header = byNormal.get(name);
      if (header !== undefined && !Object.values(mapping).includes(header)) {
        mapping[field] = header;
        break;
      }
    }
  }
  return mapping;
}
