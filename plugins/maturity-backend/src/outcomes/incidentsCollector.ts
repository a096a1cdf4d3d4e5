import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotModifiedError } from '@backstage/errors';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Evidence, FactSet } from '@cloud-native-portal/plugin-maturity-common';
import {
  FactCollector,
  FactCollectorContext,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  CLOCK_SKEW_TOLERANCE_MS,
  DAY_MS,
  HOUR_MS,
  INCIDENT_FACTS,
  capEvidence,
  changedFileReader,
  median,
  round2,
} from './facts';
import {
  Incident,
  IncidentIndex,
  SkippedRow,
  parseIncidents,
} from './incidentSource';
import {
  PAGERDUTY_SERVICE_ANNOTATION,
  PagerDutyIncidentSource,
} from './pagerdutySource';

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
  return {
    where: path,
    format: formatOf(path),
    read: changedFileReader(path),
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
  /** The incident export; undefined when none is configured. */
  source?: IncidentSource;
  /**
   * PagerDuty, when configured: read for every entity with the
   * `pagerduty.com/service-id` annotation instead of the export.
   */
  pagerduty?: PagerDutyIncidentSource;
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

/** The export's incidents of an entity: by full ref, or by its name. */
function fromExport(
  index: IncidentIndex,
  where: string,
  entity: FactCollectorContext['entity'],
): EntityIncidents {
  const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const name = `name:${entity.metadata.name.toLocaleLowerCase('en-US')}`;
  const skippedHere = index.skipped.filter(
    s => s.service === ref || s.service === name,
  );
  const otherSkipped = index.skipped.length - skippedHere.length;
  return {
    where,
    all: [
      ...(index.byService.get(ref) ?? []),
      ...(index.byService.get(name) ?? []),
    ],
    notes: [
      ...skippedHere.map(s => ({
        note: `skipped ${s.where}${s.id ? ` (${s.id})` : ''} of ${where}: ${
          s.reason
        }`,
      })),
      ...(otherSkipped
        ? [
            {
              note: `${otherSkipped} other row(s) of ${where} were skipped as invalid`,
            },
          ]
        : []),
    ],
  };
}

/** The incidents of one entity, from whichever source serves it. */
interface EntityIncidents {
  where: string;
  all: Incident[];
  /** Rows or incidents of this entity that were skipped, and other notes. */
  notes: Evidence[];
}

/**
 * The maturity `incidents` fact collector: time to restore and incident
 * count per service. An entity with the `pagerduty.com/service-id`
 * annotation is read from PagerDuty when it is configured; the others are
 * matched by name or ref in an incident export (JSON or CSV) that the
 * backend reads once per cycle. The arithmetic is the same for both.
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
    // Of the entity: its ref and annotations.
    readsRefAndAnnotationsOnly: true,
    async collect({ entity }: FactCollectorContext): Promise<FactSet> {
      const collectedAt = now();
      const base = {
        collector: COLLECTOR_ID,
        version: COLLECTOR_VERSION,
        collectedAt: iso(collectedAt),
      };
      const windowStart = collectedAt - options.windowDays * DAY_MS;
      const latest = collectedAt + CLOCK_SKEW_TOLERANCE_MS;
      const serviceId =
        entity.metadata.annotations?.[PAGERDUTY_SERVICE_ANNOTATION]?.trim();
      const source = options.source;
      let read: EntityIncidents;
      if (serviceId && options.pagerduty) {
        const pagerduty = options.pagerduty;
        try {
          const answer = await pagerduty.incidentsOf(serviceId, {
            sinceMillis: windowStart,
            untilMillis: latest,
          });
          read = {
            where: pagerduty.where(serviceId),
            all: answer.incidents,
            notes: [
              ...answer.skipped.map(s => ({
                note: `skipped ${s.id ?? s.where} of ${pagerduty.where(
                  serviceId,
                )}: ${s.reason}`,
              })),
              ...answer.notes.map(note => ({ note })),
            ],
          };
        } catch (e) {
          return {
            ...base,
            status: 'unknown',
            reason: `${pagerduty.where(
              serviceId,
            )} (annotation ${PAGERDUTY_SERVICE_ANNOTATION}) could not be read: ${
              (e as Error).message
            } (maturity.outcomes.pagerduty)`,
            facts: {},
          };
        }
      } else if (source) {
        let exported: IncidentIndex;
        try {
          exported = await incidents(source);
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
        read = fromExport(exported, source.where, entity);
      } else {
        return {
          ...base,
          status: 'unknown',
          reason: serviceId
            ? `${entity.metadata.name} has the annotation ${PAGERDUTY_SERVICE_ANNOTATION}: ${serviceId}, but PagerDuty is not configured: set maturity.outcomes.pagerduty.token (or point maturity.outcomes.incidents.file or .url at an incident export)`
            : options.notConfiguredReason ??
              'no incident source is configured: set maturity.outcomes.incidents.file or maturity.outcomes.incidents.url',
          facts: {},
        };
      }
      const { all, where } = read;

      const inWindow = all
        .filter(i => i.openedMillis >= windowStart && i.openedMillis <= latest)
        .sort((a, b) => b.openedMillis - a.openedMillis);
      const future = all.filter(i => i.openedMillis > latest);

      const notes: Evidence[] = [
        ...read.notes,
        ...future.map(i => ({
          note: `ignored: ${i.id} is opened in the future (${iso(
            i.openedMillis,
          )}, clock skew)`,
        })),
      ];

      const label = (i: (typeof all)[number]) =>
        `${i.id}${i.title ? ` "${i.title}"` : ''}${
          i.severity ? ` (${i.severity})` : ''
        }`;
      const resolved = inWindow.filter(
        i => i.resolvedMillis !== undefined && i.resolvedMillis <= latest,
      );
      const noTime = inWindow.filter(i => i.noResolutionTime !== undefined);
      const open = inWindow.filter(
        i => !resolved.includes(i) && !noTime.includes(i),
      );

      const facts: FactSet['facts'] = { 'incidents.count': inWindow.length };
      const evidence: Record<string, Evidence[]> = {
        'incidents.count': [
          {
            note: `${inWindow.length} incident(s) of ${entity.metadata.name} opened in the last ${options.windowDays} days in ${where}`,
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
      const openNotes = [
        ...open.map(i => ({
          note: `open: ${label(i)} opened ${iso(i.openedMillis)}, not resolved`,
        })),
        ...noTime.map(i => ({
          note: `not counted: ${label(i)} opened ${iso(i.openedMillis)} is ${
            i.noResolutionTime
          }`,
        })),
      ];
      const excluded = [
        open.length ? `${open.length} open one(s)` : '',
        noTime.length ? `${noTime.length} without a resolution time` : '',
      ].filter(Boolean);
      if (resolved.length) {
        const hours = resolved.map(
          i => (i.resolvedMillis! - i.openedMillis) / HOUR_MS,
        );
        facts['incidents.timeToRestoreHours'] = round2(median(hours));
        evidence['incidents.timeToRestoreHours'] = [
          {
            note: `median of ${resolved.length} resolved incident(s)${
              excluded.length ? `; ${excluded.join(' and ')} excluded` : ''
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
        unknown['incidents.timeToRestoreHours'] = `none of the ${
          inWindow.length
        } incident(s) of ${entity.metadata.name} in the last ${
          options.windowDays
        } days has a resolution time (${excluded.join(', ')})`;
        evidence['incidents.timeToRestoreHours'] = openNotes;
      } else {
        unknown[
          'incidents.timeToRestoreHours'
        ] = `no incidents of ${entity.metadata.name} are recorded in ${where} for the last ${options.windowDays} days`;
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
