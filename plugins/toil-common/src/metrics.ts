/**
 * Toil metrics, defined once here and computed on the server (the browser
 * only displays them). Formulas follow the toil domain brief.
 */
import type {
  ToilAuditEvent,
  ToilBand,
  ToilCategory,
  ToilTask,
  ToilTrendPoint,
} from './api';
import { WEEKLY_FACTOR } from './schema';

/** Default operations hours per person per week. */
export const DEFAULT_HOURS_PER_PERSON = 40;

/** Toil % above which a team is red. */
export const RED_THRESHOLD_PERCENT = 50;

/** Toil % above which a team is amber. */
export const AMBER_THRESHOLD_PERCENT = 30;

/** The fields metrics read; a subset of {@link ToilTask}. */
export type MetricTask = Pick<
  ToilTask,
  | 'frequency'
  | 'frequencyUnit'
  | 'minutesPerOccurrence'
  | 'people'
  | 'automatable'
  | 'automationStatus'
  | 'buildHours'
>;

/** Rounds to one decimal, for display-ready figures. */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Occurrences a week. */
export function occurrencesPerWeek(task: MetricTask): number {
  return task.frequency * WEEKLY_FACTOR[task.frequencyUnit];
}

/**
 * Person-hours a week the task costs: frequency/week × minutes × people / 60.
 * An automated task costs nothing.
 */
export function taskHoursPerWeek(task: MetricTask): number {
  if (task.automationStatus === 'automated') return 0;
  return (
    (occurrencesPerWeek(task) * task.minutesPerOccurrence * task.people) / 60
  );
}

/** Sum of {@link taskHoursPerWeek}. */
export function totalHoursPerWeek(tasks: MetricTask[]): number {
  return tasks.reduce((sum, task) => sum + taskHoursPerWeek(task), 0);
}

/**
 * Toil as a percent of the team's operations capacity; null when the team
 * has no members (the percentage is undefined, not infinite).
 */
export function toilPercent(
  hoursPerWeek: number,
  members: number,
  hoursPerPerson: number = DEFAULT_HOURS_PER_PERSON,
): number | null {
  if (members <= 0 || hoursPerPerson <= 0) return null;
  return (hoursPerWeek / (members * hoursPerPerson)) * 100;
}

/** Red over 50%, amber over 30%, green otherwise; null when undefined. */
export function toilBand(percent: number | null): ToilBand | null {
  if (percent === null) return null;
  if (percent > RED_THRESHOLD_PERCENT) return 'red';
  if (percent > AMBER_THRESHOLD_PERCENT) return 'amber';
  return 'green';
}

/**
 * A weekly-repeat flag: the task happens at least once a week, could be
 * automated (yes or partly) and is not automated yet.
 */
export function isWeeklyRepeat(task: MetricTask): boolean {
  return (
    occurrencesPerWeek(task) >= 1 &&
    (task.automatable === 'yes' || task.automatable === 'partly') &&
    task.automationStatus !== 'automated'
  );
}

/** Return on automating one task. */
export interface AutomationRoi {
  hoursPerWeek: number;
  /** hours/week × 52. */
  yearlyHoursSaved: number;
  /** Build hours ÷ monthly hours saved; null without a build estimate. */
  paybackMonths: number | null;
}

/** Yearly hours saved and payback in months of automating a task. */
export function automationRoi(task: MetricTask): AutomationRoi {
  const hoursPerWeek = taskHoursPerWeek(task);
  const yearlyHoursSaved = hoursPerWeek * 52;
  const monthlyHoursSaved = yearlyHoursSaved / 12;
  const paybackMonths =
    task.buildHours !== null &&
    task.buildHours !== undefined &&
    monthlyHoursSaved > 0
      ? task.buildHours / monthlyHoursSaved
      : null;
  return { hoursPerWeek, yearlyHoursSaved, paybackMonths };
}

/** A task ranked for automation, with its figures. */
export interface AutomationCandidate<T extends MetricTask = ToilTask> {
  task: T;
  rank: number;
  weeklyRepeat: boolean;
  hoursPerWeek: number;
  yearlyHoursSaved: number;
  paybackMonths: number | null;
}

/**
 * Automation candidates: automatable (yes or partly), not automated, costing
 * time. Weekly repeats come first, then the shortest payback; tasks without a
 * build estimate follow, largest first.
 */
