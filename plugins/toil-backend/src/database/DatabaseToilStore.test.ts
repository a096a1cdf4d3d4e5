import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { ToilTaskInput } from '@cloud-native-portal/plugin-toil-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseToilStore } from './DatabaseToilStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const deploy: ToilTaskInput = {
  entityRef: 'component:default/payments-gateway',
  task: 'Manual deploy during the change window',
  category: 'releases and deploys',
  frequency: 3,
  frequencyUnit: 'week',
  minutesPerOccurrence: 90,
  people: 2,
  automatable: 'yes',
  link: null,
  automationStatus: 'none',
  buildHours: null,
  automatedAt: null,
};

describe('DatabaseToilStore', () => {
  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      return DatabaseToilStore.create({ database });
    }

    it('rolls a failing batch back whole: no task of an earlier chunk is kept', async () => {
      const store = await createStore();
      await store.createTasks([{ input: deploy }], 'user:default/a');
      // Bad input that got past validation: row 61 of a 75-row import has no
      // task name, so the second chunk's insert breaks the NOT NULL
      // constraint after the first chunk (50 tasks and their audit rows) was
      // written inside the same transaction.
      const batch = Array.from({ length: 75 }, (_, i) => ({
        input: {
          ...deploy,
          task: i === 60 ? (null as unknown as string) : `imported ${i}`,
        },
      }));
      // better-sqlite3's native addon keeps the error class of the first
      // test file that loaded it, so its errors may not be instances of this
      // file's Error; check the rejection by its message instead.
      const outcome = await store.createTasks(batch, 'user:default/a').then(
        () => 'resolved',
        (e: unknown) => String((e as { message?: unknown })?.message ?? e),
      );
      expect(outcome).toMatch(/not.null/i);
      expect(await store.countTasks()).toBe(1);
      expect(await store.listAudit()).toHaveLength(1);
    });

    it('migrates up and down, and the register survives a second run of latest', async () => {
      const knex = await databases.init(databaseId);
      const directory = resolvePackagePath(
        '@cloud-native-portal/plugin-toil-backend',
        'migrations',
      );
      await knex.migrate.latest({ directory });
      const store = await DatabaseToilStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      await store.createTasks([{ input: deploy }], 'user:default/a');
      // Running the migrations again keeps the data.
      await knex.migrate.latest({ directory });
      expect(await store.countTasks()).toBe(1);
      await knex.migrate.down({ directory });
      expect(await knex.schema.hasTable('toil_tasks')).toBe(false);
      expect(await knex.schema.hasTable('toil_audit')).toBe(false);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('toil_tasks')).toBe(true);
    });

    it('creates, updates and deletes a task, auditing who, what, when and the previous value', async () => {
      const store = await createStore();
      const [created] = await store.createTasks(
        [{ input: deploy, recordedAt: '2026-10-10T00:00:00.000Z' }],
        'user:default/mateo.rossi',
      );
      expect(created).toMatchObject({
        ...deploy,
        version: 1,
        recordedBy: 'user:default/mateo.rossi',
        recordedAt: '2026-10-10T00:00:00.000Z',
      });

      const updated = await store.updateTask(
        created.id,
        { ...deploy, automationStatus: 'planned', buildHours: 24 },
        1,
        'user:default/yuki.sato',
      );
      expect(updated).toMatchObject({
        version: 2,
        automationStatus: 'planned',
        buildHours: 24,
        updatedBy: 'user:default/yuki.sato',
        recordedBy: 'user:default/mateo.rossi',
      });

      await store.deleteTask(created.id, 2, 'user:default/chloe.dubois');
      expect(await store.getTask(created.id)).toBeUndefined();

      const audit = await store.listAudit({ taskId: created.id });
      expect(audit.map(e => [e.action, e.actor])).toEqual([
        ['create', 'user:default/mateo.rossi'],
        ['update', 'user:default/yuki.sato'],
        ['delete', 'user:default/chloe.dubois'],
      ]);
      expect(audit[1].before).toMatchObject({
        automationStatus: 'none',
        version: 1,
      });
      expect(audit[1].after).toMatchObject({
        automationStatus: 'planned',
        version: 2,
      });
      expect(audit[2].before).toMatchObject({ version: 2 });
      expect(audit[2].after).toBeNull();
      for (const event of audit) expect(Date.parse(event.at)).not.toBeNaN();
    });

    it('answers a stale write with a conflict and keeps the first writer’s change', async () => {
      const store = await createStore();
      const [task] = await store.createTasks(
        [{ input: deploy }],
        'user:default/a',
      );
      await store.updateTask(
        task.id,
        { ...deploy, people: 3 },
        1,
        'user:default/a',
      );
      await expect(
        store.updateTask(
          task.id,
          { ...deploy, people: 1 },
          1,
          'user:default/b',
        ),
      ).rejects.toThrow(ConflictError);
      await expect(
        store.deleteTask(task.id, 1, 'user:default/b'),
      ).rejects.toThrow(ConflictError);
      expect((await store.getTask(task.id))?.people).toBe(3);
      await expect(
        store.updateTask('no-such-id', deploy, 1, 'user:default/a'),
      ).rejects.toThrow(NotFoundError);
    });

    it('writes a batch in one transaction and filters by entity', async () => {
      const store = await createStore();
      const batch = Array.from({ length: 120 }, (_, i) => ({
        input: {
          ...deploy,
          entityRef: i % 2 ? 'component:default/a' : 'component:default/b',
          task: `task ${i}`,
        },
      }));
      await store.createTasks(batch, 'user:default/a');
      expect(await store.countTasks()).toBe(120);
      expect(
        await store.listTasks({ entityRefs: ['component:default/a'] }),
      ).toHaveLength(60);
      expect(await store.listTasks({ entityRefs: [] })).toEqual([]);
      expect(
        await store.listAudit({ entityRefs: ['component:default/b'] }),
      ).toHaveLength(60);
    });
  });
});
