import { z } from 'zod';
import {
  campaignInputSchema,
  dateTimeInput,
  entityFilterInputFields,
  inputErrorMap,
  waiverInputSchema,
} from './schema';

// 2026-12-05 12:00 UTC.
const NOW = Date.UTC(2026, 11, 5, 12);
const now = () => NOW;

/** `field: message` for each issue, as the REST API reports them. */
function problems(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`);
}

const campaign = {
  title: 'Everything observable by spring',
  dimension: 'observability',
  targetLevel: 3,
  deadline: '2027-03-31',
};

const waiver = {
  entityRef: 'component:default/payments-gateway',
  checkId: 'dockerfile',
  reason: 'The service is retired in January',
  expiresAt: '2027-01-31',
};

const NUL =
  'must not contain a NUL character (\\u0000); remove it and try again';

describe('campaign body', () => {
  const schema = campaignInputSchema({ now });

  it('accepts a campaign with a deadline today', () => {
    expect(schema.parse({ ...campaign, deadline: '2026-12-05' })).toEqual({
      ...campaign,
      deadline: '2026-12-05',
      filters: {},
    });
  });

  it.each([
    ['title', { title: 'Observable\u0000 by spring' }],
    ['description', { description: 'Why: \u0000' }],
    ['dimension', { dimension: 'observ\u0000ability' }],
    ['filters.owner', { filters: { owner: 'group:default/a\u0000' } }],
  ])('refuses a NUL byte in the campaign %s, naming it', (field, change) => {
    expect(problems(schema, { ...campaign, ...change })).toEqual([
      `${field}: ${NUL}`,
    ]);
  });

  it('refuses the impossible deadline 2026-02-31', () => {
    expect(problems(schema, { ...campaign, deadline: '2026-02-31' })).toEqual([
      'deadline: must be a date that exists in the calendar (2026-02-31 does not); use the form YYYY-MM-DD, like 2027-03-31',
    ]);
  });

  it('refuses the past deadline 2026-12-01', () => {
    expect(problems(schema, { ...campaign, deadline: '2026-12-01' })).toEqual([
      'deadline: must be today or later (got 2026-12-01)',
    ]);
  });

  it.each([['31/03/2027'], ['2027-03-31T00:00:00Z'], [20270331]])(
    'refuses the deadline %j with the form to use',
    deadline => {
      expect(problems(schema, { ...campaign, deadline })).toEqual([
        'deadline: must be a date in the form YYYY-MM-DD, like 2027-03-31',
      ]);
    },
  );

  it('refuses a missing title and a level of 7 in words', () => {
    const { title: _, ...untitled } = campaign;
    expect(problems(schema, { ...untitled, targetLevel: 7 })).toEqual([
      'title: is required',
      'targetLevel: must be a whole number from 2 to 5',
    ]);
  });
});

describe('waiver body', () => {
  const schema = waiverInputSchema({ now, maxDays: 90 });

  it('reads a date as the end of that day, and keeps a date-time as sent', () => {
    expect(schema.parse(waiver).expiresAt).toEqual(
      new Date('2027-01-31T23:59:59.999Z'),
    );
    expect(
      schema.parse({ ...waiver, expiresAt: '2027-01-31T23:59:59.000Z' })
        .expiresAt,
    ).toEqual(new Date('2027-01-31T23:59:59.000Z'));
  });

  it.each([
    ['reason', { reason: 'Retired\u0000 soon' }],
    ['entityRef', { entityRef: 'component:default/pay\u0000' }],
    ['checkId', { checkId: 'docker\u0000file' }],
  ])('refuses a NUL byte in the waiver %s, naming it', (field, change) => {
    expect(problems(schema, { ...waiver, ...change })).toEqual([
      `${field}: ${NUL}`,
    ]);
  });

  it.each([
    ['2026-02-31', '2026-02-31'],
    ['2027-02-29T10:00:00Z', '2027-02-29'],
  ])('refuses the impossible expiresAt %s', (expiresAt, date) => {
    expect(problems(schema, { ...waiver, expiresAt })).toEqual([
      `expiresAt: must be a date that exists in the calendar (${date} does not); use the form YYYY-MM-DD, like 2027-03-31`,
    ]);
  });

  // z.coerce.date() answered these with "expected date, received Date".
  it.each([['next week'], ['31/03/2027'], [''], [1798675200000], [null]])(
    'refuses expiresAt %j with a sentence a person can act on',
    expiresAt => {
      expect(problems(schema, { ...waiver, expiresAt })).toEqual([
        'expiresAt: must be a date in the form YYYY-MM-DD, like 2027-03-31',
      ]);
    },
  );

  it('refuses a missing expiresAt as required', () => {
    const { expiresAt: _, ...open } = waiver;
    expect(problems(schema, open)).toEqual(['expiresAt: is required']);
  });

  it('refuses the past expiresAt 2026-12-04', () => {
    expect(problems(schema, { ...waiver, expiresAt: '2026-12-04' })).toEqual([
      'expiresAt: must be in the future (got 2026-12-04)',
    ]);
  });

  it('refuses a ten-year expiresAt, naming the latest date allowed', () => {
    expect(problems(schema, { ...waiver, expiresAt: '2036-12-05' })).toEqual([
      'expiresAt: must be no later than 2027-03-05: a waiver may last at most 90 days; ask again when it expires',
    ]);
    expect(
      schema.safeParse({ ...waiver, expiresAt: '2027-03-05' }).success,
    ).toBe(true);
  });

  it('refuses a two-character reason in words', () => {
    expect(problems(schema, { ...waiver, reason: ' ok ' })).toEqual([
      'reason: must say why, in at least 3 characters',
    ]);
  });
});

describe('entity filter query', () => {
  const schema = z.strictObject(entityFilterInputFields);

  it('refuses a NUL byte in a filter and a tier of 9', () => {
    expect(problems(schema, { system: 'a\u0000', tier: '9' })).toEqual([
      `system: ${NUL}`,
      'tier: must be a whole number from 1 to 5',
    ]);
    expect(schema.parse({ tier: '2', owner: 'group:default/a' })).toEqual({
      tier: 2,
      owner: 'group:default/a',
    });
  });
});

describe('inputErrorMap', () => {
  const query = z.strictObject({
    since: z.coerce.date().optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    interval: z.enum(['day', 'week', 'month']).optional(),
    id: z.uuid().optional(),
  });
  const withMap = (input: unknown) => {
    const result = query.safeParse(input, { error: inputErrorMap });
    return result.success
      ? []
      : result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`);
  };

  it('answers the date "next week" with the form to use, not "expected date, received Date"', () => {
    expect(problems(query, { since: 'next week' })).toEqual([
      'since: Invalid input: expected date, received Date',
    ]);
    expect(withMap({ since: 'next week' })).toEqual([
      'since: must be a date in the form YYYY-MM-DD, like 2027-03-31',
    ]);
  });

  it.each([
    [{ limit: 'ten' }, 'limit: must be a number'],
    [{ limit: '1.5' }, 'limit: must be a whole number'],
    [{ limit: '0' }, 'limit: must be at least 1'],
    [{ limit: '9000' }, 'limit: must be at most 500'],
    [{ interval: 'year' }, 'interval: must be one of: day, week, month'],
    [
      { id: 'abc' },
      'id: must be an id, a UUID such as 0b6e5f4c-2a7d-4c41-9f0e-3d2b1a0c9e8f',
    ],
  ])('answers %j in words', (input, message) => {
    expect(withMap(input)).toEqual([message]);
  });

  it('keeps a message set on the field', () => {
    const schema = waiverInputSchema({ now });
    const result = schema.safeParse(
      { ...waiver, expiresAt: 'soon' },
      { error: inputErrorMap },
    );
    expect(result.error?.issues.map(i => i.message)).toEqual([
      'must be a date in the form YYYY-MM-DD, like 2027-03-31',
    ]);
  });
});

describe('dateTimeInput', () => {
  const since = dateTimeInput();

  it('reads a date as the start of that day, and a date-time as sent', () => {
    expect(since.parse('2026-11-01')).toEqual(
      new Date('2026-11-01T00:00:00.000Z'),
    );
    expect(since.parse('2026-11-01T08:30:00.000+02:00')).toEqual(
      new Date('2026-11-01T06:30:00.000Z'),
    );
  });

  it.each([
    [
      '2026-02-31',
      'must be a date that exists in the calendar (2026-02-31 does not); use the form YYYY-MM-DD, like 2027-03-31',
    ],
    ['next week', 'must be a date in the form YYYY-MM-DD, like 2027-03-31'],
    [
      '2026-11-01T25:00:00Z',
      'must be a date in the form YYYY-MM-DD, like 2027-03-31',
    ],
    [
      '2026-11-01 08:30',
      'must be a date in the form YYYY-MM-DD, like 2027-03-31',
    ],
  ])('refuses the query date %j', (value, message) => {
    expect(problems(since, value)).toEqual([`: ${message}`]);
  });
});
