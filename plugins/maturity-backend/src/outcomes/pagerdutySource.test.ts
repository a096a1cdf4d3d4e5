import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { readOutcomesConfig } from './config';
import {
  createIncidentsFactCollector,
  incidentFileSource,
} from './incidentsCollector';
import {
  PagerDutyIncidentSourceOptions,
  createPagerDutyIncidentSource,
  retryAfterMillis,
} from './pagerdutySource';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const BASE = 'https://pagerduty.test';
const TOKEN = 'pd-test-token-123';

function component(name: string, serviceId?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      ...(serviceId
        ? { annotations: { 'pagerduty.com/service-id': serviceId } }
        : {}),
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

/** An incident object as PagerDuty's GET /incidents returns it (trimmed). */
function pdIncident(
  n: number,
  createdAt: string,
  resolution: {
    status?: 'triggered' | 'acknowledged' | 'resolved';
    resolved_at?: string | null;
    last_status_change_at?: string;
  } = {},
) {
  const status = resolution.status ?? 'resolved';
  return {
    id: `Q${1000 + n}ABCDEF`,
    type: 'incident',
    summary: `[#${n}] Checkout errors`,
    self: `${BASE}/incidents/Q${1000 + n}ABCDEF`,
    html_url: `https://brightpath.pagerduty.com/incidents/Q${1000 + n}ABCDEF`,
    incident_number: n,
    title: 'Checkout errors',
    created_at: createdAt,
    updated_at: createdAt,
    status,
    incident_key: `key-${n}`,
    service: {
      id: 'PSVC001',
      type: 'service_reference',
      summary: 'Payments',
    },
    assignments: [],
    last_status_change_at:
      resolution.last_status_change_at ??
      (status === 'resolved' ? undefined : createdAt),
    resolved_at: status === 'resolved' ? resolution.resolved_at : null,
    urgency: 'high',
    priority: null,
  };
}

/** PagerDuty's list answer for one offset/limit page of `all`. */
function page(all: unknown[], url: URL) {
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const limit = Number(url.searchParams.get('limit') ?? 25);
  const incidents = all.slice(offset, offset + limit);
  return {
    incidents,
    limit,
    offset,
    total: null,
    more: offset + incidents.length < all.length,
  };
}

const hours = (from: string, h: number) =>
  new Date(Date.parse(from) + h * 3_600_000).toISOString();

const notes = (set: FactSet, fact: string) =>
  (set.evidence?.[fact] ?? []).map(e => e.note).join('\n');

describe('incidents from PagerDuty', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const sleep = jest.fn(async (_millis: number) => {});
  beforeEach(() => sleep.mockClear());

  function collector(
    extra: Partial<PagerDutyIncidentSourceOptions> = {},
    windowDays = 90,
  ) {
    return createIncidentsFactCollector({
      pagerduty: createPagerDutyIncidentSource({
        token: TOKEN,
        baseUrl: BASE,
        minTimeoutMillis: 0,
        sleep,
        ...extra,
      }),
      windowDays,
      now: () => NOW,
    });
  }

  it('pages with offset and limit while more is true, and time to restore is the median over every page', async () => {
    // 120 resolved incidents: restored in 1, 2, 3, ... 120 hours.
    const all = Array.from({ length: 120 }, (_, i) => {
      const created = new Date(NOW - (i + 1) * 12 * 3_600_000).toISOString();
      return pdIncident(i + 1, created, { resolved_at: hours(created, i + 1) });
    });
    const requests: URL[] = [];
    const headers: Headers[] = [];
    server.use(
      http.get(`${BASE}/incidents`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        headers.push(request.headers);
        return HttpResponse.json(page(all, url));
      }),
    );
    const set = await collector().collect({
      entity: component('payments', 'PSVC001'),
    });
    expect(set.status).toBe('ok');
    expect(set.facts).toEqual({
      'incidents.count': 120,
      'incidents.timeToRestoreHours': 60.5,
    });
    expect(requests.map(u => u.searchParams.get('offset'))).toEqual([
      '0',
      '100',
    ]);
    expect(requests[0].searchParams.getAll('service_ids[]')).toEqual([
      'PSVC001',
    ]);
    expect(requests[0].searchParams.getAll('statuses[]')).toEqual([
      'triggered',
      'acknowledged',
      'resolved',
    ]);
    expect(requests[0].searchParams.get('since')).toBe(
      '2026-09-02T12:00:00.000Z',
    );
    expect(headers[0].get('authorization')).toBe(`Token token=${TOKEN}`);
    expect(headers[0].get('accept')).toBe(
      'application/vnd.pagerduty+json;version=2',
    );
    expect(notes(set, 'incidents.count')).toContain(
      'opened in the last 90 days in PagerDuty service PSVC001',
    );
  });

  it('a 429 is retried after the seconds its Retry-After names', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/incidents`, ({ request }) => {
        calls += 1;
        if (calls === 1) {
          return HttpResponse.json(
            {
              error: {
                message: 'Rate Limit Exceeded',
                code: 2020,
              },
            },
            { status: 429, headers: { 'Retry-After': '7' } },
          );
        }
        return HttpResponse.json(
          page(
            [
              pdIncident(1, '2026-11-20T10:00:00Z', {
                resolved_at: '2026-11-20T10:45:00Z',
              }),
            ],
            new URL(request.url),
          ),
        );
      }),
    );
    const set = await collector().collect({
      entity: component('payments', 'PSVC001'),
    });
    expect(calls).toBe(2);
    expect(sleep).toHaveBeenCalledWith(7000);
    expect(set.facts['incidents.timeToRestoreHours']).toBe(0.75);
  });

  it('a Retry-After longer than the reader waits is unknown with the wait, not a long sleep', async () => {
    server.use(
      http.get(
        `${BASE}/incidents`,
        () =>
          new HttpResponse(null, {
            status: 429,
            headers: { 'Retry-After': '3600' },
          }),
      ),
    );
    const set = await collector().collect({
      entity: component('payments', 'PSVC001'),
    });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('Retry-After 3600 s');
    expect(sleep).not.toHaveBeenCalled();
  });

  it('a resolved incident with no resolution time is counted but not in time to restore, and the evidence says so', async () => {
    const incidents = [
      pdIncident(1, '2026-11-01T10:00:00Z', {
        resolved_at: '2026-11-01T12:00:00Z',
      }),
      // Older answers have no resolved_at: the last status change is the resolution.
      pdIncident(2, '2026-11-02T10:00:00Z', {
        resolved_at: undefined,
        last_status_change_at: '2026-11-02T14:00:00Z',
      }),
      // Resolved, but neither time is given.
      pdIncident(3, '2026-11-03T10:00:00Z', { resolved_at: null }),
      pdIncident(4, '2026-11-28T10:00:00Z', { status: 'acknowledged' }),
    ];
    server.use(
      http.get(`${BASE}/incidents`, ({ request }) =>
        HttpResponse.json(page(incidents, new URL(request.url))),
      ),
    );
    const set = await collector().collect({
      entity: component('payments', 'PSVC001'),
    });
    expect(set.facts).toEqual({
      'incidents.count': 4,
      'incidents.timeToRestoreHours': 3,
    });
    const evidence = notes(set, 'incidents.timeToRestoreHours');
    expect(evidence).toContain(
      'median of 2 resolved incident(s); 1 open one(s) and 1 without a resolution time excluded',
    );
    expect(evidence).toContain(
      'not counted: #3 "Checkout errors" (high urgency) opened 2026-11-03T10:00:00.000Z is resolved, but PagerDuty gives no resolved_at or last_status_change_at',
    );
    expect(evidence).toContain('open: #4 "Checkout errors" (high urgency)');
  });

  it('an unreachable PagerDuty is unknown with the reason, never a crash', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/incidents`, () => {
        calls += 1;
        return HttpResponse.error();
      }),
    );
    const set = await collector({ retries: 2 }).collect({
      entity: component('payments', 'PSVC001'),
    });
    expect(set.status).toBe('unknown');
    expect(set.reason).toMatch(
      /^PagerDuty service PSVC001 \(annotation pagerduty\.com\/service-id\) could not be read: PagerDuty at https:\/\/pagerduty\.test is unreachable: .*\(maturity\.outcomes\.pagerduty\)$/,
    );
    expect(calls).toBe(3);
  });

  it('a 401 is unknown naming the token key, is not retried, and never shows the token', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/incidents`, () => {
        calls += 1;
        return HttpResponse.json(
          { error: { message: 'Unauthorized', code: 2006 } },
          { status: 401 },
        );
      }),
    );
    const set = await collector().collect({
      entity: component('payments', 'PSVC001'),
    });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain(
      'PagerDuty answered 401 Unauthorized: Unauthorized (check maturity.outcomes.pagerduty.token)',
    );
    expect(JSON.stringify(set)).not.toContain(TOKEN);
    expect(calls).toBe(1);
  });

  it('a window longer than six months is read in ranges PagerDuty accepts', async () => {
    const ranges: string[] = [];
    server.use(
      http.get(`${BASE}/incidents`, ({ request }) => {
        const url = new URL(request.url);
        ranges.push(
          `${url.searchParams.get('since')}..${url.searchParams.get('until')}`,
        );
        return HttpResponse.json(page([], url));
      }),
    );
    const set = await collector({}, 365).collect({
      entity: component('payments', 'PSVC001'),
    });
    expect(set.facts['incidents.count']).toBe(0);
    expect(ranges).toEqual([
      '2025-12-01T12:00:00.000Z..2026-05-30T12:00:00.000Z',
      '2026-05-30T12:00:00.000Z..2026-11-26T12:00:00.000Z',
      '2026-11-26T12:00:00.000Z..2026-12-01T12:05:00.000Z',
    ]);
  });

  describe('beside an incident export', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(join(os.tmpdir(), 'pagerduty-test-'));
    });
    afterEach(() => fs.rm(dir, { recursive: true, force: true }));

    it('an entity without the annotation is matched in the export; with it, PagerDuty is read', async () => {
      const file = join(dir, 'incidents.csv');
      await fs.writeFile(
        file,
        [
          'id,service,openedAt,resolvedAt',
          'INC-1,payments,2026-11-02T08:00:00Z,2026-11-02T18:00:00Z',
          'INC-2,search,2026-11-02T08:00:00Z,2026-11-02T09:00:00Z',
        ].join('\n'),
      );
      server.use(
        http.get(`${BASE}/incidents`, ({ request }) =>
          HttpResponse.json(
            page(
              [
                pdIncident(9, '2026-11-05T08:00:00Z', {
                  resolved_at: '2026-11-05T08:30:00Z',
                }),
              ],
              new URL(request.url),
            ),
          ),
        ),
      );
      const both = createIncidentsFactCollector({
        source: incidentFileSource(file),
        pagerduty: createPagerDutyIncidentSource({
          token: TOKEN,
          baseUrl: BASE,
        }),
        windowDays: 90,
        now: () => NOW,
      });
      const fromPagerDuty = await both.collect({
        entity: component('payments', 'PSVC001'),
      });
      expect(fromPagerDuty.facts['incidents.timeToRestoreHours']).toBe(0.5);
      const fromExport = await both.collect({ entity: component('search') });
      expect(fromExport.facts['incidents.timeToRestoreHours']).toBe(1);

      // Without PagerDuty configured, an annotated entity uses the export.
      const exportOnly = createIncidentsFactCollector({
        source: incidentFileSource(file),
        windowDays: 90,
        now: () => NOW,
      });
      const annotated = await exportOnly.collect({
        entity: component('payments', 'PSVC001'),
      });
      expect(annotated.facts['incidents.timeToRestoreHours']).toBe(10);
    });
  });

  it('an annotated entity with no source at all is unknown, naming the PagerDuty token key', async () => {
    const set = await createIncidentsFactCollector({ windowDays: 90 }).collect({
      entity: component('payments', 'PSVC001'),
    });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('set maturity.outcomes.pagerduty.token');
  });
});

describe('retryAfterMillis', () => {
  it('reads seconds and HTTP dates, and ignores nonsense', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(retryAfterMillis('30', now)).toBe(30_000);
    expect(retryAfterMillis('Tue, 01 Dec 2026 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMillis('soon', now)).toBeUndefined();
    expect(retryAfterMillis(null, now)).toBeUndefined();
  });
});

describe('maturity.outcomes.pagerduty config', () => {
  it.each([
    [{ pagerduty: {} }, 'maturity.outcomes.pagerduty.token'],
    [{ pagerduty: { token: ' ' } }, 'maturity.outcomes.pagerduty.token'],
    [
      { pagerduty: { token: 'x', baseUrl: 'api.pagerduty.com' } },
      'maturity.outcomes.pagerduty.baseUrl',
    ],
    [
      { pagerduty: { token: 'x', serviceId: 'P1' } },
      'maturity.outcomes.pagerduty',
    ],
  ])('a bad value is rejected naming %s', (outcomes, key) => {
    expect(() =>
      readOutcomesConfig(new ConfigReader({ maturity: { outcomes } })),
    ).toThrow(`Invalid config ${key}:`);
  });

  it('a token and a base URL are read as given', () => {
    expect(
      readOutcomesConfig(
        new ConfigReader({
          maturity: {
            outcomes: {
              pagerduty: {
                token: 'abc',
                baseUrl: 'https://api.eu.pagerduty.com',
              },
            },
          },
        }),
      ).pagerduty,
    ).toEqual({ token: 'abc', baseUrl: 'https://api.eu.pagerduty.com' });
  });
});
