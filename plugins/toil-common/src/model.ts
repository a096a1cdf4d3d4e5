/**
 * The toil register's value lists (see the toil domain brief): one row per
 * operations task of a service. The types of a row (ToilTaskInput, ToilTask,
 * ToilAuditEvent) and of each list are generated from the REST API's
 * definition; see `./api`.
 */
import type {
  Automatable,
  AutomationStatus,
  FrequencyUnit,
  ToilCategory,
} from './api';

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
] as const satisfies readonly ToilCategory[];

/** Categories that count as routine remediation for the maturity model (level 5). */
export const ROUTINE_REMEDIATION_CATEGORIES: readonly ToilCategory[] = [
  'patching',
  'certificates',
  'backups',
  'scaling',
];

/** Units a frequency is counted in. */
export const FREQUENCY_UNITS = [
  'week',
  'month',
  'quarter',
] as const satisfies readonly FrequencyUnit[];

/** Whether a task could be automated. */
export const AUTOMATABLE_VALUES = [
  'yes',
  'partly',
  'no',
] as const satisfies readonly Automatable[];

/** States of a task's automation plan. */
export const AUTOMATION_STATUSES = [
  'none',
  'planned',
  'in progress',
  'automated',
] as const satisfies readonly AutomationStatus[];
