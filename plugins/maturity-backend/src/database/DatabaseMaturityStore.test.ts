import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import knexFactory, { Knex } from 'knex';
import {
  DatabaseMaturityStore,
  pgValuesPlaceholders,
} from './DatabaseMaturityStore';
import { EntityEvaluation } from './MaturityStore';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function evaluation(
  entityRef: string,
  owner: string,
  level: 1 | 2 | 3 | 4 | 5,
  score: number,
  extra: Partial<EntityEvaluation['entity']> = {},
): EntityEvaluation {
  return {
    entity: {
      entityRef,
      kind: 'component',
      ownerRef: owner,
      systemRef: 'system:default/learning-platform',
      domainRef: 'domain:default/online-learning',
      lifecycle: 'production',
      type: 'service',
      tags: ['typescript'],
      ...extra,
    },
    level,
    score,
    dimensions: [
      { dimension: 'delivery', level, score, blockingChecks: [] },
      { dimension: 'security', level: 2, score: 50, blockingChecks: ['x'] },
    ],
    results: [
      {
        checkId: 'delivery-ci',
        status: 'pass',
        evidence: [{ path: '.github/workflows/ci.yml', line: 3 }],
      },
      { checkId: 'delivery-gitops', status: 'fail', evidence: [] },
    ],
    modelVersion: '1.0.0',
    dimensionChecks: {
      delivery: { failing: ['delivery-gitops'], unknown: [] },
    },
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseMaturityStore on %p',
  id => {
    let knex: Knex;
    let store: DatabaseMaturityStore;

    beforeEach(async () => {
      knex = await databases.init(id);
      store = await DatabaseMaturityStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
    });

    afterEach(async () => {
      await knex.destroy();
    });

    it('stores facts per collector and replaces them on the next collection', async () => {
      const at = new Date('2026-11-01T00:00:00Z').toISOString();
      const repoFacts = (present: boolean) => ({
        collector: 'repo',
        version: 1,
        collectedAt: at,
        status: 'ok' as const,
        facts: { 'repo.dockerfile.present': present },
      });
      await store.saveFacts([
        { entityRef: 'component:default/a', factSets: [repoFacts(false)] },
      ]);
      await store.saveFacts([
        { entityRef: 'component:default/a', factSets: [repoFacts(true)] },
      ]);
      const facts = await store.getFacts(['component:default/a', 'missing']);
      expect(facts.get('component:default/a')).toEqual([
        expect.objectContaining({ facts: { 'repo.dockerfile.present': true } }),
      ]);
      expect(facts.has('missing')).toBe(false);
      expect(await store.listFactEntityRefs()).toEqual(['component:default/a']);
    });

    it('lets other work run while it writes a large batch of facts', async () => {
      // A cycle's page writes thousands of rows; on SQLite each is run on
      // the event loop. Requests (a liveness probe, a catalog read) must
      // get turns in between, not wait for the whole batch.
      const payload = 'x'.repeat(2000);
      const entries = Array.from({ length: 20_000 }, (_, i) => ({
        entityRef: `component:default/s${i}`,
        factSets: [
          {
            collector: 'repo',
            version: 1,
            collectedAt: new Date('2026-11-01T00:00:00Z').toISOString(),
            status: 'ok' as const,
            facts: { 'repo.readme': payload },
          },
        ],
      }));
      let turns = 0;
      let writing = true;
      const tick = () => {
        if (!writing) return;
        turns += 1;
        setImmediate(tick);
      };
      setImmediate(tick);
      await store.saveFacts(entries);
      writing = false;
      expect(turns).toBeGreaterThan(1);
      expect((await store.listFactEntityRefs()).length).toBe(20_000);
    });

    it('stores the facts given with evaluations in their transaction, and none of them when the evaluations cannot be stored', async () => {
      const facts = (entityRef: string) => ({
        entityRef,
        factSets: [
          {
            collector: 'repo',
            version: 1,
            collectedAt: new Date('2026-11-01T00:00:00Z').toISOString(),
            status: 'ok' as const,
            facts: { 'repo.dockerfile.present': true },
          },
        ],
      });
      await store.saveEvaluations(
        [evaluation('component:default/a', 'group:default/team', 2, 40)],
        {
          at: new Date('2026-11-01T00:00:00Z'),
          snapshot: true,
          facts: [facts('component:default/a')],
        },
      );
      expect(await store.listFactEntityRefs()).toEqual(['component:default/a']);

      // The same dimension twice violates the dimension table's primary
      // key: the whole write, its facts included, is rolled back.
      const broken = evaluation('component:default/b', 'group:default/t', 2, 1);
      broken.dimensions.push({ ...broken.dimensions[0] });
      // (Compared as an outcome: better-sqlite3's error class may come
      // from another test file's module registry, which toThrow rejects.)
      const outcome = await store
        .saveEvaluations([broken], {
          at: new Date('2026-11-02T00:00:00Z'),
          snapshot: false,
          facts: [facts('component:default/b')],
        })
        .then(
          () => 'stored',
          () => 'rejected',
        );
      expect(outcome).toBe('rejected');
      expect(await store.listFactEntityRefs()).toEqual(['component:default/a']);
    });

    it('keeps the latest results and appends a snapshot per run as history', async () => {
      await store.saveEvaluations(
        [evaluation('component:default/a', 'group:default/team', 2, 40)],
        { at: new Date('2026-10-01T00:00:00Z'), snapshot: true },
      );
      await store.saveEvaluations(
        [evaluation('component:default/a', 'group:default/team', 3, 70)],
        { at: new Date('2026-11-01T00:00:00Z'), snapshot: true },
      );
      const score = await store.getEntityScore('component:default/a');
      expect(score).toMatchObject({ level: 3, score: 70, kind: 'component' });
      expect(score!.evaluatedAt).toBe('2026-11-01T00:00:00.000Z');
      expect(await store.getCheckResults('component:default/a')).toEqual([
        {
          checkId: 'delivery-ci',
          status: 'pass',
          evidence: [{ path: '.github/workflows/ci.yml', line: 3 }],
        },
        { checkId: 'delivery-gitops', status: 'fail', evidence: [] },
      ]);
      const history = await store.getHistory('component:default/a', {
        limit: 10,
      });
      expect(history.map(h => [h.level, h.score, h.createdAt])).toEqual([
        [2, 40, '2026-10-01T00:00:00.000Z'],
        [3, 70, '2026-11-01T00:00:00.000Z'],
      ]);
      expect(history[1].dimensions).toEqual({ delivery: 3, security: 2 });
      const since = await store.getHistory('component:default/a', {
        from: new Date('2026-10-15T00:00:00Z'),
        limit: 10,
      });
      expect(since).toHaveLength(1);

      expect(await store.pruneSnapshots(new Date('2026-10-15T00:00:00Z'))).toBe(
        1,
      );
      expect(
        await store.getHistory('component:default/a', { limit: 10 }),
      ).toHaveLength(1);
    });

    it('rewrites the group hierarchy, and the data version cached roll-ups check, only when it changed', async () => {
      const version = async () =>
        Number(
          (await knex('maturity_data_version').where({ id: 1 }).first())
            .version,
        );
      const closure = [
        {
          ancestor: 'group:default/engineering',
          descendant: 'group:default/engineering',
          depth: 0,
        },
        {
          ancestor: 'group:default/engineering',
          descendant: 'group:default/courses-team',
          depth: 1,
        },
        {
          ancestor: 'group:default/courses-team',
          descendant: 'group:default/courses-team',
          depth: 0,
        },
      ];
      await store.replaceGroupClosure(closure);
      const first = await version();
      // The same rows in another order: nothing to write.
      await store.replaceGroupClosure([...closure].reverse());
      expect(await version()).toBe(first);
      // courses-team moved one level down: a new depth.
      const moved = closure.map(r => (r.depth === 1 ? { ...r, depth: 2 } : r));
      await store.replaceGroupClosure(moved);
      expect(await version()).toBe(first + 1);
      const rows = await knex('maturity_group_closure')
        .where({ descendant_ref: 'group:default/courses-team' })
        .orderBy('depth');
      expect(rows.map(r => Number(r.depth))).toEqual([0, 2]);
      // One row fewer.
      await store.replaceGroupClosure(moved.slice(1));
      expect(await version()).toBe(first + 2);
      expect(await knex('maturity_group_closure')).toHaveLength(2);
    });

    it('rolls up owners through the group hierarchy, three levels deep', async () => {
      // engineering > learning-experience > courses-team
      await store.replaceGroupClosure([
        {
          ancestor: 'group:default/engineering',
          descendant: 'group:default/engineering',
          depth: 0,
        },
        {
          ancestor: 'group:default/engineering',
          descendant: 'group:default/learning-experience',
          depth: 1,
        },
        {
          ancestor: 'group:default/engineering',
          descendant: 'group:default/courses-team',
          depth: 2,
        },
        {
          ancestor: 'group:default/learning-experience',
          descendant: 'group:default/learning-experience',
          depth: 0,
        },
        {
          ancestor: 'group:default/learning-experience',
          descendant: 'group:default/courses-team',
          depth: 1,
        },
        {
          ancestor: 'group:default/courses-team',
          descendant: 'group:default/courses-team',
          depth: 0,
        },
      ]);
      await store.saveEvaluations(
        [
          evaluation(
            'component:default/a',
            'group:default/courses-team',
            4,
            90,
          ),
          evaluation(
            'component:default/b',
            'group:default/courses-team',
            2,
            30,
            {
              tags: ['java'],
              lifecycle: 'experimental',
            },
          ),
          evaluation(
            'component:default/c',
            'group:default/learning-experience',
            1,
            10,
          ),
          evaluation('component:default/d', 'user:default/dana.okafor', 1, 20, {
            systemRef: undefined,
          }),
        ],
        { at: new Date(), snapshot: false },
      );

      const page = await store.getRollups({
        groupBy: 'owner',
        filters: {},
        limit: 10,
        offset: 0,
      });
      const byKey = Object.fromEntries(page.items.map(r => [r.key, r]));
      expect(page.totalCount).toBe(4);
      expect(byKey['group:default/engineering'].entityCount).toBe(3);
      expect(byKey['group:default/learning-experience'].entityCount).toBe(3);
      expect(byKey['group:default/courses-team']).toMatchObject({
        entityCount: 2,
        averageScore: 60,
        levels: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 0 },
      });
      expect(byKey['group:default/courses-team'].dimensions.delivery).toEqual({
        levels: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 0 },
        averageScore: 60,
      });
      expect(byKey['user:default/dana.okafor'].entityCount).toBe(1);

      // Pagination over group keys, in key order.
      const second = await store.getRollups({
        groupBy: 'owner',
        filters: {},
        limit: 2,
        offset: 2,
      });
      expect(second.items.map(r => r.key)).toEqual([
        'group:default/learning-experience',
        'user:default/dana.okafor',
      ]);

      // Filters: tag, lifecycle, owner including descendants.
      const java = await store.getRollups({
        groupBy: 'system',
        filters: { tag: 'java' },
        limit: 10,
        offset: 0,
      });
      expect(java.items).toEqual([
        expect.objectContaining({
          key: 'system:default/learning-platform',
          entityCount: 1,
        }),
      ]);
      const owned = await store.listEntityScores(
        { owner: 'group:default/learning-experience' },
        { limit: 10, offset: 0 },
      );
      expect(owned.items.map(i => i.entityRef)).toEqual([
        'component:default/a',
        'component:default/b',
        'component:default/c',
      ]);
      const experimental = await store.listEntityScores(
        { lifecycle: 'experimental' },
        { limit: 10, offset: 0 },
      );
      expect(experimental.totalCount).toBe(1);

      const bySystem = await store.getRollups({
        groupBy: 'system',
        filters: {},
        limit: 10,
        offset: 0,
      });
      expect(bySystem.items.map(r => [r.key, r.entityCount])).toEqual([
        ['none', 1],
        ['system:default/learning-platform', 3],
      ]);

      // A cached roll-up is dropped as soon as scores change.
      await store.saveEvaluations(
        [
          evaluation(
            'component:default/e',
            'group:default/courses-team',
            5,
            100,
          ),
        ],
        { at: new Date(), snapshot: false },
      );
      const after = await store.getRollups({
        groupBy: 'owner',
        filters: {},
        limit: 10,
        offset: 0,
      });
      expect(
        after.items.find(r => r.key === 'group:default/courses-team')!
          .entityCount,
      ).toBe(3);

      expect(await store.getFailingChecks({}, 5)).toEqual([
        { checkId: 'delivery-gitops', failing: 5, unknown: 0 },
      ]);
      // Cached counts are dropped as soon as scores change, too.
      await store.saveEvaluations(
        [
          evaluation(
            'component:default/f',
            'group:default/courses-team',
            5,
            100,
          ),
        ],
        { at: new Date(), snapshot: false },
      );
      expect(await store.getFailingChecks({}, 5)).toEqual([
        { checkId: 'delivery-gitops', failing: 6, unknown: 0 },
      ]);
      expect(await store.getFailingChecks({}, 0)).toEqual([]);
    });

    it('leaves an entity with no evaluated dimension out of roll-up levels, averages and trends, and counts it apart', async () => {
      // Nothing of it could be measured: scoring stores level 1 and score 0.
      const unmeasured = (ref: string, owner: string): EntityEvaluation => ({
        ...evaluation(ref, owner, 1, 0),
        dimensions: [
          {
            dimension: 'delivery',
            level: null,
            status: 'not-evaluated',
            score: null,
            blockingChecks: [],
          },
        ],
        results: [{ checkId: 'delivery-ci', status: 'unknown', evidence: [] }],
        dimensionChecks: {},
      });
      const DAY = 86400_000;
      const now = new Date();
      const today = Date.UTC(
        now.getUTCFullYear(),
        now.getUTCMonth(),
        now.getUTCDate(),
      );
      await store.saveEvaluations(
        [
          evaluation('component:default/a', 'group:default/team', 3, 60),
          unmeasured('component:default/b', 'group:default/team'),
          unmeasured('component:default/c', 'group:default/dark'),
        ],
        { at: new Date(today - DAY + 3600_000), snapshot: true },
      );
      const rollups = await store.getRollups({
        groupBy: 'owner',
        filters: {},
        limit: 10,
        offset: 0,
      });
      const byKey = Object.fromEntries(rollups.items.map(r => [r.key, r]));
      expect(byKey['group:default/team']).toEqual({
        key: 'group:default/team',
        entityCount: 2,
        notEvaluatedCount: 1,
        averageScore: 60,
        levels: { '1': 0, '2': 0, '3': 1, '4': 0, '5': 0 },
        dimensions: {
          delivery: {
            levels: { '1': 0, '2': 0, '3': 1, '4': 0, '5': 0 },
            averageScore: 60,
          },
          security: {
            levels: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 0 },
            averageScore: 50,
          },
        },
      });
      expect(byKey['group:default/dark']).toEqual({
        key: 'group:default/dark',
        entityCount: 1,
        notEvaluatedCount: 1,
        averageScore: null,
        levels: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
        dimensions: {},
      });

      const points = await store.getTrends({
        filters: {},
        from: new Date(today - DAY),
        interval: 'day',
      });
      expect(
        points.map(p => [p.entityCount, p.averageScore, p.levels['1']]),
      ).toEqual([
        [1, 60, 0],
        [1, 60, 0],
      ]);

      // Once measured, b counts from its new history point on; a that
      // loses its evidence leaves the trend from its own.
      await store.saveEvaluations(
        [
          evaluation('component:default/b', 'group:default/team', 2, 40),
          unmeasured('component:default/a', 'group:default/team'),
        ],
        { at: new Date(today + 60_000), snapshot: true },
      );
      const later = await store.getTrends({
        filters: {},
        from: new Date(today - DAY),
        interval: 'day',
      });
      expect(later.map(p => [p.entityCount, p.averageScore])).toEqual([
        [1, 60],
        [1, 40],
      ]);
    });

    it('caches trends per filter set until scores or the history change, in every replica', async () => {
      const DAY = 86400_000;
      const now = new Date();
      const today = Date.UTC(
        now.getUTCFullYear(),
        now.getUTCMonth(),
        now.getUTCDate(),
      );
      const at = (ms: number) => new Date(ms);
      const iso = (ms: number) => at(ms).toISOString().slice(0, 10);
      // c is scored between the start of the first day and `from`.
      await store.saveEvaluations(
        [
          evaluation('component:default/c', 'group:default/other', 1, 10, {
            tags: ['java'],
          }),
        ],
        { at: at(today - 3 * DAY + 6 * 3600_000), snapshot: true },
      );
      await store.saveEvaluations(
        [
          evaluation('component:default/a', 'group:default/team', 2, 40),
          evaluation('component:default/b', 'group:default/team', 3, 60),
        ],
        { at: at(today - 2 * DAY + 3600_000), snapshot: true },
      );
      const compute = jest.spyOn(store as any, 'computeTrends');
      const trend = (from = at(today - 3 * DAY + 12 * 3600_000)) =>
        store.getTrends({ filters: {}, from, interval: 'day' });

      const first = await trend();
      expect(first.map(p => [p.period, p.entityCount, p.averageScore])).toEqual(
        [
          [iso(today - 3 * DAY), 1, 10],
          [iso(today - 2 * DAY), 3, 36.7],
          [iso(today - DAY), 3, 36.7],
          [iso(today), 3, 36.7],
        ],
      );
      // Any `from` in the same first period is served from the cache.
      expect(await trend(at(today - 3 * DAY + 18 * 3600_000))).toEqual(first);
      expect(compute).toHaveBeenCalledTimes(1);
      // Another filter set is another entry.
      const java = await store.getTrends({
        filters: { tag: 'java' },
        from: at(today - 3 * DAY),
        interval: 'day',
      });
      expect(java.map(p => p.averageScore)).toEqual([10, 10, 10, 10]);
      expect(compute).toHaveBeenCalledTimes(2);

      // A new score is a new trend.
      await store.saveEvaluations(
        [evaluation('component:default/a', 'group:default/team', 5, 100)],
        { at: now, snapshot: true },
      );
      const afterScore = await trend();
      expect(afterScore[afterScore.length - 1]).toEqual({
        period: iso(today),
        averageScore: 56.7,
        levels: { '1': 1, '2': 0, '3': 1, '4': 0, '5': 1 },
        entityCount: 3,
      });
      expect(afterScore[afterScore.length - 2].averageScore).toBe(36.7);

      // A replica sharing the database sees writes made by this one.
      const replica = await DatabaseMaturityStore.create({
        database: mockServices.database({ knex, migrations: { skip: true } }),
      });
      expect(
        await replica.getTrends({
          filters: {},
          from: at(today - 3 * DAY),
          interval: 'day',
        }),
      ).toEqual(afterScore);
      await store.saveEvaluations(
        [evaluation('component:default/b', 'group:default/team', 4, 80)],
        { at: new Date(), snapshot: true },
      );
      const fromReplica = await replica.getTrends({
        filters: {},
        from: at(today - 3 * DAY),
        interval: 'day',
      });
      expect(fromReplica[fromReplica.length - 1].averageScore).toBe(63.3);
      expect(await trend()).toEqual(fromReplica);

      // Pruned history is a new trend too: c's and the older snapshots go.
      expect(await store.pruneSnapshots(at(today - DAY))).toBe(3);
      expect(
        (await trend()).map(p => [p.period, p.entityCount, p.averageScore]),
      ).toEqual([[iso(today), 2, 90]]);
      // Nothing to prune keeps the cache.
      const computed = compute.mock.calls.length;
      expect(await store.pruneSnapshots(at(today - DAY))).toBe(0);
      await trend();
      expect(compute).toHaveBeenCalledTimes(computed);
      // A `from` in the future has no periods.
      expect(await trend(at(today + 2 * DAY))).toEqual([]);
    });

    it('keeps one active waiver per check, audits changes, and lets expired ones lapse', async () => {
      const ref = 'component:default/a';
      const future = new Date(Date.now() + 86400_000);
      const waiver = await store.createWaiver({
        entityRef: ref,
        checkId: 'delivery-gitops',
        reason: 'Moving to Flux next quarter',
        createdBy: 'user:default/guest',
        expiresAt: future,
      });
      expect(waiver).toMatchObject({
        active: true,
        checkId: 'delivery-gitops',
      });

      // Bad input: a second active waiver for the same check.
      await expect(
        store.createWaiver({
          entityRef: ref,
          checkId: 'delivery-gitops',
          reason: 'again',
          createdBy: 'user:default/guest',
          expiresAt: future,
        }),
      ).rejects.toThrow(ConflictError);

      expect((await store.getActiveWaivers([ref])).get(ref)).toEqual(
        new Set(['delivery-gitops']),
      );

      const revoked = await store.revokeWaiver(waiver.id, 'user:default/lead');
      expect(revoked).toMatchObject({
        active: false,
        revokedBy: 'user:default/lead',
      });
      // Bad input: revoking twice, and an unknown id.
      await expect(store.revokeWaiver(waiver.id, 'x')).rejects.toThrow(
        NotFoundError,
      );
      await expect(
        store.revokeWaiver('00000000-0000-0000-0000-000000000000', 'x'),
      ).rejects.toThrow(NotFoundError);
      expect(
        (await store.getWaiverAudit(waiver.id)).map(a => [a.action, a.actor]),
      ).toEqual([
        ['created', 'user:default/guest'],
        ['revoked', 'user:default/lead'],
      ]);

      // A waiver that has expired no longer counts and frees the slot.
      await knex('maturity_waivers').insert({
        id: '11111111-1111-1111-1111-111111111111',
        entity_ref: ref,
        check_id: 'security-sbom',
        reason: 'old',
        created_by: 'user:default/guest',
        created_at: new Date('2026-01-01T00:00:00Z'),
        expires_at: new Date('2026-02-01T00:00:00Z'),
        active_key: `${ref}|security-sbom`,
      });
      expect((await store.getActiveWaivers([ref])).get(ref)).toBeUndefined();
      const renewed = await store.createWaiver({
        entityRef: ref,
        checkId: 'security-sbom',
        reason: 'renewed',
        createdBy: 'user:default/guest',
        expiresAt: future,
      });
      expect(renewed.active).toBe(true);
      const all = await store.listWaivers({
        entityRef: ref,
        includeInactive: true,
      });
      expect(all).toHaveLength(3);
      expect(await store.listWaivers({ entityRef: ref })).toEqual([
        expect.objectContaining({ id: renewed.id }),
      ]);
    });

    it('lets exactly one of several concurrent waivers for the same check win', async () => {
      const attempts = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          store.createWaiver({
            entityRef: 'component:default/a',
            checkId: 'delivery-gitops',
            reason: `attempt ${i}`,
            createdBy: 'user:default/guest',
            expiresAt: new Date(Date.now() + 86400_000),
          }),
        ),
      );
      expect(attempts.filter(a => a.status === 'fulfilled')).toHaveLength(1);
      const rejected = attempts.filter(
        a => a.status === 'rejected',
      ) as PromiseRejectedResult[];
      expect(rejected).toHaveLength(4);
      for (const r of rejected) {
        expect(r.reason).toBeInstanceOf(ConflictError);
      }
    });

    it('forgets entities that left the catalog', async () => {
      await store.saveEvaluations(
        [evaluation('component:default/a', 'group:default/team', 2, 40)],
        { at: new Date(), snapshot: true },
      );
      await store.deleteEntities(['component:default/a']);
      expect(await store.getEntityScore('component:default/a')).toBeUndefined();
      expect(await store.listScoredEntityRefs()).toEqual([]);
    });
  },
);

