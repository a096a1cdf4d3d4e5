import { z } from 'zod';
import {
  AUTOMATABLE_VALUES,
  AUTOMATION_STATUSES,
  FREQUENCY_UNITS,
  TOIL_CATEGORIES,
} from './model';
import type { FrequencyUnit } from './api';
import { calendarDate, freeText, requiredOr } from './validation';

/**
 * Bounds on what a register row may hold. Anything outside them is a typo or
 * a unit mix-up (minutes typed as seconds, a year typed as a week), so it is
 * refused rather than allowed to swamp the metrics.
 */
export const TOIL_BOUNDS = {
  /** Occurrences a week, after converting months and quarters. */
  maxOccurrencesPerWeek: 2000,
  /** A single occurrence lasts at most a day. */
  maxMinutesPerOccurrence: 1440,
  minPeople: 1,
  maxPeople: 100,
  /** Roughly five person-years of build effort. */
  maxBuildHours: 10000,
  maxTaskLength: 200,
  maxLinkLength: 2000,
  /** The database column of an entity ref holds 255 characters. */
  maxEntityRefLength: 255,
} as const;

/** Occurrences a week for one occurrence per `unit`. */
export const WEEKLY_FACTOR: Record<FrequencyUnit, number> = {
  week: 1,
  month: 12 / 52,
  quarter: 4 / 52,
};

/** Matches a full entity ref, `kind:namespace/name`. */
export const ENTITY_REF_PATTERN = /^[a-z0-9_.-]+:[a-z0-9_.-]+\/[a-z0-9_.-]+$/i;

const NUMBER_MESSAGE = requiredOr('must be a number, like 3 or 1.5');

/** An empty optional field, as a form or a CSV cell sends it, is no value. */
function blankAsNull(value: unknown) {
  return typeof value === 'string' && value.trim() === '' ? null : value;
}

const baseTaskSchema = z.object(
  {
    entityRef: freeText()
      .trim()
      .max(
        TOIL_BOUNDS.maxEntityRefLength,
        `must be at most ${TOIL_BOUNDS.maxEntityRefLength} characters`,
      )
      .regex(
        ENTITY_REF_PATTERN,
        'must be a full entity ref such as component:default/my-service',
      )
      .transform(ref => ref.toLocaleLowerCase('en-US')),
    task: freeText()
      .trim()
      .min(1, 'is required')
      .max(
        TOIL_BOUNDS.maxTaskLength,
        `must be at most ${TOIL_BOUNDS.maxTaskLength} characters`,
      ),
    category: z.enum(TOIL_CATEGORIES, {
      error: `must be one of: ${TOIL_CATEGORIES.join(', ')}`,
    }),
    frequency: z
      .number({ error: NUMBER_MESSAGE })
      .finite('must be a finite number')
      .positive('must be greater than 0'),
    frequencyUnit: z.enum(FREQUENCY_UNITS, {
      error: `must be one of: ${FREQUENCY_UNITS.join(', ')}`,
    }),
    minutesPerOccurrence: z
      .number({ error: NUMBER_MESSAGE })
      .finite('must be a finite number')
      .positive('must be greater than 0')
      .max(
        TOIL_BOUNDS.maxMinutesPerOccurrence,
        `must be at most ${TOIL_BOUNDS.maxMinutesPerOccurrence} (one day)`,
      ),
    people: z
      .number({ error: NUMBER_MESSAGE })
      .int('must be a whole number')
      .min(TOIL_BOUNDS.minPeople, `must be at least ${TOIL_BOUNDS.minPeople}`)
      .max(TOIL_BOUNDS.maxPeople, `must be at most ${TOIL_BOUNDS.maxPeople}`),
    automatable: z.enum(AUTOMATABLE_VALUES, {
      error: `must be one of: ${AUTOMATABLE_VALUES.join(', ')}`,
    }),
    link: z.preprocess(
      blankAsNull,
      freeText()
        .trim()
        .max(
          TOIL_BOUNDS.maxLinkLength,
          `must be at most ${TOIL_BOUNDS.maxLinkLength} characters`,
        )
        .regex(/^https?:\/\/\S+$/i, 'must be an http(s) URL')
        .nullish(),
    ),
    automationStatus: z.enum(AUTOMATION_STATUSES, {
      error: `must be one of: ${AUTOMATION_STATUSES.join(', ')}`,
    }),
    buildHours: z
      .number({ error: NUMBER_MESSAGE })
      .finite('must be a finite number')
      .min(0, 'must not be negative')
      .max(
        TOIL_BOUNDS.maxBuildHours,
        `must be at most ${TOIL_BOUNDS.maxBuildHours}`,
      )
      .nullish(),
    automatedAt: z.preprocess(blankAsNull, calendarDate().nullish()),
  },
  { error: "must be a JSON object with the task's fields" },
);

/**
 * Why a frequency is out of bounds once converted to a week, or undefined.
 * Forms call it directly so the message shows while other fields are empty.
 */
export function frequencyProblem(
  frequency: number,
  unit: FrequencyUnit,
): string | undefined {
  const perWeek = frequency * (WEEKLY_FACTOR[unit] ?? 1);
  if (perWeek > TOIL_BOUNDS.maxOccurrencesPerWeek) {
    return `must be at most ${
      TOIL_BOUNDS.maxOccurrencesPerWeek
    } occurrences a week (got ${Math.round(perWeek)} a week)`;
  }
  return undefined;
}

/** Validates a task as entered in the form, the API or a CSV row. */
export const toilTaskInputSchema = baseTaskSchema.superRefine((task, ctx) => {
  const problem = frequencyProblem(task.frequency, task.frequencyUnit);
  if (problem) {
    ctx.addIssue({ code: 'custom', path: ['frequency'], message: problem });
  }
  if (task.automatedAt && task.automationStatus !== 'automated') {
    ctx.addIssue({
      code: 'custom',
      path: ['automatedAt'],
      message: 'is only set when the automation status is "automated"',
    });
  }
});

/** A create request. */
export const createToilTaskSchema = toilTaskInputSchema;

/** An update request: the full row plus the version it was read at. */
export const updateToilTaskSchema = baseTaskSchema
  .extend({
    version: z
      .number({ error: 'is required: the version the row was read at' })
      .int('must be a whole number: the version the row was read at')
      .min(1, 'must be 1 or more: the version the row was read at'),
  })
  .superRefine((task, ctx) => {
    const result = toilTaskInputSchema.safeParse(task);
    if (!result.success) {
      for (const issue of result.error.issues) {
        ctx.addIssue({
          code: 'custom',
          path: issue.path as (string | number)[],
          message: issue.message,
        });
      }
    }
  });

/** One readable line per zod issue, each naming its field. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map(issue => {
    const field = issue.path.join('.') || 'body';
    return `${field} ${issue.message}`;
  });
}

/** Field-keyed messages, for forms that show an error beside each input. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.join('.') || 'body';
    out[field] ??= issue.message;
  }
  return out;
}
