/**
 * The toil register's domain types (see the toil domain brief): one row per
 * operations task of a service.
 */

/** Task categories, in the order the register shows them. */
export const TOIL_CATEGORIES = [
  'interrupts',
  'on-call response',
  'releases and deploys',
  'patching',
  'certificates',
  'backups',
  'provisioning',
  'scaling',
  'access requests',
  'data fixes',
  'other',
] as const;

/** A task category. */
export type ToilCategory = (typeof TOIL_CATEGORIES)[number];

/** Categories that count as routine remediation for the maturity model (level 5). */
export const ROUTINE_REMEDIATION_CATEGORIES: readonly ToilCategory[] = [
  'patching',
  'certificates',
  'backups',
  'scaling',
];

/** Units a frequency is counted in. */
export const FREQUENCY_UNITS = ['week', 'month', 'quarter'] as const;

/** A frequency unit. */
export type FrequencyUnit = (typeof FREQUENCY_UNITS)[number];

/** Whether a task could be automated. */
export const AUTOMATABLE_VALUES = ['yes', 'partly', 'no'] as const;

/** An automatable value. */
export type Automatable = (typeof AUTOMATABLE_VALUES)[number];

/** States of a task's automation plan. */
export const AUTOMATION_STATUSES = [
  'none',
  'planned',
  'in progress',
  'automated',
] as const;

/** An automation plan status. */
export type AutomationStatus = (typeof AUTOMATION_STATUSES)[number];

/** The fields a person enters for one task. */
export interface ToilTaskInput {
  /** Entity ref of the service (or resource) the task belongs to. */
  entityRef: string;
  /** Short name of the task. */
  task: string;
  category: ToilCategory;
  /** Occurrences per `frequencyUnit`. */
  frequency: number;
  frequencyUnit: FrequencyUnit;
  minutesPerOccurrence: number;
  /** People involved in each occurrence. */
  people: number;
  automatable: Automatable;
  /** Ticket or runbook URL. */
  link?: string | null;
  automationStatus: AutomationStatus;
  /** Estimated hours to build the automation. */
  buildHours?: number | null;
  /** Date (YYYY-MM-DD) the task was automated. */
  automatedAt?: string | null;
}

/** A stored register row. */
export interface ToilTask extends ToilTaskInput {
  id: string;
  /** Optimistic-concurrency version; every write increments it. */
  version: number;
  /** User entity ref of whoever recorded the task. */
  recordedBy: string;
  /** ISO timestamp the task was recorded. */
  recordedAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** One audited change of a register row. */
export interface ToilAuditEvent {
  id: number;
  taskId: string;
  entityRef: string;
  action: 'create' | 'update' | 'delete';
  /** User (or service) that made the change. */
  actor: string;
  /** ISO timestamp of the change. */
  at: string;
  /** The row before the change; null on create. */
  before: ToilTask | null;
  /** The row after the change; null on delete. */
  after: ToilTask | null;
}

/** Traffic-light band of a toil percentage. */
export type ToilBand = 'red' | 'amber' | 'green';