// On SQLite, bulk writes prepare one statement per table and connection too
// (better-sqlite3 statements, not visible to SQL).
const postgresIds: Array<[TestDatabaseId]> = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));
(postgresIds.length
  ? describe.each(postgresIds)
  : describe.skip.each<[TestDatabaseId]>([['POSTGRES_15']]))(
  'DatabaseMaturityStore bulk writes on %p',
  id => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(id);
      await DatabaseMaturityStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
    });

    afterEach(async () => {
      await knex.destroy();
    });

    it('writes batches through one prepared statement per table and connection, and stores every row', async () => {
      const entries = (n: number, at: string) =>
        Array.from({ length: n }, (_, i) => ({
          entityRef: `component:default/s${i}`,
          factSets: [
            {
              collector: 'repo',
              version: 1,
              collectedAt: at,
              status: 'ok' as const,
              facts: { 'repo.n': i },
            },
          ],
        }));
      // A store on one connection, so that the session's prepared
      // statements can be listed from the test.
      const storeOnOneConnection = async (preparedStatements?: boolean) => {
        const db = knexFactory({
          client: 'pg',
          connection: knex.client.config.connection,
          pool: { min: 1, max: 1 },
        });
        const created = await DatabaseMaturityStore.create({
          database: mockServices.database({
            knex: db,
            migrations: { skip: true },
          }),
          preparedStatements,
        });
        return { db, store: created };
      };
      const { db: single, store: one } = await storeOnOneConnection();
      try {
        // Full batches and rows left over, of two sizes, inserted and then
        // replaced.
        await one.saveFacts(entries(1000, '2026-11-01T00:00:00.000Z'));
        await one.saveFacts(entries(1234, '2026-11-02T00:00:00.000Z'));
        const prepared = await single.raw(
          "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'maturity\\_%'",
        );
        expect(prepared.rows).toHaveLength(1);
        expect(prepared.rows[0].statement).toMatch(
          /^INSERT INTO "maturity_facts" .* ON CONFLICT \("entity_ref", "collector"\) DO UPDATE SET/,
        );
        const facts = await one.getFacts(['component:default/s1233']);
        expect(facts.get('component:default/s1233')).toEqual([
          expect.objectContaining({
            collectedAt: '2026-11-02T00:00:00.000Z',
            facts: { 'repo.n': 1233 },
          }),
        ]);
        expect((await one.listFactEntityRefs()).length).toBe(1234);
      } finally {
        await single.destroy();
      }
      // Turned off (behind a pooler that does not keep them): none.
      const { db: unpooled, store: off } = await storeOnOneConnection(false);
      try {
        await off.saveFacts(entries(1000, '2026-11-03T00:00:00.000Z'));
        const prepared = await unpooled.raw(
          'SELECT count(*)::int AS n FROM pg_prepared_statements',
        );
        expect(prepared.rows[0].n).toBe(0);
        expect(
          (await off.getFacts(['component:default/s999'])).get(
            'component:default/s999',
          ),
        ).toEqual([
          expect.objectContaining({ collectedAt: '2026-11-03T00:00:00.000Z' }),
        ]);
      } finally {
        await unpooled.destroy();
      }
    });
  },
);

