import {
  ToilAuditEvent,
  ToilTask,
  ToilTaskInput,
} from '@cloud-native-portal/plugin-toil-common';

/** A task to create, with optional provenance (an import keeps the file's). */
export interface NewToilTask {
  input: ToilTaskInput;
  /** Defaults to the actor. */
  recordedBy?: string;
  /** ISO timestamp; defaults to now. */
  recordedAt?: string;
}

/** Persistence of the toil register and its audit trail. */
export interface ToilStore {
  /** Tasks, optionally of some entities only, oldest first. */
  listTasks(filter?: { entityRefs?: string[] }): Promise<ToilTask[]>;
  getTask(id: string): Promise<ToilTask | undefined>;
  /** Creates every task in one transaction, auditing each. */
  createTasks(tasks: NewToilTask[], actor: string): Promise<ToilTask[]>;
  /**
   * Replaces a task's fields when its stored version equals
   * `expectedVersion`. Throws NotFoundError, or ConflictError when stale.
   */
  updateTask(
    id: string,
    input: ToilTaskInput,
    expectedVersion: number,
    actor: string,
  ): Promise<ToilTask>;
  /** Deletes a task at `expectedVersion`; same errors as updateTask. */
  deleteTask(
    id: string,
    expectedVersion: number,
    actor: string,
  ): Promise<ToilTask>;
  countTasks(): Promise<number>;
  /** Audit events, oldest first. */
  listAudit(filter?: {
    entityRefs?: string[];
    taskId?: string;
  }): Promise<ToilAuditEvent[]>;
}
