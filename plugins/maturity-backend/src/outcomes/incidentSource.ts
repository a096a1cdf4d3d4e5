import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import Papa from 'papaparse';
import { z } from 'zod';

/** One incident of the source, validated. */
export interface Incident {
  id: string;
  /** Normalized service key (see {@link serviceKey}). */
  service: string;
  title?: string;
  severity?: string;
  openedMillis: number;
  /** Undefined while the incident is open. */
  resolvedMillis?: number;
  /**
   * Set when the source says the incident is resolved but not when: it is
   * then left out of time to restore, with this reason.
   */
  noResolutionTime?: string;
}

/** A row of the source that was skipped, and why. */
export interface SkippedRow {
  /** `line 4` (CSV, counting the header) or `item 3` (JSON). */
  where: string;
  id?: string;
  /** Normalized service key, when the row named a valid one. */
  service?: string;
  reason: string;
}

/** The parsed incident source. */
export interface IncidentIndex {
  byService: Map<string, Incident[]>;
  skipped: SkippedRow[];
  total: number;
}

const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform(v => {
    const text = v === null || v === undefined ? '' : String(v).trim();
    return text === '' ? undefined : text;
  });

const rowSchema = z.object({
  id: z
    .union([z.string(), z.number()])
    .transform(v => String(v).trim())
    .pipe(z.string().min(1, 'id is required')),
  service: z.string().trim().min(1, 'service is required'),
  openedAt: z.string().trim().min(1, 'openedAt is required'),
  resolvedAt: optionalText,
  severity: optionalText,
  title: optionalText,
});

/**
 * The key incidents are matched by: an entity ref (`component:default/x`,
 * `default/x`, `component:x`) becomes the full ref; a bare name stays a name.
 */
export function serviceKey(service: string): string {
  const text = service.trim();
  if (text.includes(':') || text.includes('/')) {
    return stringifyEntityRef(
      parseEntityRef(text, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  }
  return `name:${text.toLocaleLowerCase('en-US')}`;
}

/** Parses an ISO 8601 date strictly (2026-02-30 is rejected); UTC when no offset is given. */
export function parseIsoDate(text: string): number | string {
  const date = DateTime.fromISO(text, { zone: 'utc', setZone: true });
  if (!date.isValid) {
    return `"${text}" is not a valid ISO 8601 date${
      date.invalidExplanation ? ` (${date.invalidExplanation})` : ''
    }`;
  }
  return date.toMillis();
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue.path.join('.');
  if (issue.code === 'invalid_type' && field) {
    return `${field}: ${issue.message}`;
  }
  return field && !issue.message.startsWith(field)
    ? `${field}: ${issue.message}`
    : issue.message;
}

/**
 * Parses an incident export: a JSON array of objects, or CSV with a header
 * row (`id,service,openedAt,resolvedAt,severity,title`). Each bad row is
 * skipped with its reason; the rest are kept.
 */
export function parseIncidents(
  text: string,
  format: 'json' | 'csv',
): IncidentIndex {
  let rows: Array<{ where: string; value: unknown }>;
  const skipped: SkippedRow[] = [];
  if (format === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new Error(`it is not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(data)) {
      throw new Error('it is not a JSON array of incidents');
    }
    rows = data.map((value, i) => ({ where: `item ${i + 1}`, value }));
  } else {
    const parsed = Papa.parse<Record<string, string>>(text, {
      header: true,
      skipEmptyLines: 'greedy',
      transformHeader: h => h.trim(),
    });
    const fields = parsed.meta.fields ?? [];
    for (const required of ['id', 'service', 'openedAt']) {
      if (!fields.includes(required)) {
        throw new Error(
          `its CSV header has no "${required}" column (found: ${fields.join(
            ', ',
          )})`,
        );
      }
    }
    const badRows = new Map<number, string>();
    for (const error of parsed.errors) {
      if (error.type === 'Quotes' && error.row !== undefined) {
        badRows.set(error.row, error.message);
      }
    }
    rows = [];
    parsed.data.forEach((value, i) => {
      const bad = badRows.get(i);
      if (bad) {
        skipped.push({ where: `row ${i + 1}`, reason: bad });
      } else {
        rows.push({ where: `row ${i + 1}`, value });
      }
    });
  }

  const total = rows.length + skipped.length;
  const byService = new Map<string, Incident[]>();
  for (const { where, value } of rows) {
    const id =
      value && typeof value === 'object' && 'id' in value
        ? String((value as { id: unknown }).id ?? '') || undefined
        : undefined;
    const result = rowSchema.safeParse(value);
    if (!result.success) {
      skipped.push({ where, id, reason: issueText(result.error) });
      continue;
    }
    const row = result.data;
    let service: string;
    try {
      service = serviceKey(row.service);
    } catch (e) {
      skipped.push({
        where,
        id: row.id,
        reason: `service "${row.service}" is not an entity name or ref: ${
          (e as Error).message
        }`,
      });
      continue;
    }
    const opened = parseIsoDate(row.openedAt);
    if (typeof opened === 'string') {
      skipped.push({
        where,
        id: row.id,
        service,
        reason: `openedAt ${opened}`,
      });
      continue;
    }
    let resolved: number | undefined;
    if (row.resolvedAt !== undefined) {
      const parsed = parseIsoDate(row.resolvedAt);
      if (typeof parsed === 'string') {
        skipped.push({
          where,
          id: row.id,
          service,
          reason: `resolvedAt ${parsed}`,
        });
        continue;
      }
      if (parsed < opened) {
        skipped.push({
          where,
          id: row.id,
          service,
          reason: `resolvedAt ${row.resolvedAt} is before openedAt ${row.openedAt}`,
        });
        continue;
      }
      resolved = parsed;
    }
    const incident: Incident = {
      id: row.id,
      service,
      title: row.title,
      severity: row.severity,
      openedMillis: opened,
      resolvedMillis: resolved,
    };
    const list = byService.get(service) ?? [];
    list.push(incident);
    byService.set(service, list);
  }
  return { byService, skipped, total };
}
