import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import { CheckDefinition } from '@cloud-native-portal/plugin-maturity-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseMaturityStore } from '../database/DatabaseMaturityStore';
import { EntityEvaluation } from '../database/MaturityStore';
import { FleetRunner, outcomeOf } from './FleetRunner';
import { FleetStore } from './FleetStore';
import { fleetCandidates } from './candidates';
import { FixReviewStates, ReviewState } from './reviewState';

const databases = createTestDatabases();

const PDB: CheckDefinition = {
  id: 'scale-pdb',
  dimension: 'scalability',
  level: 4,
  title: 'A PodDisruptionBudget protects capacity',
  why: 'Drains must not take out every replica.',
  how: 'Add a PodDisruptionBudget.',
  weight: 4,
  effort: 'small',
  rule: { fact: 'repo.scaling.pdb', equals: true },
  fixTemplate: {
    ref: 'template:default/fix-pod-disruption-budget',
    values: { component: '${{ entity.ref }}' },
  },
} as unknown as CheckDefinition;
const NO_FIX = { ...PDB, id: 'scale-hpa', fixTemplate: undefined };

const ref = (name: string) => `component:default/${name}`;
const OWNERS: Record<string, string> = {
  alpha: 'group:default/team-a',
  beta: 'group:default/team-a',
  gamma: 'group:default/team-b',
  delta: 'group:default/team-b',
  epsilon: 'group:default/team-b',
  passing: 'group:default/team-a',
  waived: 'group:default/team-a',
};

function evaluation(name: string, failing: boolean): EntityEvaluation {
  return {
    entity: {
      entityRef: ref(name),
      kind: 'component',
      title: name,
      ownerRef: OWNERS[name],
      tags: [],
    },
    level: 3,
    score: 60,
    dimensions: [
      { dimension: 'scalability', level: 3, score: 60, blockingChecks: [] },
    ],
    results: [
      { checkId: 'scale-pdb', status: failing ? 'fail' : 'pass', evidence: [] },
    ],
    modelVersion: '1.3.0',
    dimensionChecks: {
      scalability: { failing: failing ? ['scale-pdb'] : [], unknown: [] },
    },
  } as unknown as EntityEvaluation;
}

/**
 * A scaffolder that runs "tasks" in memory: each ends after a few polls with
 * the output (or failure) the test chose for its component, and counts how
 * many run at once.
 */
function fakeScaffolder(
  outcome: (
    values: Record<string, unknown>,
  ) => { output: Record<string, unknown> } | { error: string },
) {
  const tasks = new Map<
    string,
    { polls: number; values: Record<string, unknown> }
  >();
  let inFlight = 0;
  const stats = { maxInFlight: 0, started: [] as Record<string, unknown>[] };
  const scaffolder = {
    async scaffold(request: { values: Record<string, unknown> }) {
      const taskId = `task-${tasks.size + 1}`;
      tasks.set(taskId, { polls: 0, values: request.values });
      stats.started.push(request.values);
      inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      return { taskId };
    },
    async getTask({ taskId }: { taskId: string }) {
      const task = tasks.get(taskId)!;
      task.polls += 1;
      if (task.polls < 3) return { id: taskId, status: 'processing' };
      if (task.polls === 3) inFlight -= 1;
      const result = outcome(task.values);
      return { id: taskId, status: 'error' in result ? 'failed' : 'completed' };
    },
    async getLogs({ taskId }: { taskId: string }) {
      const result = outcome(tasks.get(taskId)!.values);
      return [
        {
          id: 1,
          taskId,
          type: 'completion',
          createdAt: new Date().toISOString(),
          body:
            'error' in result
              ? { message: result.error }
              : { message: 'Run completed', output: result.output },
        },
      ];
    },
  } as unknown as ScaffolderService;
  return { scaffolder, stats };
}

const catalog = catalogServiceMock({
  entities: Object.keys(OWNERS).map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { owner: OWNERS[name], type: 'service' },
  })),
});