describe('pgValuesPlaceholders', () => {
  it('numbers the parameters row after row', () => {
    expect(pgValuesPlaceholders(2, 3)).toBe('($1, $2, $3), ($4, $5, $6)');
    expect(pgValuesPlaceholders(1, 1)).toBe('($1)');
  });
});

describe.each(databases.eachSupportedId())('migrations on %p', id => {
  it('step up one at a time, keep data, and step back down', async () => {
    const knex = await databases.init(id);
    const config = { directory: DatabaseMaturityStore.migrationsDir };

    // Up to the first migration, with a snapshot as the previous release wrote it.
    await knex.migrate.up(config);
    await knex('maturity_snapshots').insert({
      entity_ref: 'component:default/a',
      level: 2,
      score: 40,
      dimensions: '{"delivery":2}',
      model_version: '1.0.0',
      created_at: new Date('2026-10-01T00:00:00Z'),
    });

    // The second migration adds metrics, tier and campaigns; the row survives.
    await knex.migrate.up(config);
    const [row] = await knex('maturity_snapshots').select();
    expect(row).toMatchObject({ entity_ref: 'component:default/a', level: 2 });
    expect(row.metrics).toBeNull();
    expect(await knex.schema.hasTable('maturity_campaigns')).toBe(true);
    expect(await knex.schema.hasColumn('maturity_entity_scores', 'tier')).toBe(
      true,
    );

    // Down one: the row is still there without the new column.
    await knex.migrate.down(config);
    expect(await knex.schema.hasTable('maturity_campaigns')).toBe(false);
    expect(await knex.schema.hasColumn('maturity_snapshots', 'metrics')).toBe(
      false,
    );
    expect(await knex('maturity_snapshots').count({ n: '*' })).toEqual([
      { n: expect.anything() },
    ]);
    const [{ n }] = await knex('maturity_snapshots').count({ n: '*' });
    expect(Number(n)).toBe(1);

    // Down to nothing, and up to the latest again.
    await knex.migrate.down(config);
    expect(await knex.schema.hasTable('maturity_snapshots')).toBe(false);
    await knex.migrate.latest(config);
    expect(await knex.schema.hasTable('maturity_snapshots')).toBe(true);
    await knex.destroy();
  });
});
