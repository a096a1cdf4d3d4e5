import { CSV_COLUMNS, ToilTask } from '@cloud-native-portal/plugin-toil-common';
import Papa from 'papaparse';

/**
 * Cells a spreadsheet would run as a formula. papaparse's own `true` setting
 * uses `/^[=+\-@\t\r].*$/`, which misses a formula followed by a line break
 * (`.` stops at `\n`), so the option gets this pattern instead.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Writes tasks in the import format. Cells that a spreadsheet would run as a
 * formula (=, +, -, @, tab, CR first) are prefixed with a quote by papaparse.
 */
export function exportCsv(tasks: ToilTask[]): string {
  const rows = tasks.map(task =>
    CSV_COLUMNS.map(({ field }) => {
      const value = (task as unknown as Record<string, unknown>)[field];
      if (value === null || value === undefined) return '';
      if (field === 'recordedAt') return String(value).slice(0, 10);
      return String(value);
    }),
  );
  return Papa.unparse(
    { fields: CSV_COLUMNS.map(c => c.header), data: rows },
    { escapeFormulae: FORMULA_START, newline: '\n' },
  );
}
