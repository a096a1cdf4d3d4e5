import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  DEFAULT_MATURITY_MODEL,
  DimensionScore,
  FactSet,
  LevelNumber,
} from '@cloud-native-portal/plugin-maturity-common';
import { DatabaseMaturityStore } from '../database/DatabaseMaturityStore';
import { EntityEvaluation, StoredEntityScore } from '../database/MaturityStore';
import { buildMigrationRecord } from './migrationRecord';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const DIMENSIONS = DEFAULT_MATURITY_MODEL.dimensions.map(d => d.id);

function evaluation(
  name: string,
  levels: Record<string, LevelNumber>,
  metrics: Record<string, number>,
  blocking: Record<string, string[]> = {},
): EntityEvaluation {
  const dimensions: DimensionScore[] = DIMENSIONS.map(dimension => ({
    dimension,
    level: levels[dimension] ?? 1,
    status: 'evaluated',
    score: 20 * (levels[dimension] ?? 1),
    blockingChecks: blocking[dimension] ?? [],
  }));
  const level = Math.min(
    ...dimensions.map(d => d.level as number),
  ) as LevelNumber;
  return {
    entity: {
      entityRef: `component:default/${name}`,
      kind: 'component',
      title: name,
      systemRef: 'system:default/learning',
      tags: [],
    },
    level,
    score: level * 20,
    dimensions,
    results: [],
    modelVersion: DEFAULT_MATURITY_MODEL.version,
    metrics,
  };
}

function deliveryFacts(
  name: string,
  facts: Record<string, number>,
): { entityRef: string; factSets: FactSet[] } {
  return {
    entityRef: `component:default/${name}`,
    factSets: [
      {
        collector: 'delivery',
        version: 1,
        collectedAt: '2026-12-01T00:00:00.000Z',
        status: 'ok',
        facts,
      },
      {
        collector: 'incidents',
        version: 1,
        collectedAt: '2026-12-01T00:00:00.000Z',
        status: 'unknown',
        reason:
          'incident outcomes are not configured: set maturity.outcomes.incidents.file',
        facts: {},
      },
    ],
  };
}

