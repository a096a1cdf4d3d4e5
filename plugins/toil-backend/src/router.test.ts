import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import request from 'supertest';
import { testCatalog, teamOf } from './__testUtils__/demoCatalog';
import { toilPlugin } from './plugin';

jest.setTimeout(30_000);

const HEADER =
  'service,task,category,frequency,frequency_unit,minutes_per_occurrence,people,automatable,link,automation_status,build_hours,automated_at,recorded_by,recorded_at';

const ownerOf = Object.fromEntries(
  testCatalog.map(e => [
    `${e.kind.toLocaleLowerCase()}:default/${e.metadata.name}`,
    (e.spec as { owner?: string })?.owner,
  ]),
);

/**
 * A stand-in for the portal policy: writes are allowed to members of the
 * owning group only; everything else is allowed.
 */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const user = (options.credentials.principal as { userEntityRef?: string })
      .userEntityRef;
    return requests.map(r => {
      if (!isResourcePermission(r.permission, 'catalog-entity')) {
        return { result: AuthorizeResult.ALLOW };
      }
      const resourceRef = (r as { resourceRef?: string }).resourceRef!;
      return {
        result:
          user && teamOf[user] === ownerOf[resourceRef]
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    });
  },
});

const chloe = mockCredentials.user.header('user:default/chloe.dubois');
const mateo = mockCredentials.user.header('user:default/mateo.rossi');
const liam = mockCredentials.user.header('user:default/liam.chen');

const deploy = {
  entityRef: 'component:default/payments-gateway',
  task: 'Manual deploy during the change window',
  category: 'releases and deploys',
  frequency: 3,
  frequencyUnit: 'week',
  minutesPerOccurrence: 90,
  people: 2,
  automatable: 'yes',
  automationStatus: 'none',
};

async function start() {
  const { server } = await startTestBackend({
    features: [
      toilPlugin,
      catalogServiceMock.factory({ entities: testCatalog }),
      permissions.factory,
      mockServices.rootConfig.factory({ data: {} }),
    ],
  });
  return server;
}

function csv(...rows: string[]) {
  return Buffer.from([HEADER, ...rows].join('\n'), 'utf8');
}

