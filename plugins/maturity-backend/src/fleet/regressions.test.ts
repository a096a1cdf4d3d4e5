import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  FactSet,
  REPO_FACTS,
} from '@cloud-native-portal/plugin-maturity-common';
import { FactCollector } from '@cloud-native-portal/plugin-maturity-node';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseMaturityStore } from '../database/DatabaseMaturityStore';
import { loadMaturityModel } from '../engine/loadModel';
import { CheckRegression, MaturityEngine } from '../engine/MaturityEngine';
import { RegressionNudges } from './regressions';

jest.setTimeout(120_000);
const databases = createTestDatabases();

const CHECK = 'scale-min-replicas';
const CHECK_TITLE = 'At least two replicas';

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner },
});

/**
 * A repository collector whose replicas per service the test sets: 3 passes
 * the check, 1 fails it, none leaves it unknown.
 */
function repoCollector() {
  const replicas = new Map<string, number | undefined>();
  const collector: FactCollector = {
    id: 'repo',
    version: 1,
    facts: REPO_FACTS,
    async collect({ entity }): Promise<FactSet> {
      const n = replicas.get(entity.metadata.name);
      return {
        collector: 'repo',
        version: 1,
        collectedAt: new Date().toISOString(),
        status: 'ok',
        facts: {
          'repo.manifests.workloadCount': 1,
          ...(n === undefined ? {} : { 'repo.workloads.minReplicas': n }),
        },
      };
    },
  };
  return { collector, replicas };
}

