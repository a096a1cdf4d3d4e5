import {
  CSV_COLUMNS,
  CSV_IMPORT_LIMITS,
  CsvImportPreview,
  DATE_FORMAT_MESSAGE,
  ENTITY_REF_PATTERN,
  NUL_MESSAGE,
  RejectedCsvRow,
  TOIL_BOUNDS,
  ToilTaskInput,
  guessCsvMapping,
  hasNul,
  isCalendarDate,
  looksLikeFormula,
  toilTaskInputSchema,
} from '@cloud-native-portal/plugin-toil-common';
import { InputError } from '@backstage/errors';
import Papa from 'papaparse';
import { NewToilTask } from '../database/ToilStore';
import { decodeCsv } from './decodeCsv';

/** Checks the importer needs from the catalog, the store and permissions. */
export interface CsvImportChecks {
  /** Refs of the given ones that exist in the catalog. */
  existingRefs(refs: string[]): Promise<Set<string>>;
  /** Refs of the given ones the caller may add rows to (undefined: all). */
  writableRefs?(refs: string[]): Promise<Set<string>>;
  /** `entityRef \0 lower-case task` keys already in the register. */
  existingKeys(refs: string[]): Promise<Set<string>>;
}

/** A preview plus the rows ready to write. */
export interface CsvImportPlan extends CsvImportPreview {
  newTasks: NewToilTask[];
}

const NUMBER_FIELDS = new Set([
  'frequency',
  'minutesPerOccurrence',
  'people',
  'buildHours',
]);
const ENUM_FIELDS = new Set([
  'category',
  'frequencyUnit',
  'automatable',
  'automationStatus',
]);

function taskKey(entityRef: string, task: string) {
  return `${entityRef}\u0000${task.trim().toLocaleLowerCase('en-US')}`;
}

function parseNumber(cell: string): number | undefined | string {
  const value = cell.trim();
  if (value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : `must be a number (got "${value}")`;
}

/** Validates a mapping given by the person against the file's headers. */
function resolveMapping(
  headers: string[],
  requested: Record<string, string | undefined> | undefined,
): Record<string, string> {
  const known = new Set(CSV_COLUMNS.map(c => c.field as string));
  if (!requested) return guessCsvMapping(headers);
  const mapping: Record<string, string> = {};
  for (const [field, header] of Object.entries(requested)) {
    if (!header) continue;
    if (!known.has(field)) {
      throw new InputError(`mapping: unknown register field "${field}"`);
    }
    if (!headers.includes(header)) {
      throw new InputError(
        `mapping.${field}: the file has no column "${header}"`,
      );
    }
    mapping[field] = header;
  }
  return mapping;
}

/** A row of the file, read and checked on its own. */
export interface CsvRowVerdict {
  /** Why the row cannot be imported; empty when it can. */
  reasons: string[];
  /** The task, when every register field is valid. */
  input?: ToilTaskInput;
  recordedBy?: string;
  recordedAt?: string;
  /** Notes for the person that do not stop the row (formula-like cells). */
  warnings: string[];
}

type Candidate = Omit<CsvRowVerdict, 'warnings'> & {
  line: number;
  raw: Record<string, string>;
};

/** `field` or `field (column "header")` when the file names it differently. */
function fieldLabel(field: string, header: string | undefined) {
  return header === undefined || header === field
    ? field
    : `${field} (column "${header}")`;
}

/** A date cell: `YYYY-MM-DD` that exists in the calendar, or an ISO date-time. */
function parseRecordedAt(cell: string): number | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(cell)) {
    return isCalendarDate(cell) ? Date.parse(`${cell}T00:00:00Z`) : undefined;
  }
  const dateTime =
    /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(
      cell,
    );
  if (!dateTime || !isCalendarDate(dateTime[1])) return undefined;
  const time = Date.parse(cell);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Checks one row of the file against everything the register and its
 * database hold a task to: the task schema, NUL characters (which
 * PostgreSQL cannot store), the recorded-by ref and the recorded date. Preview
 * and apply both read a file through {@link planCsvImport}, which checks every
 * row here, so a row the preview accepts is a row apply can write.
 */