export function rankAutomationCandidates<T extends MetricTask>(
  tasks: T[],
): AutomationCandidate<T>[] {
  const candidates = tasks
    .filter(
      t =>
        t.automatable !== 'no' &&
        t.automationStatus !== 'automated' &&
        taskHoursPerWeek(t) > 0,
    )
    .map(task => ({
      task,
      rank: 0,
      weeklyRepeat: isWeeklyRepeat(task),
      ...automationRoi(task),
    }));
  candidates.sort((a, b) => {
    if (a.weeklyRepeat !== b.weeklyRepeat) return a.weeklyRepeat ? -1 : 1;
    if (a.paybackMonths !== null && b.paybackMonths !== null) {
      return a.paybackMonths - b.paybackMonths;
    }
    if (a.paybackMonths !== null) return -1;
    if (b.paybackMonths !== null) return 1;
    return b.hoursPerWeek - a.hoursPerWeek;
  });
  return candidates.map((c, i) => ({ ...c, rank: i + 1 }));
}

/** The most expensive tasks first. */
export function topTasks<T extends MetricTask>(tasks: T[], count: number): T[] {
  return [...tasks]
    .filter(t => taskHoursPerWeek(t) > 0)
    .sort((a, b) => taskHoursPerWeek(b) - taskHoursPerWeek(a))
    .slice(0, count);
}

/** Hours a week per category, largest first, omitting empty categories. */
export function hoursByCategory(
  tasks: Array<MetricTask & { category: ToilCategory }>,
): Array<{ category: ToilCategory; hoursPerWeek: number }> {
  const sums = new Map<ToilCategory, number>();
  for (const task of tasks) {
    const hours = taskHoursPerWeek(task);
    if (hours > 0)
      sums.set(task.category, (sums.get(task.category) ?? 0) + hours);
  }
  return [...sums.entries()]
    .map(([category, hoursPerWeek]) => ({ category, hoursPerWeek }))
    .sort((a, b) => b.hoursPerWeek - a.hoursPerWeek);
}

function monthKey(date: Date): string {
  return date.toISOString().slice(0, 7);
}

function endOfMonth(year: number, month: number): number {
  return Date.UTC(year, month + 1, 1) - 1;
}

/**
 * The monthly trend, replayed from the audit log: the register as it stood
 * at the end of each month. A row counts from the earlier of its audit
 * creation and its recorded date (imports carry the date a team first wrote
 * the task down), and an automated row counts until its automation date.
 * A month that ended before the first row was recorded has no figure (null):
 * the register did not exist yet, which is not zero toil. `newlyRecorded`
 * counts the rows first written down in the month, so a rise that is only
 * toil being recorded for the first time reads as such.
 */
export function monthlyTrend(
  events: ToilAuditEvent[],
  options: {
    now: Date;
    months: number;
    /** Which rows count, e.g. those of a team's entities. Default: all. */
    include?: (task: ToilTask) => boolean;
  },
): ToilTrendPoint[] {
  const sorted = [...events].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id,
  );
  const points: ToilTrendPoint[] = [];
  const now = options.now;
  // When each counted row was first recorded.
  const recordedAt: number[] = [];
  for (const event of sorted) {
    if (event.action !== 'create' || !event.after) continue;
    if (options.include && !options.include(event.after)) continue;
    recordedAt.push(
      Math.min(Date.parse(event.at), Date.parse(event.after.recordedAt)),
    );
  }
  const firstRecorded = Math.min(...recordedAt);
  for (let i = options.months - 1; i >= 0; i--) {
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth() - i;
    const cutoff = Math.min(endOfMonth(year, month), now.getTime());
    const state = new Map<string, ToilTask>();
    for (const event of sorted) {
      const row = event.after ?? event.before;
      const effective =
        event.action === 'create' && row
          ? Math.min(Date.parse(event.at), Date.parse(row.recordedAt))
          : Date.parse(event.at);
      if (effective > cutoff) continue;
      if (event.after) state.set(event.taskId, event.after);
      else state.delete(event.taskId);
    }
    let hours = 0;
    for (const task of state.values()) {
      if (options.include && !options.include(task)) continue;
      const automatedAt = task.automatedAt ? Date.parse(task.automatedAt) : NaN;
      const stillManual =
        task.automationStatus === 'automated' &&
        !Number.isNaN(automatedAt) &&
        automatedAt > cutoff;
      hours += taskHoursPerWeek(
        stillManual ? { ...task, automationStatus: 'planned' } : task,
      );
    }
    const monthStart = Date.UTC(year, month, 1);
    points.push({
      month: monthKey(new Date(monthStart)),
      hoursPerWeek: cutoff < firstRecorded ? null : round1(hours),
      newlyRecorded: recordedAt.filter(t => t >= monthStart && t <= cutoff)
        .length,
    });
  }
  return points;
}
