import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotModifiedError } from '@backstage/errors';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Evidence, FactSet } from '@cloud-native-portal/plugin-maturity-common';
import {
  FactCollector,
  FactCollectorContext,
} from '@cloud-native-portal/plugin-maturity-node';
import { promises as fs } from 'node:fs';
import {
  CLOCK_SKEW_TOLERANCE_MS,
  DAY_MS,
  HOUR_MS,
  INCIDENT_FACTS,
  capEvidence,
  median,
  round2,
} from './facts';
import { IncidentIndex, SkippedRow, parseIncidents } from './incidentSource';

const COLLECTOR_ID = 'incidents';
const COLLECTOR_VERSION = 1;

/** Where incidents are read from. */
export interface IncidentSource {
  /** The file path or URL, for reasons and evidence. */
  where: string;
  /** From the name's extension; undefined: JSON when the text starts with `[`, else CSV. */
  format?: 'json' | 'csv';
  /**
   * Reads the source. With `ifChanged`, answers undefined when it is
   * unchanged since the last read.
   */
  read(options: { ifChanged: boolean }): Promise<string | undefined>;
}

function formatOf(where: string): 'json' | 'csv' | undefined {
  const path = where.split(/[?#]/, 1)[0].toLowerCase();
  if (path.endsWith('.csv')) return 'csv';
  if (path.endsWith('.json')) return 'json';
  return undefined;
}

/** An incident export file on the backend's disk (re-read when it changes). */
export function incidentFileSource(path: string): IncidentSource {
  let stamp: string | undefined;
  return {
    where: path,
    format: formatOf(path),
    async read({ ifChanged }) {
      const stat = await fs.stat(path);
      const next = `${stat.mtimeMs}:${stat.size}`;
      if (ifChanged && next === stamp) return undefined;
      const text = await fs.readFile(path, 'utf8');
      stamp = next;
      return text;
    },
  };
}

/** An incident export at a URL, read through the UrlReaderService (with its ETag). */
export function incidentUrlSource(
  reader: UrlReaderService,
  url: string,
): IncidentSource {
  let etag: string | undefined;
  return {
    where: url,
    format: formatOf(url),
    async read({ ifChanged }) {
      try {
        const response = await reader.readUrl(
          url,
          ifChanged && etag ? { etag } : {},
        );
        const text = (await response.buffer()).toString('utf8');
        etag = response.etag;
        return text;
      } catch (e) {
        if (e instanceof NotModifiedError) return undefined;
        throw e;
      }
    },
  };
}

/** Options of {@link createIncidentsFactCollector}. */
export interface IncidentsFactCollectorOptions {
  /** Undefined when no source is configured (every entity is then unknown). */
  source?: IncidentSource;
  /** Why there is no source, naming the config key that connects one. */
  notConfiguredReason?: string;
  windowDays: number;
  /** How long one read serves the cycle before the source is checked again. Default: 60 s. */
  cacheMillis?: number;
  now?: () => number;
  /** Told once per read about the rows that were skipped. */
  onSkippedRows?(rows: SkippedRow[], where: string): void;
}

const iso = (millis: number) => new Date(millis).toISOString();

/**
 * The maturity `incidents` fact collector: time to restore and incident
 * count per service, from an incident export (JSON or CSV) that the
 * backend reads once per cycle.
 */
export function createIncidentsFactCollector(
  options: IncidentsFactCollectorOptions,
): FactCollector {
  const now = options.now ?? Date.now;
  const cacheMillis = options.cacheMillis ?? 60_000;
  let index: IncidentIndex | undefined;
  let checkedAt = -Infinity;
  let pending: Promise<IncidentIndex> | undefined;

  async function refresh(source: IncidentSource): Promise<IncidentIndex> {
    const text = await source.read({ ifChanged: index !== undefined });
    if (text !== undefined) {
      const format =
        source.format ?? (text.trimStart().startsWith('[') ? 'json' : 'csv');
      const next = parseIncidents(text, format);
      if (next.skipped.length) {
        options.onSkippedRows?.(next.skipped, source.where);
      }
      index = next;
    }
    checkedAt = now();
    return index!;
  }

  function incidents(source: IncidentSource): Promise<IncidentIndex> {
    if (index && now() - checkedAt <= cacheMillis)
      return Promise.resolve(index);
    if (!pending) {
      pending = refresh(source).finally(() => {
        pending = undefined;
      });
    }
    return pending;
  }

  return {
    id: COLLECTOR_ID,
    version: COLLECTOR_VERSION,
    facts: INCIDENT_FACTS,
    async collect({ entity }: FactCollectorContext): Promise<FactSet> {
      const collectedAt = now();
      const base = {
        collector: COLLECTOR_ID,
        version: COLLECTOR_VERSION,
        collectedAt: iso(collectedAt),
      };
      const source = options.source;
      if (!source) {
        return {
          ...base,
          status: 'unknown',
          reason:
            options.notConfiguredReason ??
            'no incident source is configured: set maturity.outcomes.incidents.file or maturity.outcomes.incidents.url',
          facts: {},
        };
      }
      let read: IncidentIndex;
      try {
        read = await incidents(source);
      } catch (e) {
        return {
          ...base,
          status: 'unknown',
          reason: `The incident source ${source.where} could not be read: ${
            (e as Error).message
          } (maturity.outcomes.incidents)`,
          facts: {},
        };
      }

      const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
      const name = `name:${entity.metadata.name.toLocaleLowerCase('en-US')}`;
      const all = [
        ...(read.byService.get(ref) ?? []),
        ...(read.byService.get(name) ?? []),
      ];
      const windowStart = collectedAt - options.windowDays * DAY_MS;
      const latest = collectedAt + CLOCK_SKEW_TOLERANCE_MS;
      const inWindow = all
        .filter(i => i.openedMillis >= windowStart && i.openedMillis <= latest)
        .sort((a, b) => b.openedMillis - a.openedMillis);
      const future = all.filter(i => i.openedMillis > latest);

      const skippedHere = read.skipped.filter(
        s => s.service === ref || s.service === name,
      );
      const otherSkipped = read.skipped.length - skippedHere.length;
      const notes: Evidence[] = [
        ...skippedHere.map(s => ({
          note: `skipped ${s.where}${s.id ? ` (${s.id})` : ''} of ${
            source.where
          }: ${s.reason}`,
        })),
        ...future.map(i => ({
          note: `ignored: ${i.id} is opened in the future (${iso(
            i.openedMillis,
          )}, clock skew)`,
        })),
        ...(otherSkipped
          ? [
              {
                note: `${otherSkipped} other row(s) of ${source.where} were skipped as invalid`,
              },
            ]
          : []),
      ];

      const label = (i: (typeof all)[number]) =>
        `${i.id}${i.title ? ` "${i.title}"` : ''}${
          i.severity ? ` (${i.severity})` : ''
        }`;
      const resolved = inWindow.filter(
        i => i.resolvedMillis !== undefined && i.resolvedMillis <= latest,
      );
      const open = inWindow.filter(i => !resolved.includes(i));

      const facts: FactSet['facts'] = { 'incidents.count': inWindow.length };
      const evidence: Record<string, Evidence[]> = {
        'incidents.count': [
          {
            note: `${inWindow.length} incident(s) of ${entity.metadata.name} opened in the last ${options.windowDays} days in ${source.where}`,
          },
          ...capEvidence(
            inWindow.map(i => ({
              note: `${label(i)} opened ${iso(i.openedMillis)}`,
            })),
          ),
          ...notes,
        ],
      };
      const unknown: Record<string, string> = {};
      const openNotes = open.map(i => ({
        note: `open: ${label(i)} opened ${iso(i.openedMillis)}, not resolved`,
      }));
      if (resolved.length) {
        const hours = resolved.map(
          i => (i.resolvedMillis! - i.openedMillis) / HOUR_MS,
        );
        facts['incidents.timeToRestoreHours'] = round2(median(hours));
        evidence['incidents.timeToRestoreHours'] = [
          {
            note: `median of ${resolved.length} resolved incident(s)${
              open.length ? `; ${open.length} open one(s) excluded` : ''
            }`,
          },
          ...capEvidence(
            resolved.map((i, n) => ({
              note: `${label(i)}: ${round2(hours[n])} h to restore`,
            })),
          ),
          ...openNotes,
        ];
      } else if (inWindow.length) {
        unknown[
          'incidents.timeToRestoreHours'
        ] = `none of the ${inWindow.length} incident(s) of ${entity.metadata.name} in the last ${options.windowDays} days is resolved yet`;
        evidence['incidents.timeToRestoreHours'] = openNotes;
      } else {
        unknown[
          'incidents.timeToRestoreHours'
        ] = `no incidents of ${entity.metadata.name} are recorded in ${source.where} for the last ${options.windowDays} days`;
      }
      return {
        ...base,
        status: 'ok',
        facts,
        evidence,
        ...(Object.keys(unknown).length ? { unknown } : {}),
      };
    },
  };
}
