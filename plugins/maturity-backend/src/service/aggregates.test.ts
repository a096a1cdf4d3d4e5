import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  DEFAULT_MATURITY_MODEL,
  DimensionScore,
  LevelNumber,
} from '@cloud-native-portal/plugin-maturity-common';
import { Knex } from 'knex';
import { DatabaseMaturityStore } from '../database/DatabaseMaturityStore';
import {
  Campaign,
  EntityEvaluation,
  FactEntry,
} from '../database/MaturityStore';
import {
  campaignDue,
  campaignHistory,
  campaignProgress,
  rankBlockingChecks,
  summarizeFact,
} from './aggregates';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function dim(
  dimension: string,
  level: LevelNumber | null,
  blockingChecks: string[] = [],
): DimensionScore {
  return level === null
    ? {
        dimension,
        level: null,
        status: 'not-evaluated',
        score: null,
        blockingChecks: [],
      }
    : {
        dimension,
        level,
        status: 'evaluated',
        score: level * 20,
        blockingChecks,
      };
}

function evaluation(
  name: string,
  dimensions: DimensionScore[],
  failing: Record<string, string[]> = {},
): EntityEvaluation {
  const levels = dimensions
    .map(d => d.level)
    .filter((l): l is LevelNumber => l !== null);
  const level = (levels.length ? Math.min(...levels) : 1) as LevelNumber;
  return {
    entity: {
      entityRef: `component:default/${name}`,
      kind: 'component',
      title: name,
      ownerRef: 'group:default/team-a',
      lifecycle: 'production',
      type: 'service',
      tags: [],
    },
    level,
    score: level * 20,
    dimensions,
    results: [],
    modelVersion: '1',
    dimensionChecks: Object.fromEntries(
      Object.entries(failing).map(([d, ids]) => [
        d,
        { failing: ids, unknown: [] },
      ]),
    ),
  };
}