describe('toil router', () => {
  it('creates, lists, updates and deletes a task as a member of the owning team', async () => {
    const server = await start();
    const created = await request(server)
      .post('/api/toil/tasks')
      .set('Authorization', chloe)
      .send(deploy);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...deploy,
      version: 1,
      recordedBy: 'user:default/chloe.dubois',
    });

    const list = await request(server)
      .get('/api/toil/tasks')
      .query({ entityRef: 'component:default/payments-gateway' })
      .set('Authorization', chloe);
    expect(list.body.items).toHaveLength(1);

    const updated = await request(server)
      .put(`/api/toil/tasks/${created.body.id}`)
      .set('Authorization', mateo)
      .send({
        ...deploy,
        automationStatus: 'planned',
        buildHours: 24,
        version: 1,
      });
    expect(updated.status).toBe(200);
    expect(updated.body.version).toBe(2);

    const audit = await request(server)
      .get(`/api/toil/tasks/${created.body.id}/audit`)
      .set('Authorization', chloe);
    expect(audit.body.items.map((e: any) => e.actor)).toEqual([
      'user:default/chloe.dubois',
      'user:default/mateo.rossi',
    ]);
    expect(audit.body.items[1].before.automationStatus).toBe('none');

    const deleted = await request(server)
      .delete(`/api/toil/tasks/${created.body.id}`)
      .query({ version: 2 })
      .set('Authorization', chloe);
    expect(deleted.status).toBe(204);
  });

  it.each([
    ['10,000 occurrences a week', { frequency: 10000 }, 'frequency'],
    ['0 people', { people: 0 }, 'people'],
    [
      'a negative number of minutes',
      { minutesPerOccurrence: -5 },
      'minutesPerOccurrence',
    ],
    ['150 people', { people: 150 }, 'people'],
    ['negative build hours', { buildHours: -1 }, 'buildHours'],
    ['an unknown category', { category: 'meetings' }, 'category'],
    ['a malformed entity ref', { entityRef: 'payments-gateway' }, 'entityRef'],
  ])('refuses %s with a 400 naming the field', async (_name, patch, field) => {
    const server = await start();
    const res = await request(server)
      .post('/api/toil/tasks')
      .set('Authorization', chloe)
      .send({ ...deploy, ...patch });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toContain(field);
  });

  it('refuses an entity ref the catalog does not hold with a 400', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/toil/tasks')
      .set('Authorization', chloe)
      .send({ ...deploy, entityRef: 'component:default/no-such-service' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'entityRef component:default/no-such-service is not in the catalog',
    );
  });

  it('answers the second of two people editing the same row with 409', async () => {
    const server = await start();
    const created = await request(server)
      .post('/api/toil/tasks')
      .set('Authorization', chloe)
      .send(deploy);
    const first = await request(server)
      .put(`/api/toil/tasks/${created.body.id}`)
      .set('Authorization', chloe)
      .send({ ...deploy, people: 3, version: 1 });
    expect(first.status).toBe(200);
    const second = await request(server)
      .put(`/api/toil/tasks/${created.body.id}`)
      .set('Authorization', mateo)
      .send({ ...deploy, people: 1, version: 1 });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/reload/);
    const stale = await request(server)
      .delete(`/api/toil/tasks/${created.body.id}`)
      .query({ version: 1 })
      .set('Authorization', mateo);
    expect(stale.status).toBe(409);
  });

  it('denies a member of another team (403) on create, update, delete and import', async () => {
    const server = await start();
    const created = await request(server)
      .post('/api/toil/tasks')
      .set('Authorization', chloe)
      .send(deploy);
    const create = await request(server)
      .post('/api/toil/tasks')
      .set('Authorization', liam)
      .send(deploy);
    expect(create.status).toBe(403);
    const update = await request(server)
      .put(`/api/toil/tasks/${created.body.id}`)
      .set('Authorization', liam)
      .send({ ...deploy, people: 1, version: 1 });
    expect(update.status).toBe(403);
    const del = await request(server)
      .delete(`/api/toil/tasks/${created.body.id}`)
      .query({ version: 1 })
      .set('Authorization', liam);
    expect(del.status).toBe(403);
    // Moving a row into another team's register needs rights there too.
    const move = await request(server)
      .put(`/api/toil/tasks/${created.body.id}`)
      .set('Authorization', chloe)
      .send({
        ...deploy,
        entityRef: 'component:default/course-catalog-service',
        version: 1,
      });
    expect(move.status).toBe(403);

    const preview = await request(server)
      .post('/api/toil/import/preview')
      .set('Authorization', liam)
      .type('text/csv')
      .send(
        csv(
          'component:default/payments-gateway,Rotate keys,certificates,1,month,120,2,yes,,none,,,,',
        ),
      );
    expect(preview.body.accepted).toHaveLength(0);
    expect(preview.body.rejected[0].reasons[0]).toMatch(/may not edit/);
  });

  describe('CSV import', () => {
    it('previews accepted and rejected rows with reasons and a column mapping, and writes nothing', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/toil/import/preview')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(
          csv(
            'component:default/payments-gateway,Reconcile failed payouts,data fixes,15,week,45,2,yes,,planned,60,,user:default/chloe.dubois,2026-10-10',
            'component:default/payments-gateway,Too often,other,10000,week,5,1,yes,,none,,,,',
            'component:default/payments-gateway,Nobody,other,1,week,5,0,yes,,none,,,,',
            'component:default/ghost,Unknown,other,1,week,5,1,yes,,none,,,,',
          ),
        );
      expect(res.status).toBe(200);
      expect(res.body.mapping).toMatchObject({
        entityRef: 'service',
        minutesPerOccurrence: 'minutes_per_occurrence',
      });
      expect(res.body.accepted.map((a: any) => a.line)).toEqual([2]);
      expect(res.body.rejected.map((r: any) => [r.line, r.reasons[0]])).toEqual(
        [
          [3, expect.stringContaining('frequency must be at most 2000')],
          [4, 'people must be at least 1'],
          [5, 'entityRef component:default/ghost is not in the catalog'],
        ],
      );
      const list = await request(server)
        .get('/api/toil/tasks')
        .set('Authorization', chloe);
      expect(list.body.items).toEqual([]);
    });

    it('applies accepted rows in one go and keeps the recorded date', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/toil/import/apply')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(
          csv(
            'component:default/payments-gateway,Reconcile failed payouts,data fixes,15,week,45,2,yes,,planned,60,,user:default/chloe.dubois,2026-10-10',
            'component:default/payments-gateway,Patch base images,patching,1,week,120,1,yes,,none,,,,',
            'component:default/payments-gateway,Broken,patching,x,week,120,1,yes,,none,,,,',
          ),
        );
      expect(res.status).toBe(201);
      expect(res.body.applied).toBe(2);
      expect(res.body.rejected[0].reasons).toEqual([
        'frequency must be a number (got "x")',
      ]);
      const list = await request(server)
        .get('/api/toil/tasks')
        .set('Authorization', chloe);
      expect(list.body.items[0].recordedAt).toBe('2026-10-10T00:00:00.000Z');

      // Importing the same file again finds the rows already there.
      const again = await request(server)
        .post('/api/toil/import/preview')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(
          csv(
            'component:default/payments-gateway,Patch base images,patching,1,week,120,1,yes,,none,,,,',
          ),
        );
      expect(again.body.rejected[0].reasons[0]).toMatch(
        /already in the register/,
      );
    });

    it('refuses a UTF-16 file and says so', async () => {
      const server = await start();
      const utf16 = Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(`${HEADER}\n`, 'utf16le'),
      ]);
      const res = await request(server)
        .post('/api/toil/import/preview')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(utf16);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/UTF-16/);
    });

    it('refuses a Windows-1252 file as invalid UTF-8, naming the line', async () => {
      const server = await start();
      const latin1 = Buffer.concat([
        Buffer.from(`${HEADER}\ncomponent:default/payments-gateway,R`),
        Buffer.from([0xe9]), // é in Windows-1252
        Buffer.from('sum\u00e9,other,1,week,5,1,yes,,none,,,,'),
      ]);
      const res = await request(server)
        .post('/api/toil/import/preview')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(latin1);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /not valid UTF-8 \(first bad byte on line 2\)/,
      );
    });

    it('strips a UTF-8 byte-order mark with a warning', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/toil/import/preview')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(
          Buffer.concat([
            Buffer.from([0xef, 0xbb, 0xbf]),
            csv(
              'component:default/payments-gateway,Patch,patching,1,week,120,1,yes,,none,,,,',
            ),
          ]),
        );
      expect(res.body.accepted).toHaveLength(1);
      expect(res.body.warnings[0]).toMatch(/byte-order mark/);
    });

    it('ignores extra columns and reports missing required ones', async () => {
      const server = await start();
      const extra = await request(server)
        .post('/api/toil/import/preview')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(
          Buffer.from(
            `${HEADER},owner_notes\ncomponent:default/payments-gateway,Patch,patching,1,week,120,1,yes,,none,,,,,ask Yuki`,
          ),
        );
      expect(extra.body.accepted).toHaveLength(1);
      expect(extra.body.ignoredColumns).toEqual(['owner_notes']);

      const missing = await request(server)
        .post('/api/toil/import/preview')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(
          Buffer.from(
            'service,task,category\ncomponent:default/payments-gateway,Patch,patching',
          ),
        );
      expect(missing.body.missingFields).toEqual([
        'frequency',
        'frequencyUnit',
        'minutesPerOccurrence',
        'people',
        'automatable',
      ]);
      expect(missing.body.rejected[0].reasons[0]).toMatch(
        /no column is mapped to frequency/,
      );

      const badMapping = await request(server)
        .post('/api/toil/import/preview')
        .query({ mapping: JSON.stringify({ task: 'Task name' }) })
        .set('Authorization', chloe)
        .type('text/csv')
        .send(csv());
      expect(badMapping.status).toBe(400);
      expect(badMapping.body.error.message).toBe(
        'mapping.task: the file has no column "Task name"',
      );
    });

    it('uses a column mapping chosen by the person', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/toil/import/preview')
        .query({
          mapping: JSON.stringify({
            entityRef: 'Service',
            task: 'What',
            category: 'Kind',
            frequency: 'How often',
            frequencyUnit: 'Per',
            minutesPerOccurrence: 'Minutes',
            people: 'Who',
            automatable: 'Scriptable',
          }),
        })
        .set('Authorization', chloe)
        .type('text/csv')
        .send(
          Buffer.from(
            'Service,What,Kind,How often,Per,Minutes,Who,Scriptable\ncomponent:default/payments-gateway,Patch,Patching,2,Month,60,1,Yes',
          ),
        );
      expect(res.body.accepted[0].task).toMatchObject({
        category: 'patching',
        frequencyUnit: 'month',
        automatable: 'yes',
        automationStatus: 'none',
      });
    });

    it('accepts a formula-injection cell as text, warns, and escapes it on export', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/toil/import/apply')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(
          csv(
            'component:default/payments-gateway,"=HYPERLINK(""http://evil.example"",""x"")",other,1,week,5,1,yes,,none,,,,',
            'component:default/payments-gateway,@SUM(A1),other,1,week,5,1,yes,,none,,,,',
          ),
        );
      expect(res.status).toBe(201);
      const preview = await request(server)
        .post('/api/toil/import/preview')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(
          csv(
            'component:default/payments-gateway,+1+2,other,1,week,5,1,yes,,none,,,,',
          ),
        );
      expect(preview.body.warnings[0]).toMatch(/formula/);

      const exported = await request(server)
        .get('/api/toil/export')
        .set('Authorization', chloe);
      expect(exported.status).toBe(200);
      expect(exported.headers['content-type']).toMatch(/text\/csv/);
      expect(exported.text.split('\n')[0]).toBe(HEADER);
      expect(exported.text).toContain(
        `"'=HYPERLINK(""http://evil.example"",""x"")"`,
      );
      expect(exported.text).toContain(`'@SUM(A1)`);
      expect(exported.text).not.toMatch(/,=HYPERLINK/);
    });

    it('refuses a 50,000-row CSV with a clear message', async () => {
      const server = await start();
      const row =
        'component:default/payments-gateway,t,other,1,week,5,1,yes,,,,,,';
      const big = csv(...Array.from({ length: 50_000 }, () => row));
      expect(big.length).toBeLessThan(5 * 1024 * 1024);
      const res = await request(server)
        .post('/api/toil/import/preview')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(big);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'file: the file has more than 10000 rows; the limit is 10000 rows per import. Split it and import the parts.',
      );
    });

    it('refuses a file over 5 MB with 413', async () => {
      const server = await start();
      const row =
        'component:default/payments-gateway,a much longer task name for the byte limit test,other,1,week,5,1,yes,,,,,,';
      const huge = csv(...Array.from({ length: 60_000 }, () => row));
      const res = await request(server)
        .post('/api/toil/import/preview')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(huge);
      expect(res.status).toBe(413);
      expect(res.body.error.message).toMatch(/larger than 5242880 bytes/);
    });
  });

  it('serves entity, team and organization metrics and the bulk facts', async () => {
    const server = await start();
    await request(server)
      .post('/api/toil/import/apply')
      .set('Authorization', chloe)
      .type('text/csv')
      .send(
        csv(
          'component:default/payments-gateway,Reconcile failed payouts,data fixes,15,week,45,2,yes,,planned,60,,,2026-10-10',
          'component:default/payments-gateway,Manual deploy,releases and deploys,3,week,90,2,yes,,none,,,,2026-10-10',
          'component:default/payments-gateway,Renew webhook certificate,certificates,1,quarter,120,2,yes,,automated,6,2026-06-30,,2026-05-01',
        ),
      );
    const summary = await request(server)
      .get('/api/toil/entities/component/default/payments-gateway/summary')
      .set('Authorization', liam);
    // 15×45×2/60 + 3×90×2/60 = 22.5 + 9; the automated row counts 0.
    expect(summary.body).toMatchObject({
      hoursPerWeek: 31.5,
      taskCount: 3,
      team: {
        groupRef: 'group:default/payments-team',
        members: 3,
        toilPercent: 26.3,
        band: 'green',
      },
      weeklyRepeatCount: 2,
    });
    expect(summary.body.topTasks.map((t: any) => t.task)).toEqual([
      'Reconcile failed payouts',
      'Manual deploy',
    ]);
    expect(summary.body.bestCandidate.task.task).toBe(
      'Reconcile failed payouts',
    );

    const team = await request(server)
      .get('/api/toil/teams/default/payments-team')
      .set('Authorization', liam);
    expect(team.body.byCategory[0]).toEqual({
      category: 'data fixes',
      hoursPerWeek: 22.5,
    });
    expect(team.body.backlog.map((c: any) => c.task.task)).toEqual([
      'Reconcile failed payouts',
      'Manual deploy',
    ]);
    expect(team.body.backlog[0]).toMatchObject({
      weeklyRepeat: true,
      yearlyHoursSaved: 1170,
      paybackMonths: 0.6,
    });
    expect(team.body.trend).toHaveLength(6);

    const teams = await request(server)
      .get('/api/toil/teams')
      .set('Authorization', liam);
    expect(teams.body.items[0].groupRef).toBe('group:default/payments-team');

    const facts = await request(server)
      .get('/api/toil/facts')
      .set(
        'Authorization',
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('plugin:maturity'),
          targetPluginId: 'toil',
        }),
      );
    expect(facts.status).toBe(200);
    expect(facts.body.entities).toEqual({
      'component:default/payments-gateway': {
        registerExists: true,
        teamToilPercent: 26.3,
        topTaskHasAutomationPlan: true,
        routineRemediationAutomated: true,
      },
    });
  });

  it('reports an unknown group with 404', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/toil/teams/default/nobody')
      .set('Authorization', chloe);
    expect(res.status).toBe(404);
  });
});
