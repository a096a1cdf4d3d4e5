import pRetry, { AbortError } from 'p-retry';
import { z } from 'zod';
import { Incident, SkippedRow, parseIsoDate } from './incidentSource';
import { DAY_MS } from './facts';

/** The catalog annotation naming an entity's PagerDuty service. */
export const PAGERDUTY_SERVICE_ANNOTATION = 'pagerduty.com/service-id';
/** PagerDuty's REST API, used when no baseUrl is configured. */
export const DEFAULT_PAGERDUTY_BASE_URL = 'https://api.pagerduty.com';

// PagerDuty answers at most 100 incidents a page, pages with offsets up to
// 10,000, and a since/until range of at most six months.
const PAGE_SIZE = 100;
const MAX_OFFSET = 10_000;
const MAX_RANGE_MS = 180 * DAY_MS;

/** The incidents PagerDuty holds for one service over a time range. */
export interface PagerDutyIncidents {
  incidents: Incident[];
  /** Incidents that could not be used, with the reason. */
  skipped: SkippedRow[];
  /** What the reader could not read, e.g. incidents past PagerDuty's offset limit. */
  notes: string[];
}

/** Reads incidents from PagerDuty's REST API (`GET /incidents`). */
export interface PagerDutyIncidentSource {
  /** Where the incidents of a service come from, for reasons and evidence. */
  where(serviceId: string): string;
  /** Every incident of the service created in [sinceMillis, untilMillis). */
  incidentsOf(
    serviceId: string,
    range: { sinceMillis: number; untilMillis: number },
  ): Promise<PagerDutyIncidents>;
}

/** Options of {@link createPagerDutyIncidentSource}. */
export interface PagerDutyIncidentSourceOptions {
  /** A REST API key; sent as `Authorization: Token token=...` and never logged. */
  token: string;
  /** Default: https://api.pagerduty.com. */
  baseUrl?: string;
  /** Retries of a request after a 429, a 5xx answer or a network error. Default: 3. */
  retries?: number;
  /** The first back-off for 5xx and network errors (doubling). Default: 1 s. */
  minTimeoutMillis?: number;
  /** The longest Retry-After that is waited for; a longer one gives up. Default: 60 s. */
  maxRetryAfterMillis?: number;
  /** How long one request may take. Default: 30 s. */
  requestTimeoutMillis?: number;
  /** Waits the Retry-After of a 429 (a parameter for tests). */
  sleep?: (millis: number) => Promise<void>;
  fetch?: typeof fetch;
}

/** A 429 answer: retried after its Retry-After. */
class RateLimitedError extends Error {
  constructor(readonly waitMillis: number | undefined) {
    super(
      `PagerDuty answered 429 Too Many Requests${
        waitMillis !== undefined ? ` (Retry-After ${waitMillis / 1000} s)` : ''
      }`,
    );
  }
}

// The fields of PagerDuty's incident object that time to restore needs.
const incidentSchema = z.object({
  id: z.string().min(1),
  incident_number: z.number().int().nullish(),
  title: z.string().nullish(),
  summary: z.string().nullish(),
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  urgency: z.string().nullish(),
  priority: z.object({ summary: z.string().nullish() }).nullish(),
  created_at: z.string().min(1),
  resolved_at: z.string().nullish(),
  last_status_change_at: z.string().nullish(),
});

const pageSchema = z.object({
  incidents: z.array(z.unknown()),
  more: z.boolean().nullish(),
});

/** Reads Retry-After: seconds, or an HTTP date. */
export function retryAfterMillis(
  header: string | null,
  now: number = Date.now(),
): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function errorText(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}

/** Turns one PagerDuty incident into an {@link Incident}, or says why it cannot be used. */
function toIncident(
  value: unknown,
  where: string,
  serviceId: string,
): Incident | SkippedRow {
  const result = incidentSchema.safeParse(value);
  const rawId =
    value && typeof value === 'object' && 'id' in value
      ? String((value as { id: unknown }).id)
      : undefined;
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      where,
      id: rawId,
      service: serviceId,
      reason: `${issue.path.join('.') || 'incident'}: ${issue.message}`,
    };
  }
  const pd = result.data;
  const id = pd.incident_number ? `#${pd.incident_number}` : pd.id;
  const opened = parseIsoDate(pd.created_at);
  if (typeof opened === 'string') {
    return { where, id, service: serviceId, reason: `created_at ${opened}` };
  }
  const incident: Incident = {
    id,
    service: serviceId,
    title: pd.title ?? pd.summary ?? undefined,
    severity:
      pd.priority?.summary ??
      (pd.urgency ? `${pd.urgency} urgency` : undefined),
    openedMillis: opened,
  };
  if (pd.status !== 'resolved') return incident;
  // resolved_at is the resolution; older answers only have the time of the
  // last status change, which for a resolved incident is its resolution.
  const resolvedText = pd.resolved_at ?? pd.last_status_change_at;
  if (!resolvedText) {
    incident.noResolutionTime =
      'resolved, but PagerDuty gives no resolved_at or last_status_change_at';
    return incident;
  }
  const resolved = parseIsoDate(resolvedText);
  if (typeof resolved === 'string') {
    return { where, id, service: serviceId, reason: `resolved_at ${resolved}` };
  }
  if (resolved < opened) {
    return {
      where,
      id,
      service: serviceId,
      reason: `resolved at ${resolvedText}, before it was created (${pd.created_at})`,
    };
  }
  incident.resolvedMillis = resolved;
  return incident;
}

