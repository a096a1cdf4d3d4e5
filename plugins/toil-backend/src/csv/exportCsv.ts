import { CSV_COLUMNS, ToilTask } from '@cloud-native-portal/plugin-toil-common';
import Papa from 'papaparse';

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
    { escapeFormulae: true, newline: '\n' },
  );
}