function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    title: 'Security level 3',
    dimension: 'security',
    targetLevel: 3,
    deadline: '2027-03-31',
    filters: { kind: 'component' },
    createdBy: 'user:default/admin',
    createdAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('maturity aggregates', () => {
  let knex: Knex;
  let store: DatabaseMaturityStore;

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
  });

  afterEach(async () => {
    await knex.destroy();
  });

  describe('campaignProgress', () => {
    it('counts a service whose campaign dimension is not evaluated apart, not as a level-1 service short of the target', async () => {
      await store.saveEvaluations(
        [
          evaluation('met', [dim('security', 3), dim('delivery', 2)]),
          evaluation('short', [
            dim('security', 2, ['sec-mtls-strict']),
            dim('delivery', 4),
          ]),
          evaluation('unmeasured', [dim('security', null), dim('delivery', 3)]),
        ],
        { at: new Date('2026-11-10T00:00:00Z'), snapshot: true },
      );
      const result = await campaignProgress(store, campaign());
      expect(result.progress).toEqual({
        total: 3,
        met: 1,
        short: 1,
        notEvaluated: 1,
        percent: 33.3,
      });
      expect(result.entitiesShort.map(e => e.entityRef)).toEqual([
        'component:default/short',
      ]);
      expect(result.entitiesNotEvaluated.map(e => e.entityRef)).toEqual([
        'component:default/unmeasured',
      ]);
    });

    it("shows the level of the campaign's dimension, not the entity's overall level, with blocking checks by title", async () => {
      // Overall level 1 (delivery), security at 2.
      await store.saveEvaluations(
        [
          evaluation('short', [
            dim('security', 2, ['sec-mtls-strict']),
            dim('delivery', 1, ['delivery-ci']),
          ]),
        ],
        { at: new Date('2026-11-10T00:00:00Z'), snapshot: true },
      );
      const titles = new Map(
        DEFAULT_MATURITY_MODEL.checks.map(c => [c.id, c.title]),
      );
      const result = await campaignProgress(store, campaign(), undefined, {
        checkTitle: id => titles.get(id) ?? id,
      });
      expect(result.entitiesShort).toEqual([
        expect.objectContaining({
          level: 2,
          blockingChecks: [
            {
              checkId: 'sec-mtls-strict',
              title: 'mTLS is STRICT between services',
            },
          ],
        }),
      ]);
    });

    it('is overdue after its deadline while services are short, and met once all meet it', async () => {
      await store.saveEvaluations([evaluation('short', [dim('security', 2)])], {
        at: new Date('2026-11-10T00:00:00Z'),
        snapshot: true,
      });
      const overdue = await campaignProgress(
        store,
        campaign({ deadline: '2026-11-30' }),
        undefined,
        { now: new Date('2026-12-02T10:00:00Z') },
      );
      expect(overdue.due).toEqual({ state: 'overdue', daysLeft: -2 });

      await store.saveEvaluations([evaluation('short', [dim('security', 3)])], {
        at: new Date('2026-11-20T00:00:00Z'),
        snapshot: true,
      });
      const met = await campaignProgress(
        store,
        campaign({ deadline: '2026-11-30' }),
        undefined,
        { now: new Date('2026-12-02T10:00:00Z') },
      );
      expect(met.due.state).toBe('met');
    });
  });

  describe('summarizeFact', () => {
    it('rolls a delivery outcome up by domain with its median and sum, and leaves out services it could not measure (not zero)', async () => {
      const inDomain = (name: string, domain: string) => {
        const e = evaluation(name, [dim('delivery', 2)]);
        e.entity.domainRef = `domain:default/${domain}`;
        return e;
      };
      await store.saveEvaluations(
        [
          inDomain('a', 'learning'),
          inDomain('b', 'learning'),
          inDomain('c', 'learning'),
          inDomain('d', 'billing'),
        ],
        { at: new Date('2026-12-01T00:00:00Z'), snapshot: true },
      );
      const delivery = (name: string, perWeek?: number): FactEntry => ({
        entityRef: `component:default/${name}`,
        factSets: [
          {
            collector: 'delivery',
            version: 1,
            collectedAt: '2026-12-01T00:00:00.000Z',
            ...(perWeek === undefined
              ? {
                  status: 'unknown',
                  reason: 'no GitOps history for this service',
                  facts: {},
                }
              : {
                  status: 'ok',
                  facts: { 'delivery.productionDeploymentsPerWeek': perWeek },
                }),
          },
        ],
      });
      await store.saveFacts([
        delivery('a', 0.077),
        delivery('b', 9),
        delivery('c'),
        delivery('d', 2),
      ]);
      const items = await summarizeFact(store, {
        collector: 'delivery',
        fact: 'delivery.productionDeploymentsPerWeek',
        groupBy: 'domain',
        filters: {},
      });
      expect(items).toEqual([
        {
          key: 'domain:default/billing',
          entityCount: 1,
          average: 2,
          median: 2,
          sum: 2,
          min: 2,
          max: 2,
        },
        {
          key: 'domain:default/learning',
          entityCount: 2,
          average: 4.539,
          median: 4.539,
          sum: 9.077,
          min: 0.077,
          max: 9,
        },
      ]);
    });
  });

  describe('campaignDue', () => {
    it('is due soon within two weeks of the deadline, open before, overdue the day after', () => {
      const now = new Date('2027-03-01T23:30:00Z');
      expect(campaignDue('2027-03-31', false, now)).toEqual({
        state: 'open',
        daysLeft: 30,
      });
      expect(campaignDue('2027-03-10', false, now)).toEqual({
        state: 'due-soon',
        daysLeft: 9,
      });
      expect(campaignDue('2027-03-01', false, now).state).toBe('due-soon');
      expect(campaignDue('2027-02-28', false, now)).toEqual({
        state: 'overdue',
        daysLeft: -1,
      });
    });
  });

  describe('campaignHistory', () => {
    it("gives the share of targeted services at the target per week, from the stored snapshots, and leaves services not yet scored out of 'met'", async () => {
      const at = (iso: string) => ({
        at: new Date(iso),
        snapshot: true,
      });
      await store.saveEvaluations(
        [
          evaluation('a', [dim('security', 2)]),
          evaluation('b', [dim('security', null)]),
        ],
        at('2026-10-06T12:00:00Z'),
      );
      await store.saveEvaluations(
        [evaluation('a', [dim('security', 3)])],
        at('2026-10-14T12:00:00Z'),
      );
      await store.saveEvaluations(
        [evaluation('b', [dim('security', 4)])],
        at('2026-10-21T12:00:00Z'),
      );
      const history = await campaignHistory(
        store,
        campaign({ createdAt: '2026-10-20T00:00:00.000Z' }),
        undefined,
        new Date('2026-10-28T00:00:00Z'),
      );
      expect(history.interval).toBe('week');
      // Weeks start on Monday: 5, 12, 19 and 26 October.
      expect(history.points).toEqual([
        {
          period: '2026-10-05',
          met: 0,
          short: 1,
          notEvaluated: 1,
          total: 2,
          percent: 0,
        },
        {
          period: '2026-10-12',
          met: 1,
          short: 0,
          notEvaluated: 1,
          total: 2,
          percent: 50,
        },
        {
          period: '2026-10-19',
          met: 2,
          short: 0,
          notEvaluated: 0,
          total: 2,
          percent: 100,
        },
        {
          period: '2026-10-26',
          met: 2,
          short: 0,
          notEvaluated: 0,
          total: 2,
          percent: 100,
        },
      ]);
    });
  });

  describe('rankBlockingChecks', () => {
    it("ranks the checks that block each entity's next level above a level-5 check that fails everywhere", async () => {
      // Both entities are at level 2, held back by security; every entity
      // also fails a level-5 delivery check (counted as failing).
      await store.saveEvaluations(
        [
          evaluation(
            'a',
            [dim('security', 2, ['sec-mtls-strict']), dim('delivery', 4)],
            {
              security: ['sec-mtls-strict'],
              delivery: ['delivery-progressive', 'delivery-x5'],
            },
          ),
          evaluation(
            'b',
            [
              dim('security', 2, ['sec-network-default-deny']),
              dim('delivery', 4),
            ],
            {
              security: ['sec-network-default-deny'],
              delivery: ['delivery-progressive', 'delivery-x5'],
            },
          ),
          evaluation(
            'c',
            [dim('security', 3), dim('delivery', 2, ['delivery-x3'])],
            {
              security: ['sec-mtls-strict'],
              delivery: ['delivery-x3', 'delivery-progressive'],
            },
          ),
        ],
        { at: new Date('2026-11-10T00:00:00Z'), snapshot: true },
      );
      const ranked = await rankBlockingChecks(
        store,
        { model: DEFAULT_MATURITY_MODEL },
        { kind: 'component' },
        10,
      );
      expect(ranked.slice(0, 3).map(c => [c.checkId, c.blocking])).toEqual([
        // Ties on blocking go by failing: sec-mtls-strict fails twice.
        ['sec-mtls-strict', 1],
        ['delivery-x3', 1],
        ['sec-network-default-deny', 1],
      ]);
      const progressive = ranked.find(
        c => c.checkId === 'delivery-progressive',
      );
      expect(progressive).toMatchObject({ blocking: 0, failing: 3 });
      expect(ranked.indexOf(progressive!)).toBeGreaterThan(2);
      // sec-mtls-strict fails for a and c, but blocks only a's next level.
      expect(ranked.find(c => c.checkId === 'sec-mtls-strict')).toMatchObject({
        blocking: 1,
        failing: 2,
      });
    });
  });
});
