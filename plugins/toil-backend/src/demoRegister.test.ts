import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createTestDatabases } from './__testUtils__/testDatabases';
import {
  demoRegisterFile,
  loadExampleCatalog,
} from './__testUtils__/exampleCatalog';
import { DatabaseToilStore } from './database/DatabaseToilStore';
import { seedRegister } from './seed';
import { ToilMetricsService } from './service/ToilMetricsService';

jest.setTimeout(60_000);

const databases = createTestDatabases();

async function setUp(entities = loadExampleCatalog()) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseToilStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
  const catalog = catalogServiceMock({ entities });
  const seed = () =>
    seedRegister({
      file: demoRegisterFile,
      store,
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });
  const metrics = new ToilMetricsService({
    store,
    catalog,
    hoursPerPerson: 40,
    trendMonths: 6,
    now: () => new Date('2026-11-22T12:00:00Z'),
  });
  return { store, seed, metrics };
}

describe('the demo register (examples/toil)', () => {
  it('waits for the catalog, seeds an empty register once, and never again', async () => {
    const partial = loadExampleCatalog().filter(
      e => e.metadata.name !== 'payments-gateway',
    );
    const early = await setUp(partial);
    expect(await early.seed()).toEqual({
      status: 'waiting',
      reason: '9 rows name entities the catalog does not hold yet',
    });
    expect(await early.store.countTasks()).toBe(0);

    const { store, seed } = await setUp();
    expect(await seed()).toEqual({
      status: 'seeded',
      applied: 44,
      rejected: 0,
    });
    const all = await store.listTasks();
    await store.deleteTask(all[0].id, 1, 'user:default/dana.okafor');
    expect(await seed()).toMatchObject({ status: 'skipped' });
    expect(await store.countTasks()).toBe(43);
  });

  it('lists the toil no team carries: 23 h/week of quiz-engine, whose owner is in no catalog, and 2 h/week owned by a person', async () => {
    const { seed, metrics } = await setUp();
    await seed();
    const credentials = await mockServices.auth().getOwnServiceCredentials();
    expect(await metrics.unowned(credentials)).toEqual({
      hoursPerWeek: 25,
      taskCount: 5,
      entities: [
        {
          entityRef: 'component:default/quiz-engine',
          title: 'Quiz engine',
          ownerRef: 'group:default/unassigned',
          reason: 'the owner group:default/unassigned is not in the catalog',
          hoursPerWeek: 23,
          taskCount: 4,
        },
        {
          entityRef: 'component:default/legacy-reports',
          title: 'Legacy reports',
          ownerRef: 'user:default/dana.okafor',
          reason: 'the owner user:default/dana.okafor is not a group',
          hoursPerWeek: 2,
          taskCount: 1,
        },
      ],
    });
  });

  it('has a team above 50%, a team at about 25%, and a service with no register', async () => {
    const { seed, metrics } = await setUp();
    await seed();
    const credentials = await mockServices.auth().getOwnServiceCredentials();
    const teams = await metrics.teamRanking(credentials);
    const percent = Object.fromEntries(
      teams.map(t => [
        t.groupRef.replace('group:default/', ''),
        t.direct.toilPercent,
      ]),
    );
    expect(percent).toMatchObject({
      'learning-experience': 53.6,
      'payments-team': 51.3,
      'assessments-team': 31.5,
      'platform-team': 24.5,
      'courses-team': 11.5,
      'data-team': null,
    });
    expect(teams[0].groupRef).toBe('group:default/learning-experience');

    const le = await metrics.teamReport(
      'group:default/learning-experience',
      credentials,
    );
    // Mostly manual deploys and certificate renewals.
    const deploysAndCerts = le.byCategory
      .filter(
        c =>
          c.category === 'releases and deploys' ||
          c.category === 'certificates',
      )
      .reduce((sum, c) => sum + c.hoursPerWeek, 0);
    expect(deploysAndCerts / le.direct.hoursPerWeek).toBeGreaterThan(0.5);
    // Including the sub-teams the product area is at (21.4+13.8+37.8)/(7×40).
    expect(le.withDescendants).toMatchObject({ members: 7, hoursPerWeek: 73 });

    const { entities } = await metrics.facts(credentials);
    expect(entities['component:default/search-indexer']).toBeUndefined();
    expect(entities['component:default/classroom-monolith']).toEqual({
      registerExists: true,
      teamToilPercent: 53.6,
      topTaskHasAutomationPlan: true,
      routineRemediationAutomated: false,
    });
    expect(entities['component:default/thumbnail-function']).toMatchObject({
      teamToilPercent: 24.5,
      topTaskHasAutomationPlan: true,
      routineRemediationAutomated: false,
    });
    expect(entities['component:default/certificate-service']).toMatchObject({
      teamToilPercent: null,
      teamToilPercentReason: expect.stringContaining('has no members'),
    });
    expect(
      entities['component:default/legacy-reports'].teamToilPercentReason,
    ).toBe('the owner user:default/dana.okafor is not a group');
  });

  it('derives the monthly trend from the history and automation dates', async () => {
    const { seed, metrics } = await setUp();
    await seed();
    const credentials = await mockServices.auth().getOwnServiceCredentials();
    const courses = await metrics.teamReport(
      'group:default/courses-team',
      credentials,
    );
    expect(courses.trend.map(p => p.month)).toEqual([
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
    // The CDN invalidation was recorded 2026-08-01 and automated 2026-08-11;
    // the other rows were recorded 2026-10-20. Before August the team had
    // no register: no figure, not 0 h/week.
    expect(courses.trend.map(p => p.hoursPerWeek)).toEqual([
      null,
      null,
      0,
      0,
      13.8,
      13.8,
    ]);
    expect(courses.trend.map(p => p.newlyRecorded)).toEqual([0, 0, 1, 0, 4, 0]);
    const payments = await metrics.teamReport(
      'group:default/payments-team',
      credentials,
    );
    expect(payments.trend.at(-1)?.hoursPerWeek).toBe(61.6);
  });
});