describe('the migration record of a system', () => {
  it.each(databases.eachSupportedId())(
    'shows the monolith alone at the first snapshot, with the outcomes it recorded then, and every component now (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseMaturityStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const at = (iso: string) => ({ at: new Date(iso), snapshot: true });
      // June: the monolith alone, deploying once a quarter.
      await store.saveEvaluations(
        [
          evaluation(
            'monolith',
            { delivery: 1, architecture: 1 },
            {
              'delivery.productionDeploymentsPerWeek': 0.08,
              'delivery.leadTimeHours': 504,
            },
          ),
        ],
        at('2026-06-01T12:00:00Z'),
      );
      // October: a service extracted from it, deploying daily.
      await store.saveEvaluations(
        [
          evaluation(
            'catalog-service',
            { delivery: 4, architecture: 3 },
            { 'delivery.productionDeploymentsPerWeek': 7 },
          ),
        ],
        at('2026-10-01T12:00:00Z'),
      );
      // Now: both.
      await store.saveEvaluations(
        [
          evaluation(
            'monolith',
            { delivery: 2, architecture: 2 },
            {},
            { delivery: ['delivery-gitops'] },
          ),
          evaluation(
            'catalog-service',
            { delivery: 4, architecture: 3 },
            {},
            { delivery: ['delivery-gitops', 'delivery-progressive'] },
          ),
        ],
        at('2026-12-01T12:00:00Z'),
      );
      await store.saveFacts([
        deliveryFacts('monolith', {
          'delivery.productionDeploymentsPerWeek': 0.5,
          'delivery.leadTimeHours': 300,
          'delivery.changeFailureRate': 0.5,
        }),
        deliveryFacts('catalog-service', {
          'delivery.productionDeploymentsPerWeek': 9,
          'delivery.leadTimeHours': 4,
          'delivery.changeFailureRate': 0.1,
        }),
      ]);

      const components = await store.listAllEntityScores({
        system: 'system:default/learning',
      });
      const record = await buildMigrationRecord({
        components,
        facts: await store.getFacts(components.map(c => c.entityRef)),
        model: DEFAULT_MATURITY_MODEL,
        firstSnapshotTime: refs => store.getFirstSnapshotTime(refs),
        snapshotsAt: (refs, when) =>
          store.getSnapshotsAt(refs, when, { metrics: true }),
      });

      expect(record.firstSnapshotAt).toBe('2026-06-01T12:00:00.000Z');
      expect(record.rows.map(r => r.aspect)).toEqual([
        'architecture',
        'scalability',
        'deployment',
        'monitoring',
        'security',
        'operations',
        'cost',
        'recovery',
      ]);
      const deployment = record.rows.find(r => r.aspect === 'deployment')!;
      expect(deployment.dimension).toBe('delivery');
      // Then: the monolith alone (the service came four months later).
      expect(deployment.then).toMatchObject({
        components: 1,
        level: 1,
        levelName: 'Traditional',
        atOrAbove3: 0,
      });
      expect(deployment.then.metrics).toEqual([
        expect.objectContaining({
          fact: 'delivery.productionDeploymentsPerWeek',
          value: 0.08,
          measured: 1,
        }),
        expect.objectContaining({
          fact: 'delivery.leadTimeHours',
          value: 504,
          measured: 1,
        }),
      ]);
      // Now: both; deployments add up, lead time is the median.
      expect(deployment.now).toMatchObject({
        components: 2,
        level: 2,
        levelName: 'Foundational',
        atOrAbove3: 1,
      });
      expect(deployment.now.metrics).toEqual([
        expect.objectContaining({ value: 9.5, measured: 2 }),
        expect.objectContaining({ value: 152, measured: 2 }),
      ]);
      expect(deployment.now.evidence).toContain(
        `Blocking the next level: ${
          DEFAULT_MATURITY_MODEL.checks.find(c => c.id === 'delivery-gitops')
            ?.title ?? 'delivery-gitops'
        } (2 components)`,
      );

      // Not measured now: says why, and what connects it; never a zero.
      const recovery = record.rows.find(r => r.aspect === 'recovery')!;
      expect(recovery.now.metrics[0]).toMatchObject({
        fact: 'incidents.timeToRestoreHours',
        value: null,
        measured: 0,
      });
      expect(recovery.now.evidence).toContain(
        'Time to restore: not measured for 2 components (for example: incident outcomes are not configured: set maturity.outcomes.incidents.file)',
      );
      expect(recovery.then.evidence).toContain(
        'Time to restore: not recorded at the first snapshot',
      );
      const cost = record.rows.find(r => r.aspect === 'cost')!;
      expect(cost.dimension).toBeUndefined();
      expect(cost.now.evidence).toContain(
        "Cost per month: not measured for 2 components (for example: no 'cost' collector is installed)",
      );
      await knex.destroy();
    },
  );

  it('has no first snapshot and an empty starting state when nothing is recorded yet', async () => {
    const record = await buildMigrationRecord({
      components: [],
      facts: new Map(),
      model: DEFAULT_MATURITY_MODEL,
      firstSnapshotTime: async () => undefined,
      snapshotsAt: async () => new Map(),
    });
    expect(record.firstSnapshotAt).toBeNull();
    expect(record.rows[0].then).toMatchObject({
      components: 0,
      level: null,
      metrics: [],
    });
  });

  it('weighs the idle share by cost: a large idle monolith outweighs a small busy function', async () => {
    const component = (name: string): StoredEntityScore =>
      ({
        entityRef: `component:default/${name}`,
        kind: 'component',
        tags: [],
        level: 1,
        score: 20,
        dimensions: [],
        modelVersion: '1',
        evaluatedAt: '2026-12-01T00:00:00.000Z',
      } as const);
    const cost = (monthly: number, idle: number): FactSet[] => [
      {
        collector: 'cost',
        version: 1,
        collectedAt: '2026-12-01T00:00:00.000Z',
        status: 'ok',
        facts: { 'cost.monthlyCost': monthly, 'cost.idleShare': idle },
      },
    ];
    const record = await buildMigrationRecord({
      components: [component('monolith'), component('function')],
      facts: new Map([
        ['component:default/monolith', cost(900, 0.7)],
        ['component:default/function', cost(100, 0.1)],
      ]),
      model: DEFAULT_MATURITY_MODEL,
      firstSnapshotTime: async () => undefined,
      snapshotsAt: async () => new Map(),
    });
    const row = record.rows.find(r => r.aspect === 'cost')!;
    expect(row.now.metrics).toEqual([
      expect.objectContaining({ fact: 'cost.monthlyCost', value: 1000 }),
      // (900 × 0.7 + 100 × 0.1) / 1000, not the plain median 0.4.
      expect.objectContaining({ fact: 'cost.idleShare', value: 0.64 }),
    ]);
    expect(row.now.evidence).toEqual([
      'Cost per month: sum of 2 of 2 components',
      'Idle share of requested capacity: average weighted by cost of 2 of 2 components',
    ]);
  });
});
