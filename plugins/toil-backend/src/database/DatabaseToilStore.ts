import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ToilAuditEvent,
  ToilTask,
  ToilTaskInput,
} from '@cloud-native-portal/plugin-toil-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { NewToilTask, ToilStore } from './ToilStore';

const migrationsDir = resolvePackagePath(
  '@cloud-native-portal/plugin-toil-backend',
  'migrations',
);

// Rows per multi-row insert: stays under SQLite's bound-variable limit.
const CHUNK = 50;

type TaskRow = {
  id: string;
  entity_ref: string;
  task: string;
  category: string;
  frequency: number;
  frequency_unit: string;
  minutes_per_occurrence: number;
  people: number;
  automatable: string;
  link: string | null;
  automation_status: string;
  build_hours: number | null;
  automated_at: string | null;
  recorded_by: string;
  recorded_at: string;
  updated_by: string;
  updated_at: string;
  version: number;
};

type AuditRow = {
  id: number;
  task_id: string;
  entity_ref: string;
  action: string;
  actor: string;
  at: string;
  before: string | null;
  after: string | null;
};

function toTask(row: TaskRow): ToilTask {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    task: row.task,
    category: row.category as ToilTask['category'],
    frequency: Number(row.frequency),
    frequencyUnit: row.frequency_unit as ToilTask['frequencyUnit'],
    minutesPerOccurrence: Number(row.minutes_per_occurrence),
    people: Number(row.people),
    automatable: row.automatable as ToilTask['automatable'],
    link: row.link,
    automationStatus: row.automation_status as ToilTask['automationStatus'],
    buildHours: row.build_hours === null ? null : Number(row.build_hours),
    automatedAt: row.automated_at,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

function inputColumns(input: ToilTaskInput) {
  return {
    entity_ref: input.entityRef,
    task: input.task,
    category: input.category,
    frequency: input.frequency,
    frequency_unit: input.frequencyUnit,
    minutes_per_occurrence: input.minutesPerOccurrence,
    people: input.people,
    automatable: input.automatable,
    link: input.link ?? null,
    automation_status: input.automationStatus,
    build_hours: input.buildHours ?? null,
    automated_at: input.automatedAt ?? null,
  };
}

function toAudit(row: AuditRow): ToilAuditEvent {
  return {
    id: Number(row.id),
    taskId: row.task_id,
    entityRef: row.entity_ref,
    action: row.action as ToilAuditEvent['action'],
    actor: row.actor,
    at: row.at,
    before: row.before ? JSON.parse(row.before) : null,
    after: row.after ? JSON.parse(row.after) : null,
  };
}

/** The knex implementation of {@link ToilStore} (SQLite and PostgreSQL). */
export class DatabaseToilStore implements ToilStore {
  /** Runs migrations (unless the database says not to) and returns the store. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseToilStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseToilStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async listTasks(filter?: { entityRefs?: string[] }): Promise<ToilTask[]> {
    const query = this.db<TaskRow>('toil_tasks')
      .select()
      .orderBy([
        { column: 'recorded_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    if (filter?.entityRefs) {
      if (filter.entityRefs.length === 0) return [];
      query.whereIn('entity_ref', filter.entityRefs);
    }
    return (await query).map(toTask);
  }

  async getTask(id: string): Promise<ToilTask | undefined> {
    const row = await this.db<TaskRow>('toil_tasks').where({ id }).first();
    return row ? toTask(row) : undefined;
  }

  async createTasks(tasks: NewToilTask[], actor: string): Promise<ToilTask[]> {
    const now = new Date().toISOString();
    const rows: TaskRow[] = tasks.map(t => ({
      id: randomUUID(),
      ...inputColumns(t.input),
      recorded_by: t.recordedBy ?? actor,
      recorded_at: t.recordedAt ?? now,
      updated_by: actor,
      updated_at: now,
      version: 1,
    }));
    const created = rows.map(toTask);
    await this.db.transaction(async tx => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await tx('toil_tasks').insert(rows.slice(i, i + CHUNK));
        await tx('toil_audit').insert(
          created.slice(i, i + CHUNK).map(task => ({
            task_id: task.id,
            entity_ref: task.entityRef,
            action: 'create',
            actor,
            at: now,
            before: null,
            after: JSON.stringify(task),
          })),
        );
      }
    });
    return created;
  }

  async updateTask(
    id: string,
    input: ToilTaskInput,
    expectedVersion: number,
    actor: string,
  ): Promise<ToilTask> {
    return this.db.transaction(async tx => {
      const before = await this.current(tx, id, expectedVersion);
      const now = new Date().toISOString();
      const updated = await tx('toil_tasks')
        .where({ id, version: expectedVersion })
        .update({
          ...inputColumns(input),
          updated_by: actor,
          updated_at: now,
          version: expectedVersion + 1,
        });
      // A writer that committed between our read and our write wins; we lose.
      if (updated !== 1) throw this.conflict(id, expectedVersion);
      const after = toTask(
        (await tx<TaskRow>('toil_tasks').where({ id }).first())!,
      );
      await tx('toil_audit').insert({
        task_id: id,
        entity_ref: after.entityRef,
        action: 'update',
        actor,
        at: now,
        before: JSON.stringify(before),
        after: JSON.stringify(after),
      });
      return after;
    });
  }

  async deleteTask(
    id: string,
    expectedVersion: number,
    actor: string,
  ): Promise<ToilTask> {
    return this.db.transaction(async tx => {
      const before = await this.current(tx, id, expectedVersion);
      const deleted = await tx('toil_tasks')
        .where({ id, version: expectedVersion })
        .delete();
      if (deleted !== 1) throw this.conflict(id, expectedVersion);
      await tx('toil_audit').insert({
        task_id: id,
        entity_ref: before.entityRef,
        action: 'delete',
        actor,
        at: new Date().toISOString(),
        before: JSON.stringify(before),
        after: null,
      });
      return before;
    });
  }

  async countTasks(): Promise<number> {
    const [{ count }] = await this.db('toil_tasks').count({ count: '*' });
    return Number(count);
  }

  async listAudit(filter?: {
    entityRefs?: string[];
    taskId?: string;
  }): Promise<ToilAuditEvent[]> {
    const query = this.db<AuditRow>('toil_audit').select().orderBy('id');
    if (filter?.entityRefs) {
      if (filter.entityRefs.length === 0) return [];
      query.whereIn('entity_ref', filter.entityRefs);
    }
    if (filter?.taskId) query.where({ task_id: filter.taskId });
    return (await query).map(toAudit);
  }

  private async current(
    tx: Knex.Transaction,
    id: string,
    expectedVersion: number,
  ): Promise<ToilTask> {
    const row = await tx<TaskRow>('toil_tasks').where({ id }).first();
    if (!row) throw new NotFoundError(`No toil task with id ${id}`);
    if (Number(row.version) !== expectedVersion) {
      throw this.conflict(id, expectedVersion, Number(row.version));
    }
    return toTask(row);
  }

  private conflict(id: string, expected: number, actual?: number) {
    return new ConflictError(
      `Toil task ${id} was changed by someone else (you edited version ${expected}${
        actual ? `, it is now at version ${actual}` : ''
      }); reload it and apply your change again`,
    );
  }
}
