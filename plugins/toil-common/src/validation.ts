/**
 * Building blocks for the register's schemas: text the database can store,
 * and calendar dates parsed strictly. Messages are predicates ("must be ...")
 * that {@link describeIssues} prefixes with the field's name.
 */
import { z } from 'zod';

/** An example date for messages. */
export const EXAMPLE_DATE = '2027-03-31';

/** What a date field must look like, as a predicate for messages. */
export const DATE_FORMAT_MESSAGE = `must be a date in the form YYYY-MM-DD, like ${EXAMPLE_DATE}`;

/**
 * The message for text holding a NUL character. PostgreSQL cannot store it
 * in a text column, and nobody types it on purpose: it comes from a binary
 * file or a broken export.
 */
export const NUL_MESSAGE =
  'must not contain a NUL character (\\u0000); remove it and try again';

/** True when the text holds a NUL character (U+0000). */
export function hasNul(value: string): boolean {
  return value.includes('\u0000');
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * True when `value` is a `YYYY-MM-DD` date that exists in the calendar:
 * `2026-02-31` is refused, where `Date.parse` would roll it over to March.
 */
export function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0-99 to 1900-1999; setting the year keeps them.
  date.setUTCFullYear(year);
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

/** Today's date in UTC as `YYYY-MM-DD`. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * A type error message: "is required" when the field is missing, `message`
 * when it holds a value of the wrong type.
 */
export function requiredOr(message: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : message;
}

/**
 * Free text the database can store: a string (not a number or a list), with
 * no NUL character. Chain `.trim()`, `.min()` and `.max()` as usual.
 */
export function freeText() {
  return z
    .string({ error: requiredOr('must be text') })
    .refine(value => !hasNul(value), NUL_MESSAGE);
}

/** A `YYYY-MM-DD` date that exists in the calendar, e.g. not `2026-02-31`. */
export function calendarDate() {
  return (
    z
      .string({ error: requiredOr(DATE_FORMAT_MESSAGE) })
      .trim()
      .regex(DATE_PATTERN, DATE_FORMAT_MESSAGE)
      // Only a well-formed date is checked against the calendar; the pattern
      // has already said what is wrong with anything else.
      .refine(value => !DATE_PATTERN.test(value) || isCalendarDate(value), {
        error: issue =>
          `must be a date that exists in the calendar (${String(
            issue.input,
          )} does not); use the form YYYY-MM-DD, like ${EXAMPLE_DATE}`,
      })
  );
}