/**
 * PagerDuty as an incident source: the incidents of the service named by an
 * entity's `pagerduty.com/service-id`, paged with offset/limit/more. A 429 is
 * retried after its Retry-After, a 5xx or network error with back-off.
 */
export function createPagerDutyIncidentSource(
  options: PagerDutyIncidentSourceOptions,
): PagerDutyIncidentSource {
  const baseUrl = (options.baseUrl ?? DEFAULT_PAGERDUTY_BASE_URL).replace(
    /\/+$/,
    '',
  );
  const doFetch = options.fetch ?? fetch;
  const sleep =
    options.sleep ??
    ((millis: number) => new Promise<void>(r => setTimeout(r, millis)));
  const maxRetryAfter = options.maxRetryAfterMillis ?? 60_000;
  const timeout = options.requestTimeoutMillis ?? 30_000;

  async function getPage(url: URL): Promise<z.infer<typeof pageSchema>> {
    return pRetry(
      async () => {
        let response: Response;
        try {
          response = await doFetch(url, {
            headers: {
              Accept: 'application/vnd.pagerduty+json;version=2',
              Authorization: `Token token=${options.token}`,
            },
            signal: AbortSignal.timeout(timeout),
          });
        } catch (e) {
          // fetch fails with a TypeError, which p-retry would not retry.
          throw new Error(
            `PagerDuty at ${baseUrl} is unreachable: ${errorText(e)}`,
          );
        }
        if (response.status === 429) {
          throw new RateLimitedError(
            retryAfterMillis(response.headers.get('retry-after')),
          );
        }
        if (!response.ok) {
          let detail = '';
          try {
            const body = (await response.json()) as {
              error?: { message?: string; errors?: string[] };
            };
            detail = [body.error?.message, ...(body.error?.errors ?? [])]
              .filter(Boolean)
              .join('; ');
          } catch {
            // Not JSON: the status says enough.
          }
          const message = `PagerDuty answered ${response.status} ${
            response.statusText
          }${detail ? `: ${detail}` : ''}${
            response.status === 401 || response.status === 403
              ? ' (check maturity.outcomes.pagerduty.token)'
              : ''
          }`;
          if (response.status >= 500) throw new Error(message);
          throw new AbortError(message);
        }
        let body: unknown;
        try {
          body = await response.json();
        } catch (e) {
          throw new AbortError(
            `PagerDuty's answer is not JSON: ${(e as Error).message}`,
          );
        }
        const page = pageSchema.safeParse(body);
        if (!page.success) {
          throw new AbortError(
            'PagerDuty\'s answer has no "incidents" list: is maturity.outcomes.pagerduty.baseUrl the REST API?',
          );
        }
        return page.data;
      },
      {
        retries: options.retries ?? 3,
        minTimeout: options.minTimeoutMillis ?? 1000,
        async onFailedAttempt(error) {
          if (!(error instanceof RateLimitedError) || error.retriesLeft === 0) {
            return;
          }
          const wait = error.waitMillis ?? 0;
          if (wait > maxRetryAfter) {
            throw new Error(
              `${error.message}, longer than the ${
                maxRetryAfter / 1000
              } s this reader waits`,
            );
          }
          await sleep(wait);
        },
      },
    );
  }

  return {
    where: serviceId => `PagerDuty service ${serviceId}`,
    async incidentsOf(serviceId, { sinceMillis, untilMillis }) {
      const byId = new Map<string, Incident>();
      const skipped: SkippedRow[] = [];
      const notes: string[] = [];
      // PagerDuty answers ranges of at most six months: read longer windows
      // range by range.
      for (let from = sinceMillis; from < untilMillis; from += MAX_RANGE_MS) {
        const to = Math.min(untilMillis, from + MAX_RANGE_MS);
        let offset = 0;
        for (;;) {
          const url = new URL(`${baseUrl}/incidents`);
          url.searchParams.append('service_ids[]', serviceId);
          url.searchParams.set('since', new Date(from).toISOString());
          url.searchParams.set('until', new Date(to).toISOString());
          for (const status of ['triggered', 'acknowledged', 'resolved']) {
            url.searchParams.append('statuses[]', status);
          }
          url.searchParams.set('time_zone', 'UTC');
          url.searchParams.set('sort_by', 'created_at:asc');
          url.searchParams.set('limit', String(PAGE_SIZE));
          url.searchParams.set('offset', String(offset));
          const page = await getPage(url);
          for (const [i, value] of page.incidents.entries()) {
            const item = toIncident(
              value,
              `incident ${offset + i + 1} of ${serviceId}`,
              serviceId,
            );
            if ('openedMillis' in item) byId.set(item.id, item);
            else skipped.push(item);
          }
          offset += page.incidents.length;
          if (!page.more || page.incidents.length === 0) break;
          if (offset >= MAX_OFFSET) {
            notes.push(
              `PagerDuty pages at most ${MAX_OFFSET} incidents per range; later incidents of ${serviceId} from ${new Date(
                from,
              ).toISOString()} to ${new Date(to).toISOString()} were not read`,
            );
            break;
          }
        }
      }
      return { incidents: [...byId.values()], skipped, notes };
    },
  };
}
