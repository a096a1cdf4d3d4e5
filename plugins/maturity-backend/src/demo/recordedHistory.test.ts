import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseMaturityStore } from '../database/DatabaseMaturityStore';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  applyRecordedHistory,
  parseTimeline,
  RecordedHistorySeeder,
  RecordedTimeline,
} from './recordedHistory';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const NOW = new Date('2026-12-06T10:00:00Z');
const SERVICE = 'component:default/enrolment-service';
const MONOLITH = 'component:default/classroom-monolith';

const timeline: RecordedTimeline = {
  entities: {
    [SERVICE]: [
      {
        at: '2026-09-14',
        level: -2,
        score: -40,
        dimensions: { delivery: -3, observability: -1, security: 0 },
      },
      {
        at: '2026-11-29',
        level: 0,
        score: -5,
        dimensions: { delivery: 0, observability: -1, security: 0 },
      },
      // A point after "now" is not history yet.
      { at: '2027-01-10', level: 0, score: 0, dimensions: {} },
    ],
    [MONOLITH]: [
      { at: '2026-06-07', level: -1, score: -8, dimensions: { delivery: -1 } },
    ],
  },
};

async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
  const db = await databases.init(databaseId);
  const store = await DatabaseMaturityStore.create({
    database: { getClient: async () => db },
  });
  return { db, store };
}

/** Today's snapshot, as the first evaluation writes it. */
async function scoreToday(
  db: Knex,
  entityRef: string,
  level: number,
  score: number,
  dimensions: Record<string, number>,
) {
  await db('maturity_snapshots').insert({
    entity_ref: entityRef,
    level,
    score,
    dimensions: JSON.stringify(dimensions),
    metrics: '{}',
    model_version: 'test-1',
    created_at: new Date('2026-12-06T09:00:00Z'),
  });
}

