import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { DEFAULT_MATURITY_MODEL } from '@cloud-native-portal/plugin-maturity-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseMaturityStore } from '../database/DatabaseMaturityStore';
import { maturityPlugin } from '../plugin';
import { DIGEST_TASK_ID, sendDigests } from './digest';
import { FleetStore } from './FleetStore';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const DIMENSION = DEFAULT_MATURITY_MODEL.dimensions[0].id;
const NOW = new Date('2026-12-06T08:00:00Z'); // ISO week 2026-W49

function evaluation(
  name: string,
  owner: string | undefined,
  level: number,
  failing: string[],
) {
  return {
    entity: {
      entityRef: `component:default/${name}`,
      kind: 'component',
      ...(owner ? { ownerRef: owner } : {}),
      tags: [],
    },
    level,
    score: level * 20,
    dimensions: [
      { dimension: DIMENSION, level, score: level * 20, blockingChecks: [] },
    ],
    results: [],
    modelVersion: '1',
    dimensionChecks: { [DIMENSION]: { failing, unknown: [] } },
  } as any;
}

const teamA = 'group:default/team-a';
const teamB = 'group:default/team-b';

describe.each(databases.eachSupportedId())('weekly digest on %p', id => {
  let knex: Knex;
  let store: DatabaseMaturityStore;
  let fleetStore: FleetStore;
  const sent: Parameters<NotificationService['send']>[0][] = [];
  const notifications: NotificationService = {
    async send(options) {
      sent.push(options);
    },
  };

  beforeEach(async () => {
    sent.length = 0;
    knex = await databases.init(id);
    store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    fleetStore = new FleetStore(knex);
    await store.saveEvaluations(
      [
        evaluation('alpha', teamA, 1, ['c1', 'c2', 'c3', 'c4']),
        evaluation('beta', teamA, 2, ['c1', 'c2']),
        evaluation('gamma', teamA, 3, ['c1']),
        evaluation('delta', teamA, 4, ['c1', 'c2', 'c3']),
        // team-b's only service passes every check and meets the campaign.
        evaluation('epsilon', teamB, 5, []),
        evaluation('orphan', undefined, 1, ['c1']),
      ],
      { at: NOW, snapshot: false },
    );
  });

  afterEach(async () => {
    await knex.destroy();
  });

  const digest = () =>
    sendDigests({
      store,
      fleetStore,
      notifications,
      logger: mockServices.logger.mock(),
      checkTitle: checkId => `Check ${checkId}`,
      now: NOW,
    });

  async function openFix(name: string, checkId: string, url: string) {
    const run = await fleetStore.createRun({
      checkId,
      templateRef: 'template:default/fix',
      preview: false,
      createdBy: 'user:default/lead',
      items: [
        {
          entityRef: `component:default/${name}`,
          owner: teamA,
          status: 'pending',
        },
      ],
    });
    await fleetStore.updateItem(run.id, `component:default/${name}`, {
      status: 'opened',
      pullRequestUrl: url,
    });
  }

  it("batches a team's services into one digest: average level, services failing most, open fixes and short campaigns", async () => {
    await openFix('alpha', 'c2', 'https://github.com/acme/alpha/pull/7');
    // beta passes c9 now: its fix was merged and is not listed.
    await openFix('beta', 'c9', 'https://github.com/acme/beta/pull/3');
    await store.createCampaign({
      title: 'Ready for spring',
      dimension: DIMENSION,
      targetLevel: 3,
      deadline: '2027-03-31',
      filters: {},
      createdBy: 'user:default/lead',
    });

    const told = await digest();

    expect(told.map(t => t.owner)).toEqual([teamA]);
    expect(sent).toHaveLength(1);
    expect(sent[0].recipients).toEqual({ type: 'entity', entityRef: teamA });
    expect(sent[0].payload).toMatchObject({
      title: 'Maturity this week: 4 services, average level 2.5',
      topic: 'maturity-digest',
      scope: `maturity-digest:${teamA}:2026-W49`,
    });
    expect(sent[0].payload.description).toBe(
      'Failing the most checks: alpha (4), delta (3), beta (2). ' +
        'Fixes still open: alpha: Check c2 (https://github.com/acme/alpha/pull/7). ' +
        'Campaigns: "Ready for spring": 2 services to bring to level 3 by 2027-03-31.',
    );
  });

  it('leaves a service of which nothing could be measured out of the average level, and says so', async () => {
    await store.saveEvaluations(
      [
        {
          ...evaluation('zeta', teamA, 1, []),
          score: 0,
          dimensions: [
            {
              dimension: DIMENSION,
              level: null,
              status: 'not-evaluated',
              score: null,
              blockingChecks: [],
            },
          ],
          dimensionChecks: {},
        },
      ],
      { at: NOW, snapshot: false },
    );

    await digest();

    expect(sent[0].payload.title).toBe(
      'Maturity this week: 5 services, average level 2.5 (1 not evaluated)',
    );
  });

  it('a team with nothing failing, no open fix and no campaign to meet gets no digest', async () => {
    await store.saveEvaluations(
      ['alpha', 'beta', 'gamma', 'delta'].map(n => evaluation(n, teamA, 4, [])),
      { at: NOW, snapshot: false },
    );
    await store.createCampaign({
      title: 'Level 3 everywhere',
      dimension: DIMENSION,
      targetLevel: 3,
      deadline: '2027-03-31',
      filters: { owner: teamA },
      createdBy: 'user:default/lead',
    });

    expect(await digest()).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('sending again in the same week updates the same digest', async () => {
    await digest();
    await digest();
    expect(sent.map(s => s.payload.scope)).toEqual([
      `maturity-digest:${teamA}:2026-W49`,
      `maturity-digest:${teamA}:2026-W49`,
    ]);
  });
});

describe('the digest task', () => {
  async function scheduledTasks(nudges?: object) {
    const scheduler = mockServices.scheduler.mock();
    const backend = await startTestBackend({
      features: [
        maturityPlugin,
        scheduler.factory,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: { maturity: nudges ? { nudges } : {} },
        }),
      ],
    });
    const calls = scheduler.scheduleTask.mock.calls.map(([task]) => task);
    await backend.stop();
    return calls;
  }

  it('is scheduled once for all replicas, every 7 days, by default', async () => {
    const digestTasks = (await scheduledTasks()).filter(
      t => t.id === DIGEST_TASK_ID,
    );
    expect(digestTasks).toEqual([
      expect.objectContaining({ scope: 'global', frequency: { days: 7 } }),
    ]);
  });

  it('is not scheduled, so sends nothing, when the digest is disabled', async () => {
    const tasks = await scheduledTasks({ digest: { enabled: false } });
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.map(t => t.id)).not.toContain(DIGEST_TASK_ID);
  });
});
