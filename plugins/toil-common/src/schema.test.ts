import {
  createToilTaskSchema,
  describeIssues,
  updateToilTaskSchema,
} from './schema';
import { isCalendarDate } from './validation';

const task = {
  entityRef: 'component:default/payments-gateway',
  task: 'Manual deploy during the change window',
  category: 'releases and deploys',
  frequency: 3,
  frequencyUnit: 'week',
  minutesPerOccurrence: 90,
  people: 2,
  automatable: 'yes',
  automationStatus: 'automated',
};

function problems(input: unknown) {
  const result = createToilTaskSchema.safeParse(input);
  return result.success ? [] : describeIssues(result.error);
}

describe('toil task schema', () => {
  it.each([
    ['task', { task: 'Restart\u0000 the broker' }],
    ['link', { link: 'https://runbooks.example/\u0000restart' }],
    ['entityRef', { entityRef: 'component:default/pay\u0000ments' }],
  ])('refuses a NUL byte in %s, naming the field', (field, change) => {
    expect(problems({ ...task, ...change })).toContain(
      `${field} must not contain a NUL character (\\u0000); remove it and try again`,
    );
  });

  it('refuses a NUL byte in the task name of an update', () => {
    const result = updateToilTaskSchema.safeParse({
      ...task,
      task: 'a\u0000b',
      version: 1,
    });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toContain(
      'task must not contain a NUL character (\\u0000); remove it and try again',
    );
  });

  it.each(['2026-02-31', '2026-13-01', '2025-02-29', '2026-04-31'])(
    'refuses the impossible date %s in automatedAt',
    date => {
      expect(problems({ ...task, automatedAt: date })).toEqual([
        `automatedAt must be a date that exists in the calendar (${date} does not); use the form YYYY-MM-DD, like 2027-03-31`,
      ]);
    },
  );

  it.each([
    ['31/03/2027', '31/03/2027'],
    ['a number', 20270331],
    ['a date-time', '2027-03-31T12:00:00Z'],
  ])(
    'refuses automatedAt given as %s with a sentence to act on',
    (_, value) => {
      expect(problems({ ...task, automatedAt: value })).toEqual([
        'automatedAt must be a date in the form YYYY-MM-DD, like 2027-03-31',
      ]);
    },
  );

  it('refuses a 300-character entity ref, which the database cannot hold', () => {
    expect(
      problems({ ...task, entityRef: `component:default/${'a'.repeat(282)}` }),
    ).toEqual(['entityRef must be at most 255 characters']);
  });

  it('refuses a task name given as a number, and a missing one, in words', () => {
    expect(problems({ ...task, task: 42 })).toEqual(['task must be text']);
    const { task: _, ...missing } = task;
    expect(problems(missing)).toEqual(['task is required']);
    expect(problems({ ...task, frequency: 'often' })).toEqual([
      'frequency must be a number, like 3 or 1.5',
    ]);
    expect(problems('a task')).toEqual([
      "body must be a JSON object with the task's fields",
    ]);
  });

  it('refuses a 2,001-character link with the limit in words', () => {
    expect(
      problems({ ...task, link: `https://x.example/${'a'.repeat(2000)}` }),
    ).toEqual(['link must be at most 2000 characters']);
  });

  it('accepts empty optional fields, a leap day and a link', () => {
    const result = createToilTaskSchema.safeParse({
      ...task,
      link: '',
      automatedAt: '2024-02-29',
    });
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({
      link: null,
      automatedAt: '2024-02-29',
    });
    expect(
      createToilTaskSchema.safeParse({
        ...task,
        automationStatus: 'none',
        link: 'https://runbooks.example/restart',
        automatedAt: '',
      }).data,
    ).toMatchObject({
      link: 'https://runbooks.example/restart',
      automatedAt: null,
    });
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['2026-02-28', true],
    ['2024-02-29', true],
    ['0001-01-01', true],
    ['0099-12-31', true],
    ['2026-02-31', false],
    ['2026-00-10', false],
    ['2026-1-10', false],
    ['', false],
  ])('%j is %p', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });
});