describe.each(databases.eachSupportedId())('FleetRunner on %p', id => {
  let knex: Knex;
  let store: DatabaseMaturityStore;
  let fleetStore: FleetStore;
  const sent: Parameters<NotificationService['send']>[0][] = [];
  const notifications: NotificationService = {
    send: async n => {
      sent.push(n);
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
        ...['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'waived'].map(n =>
          evaluation(n, true),
        ),
        evaluation('passing', false),
      ],
      { at: new Date(), snapshot: true },
    );
    await store.createWaiver({
      entityRef: ref('waived'),
      checkId: 'scale-pdb',
      reason: 'Runs one replica by design',
      createdBy: 'user:default/lead',
      expiresAt: new Date(Date.now() + 86400_000),
    });
  });

  afterEach(async () => {
    await knex.destroy();
  });

  function runner(
    scaffolder: ScaffolderService,
    concurrency = 2,
    inCatalog = catalog,
  ) {
    return new FleetRunner({
      store,
      fleetStore,
      checks: () => [PDB, NO_FIX as CheckDefinition],
      scaffolder,
      catalog: inCatalog,
      notifications,
      logger: mockServices.logger.mock(),
      concurrency,
      pollMs: 1,
    });
  }
  const request = (entityRefs: string[], preview = false) => ({
    checkId: 'scale-pdb',
    entityRefs,
    preview,
    credentials: mockCredentials.user('user:default/lead'),
    createdBy: 'user:default/lead',
  });
  const ALL = Object.keys(OWNERS).map(ref);

  it('opens one pull request per failing service, at most `concurrency` at a time, and skips passing and waived services with the reason', async () => {
    const { scaffolder, stats } = fakeScaffolder(values => ({
      output: {
        changed: true,
        where: 'local',
        branch: 'portal/fix-scale-pdb',
        pullRequestUrl: `file:///repos/${String(values.component)}`,
      },
    }));
    const fleet = runner(scaffolder, 2);
    const started = await fleet.start(request(ALL));
    expect(started.status).toBe('running');
    await fleet.idle();

    const run = (await fleetStore.getRun(started.id))!;
    expect(run.status).toBe('completed');
    expect(run.counts).toMatchObject({
      total: 7,
      done: 7,
      opened: 5,
      skipped: 2,
    });
    const byRef = new Map(run.items.map(i => [i.entityRef, i]));
    expect(byRef.get(ref('passing'))).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/passes/),
    });
    expect(byRef.get(ref('waived'))).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/waived/),
    });
    expect(byRef.get(ref('alpha'))).toMatchObject({
      status: 'opened',
      branch: 'portal/fix-scale-pdb',
      owner: 'group:default/team-a',
    });
    expect(stats.started).toHaveLength(5);
    expect(stats.started[0]).toEqual({
      component: ref('alpha'),
      preview: false,
    });
    expect(stats.maxInFlight).toBe(2);
  });

  it('tells each owning team once per run, listing its services, and never for a preview', async () => {
    const { scaffolder } = fakeScaffolder(values => ({
      output:
        values.preview === true
          ? {
              changed: true,
              where: 'preview',
              diff: '+kind: PodDisruptionBudget',
            }
          : { changed: true, where: 'local', branch: 'portal/fix-scale-pdb' },
    }));
    const fleet = runner(scaffolder);
    await fleet.start(request(ALL, true));
    await fleet.idle();
    expect(sent).toHaveLength(0);

    await fleet.start(request(ALL));
    await fleet.idle();
    expect(sent.map(n => n.recipients)).toEqual([
      { type: 'entity', entityRef: 'group:default/team-a' },
      { type: 'entity', entityRef: 'group:default/team-b' },
    ]);
    expect(sent[1].payload.description).toMatch(/gamma, delta, epsilon/);
    expect(sent[1].payload.description).toMatch(
      /nothing is merged automatically/,
    );
  });

  it('a preview writes nothing and keeps each repository’s diff', async () => {
    const { scaffolder, stats } = fakeScaffolder(() => ({
      output: {
        changed: true,
        where: 'preview',
        diff: '--- a/k8s/alpha-pdb.yaml\n+++ b/k8s/alpha-pdb.yaml\n+kind: PodDisruptionBudget',
        summary: 'Adds a PodDisruptionBudget',
      },
    }));
    const fleet = runner(scaffolder);
    const { id: runId } = await fleet.start(request([ref('alpha')], true));
    await fleet.idle();
    expect(stats.started[0]).toMatchObject({ preview: true });
    const run = (await fleetStore.getRun(runId))!;
    expect(run.preview).toBe(true);
    expect(run.items[0]).toMatchObject({
      status: 'previewed',
      diff: expect.stringContaining('PodDisruptionBudget'),
    });
    // A preview is not a fix: the service has not started.
    const candidates = await fleetCandidates({
      check: PDB,
      store,
      fleetStore,
      filters: {},
    });
    expect(
      candidates.items.find(i => i.entityRef === ref('alpha'))?.state,
    ).toBe('not-started');
  });

  it('a failed task fails its repository with the task’s own reason, and the others go on', async () => {
    const { scaffolder } = fakeScaffolder(values =>
      values.component === ref('beta')
        ? {
            error:
              'Run failed with ConflictError: branch portal/fix-scale-pdb of local repository beta already exists with another change',
          }
        : {
            output: {
              changed: true,
              where: 'local',
              branch: 'portal/fix-scale-pdb',
              pullRequestUrl: `file:///repos/${String(
                values.component,
              )}#portal/fix-scale-pdb`,
            },
          },
    );
    const fleet = runner(scaffolder);
    const { id: runId } = await fleet.start(
      request([ref('alpha'), ref('beta'), ref('gamma')]),
    );
    await fleet.idle();
    const run = (await fleetStore.getRun(runId))!;
    expect(run.items.map(i => i.status)).toEqual([
      'opened',
      'failed',
      'opened',
    ]);
    expect(run.items[1].reason).toMatch(/already exists with another change/);

    const candidates = await fleetCandidates({
      check: PDB,
      store,
      fleetStore,
      filters: {},
    });
    const state = (name: string) =>
      candidates.items.find(i => i.entityRef === ref(name))?.state;
    expect(state('alpha')).toBe('pr-open');
    expect(state('beta')).toBe('failed');

    // Alpha's owners merge the fix; gamma's close it unmerged.
    const reviewed = await fleetCandidates({
      check: PDB,
      store,
      fleetStore,
      filters: {},
      // The real reader of open fixes, with the reviewers' answers given.
      reviewStates: new (class extends FixReviewStates {
        async of(url: string): Promise<ReviewState> {
          return url.includes('alpha')
            ? { state: 'merged' }
            : { state: 'closed' };
        }
      })({ allowedLocalRoots: [] }),
    });
    const after = (name: string) =>
      reviewed.items.find(i => i.entityRef === ref(name));
    expect(after('alpha')).toMatchObject({
      state: 'pr-merged',
      reason: expect.stringMatching(/next evaluation/),
    });
    expect(after('gamma')).toMatchObject({
      state: 'failed',
      reason: 'The pull request was closed without merging.',
    });
    expect(state('delta')).toBe('not-started');
    expect(state('waived')).toBe('waived');
  });

  it('running the same fix again reports the branch reused, and a merged fix whose check passes shows the loop closed', async () => {
    let second = false;
    const { scaffolder } = fakeScaffolder(() => ({
      output: {
        changed: true,
        where: 'local',
        branch: 'portal/fix-scale-pdb',
        reused: second,
      },
    }));
    const fleet = runner(scaffolder);
    await fleet.start(request([ref('alpha')]));
    await fleet.idle();
    second = true;
    const again = await fleet.start(request([ref('alpha')]));
    await fleet.idle();
    expect((await fleetStore.getRun(again.id))!.items[0].status).toBe('reused');

    // The owners merge it; the next evaluation finds a PodDisruptionBudget.
    await store.saveEvaluations([evaluation('alpha', false)], {
      at: new Date(),
      snapshot: true,
    });
    const candidates = await fleetCandidates({
      check: PDB,
      store,
      fleetStore,
      filters: {},
    });
    expect(
      candidates.items.find(i => i.entityRef === ref('alpha')),
    ).toMatchObject({
      result: 'pass',
      state: 'check-passing',
    });
  });

  it('a network failure halfway through 50 repositories fails the rest with the reason; running it again opens those and reuses the first half, one branch per repository', async () => {
    const many = Array.from({ length: 50 }, (_, i) => `svc-${i}`);
    await store.saveEvaluations(
      many.map(name => ({
        ...evaluation('alpha', true),
        entity: {
          entityRef: ref(name),
          kind: 'component',
          ownerRef: 'group:default/team-a',
          tags: [],
        },
      })),
      { at: new Date(), snapshot: false },
    );
    // The repositories: how many times each got its fix branch created.
    const created = new Map<string, number>();
    let networkDown = false;
    let started = 0;
    const scaffolder = {
      async scaffold(task: { values: Record<string, unknown> }) {
        started += 1;
        if (networkDown && started > 25) {
          throw new Error('fetch failed: read ECONNRESET');
        }
        return { taskId: String(task.values.component) };
      },
      async getTask({ taskId }: { taskId: string }) {
        return { id: taskId, status: 'completed' };
      },
      async getLogs({ taskId }: { taskId: string }) {
        const reused = created.has(taskId);
        if (!reused) created.set(taskId, (created.get(taskId) ?? 0) + 1);
        return [
          {
            type: 'completion',
            body: {
              message: 'done',
              output: {
                changed: true,
                where: 'local',
                branch: 'portal/fix-scale-pdb',
                reused,
              },
            },
          },
        ];
      },
    } as unknown as ScaffolderService;
    const fleet = runner(
      scaffolder,
      1,
      catalogServiceMock({
        entities: many.map(name => ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name, namespace: 'default' },
          spec: { owner: 'group:default/team-a' },
        })),
      }),
    );
    networkDown = true;
    const first = await fleet.start(request(many.map(ref)));
    await fleet.idle();
    const half = (await fleetStore.getRun(first.id))!;
    expect(half.counts).toMatchObject({ total: 50, opened: 25, failed: 25 });
    expect(half.items.find(i => i.status === 'failed')?.reason).toMatch(
      /ECONNRESET/,
    );

    networkDown = false;
    const again = await fleet.start(request(many.map(ref)));
    await fleet.idle();
    expect((await fleetStore.getRun(again.id))!.counts).toMatchObject({
      total: 50,
      reused: 25,
      opened: 25,
    });
    expect(created.size).toBe(50);
    expect([...created.values()].every(n => n === 1)).toBe(true);
  });

  it('marks a run a stopped backend left unfinished as interrupted, its open repositories failed with how to resume', async () => {
    const run = await fleetStore.createRun({
      checkId: 'scale-pdb',
      templateRef: 'template:default/fix-pod-disruption-budget',
      preview: false,
      createdBy: 'user:default/lead',
      items: [
        { entityRef: ref('alpha'), status: 'pending' },
        { entityRef: ref('beta'), status: 'pending' },
      ],
    });
    await fleetStore.updateItem(run.id, ref('alpha'), {
      status: 'opened',
      branch: 'portal/fix-scale-pdb',
    });
    // Another replica's run in progress (updated just now) is left alone.
    expect(await fleetStore.interruptUnfinished()).toBe(0);
    expect((await fleetStore.getRun(run.id))!.status).toBe('running');
    // Without progress for longer than the stale time, it was interrupted.
    await new Promise(r => setTimeout(r, 20));
    expect(await fleetStore.interruptUnfinished(10)).toBe(1);
    const after = (await fleetStore.getRun(run.id))!;
    expect(after.status).toBe('interrupted');
    expect(after.items.map(i => i.status)).toEqual(['opened', 'failed']);
    expect(after.items[1].reason).toMatch(/Run the fix again/);
    expect(await fleetStore.listRuns({ limit: 10 })).toEqual([
      expect.objectContaining({
        id: run.id,
        createdBy: 'user:default/lead',
        counts: { total: 2, done: 2, opened: 1, failed: 1 },
      }),
    ]);
  });

  it('refuses an unknown check, a check without a fix template and a malformed entity ref, naming them', async () => {
    const { scaffolder } = fakeScaffolder(() => ({ output: {} }));
    const fleet = runner(scaffolder);
    await expect(
      fleet.start({ ...request(ALL), checkId: 'no-such-check' }),
    ).rejects.toThrow("No check with id 'no-such-check'");
    await expect(
      fleet.start({ ...request(ALL), checkId: 'scale-hpa' }),
    ).rejects.toThrow(/has no fix template/);
    await expect(fleet.start(request(['component:']))).rejects.toThrow(
      /entityRefs: "component:" is not an entity ref/,
    );
    expect(await fleetStore.listRuns({ limit: 10 })).toEqual([]);
  });
});

describe('outcomeOf', () => {
  it('tells a template that changed nothing, one that opened nothing with its reason, and one whose change was there already', () => {
    expect(
      outcomeOf({ changed: false, reason: 'A PodDisruptionBudget exists' }),
    ).toMatchObject({
      status: 'unchanged',
      reason: 'A PodDisruptionBudget exists',
    });
    expect(
      outcomeOf({
        changed: true,
        where: 'none',
        reason:
          'the repository is a folder the portal reads, not a git repository it can branch',
      }),
    ).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/folder/),
    });
    expect(
      outcomeOf({
        changed: true,
        where: 'github',
        reused: true,
        pullRequestUrl: 'https://github.com/o/r/pull/1',
      }),
    ).toMatchObject({
      status: 'reused',
      pullRequestUrl: 'https://github.com/o/r/pull/1',
    });
  });

  it('cuts an oversized diff and says where the whole change is', () => {
    const long = outcomeOf({
      changed: true,
      where: 'preview',
      diff: `+${'x'.repeat(60_000)}`,
    });
    expect(long.diff!.length).toBeLessThan(50_200);
    expect(long.diff).toMatch(
      /cut at 50000 characters of 60001; the fix task's page shows the whole change\.$/,
    );
  });
});