describe('the recorded demo history', () => {
  it.each(databases.eachSupportedId())(
    'is applied once to an empty history, anchored on today, and never again (%p)',
    async databaseId => {
      const { db, store } = await setUp(databaseId);
      await scoreToday(db, SERVICE, 3, 70, { delivery: 3, observability: 1 });
      await scoreToday(db, MONOLITH, 2, 40, { delivery: 2 });

      const first = await applyRecordedHistory({ db, timeline, now: NOW });
      expect(first).toEqual({ status: 'applied', entities: 2, points: 3 });

      const history = await store.getHistory(SERVICE, { limit: 10 });
      expect(
        history.map(h => [
          h.createdAt.slice(0, 10),
          h.level,
          h.score,
          h.dimensions,
        ]),
      ).toEqual([
        // Levels stay within 1-5; a dimension not evaluated today (security)
        // is not evaluated in the history either.
        ['2026-09-14', 1, 30, { delivery: 1, observability: 1 }],
        ['2026-11-29', 3, 65, { delivery: 3, observability: 1 }],
        ['2026-12-06', 3, 70, { delivery: 3, observability: 1 }],
      ]);

      const again = await applyRecordedHistory({ db, timeline, now: NOW });
      expect(again.status).toBe('skipped');
      expect(await store.getHistory(SERVICE, { limit: 10 })).toHaveLength(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'is not applied over a history that already holds older snapshots (%p)',
    async databaseId => {
      const { db, store } = await setUp(databaseId);
      await db('maturity_snapshots').insert({
        entity_ref: SERVICE,
        level: 2,
        score: 55,
        dimensions: '{}',
        metrics: '{}',
        model_version: 'test-1',
        created_at: new Date('2026-10-01T00:00:00Z'),
      });
      await scoreToday(db, SERVICE, 3, 70, { delivery: 3 });
      await scoreToday(db, MONOLITH, 2, 40, { delivery: 2 });
      expect(await applyRecordedHistory({ db, timeline, now: NOW })).toEqual({
        status: 'skipped',
        reason: 'the maturity history is not empty',
      });
      expect(await store.getHistory(MONOLITH, { limit: 10 })).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'waits while the first evaluation has not scored the timeline entities, then applies what is scored when told to stop waiting (%p)',
    async databaseId => {
      const { db, store } = await setUp(databaseId);
      expect(
        (await applyRecordedHistory({ db, timeline, now: NOW })).status,
      ).toBe('waiting');
      await scoreToday(db, SERVICE, 3, 70, { delivery: 3 });
      expect(await applyRecordedHistory({ db, timeline, now: NOW })).toEqual({
        status: 'waiting',
        reason: '1 of 2 entities of the timeline have no score yet',
      });
      expect(
        await applyRecordedHistory({
          db,
          timeline,
          now: NOW,
          giveUpWaiting: true,
        }),
      ).toEqual({ status: 'applied', entities: 1, points: 2 });
      expect(await store.getHistory(SERVICE, { limit: 10 })).toHaveLength(3);
    },
  );

  it('rejects a timeline with a point above today, naming the field', () => {
    expect(() =>
      parseTimeline(
        JSON.stringify({
          entities: {
            [SERVICE]: [
              { at: '2026-09-14', level: 1, score: 0, dimensions: {} },
            ],
          },
        }),
        'history.json',
      ),
    ).toThrow(
      /history\.json: entities\.component:default\/enrolment-service\.0\.level/,
    );
  });

  it('rejects a point without a date', () => {
    expect(() =>
      parseTimeline(
        JSON.stringify({
          entities: {
            [SERVICE]: [{ at: 'soon', level: 0, score: 0, dimensions: {} }],
          },
        }),
        'history.json',
      ),
    ).toThrow(/\.0\.at: a date YYYY-MM-DD/);
  });

  it('the demo timeline in examples/ parses, and only lowers levels', () => {
    const file = resolve(
      __dirname,
      '../../../../examples/history/brightpath-maturity-history.json',
    );
    const demo = parseTimeline(readFileSync(file, 'utf8'), file);
    expect(Object.keys(demo.entities)).toContain(MONOLITH);
    for (const points of Object.values(demo.entities)) {
      expect(points.length).toBeGreaterThan(0);
    }
  });

  it.each(databases.eachSupportedId())(
    'as a task, ends its schedule once applied (%p)',
    async databaseId => {
      const { db } = await setUp(databaseId);
      await scoreToday(db, SERVICE, 3, 70, { delivery: 3 });
      await scoreToday(db, MONOLITH, 2, 40, { delivery: 2 });
      const dir = mkdtempSync(join(tmpdir(), 'history-'));
      const file = join(dir, 'history.json');
      writeFileSync(file, JSON.stringify(timeline));
      const seeder = new RecordedHistorySeeder({
        db: async () => db,
        file,
        logger: mockServices.logger.mock(),
        now: () => NOW,
      });
      expect((await seeder.attempt()).status).toBe('applied');
      expect(seeder.signal.aborted).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    "records each point's outcomes as its sources give them for that date, asked once the timeline's entities are scored, and a point they cannot answer for gets none (%p)",
    async databaseId => {
      const { db, store } = await setUp(databaseId);
      const dir = mkdtempSync(join(tmpdir(), 'history-'));
      const file = join(dir, 'history.json');
      writeFileSync(file, JSON.stringify(timeline));
      const asked: string[] = [];
      const seeder = new RecordedHistorySeeder({
        db: async () => db,
        file,
        logger: mockServices.logger.mock(),
        now: () => NOW,
        // The monolith deployed once a quarter in June; the service's
        // source cannot answer for September.
        metricsAt: async (entityRef, at): Promise<Record<string, number>> => {
          asked.push(`${entityRef} ${at.toISOString().slice(0, 10)}`);
          if (entityRef === MONOLITH) {
            return { 'delivery.productionDeploymentsPerWeek': 1 / 13 };
          }
          if (at < new Date('2026-10-01T00:00:00Z')) return {};
          return { 'delivery.productionDeploymentsPerWeek': 6 };
        },
      });
      // Before the first evaluation, the sources are not asked.
      expect((await seeder.attempt()).status).toBe('waiting');
      expect(asked).toEqual([]);
      await scoreToday(db, SERVICE, 3, 70, { delivery: 3 });
      await scoreToday(db, MONOLITH, 2, 40, { delivery: 2 });
      expect((await seeder.attempt()).status).toBe('applied');
      expect(asked.sort()).toEqual([
        `${MONOLITH} 2026-06-07`,
        `${SERVICE} 2026-09-14`,
        `${SERVICE} 2026-11-29`,
      ]);
      const monolith = await store.getHistory(MONOLITH, { limit: 10 });
      expect(monolith[0].metrics).toEqual({
        'delivery.productionDeploymentsPerWeek': 1 / 13,
      });
      const service = await store.getHistory(SERVICE, { limit: 10 });
      expect(service.map(h => [h.createdAt.slice(0, 10), h.metrics])).toEqual([
        ['2026-09-14', {}],
        ['2026-11-29', { 'delivery.productionDeploymentsPerWeek': 6 }],
        ['2026-12-06', {}],
      ]);
    },
  );
});
