import { Entity } from '@backstage/catalog-model';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  createIncidentsFactCollector,
  incidentFileSource,
} from './incidentsCollector';

const NOW = Date.parse('2026-12-01T12:00:00Z');

function component(name: string, namespace?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const notes = (set: FactSet, fact: string) =>
  (set.evidence?.[fact] ?? []).map(e => e.note).join('\n');

describe('incidents collector', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(os.tmpdir(), 'incidents-test-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  async function collectorFor(name: string, content: string) {
    const path = join(dir, name);
    await fs.writeFile(path, content);
    return createIncidentsFactCollector({
      source: incidentFileSource(path),
      windowDays: 90,
      now: () => NOW,
    });
  }

  it('time to restore is the median of resolved incidents in the window', async () => {
    const c = await collectorFor(
      'incidents.json',
      JSON.stringify([
        {
          id: 'INC-1',
          service: 'payments',
          openedAt: '2026-11-01T10:00:00Z',
          resolvedAt: '2026-11-01T11:00:00Z',
        },
        {
          id: 'INC-2',
          service: 'component:default/payments',
          openedAt: '2026-11-10T10:00:00Z',
          resolvedAt: '2026-11-10T12:30:00Z',
          severity: 'SEV2',
        },
        {
          id: 'INC-3',
          service: 'payments',
          openedAt: '2026-11-20T10:00:00+02:00',
          resolvedAt: '2026-11-20T20:00:00+02:00',
        },
        {
          id: 'INC-OLD',
          service: 'payments',
          openedAt: '2026-01-01T10:00:00Z',
          resolvedAt: '2026-01-03T10:00:00Z',
        },
      ]),
    );
    const set = await c.collect({ entity: component('payments') });
    expect(set.facts).toEqual({
      'incidents.count': 3,
      'incidents.timeToRestoreHours': 2.5,
    });
    expect(notes(set, 'incidents.timeToRestoreHours')).toContain(
      'INC-2 (SEV2): 2.5 h to restore',
    );
  });

  it('an incident with no resolution time is counted, excluded from time to restore and listed as open', async () => {
    const c = await collectorFor(
      'incidents.json',
      JSON.stringify([
        {
          id: 'INC-1',
          service: 'payments',
          openedAt: '2026-11-01T10:00:00Z',
          resolvedAt: '2026-11-01T14:00:00Z',
        },
        {
          id: 'INC-2',
          service: 'payments',
          openedAt: '2026-11-25T10:00:00Z',
          resolvedAt: '',
          title: 'Card payments time out',
        },
        {
          id: 'INC-3',
          service: 'payments',
          openedAt: '2026-11-26T10:00:00Z',
        },
      ]),
    );
    const set = await c.collect({ entity: component('payments') });
    expect(set.facts['incidents.count']).toBe(3);
    expect(set.facts['incidents.timeToRestoreHours']).toBe(4);
    expect(notes(set, 'incidents.timeToRestoreHours')).toContain(
      'open: INC-2 "Card payments time out" opened 2026-11-25T10:00:00.000Z, not resolved',
    );
  });

  it('impossible dates are rejected per row with the reason, and the other rows are kept', async () => {
    const c = await collectorFor(
      'incidents.json',
      JSON.stringify([
        {
          id: 'INC-1',
          service: 'payments',
          openedAt: '2026-02-30T10:00:00Z',
          resolvedAt: '2026-03-01T10:00:00Z',
        },
        {
          id: 'INC-2',
          service: 'payments',
          openedAt: '2026-11-10T10:00:00Z',
          resolvedAt: '2026-11-09T10:00:00Z',
        },
        { id: 'INC-3', service: 'payments' },
        {
          id: 'INC-4',
          service: 'payments',
          openedAt: '2026-11-11T10:00:00Z',
          resolvedAt: '2026-11-11T13:00:00Z',
        },
      ]),
    );
    const set = await c.collect({ entity: component('payments') });
    expect(set.facts['incidents.count']).toBe(1);
    expect(set.facts['incidents.timeToRestoreHours']).toBe(3);
    const evidence = notes(set, 'incidents.count');
    expect(evidence).toMatch(
      /skipped item 1 \(INC-1\) of .*: openedAt "2026-02-30T10:00:00Z" is not a valid ISO 8601 date/,
    );
    expect(evidence).toContain(
      'resolvedAt 2026-11-09T10:00:00Z is before openedAt 2026-11-10T10:00:00Z',
    );
    // INC-3 names no openedAt, and its service is known only after parsing.
    expect(evidence).toContain('1 other row(s)');
  });

  it('CSV with quoted commas in a title is parsed by column', async () => {
    const c = await collectorFor(
      'incidents.csv',
      [
        'id,service,openedAt,resolvedAt,severity,title',
        'INC-7,payments,2026-11-02T08:00:00Z,2026-11-02T08:30:00Z,SEV1,"Checkout down, card payments failing"',
        'INC-8,payments,2026-11-03T08:00:00Z,,SEV3,"Slow refunds, ""partial"""',
      ].join('\n'),
    );
    const set = await c.collect({ entity: component('payments') });
    expect(set.facts['incidents.count']).toBe(2);
    expect(set.facts['incidents.timeToRestoreHours']).toBe(0.5);
    expect(notes(set, 'incidents.timeToRestoreHours')).toContain(
      'INC-7 "Checkout down, card payments failing" (SEV1): 0.5 h to restore',
    );
    expect(notes(set, 'incidents.timeToRestoreHours')).toContain(
      'open: INC-8 "Slow refunds, "partial"" (SEV3)',
    );
  });

  it('an unknown service is ignored, and a service without incidents is unknown with "none recorded"', async () => {
    const c = await collectorFor(
      'incidents.json',
      JSON.stringify([
        {
          id: 'INC-9',
          service: 'ghost-service',
          openedAt: '2026-11-02T08:00:00Z',
          resolvedAt: '2026-11-02T09:00:00Z',
        },
      ]),
    );
    const set = await c.collect({ entity: component('payments') });
    expect(set.status).toBe('ok');
    expect(set.facts).toEqual({ 'incidents.count': 0 });
    expect(set.unknown?.['incidents.timeToRestoreHours']).toMatch(
      /^no incidents of payments are recorded in .*incidents\.json for the last 90 days$/,
    );
  });

  it('an incident of another namespace with the same name is not matched by ref', async () => {
    const c = await collectorFor(
      'incidents.json',
      JSON.stringify([
        {
          id: 'INC-10',
          service: 'component:billing/payments',
          openedAt: '2026-11-02T08:00:00Z',
          resolvedAt: '2026-11-02T09:00:00Z',
        },
      ]),
    );
    const set = await c.collect({ entity: component('payments') });
    expect(set.facts['incidents.count']).toBe(0);
    const other = await c.collect({
      entity: component('payments', 'billing'),
    });
    expect(other.facts['incidents.count']).toBe(1);
  });

  it('a source that is not a JSON array is unknown with the reason', async () => {
    const c = await collectorFor('incidents.json', '{"incidents": []}');
    const set = await c.collect({ entity: component('payments') });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('it is not a JSON array of incidents');
  });

  it('a missing incident file is unknown, never a crash', async () => {
    const c = createIncidentsFactCollector({
      source: incidentFileSource(join(dir, 'missing.csv')),
      windowDays: 90,
      now: () => NOW,
    });
    const set = await c.collect({ entity: component('payments') });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('missing.csv could not be read');
  });

  it('no incident source configured is unknown with the config key', async () => {
    const set = await createIncidentsFactCollector({ windowDays: 90 }).collect({
      entity: component('payments'),
    });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('maturity.outcomes.incidents.file');
  });
});