export function validateCsvRow(
  raw: Record<string, string>,
  mapping: Record<string, string>,
  line: number,
): CsvRowVerdict {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const draft: Record<string, unknown> = {};
  // Fields already reported once with their value; zod need not repeat them.
  const reported = new Set<string>();
  for (const [field, header] of Object.entries(mapping)) {
    const cell = (raw[header] ?? '').toString();
    if (hasNul(cell)) {
      reasons.push(`${fieldLabel(field, header)} ${NUL_MESSAGE}`);
      reported.add(field);
      continue;
    }
    if (field === 'recordedBy' || field === 'recordedAt') continue;
    if (NUMBER_FIELDS.has(field)) {
      const n = parseNumber(cell);
      if (typeof n === 'string') {
        reasons.push(`${fieldLabel(field, header)} ${n}`);
        reported.add(field);
      } else if (n !== undefined) draft[field] = n;
    } else if (ENUM_FIELDS.has(field)) {
      const value = cell.trim().toLocaleLowerCase('en-US').replace(/_/g, ' ');
      if (value !== '') draft[field] = value;
    } else if (cell.trim() !== '') {
      draft[field] = cell.trim();
      if (looksLikeFormula(cell)) {
        warnings.push(
          `Line ${line}: ${field} starts with "${cell
            .charAt(0)
            .replace(/\t/, '\\t')
            .replace(
              /\r/,
              '\\r',
            )}", which a spreadsheet would run as a formula. It is stored as text and escaped on export.`,
        );
      }
    }
  }
  draft.automationStatus ??= 'none';
  const result = toilTaskInputSchema.safeParse(draft);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (reported.has(field)) continue;
      reasons.push(
        `${fieldLabel(issue.path.join('.') || 'row', mapping[field])} ${
          issue.message
        }`,
      );
    }
  }

  let recordedBy: string | undefined;
  let recordedAt: string | undefined;
  const by = mapping.recordedBy ? raw[mapping.recordedBy]?.trim() : '';
  if (by && !reported.has('recordedBy')) {
    if (by.length > TOIL_BOUNDS.maxEntityRefLength) {
      reasons.push(
        `${fieldLabel('recordedBy', mapping.recordedBy)} must be at most ${
          TOIL_BOUNDS.maxEntityRefLength
        } characters (got ${by.length})`,
      );
    } else if (ENTITY_REF_PATTERN.test(by)) {
      recordedBy = by.toLocaleLowerCase('en-US');
    } else {
      reasons.push(
        `${fieldLabel(
          'recordedBy',
          mapping.recordedBy,
        )} must be an entity ref such as user:default/jane (got "${by}")`,
      );
    }
  }
  const at = mapping.recordedAt ? raw[mapping.recordedAt]?.trim() : '';
  if (at && !reported.has('recordedAt')) {
    const time = parseRecordedAt(at);
    const label = fieldLabel('recordedAt', mapping.recordedAt);
    if (time === undefined) {
      reasons.push(`${label} ${DATE_FORMAT_MESSAGE} (got "${at}")`);
    } else if (time > Date.now() + 24 * 3600 * 1000) {
      reasons.push(`${label} must not be in the future (got "${at}")`);
    } else recordedAt = new Date(time).toISOString();
  }
  return {
    reasons,
    warnings,
    input: result.success ? result.data : undefined,
    recordedBy,
    recordedAt,
  };
}

/**
 * Parses, maps and validates an uploaded register CSV without writing
 * anything: every row is accepted or rejected with its reasons.
 */
