import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { createTestDatabases } from './__testUtils__/testDatabases';
import { testCatalog } from './__testUtils__/demoCatalog';
import { toilPlugin } from './plugin';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const HEADER =
  'service,task,category,frequency,frequency_unit,minutes_per_occurrence,people,automatable,link,automation_status,build_hours,automated_at,recorded_by,recorded_at';

const chloe = mockCredentials.user.header('user:default/chloe.dubois');

/** A service whose catalog name has capitals, as teams sometimes write them. */
const billing: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'Billing-API', namespace: 'default' },
  spec: {
    owner: 'group:default/payments-team',
    type: 'service',
    lifecycle: 'production',
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/payments-team' }],
};

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

/** A valid CSV row; `cells` replaces cells by column name. */
function row(cells: Record<string, string> = {}) {
  const values: Record<string, string> = {
    service: 'component:default/payments-gateway',
    task: 'Patch base images',
    category: 'patching',
    frequency: '1',
    frequency_unit: 'week',
    minutes_per_occurrence: '120',
    people: '1',
    automatable: 'yes',
    link: '',
    automation_status: 'none',
    build_hours: '',
    automated_at: '',
    recorded_by: '',
    recorded_at: '',
    ...cells,
  };
  return HEADER.split(',')
    .map(h => `"${values[h].replace(/"/g, '""')}"`)
    .join(',');
}

function csv(...rows: string[]) {
  return Buffer.from([HEADER, ...rows].join('\n'), 'utf8');
}