describe.each(databases.eachSupportedId())('regression nudges on %p', id => {
  let knex: Knex;
  let store: DatabaseMaturityStore;
  const sent: Parameters<NotificationService['send']>[0][] = [];
  const notifications: NotificationService = {
    async send(options) {
      sent.push(options);
    },
  };
  const reported: CheckRegression[][] = [];

  beforeEach(async () => {
    sent.length = 0;
    reported.length = 0;
    knex = await databases.init(id);
    store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
  });

  afterEach(async () => {
    await knex.destroy();
  });

  /** An engine wired to the notifier as the plugin wires it. */
  function engineFor(
    entities: Entity[],
    collector: FactCollector,
    at?: () => Date,
  ) {
    const nudges = new RegressionNudges({
      knex,
      notifications,
      logger: mockServices.logger.mock(),
      checkTitle: checkId => (checkId === CHECK ? CHECK_TITLE : checkId),
    });
    return new MaturityEngine({
      store,
      model: loadMaturityModel(mockServices.rootConfig({ data: {} }), [
        collector,
      ]),
      collectors: [collector],
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      logger: mockServices.rootLogger({ level: 'error' }),
      allowedLocalRoots: [],
      entityKinds: ['Component'],
      retentionDays: 400,
      onRegressions: async regressions => {
        reported.push(regressions);
        await nudges.notify(regressions, at?.());
      },
    });
  }

  const teamA = 'group:default/team-a';
  const teamB = 'group:default/team-b';
  const catalog = [
    group('team-a'),
    group('team-b'),
    component('alpha', 'team-a'),
    component('beta', 'team-a'),
    component('gamma', 'team-b'),
  ];

  it('checks that go from pass to fail in several services give one notification per owning team', async () => {
    const { collector, replicas } = repoCollector();
    for (const name of ['alpha', 'beta', 'gamma']) replicas.set(name, 3);
    const engine = engineFor(catalog, collector);
    await engine.runCycle();
    expect(sent).toEqual([]);

    for (const name of ['alpha', 'beta', 'gamma']) replicas.set(name, 1);
    await engine.runCycle();

    expect(reported).toHaveLength(1);
    const day = new Date().toISOString().slice(0, 10);
    expect(sent).toHaveLength(2);
    const toA = sent.find(
      s => s.recipients.type === 'entity' && s.recipients.entityRef === teamA,
    )!;
    expect(toA.payload).toMatchObject({
      title: '2 checks started failing in your services',
      topic: 'maturity-regression',
      scope: `maturity-regression:${teamA}:${day}`,
    });
    expect(toA.payload.description).toContain(`alpha: ${CHECK_TITLE}`);
    expect(toA.payload.description).toContain(`beta: ${CHECK_TITLE}`);
    const toB = sent.find(
      s => s.recipients.type === 'entity' && s.recipients.entityRef === teamB,
    )!;
    expect(toB.payload.title).toBe('1 check started failing in your services');
    expect(toB.payload.description).toContain(`gamma: ${CHECK_TITLE}`);
  });

  it('a check that failed already, one whose result was unknown, and a first evaluation give no notification', async () => {
    const { collector, replicas } = repoCollector();
    replicas.set('alpha', 1); // fails already
    replicas.set('beta', undefined); // unknown
    await engineFor(catalog.slice(0, 4), collector).runCycle();

    replicas.set('alpha', 1);
    replicas.set('beta', 1);
    replicas.set('gamma', 1); // new in the catalog, failing at once
    // A new engine evaluates every entity again, changed or not.
    await engineFor(catalog, collector).runCycle();

    const stored = await store.getCheckResults('component:default/beta');
    expect(stored.find(r => r.checkId === CHECK)?.status).toBe('fail');
    expect(reported).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('a waived check that fails, and one whose waiver was revoked, are not regressions', async () => {
    const { collector, replicas } = repoCollector();
    replicas.set('alpha', 3);
    replicas.set('beta', 1);
    const waiver = (name: string) =>
      store.createWaiver({
        entityRef: `component:default/${name}`,
        checkId: CHECK,
        reason: 'Single replica until the migration is done',
        createdBy: 'user:default/lead',
        expiresAt: new Date(Date.now() + 7 * 86400_000),
      });
    await waiver('alpha');
    const betaWaiver = await waiver('beta');
    // alpha passes and is waived; beta fails and is waived.
    await engineFor(catalog.slice(0, 4), collector).runCycle();

    // alpha now fails under its waiver; beta's waiver is revoked, so it
    // goes from waived to fail.
    replicas.set('alpha', 1);
    await store.revokeWaiver(betaWaiver.id, 'user:default/lead');
    await engineFor(catalog.slice(0, 4), collector).runCycle();

    const statuses = async (name: string) =>
      (await store.getCheckResults(`component:default/${name}`)).find(
        r => r.checkId === CHECK,
      )?.status;
    expect(await statuses('alpha')).toBe('waived');
    expect(await statuses('beta')).toBe('fail');
    expect(sent).toEqual([]);
  });

  it('two cycles on the same day update one notification per team that lists both', async () => {
    const { collector, replicas } = repoCollector();
    replicas.set('alpha', 3);
    replicas.set('beta', 3);
    const engine = engineFor(catalog.slice(0, 4), collector);
    await engine.runCycle();

    replicas.set('alpha', 1);
    await engine.runCycle();
    replicas.set('beta', 1);
    await engine.runCycle();

    expect(sent).toHaveLength(2);
    expect(sent[0].payload.scope).toBe(sent[1].payload.scope);
    expect(sent[1].payload.title).toBe(
      '2 checks started failing in your services',
    );
    expect(sent[1].payload.description).toContain(`alpha: ${CHECK_TITLE}`);
    expect(sent[1].payload.description).toContain(`beta: ${CHECK_TITLE}`);
  });

  it('a cycle on the next day starts a new notification', async () => {
    const { collector, replicas } = repoCollector();
    replicas.set('alpha', 3);
    replicas.set('beta', 3);
    let now = new Date('2026-12-06T10:00:00Z');
    const engine = engineFor(catalog.slice(0, 4), collector, () => now);
    await engine.runCycle();
    replicas.set('alpha', 1);
    await engine.runCycle();
    now = new Date('2026-12-07T10:00:00Z');
    replicas.set('beta', 1);
    await engine.runCycle();

    expect(sent.map(s => s.payload.scope)).toEqual([
      `maturity-regression:${teamA}:2026-12-06`,
      `maturity-regression:${teamA}:2026-12-07`,
    ]);
    expect(sent[1].payload.description).not.toContain('alpha');
  });

  it('refreshing one entity reports its regression', async () => {
    const { collector, replicas } = repoCollector();
    replicas.set('alpha', 3);
    replicas.set('beta', 3);
    const engine = engineFor(catalog.slice(0, 4), collector);
    await engine.runCycle();

    replicas.set('alpha', 1);
    await engine.refreshEntity('component:default/alpha');

    expect(reported).toEqual([
      [
        {
          entityRef: 'component:default/alpha',
          ownerRef: teamA,
          checkIds: [CHECK],
        },
      ],
    ]);
    expect(sent).toHaveLength(1);
  });

  it("reads back each entity's stored failing and unknown checks across its dimensions", async () => {
    const { collector, replicas } = repoCollector();
    replicas.set('alpha', 1);
    replicas.set('beta', undefined);
    await engineFor(catalog.slice(0, 4), collector).runCycle();
    const refs = ['component:default/alpha', 'component:default/beta'];
    const perDimension = await store.getCheckLists(refs);
    const joined = await store.getFailingOrUnknownChecks([
      ...refs,
      'component:default/never-evaluated',
    ]);
    expect([...joined.keys()].sort()).toEqual(refs);
    for (const ref of refs) {
      const lists = perDimension.get(ref)!;
      expect(joined.get(ref)!.sort()).toEqual(
        [...lists.failing, ...lists.unknown].sort(),
      );
    }
    expect(joined.get(refs[0])).toContain(CHECK);
    expect(perDimension.get(refs[0])!.failing).toContain(CHECK);
  });

  it('a notifier that throws does not fail the cycle, which stores its results', async () => {
    const { collector, replicas } = repoCollector();
    replicas.set('alpha', 3);
    const logger = mockServices.logger.mock();
    const engine = new MaturityEngine({
      store,
      model: loadMaturityModel(mockServices.rootConfig({ data: {} }), [
        collector,
      ]),
      collectors: [collector],
      catalog: catalogServiceMock({ entities: catalog.slice(0, 3) }),
      auth: mockServices.auth(),
      logger,
      allowedLocalRoots: [],
      entityKinds: ['Component'],
      retentionDays: 400,
      onRegressions: () => {
        throw new Error('notifications backend is down');
      },
    });
    await engine.runCycle();
    replicas.set('alpha', 1);
    await expect(engine.runCycle()).resolves.toMatchObject({ evaluated: 1 });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('notifications backend is down'),
    );
  });
});