export async function planCsvImport(
  bytes: Buffer,
  requestedMapping: Record<string, string | undefined> | undefined,
  checks: CsvImportChecks,
): Promise<CsvImportPlan> {
  if (bytes.length === 0) throw new InputError('file: the file is empty');
  if (bytes.length > CSV_IMPORT_LIMITS.maxBytes) {
    throw new InputError(
      `file: the file is ${bytes.length} bytes; the limit is ${CSV_IMPORT_LIMITS.maxBytes} bytes (5 MB). Split it and import the parts.`,
    );
  }
  const { text, warnings } = decodeCsv(bytes);
  const parsed = Papa.parse<Record<string, string>>(text, {
    header: true,
    skipEmptyLines: 'greedy',
    // One past the limit tells us the file is too long without parsing it all.
    preview: CSV_IMPORT_LIMITS.maxRows + 1,
    transformHeader: h => h.trim(),
  });
  const headers = (parsed.meta.fields ?? []).filter(h => h !== '');
  if (headers.length === 0) {
    throw new InputError('file: the first line holds no column headers');
  }
  if (parsed.data.length > CSV_IMPORT_LIMITS.maxRows) {
    throw new InputError(
      `file: the file has more than ${CSV_IMPORT_LIMITS.maxRows} rows; the limit is ${CSV_IMPORT_LIMITS.maxRows} rows per import. Split it and import the parts.`,
    );
  }
  const mapping = resolveMapping(headers, requestedMapping);
  const mapped = new Set(Object.values(mapping));
  const ignoredColumns = headers.filter(h => !mapped.has(h));
  const missingFields = CSV_COLUMNS.filter(
    c => c.required && !mapping[c.field],
  ).map(c => c.field as string);
  if (ignoredColumns.length) {
    warnings.push(
      `Columns not imported (no register field): ${ignoredColumns.join(', ')}.`,
    );
  }
  const rowErrors = new Map<number, string[]>();
  for (const error of parsed.errors) {
    if (error.row === undefined) continue;
    // Papa reports a short or long row; the values still line up by header.
    if (error.code === 'TooFewFields' || error.code === 'TooManyFields') {
      continue;
    }
    rowErrors.set(error.row, [
      ...(rowErrors.get(error.row) ?? []),
      error.message,
    ]);
  }

  const candidates: Candidate[] = parsed.data.map((raw, index) => {
    // Line numbers count the header as line 1; quoted newlines are rare in registers.
    const line = index + 2;
    const cleanRaw: Record<string, string> = {};
    for (const h of headers) cleanRaw[h] = (raw[h] ?? '').toString();
    if (missingFields.length) {
      return {
        line,
        raw: cleanRaw,
        reasons: [
          ...(rowErrors.get(index) ?? []),
          `no column is mapped to ${missingFields.join(', ')}`,
        ],
      };
    }
    const verdict = validateCsvRow(cleanRaw, mapping, line);
    warnings.push(...verdict.warnings);
    return {
      ...verdict,
      line,
      raw: cleanRaw,
      reasons: [...(rowErrors.get(index) ?? []), ...verdict.reasons],
    };
  });

  const refs = [
    ...new Set(
      candidates.flatMap(c =>
        c.input && !c.reasons.length ? [c.input.entityRef] : [],
      ),
    ),
  ];
  const [existing, writable, keys] = await Promise.all([
    checks.existingRefs(refs),
    checks.writableRefs?.(refs),
    checks.existingKeys(refs),
  ]);
  const seen = new Map<string, number>();
  for (const c of candidates) {
    if (!c.input || c.reasons.length) continue;
    const ref = c.input.entityRef;
    if (!existing.has(ref)) {
      c.reasons.push(`entityRef ${ref} is not in the catalog`);
      continue;
    }
    if (writable && !writable.has(ref)) {
      c.reasons.push(
        `you may not edit the register of ${ref}: only members of its owning group, or admins, can`,
      );
      continue;
    }
    const key = taskKey(ref, c.input.task);
    if (keys.has(key)) {
      c.reasons.push(
        `task "${c.input.task}" is already in the register of ${ref}`,
      );
    } else if (seen.has(key)) {
      c.reasons.push(`task "${c.input.task}" repeats line ${seen.get(key)}`);
    } else {
      seen.set(key, c.line);
    }
  }

  const accepted = candidates.filter(c => c.input && !c.reasons.length);
  const rejected: RejectedCsvRow[] = candidates
    .filter(c => c.reasons.length || !c.input)
    .map(c => ({ line: c.line, reasons: c.reasons, raw: c.raw }));
  return {
    headers,
    mapping,
    ignoredColumns,
    missingFields,
    accepted: accepted.map(c => ({ line: c.line, task: c.input! })),
    rejected,
    warnings,
    newTasks: accepted.map(c => ({
      input: c.input!,
      recordedBy: c.recordedBy,
      recordedAt: c.recordedAt,
    })),
  };
}

/** Key used to find duplicates of an existing task. */
export { taskKey as toilTaskKey };