describe('toil bad input', () => {
  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function start() {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          toilPlugin,
          catalogServiceMock.factory({ entities: [...testCatalog, billing] }),
          mockServices.permissions.mock({
            authorize: async requests =>
              requests.map(() => ({ result: AuthorizeResult.ALLOW })),
          }).factory,
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({ data: {} }),
        ],
      });
      return server;
    }

    it('answers a NUL byte in a task name with 400 naming task, on create and update', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/toil/tasks')
        .set('Authorization', chloe)
        .send({ ...deploy, task: 'Restart\u0000 the broker' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'task must not contain a NUL character (\\u0000); remove it and try again',
      );

      const created = await request(server)
        .post('/api/toil/tasks')
        .set('Authorization', chloe)
        .send(deploy);
      expect(created.status).toBe(201);
      const updated = await request(server)
        .put(`/api/toil/tasks/${created.body.id}`)
        .set('Authorization', chloe)
        .send({ ...deploy, link: 'https://x.example/\u0000', version: 1 });
      expect(updated.status).toBe(400);
      expect(updated.body.error.message).toMatch(
        /^link must not contain a NUL character/,
      );
    });

    it.each([
      ['a task id', (s: string) => `/api/toil/tasks/${s}`],
      ['an audit task id', (s: string) => `/api/toil/tasks/${s}/audit`],
      ['an entityRef filter', (s: string) => `/api/toil/tasks?entityRef=${s}`],
      ['an export filter', (s: string) => `/api/toil/export?entityRef=${s}`],
      [
        'an entity summary name',
        (s: string) => `/api/toil/entities/component/default/${s}/summary`,
      ],
    ])('answers a NUL byte in %s with 400', async (_, path) => {
      const server = await start();
      const res = await request(server)
        .get(path('component%3Adefault%2Fpay%00ments'))
        .set('Authorization', chloe);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    });

    it('answers the misspelt query parameter entityref on the task list with 400 naming it', async () => {
      const server = await start();
      const res = await request(server)
        .get('/api/toil/tasks?entityref=component:default/payments-gateway')
        .set('Authorization', chloe);
      // Ignored before, the filter silently listed the whole register.
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        "Unknown query parameter 'entityref'",
      );
    });

    it('answers a DELETE whose version is the text "latest" with 400 naming version', async () => {
      const server = await start();
      const res = await request(server)
        .delete('/api/toil/tasks/0b6e5f4c-2a7d-4c41-9f0e-3d2b1a0c9e8f')
        .query({ version: 'latest' })
        .set('Authorization', chloe);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'request/query/version must be integer',
      );
    });

    it('answers the impossible date 2026-02-31 in automatedAt with 400 naming it', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/toil/tasks')
        .set('Authorization', chloe)
        .send({
          ...deploy,
          automationStatus: 'automated',
          automatedAt: '2026-02-31',
        });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'automatedAt must be a date that exists in the calendar (2026-02-31 does not); use the form YYYY-MM-DD, like 2027-03-31',
      );
    });

    it('answers a 20 MB JSON body with a generic 413 that states the limit', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/toil/tasks')
        .set('Authorization', chloe)
        .type('application/json')
        .send(
          JSON.stringify({ ...deploy, task: 'x'.repeat(20 * 1024 * 1024) }),
        );
      expect(res.status).toBe(413);
      expect(res.body.error.message).toBe(
        'Request body too large: limit is 102400 bytes (100 kB)',
      );
    });

    it('answers a 6 MB CSV upload with the import limit in its 413', async () => {
      const server = await start();
      const line = row({ task: `Patch ${'x'.repeat(150)}` });
      const res = await request(server)
        .post('/api/toil/import/apply')
        .set('Authorization', chloe)
        .type('text/csv')
        .send(csv(...Array.from({ length: 40_000 }, () => line)));
      expect(res.status).toBe(413);
      expect(res.body.error.message).toBe(
        'file: the upload is larger than 5242880 bytes (5 MB), the import limit. Split the file and import the parts.',
      );
    });

    describe('CSV rows that the apply step used to reject', () => {
      // Each row passed the preview before, and then broke apply on
      // PostgreSQL (NUL bytes, a recorded-by ref longer than its column) or
      // was stored with a date nobody wrote (2026-02-31 read as March 3rd).
      const bad: Array<[string, string, string]> = [
        [
          'a NUL byte in the task cell',
          row({ task: 'Restart\u0000 the broker' }),
          'task must not contain a NUL character (\\u0000); remove it and try again',
        ],
        [
          'a NUL byte in the link cell',
          row({ task: 'Rotate certs', link: 'https://x.example/\u0000' }),
          'link must not contain a NUL character (\\u0000); remove it and try again',
        ],
        [
          'a NUL byte in the recorded_by cell',
          row({ task: 'Rotate keys', recorded_by: 'user:default/a\u0000b' }),
          'recordedBy (column "recorded_by") must not contain a NUL character (\\u0000); remove it and try again',
        ],
        [
          'a 300-character recorded_by ref',
          row({
            task: 'Renew domains',
            recorded_by: `user:default/${'a'.repeat(287)}`,
          }),
          'recordedBy (column "recorded_by") must be at most 255 characters (got 300)',
        ],
        [
          'the impossible recorded_at date 2026-02-31',
          row({ task: 'Clean queues', recorded_at: '2026-02-31' }),
          'recordedAt (column "recorded_at") must be a date in the form YYYY-MM-DD, like 2027-03-31 (got "2026-02-31")',
        ],
        [
          'the recorded_at value 1, which Date.parse reads as 2001',
          row({ task: 'Purge caches', recorded_at: '1' }),
          'recordedAt (column "recorded_at") must be a date in the form YYYY-MM-DD, like 2027-03-31 (got "1")',
        ],
        [
          'the impossible automated_at date 2026-02-31',
          row({
            task: 'Scale nodes',
            automation_status: 'automated',
            automated_at: '2026-02-31',
          }),
          'automatedAt (column "automated_at") must be a date that exists in the calendar (2026-02-31 does not); use the form YYYY-MM-DD, like 2027-03-31',
        ],
        [
          'a task that repeats an earlier line, in other case',
          row({ task: 'PATCH BASE IMAGES' }),
          'task "PATCH BASE IMAGES" repeats line 2',
        ],
      ];
      const good = [
        row(),
        row({
          service: 'component:default/Billing-API',
          task: 'Reissue invoices',
          recorded_at: '2026-10-10T09:30:00Z',
        }),
      ];
      const file = csv(...good, ...bad.map(([, line]) => line));

      it('preview rejects each one, naming the line and the column', async () => {
        const server = await start();
        const preview = await request(server)
          .post('/api/toil/import/preview')
          .set('Authorization', chloe)
          .type('text/csv')
          .send(file);
        expect(preview.status).toBe(200);
        expect(preview.body.accepted.map((a: any) => a.line)).toEqual([2, 3]);
        expect(
          preview.body.rejected.map((r: any) => [r.line, r.reasons]),
        ).toEqual(bad.map(([, , reason], i) => [i + 4, [reason]]));
      });

      it('apply writes exactly the rows the preview accepted and rejects the same rows', async () => {
        const server = await start();
        const preview = await request(server)
          .post('/api/toil/import/preview')
          .set('Authorization', chloe)
          .type('text/csv')
          .send(file);
        const applied = await request(server)
          .post('/api/toil/import/apply')
          .set('Authorization', chloe)
          .type('text/csv')
          .send(file);
        expect(applied.status).toBe(201);
        expect(applied.body.applied).toBe(preview.body.accepted.length);
        expect(applied.body.rejected).toEqual(preview.body.rejected);
        const list = await request(server)
          .get('/api/toil/tasks')
          .set('Authorization', chloe);
        // Ordered by recorded date: the billing row was recorded in October.
        expect(list.body.items.map((t: any) => [t.entityRef, t.task])).toEqual([
          ['component:default/billing-api', 'Reissue invoices'],
          ['component:default/payments-gateway', 'Patch base images'],
        ]);
      });
    });
  });
});
