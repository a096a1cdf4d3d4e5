/**
 * Zod schemas for the maturity model and for a platform team's overrides,
 * plus the semantic validation zod cannot express on its own (fact names,
 * operator/type fit, cross references).
 */
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { FactDeclaration, FactType } from './facts';
import {
  CheckDefinition,
  ComparisonOperator,
  DimensionDefinition,
  MaturityModel,
} from './model';
import {
  CATALOG_FACTS,
  OWNERSHIP_FACTS,
  REPO_FACTS,
  TOIL_FACTS,
} from './builtinFacts';

/** Every fact declared by the built-in collectors (catalog, ownership, repo, toil). */
export const BUILTIN_FACTS: FactDeclaration[] = [
  ...CATALOG_FACTS,
  ...OWNERSHIP_FACTS,
  ...REPO_FACTS,
  ...TOIL_FACTS,
];

/** The comparison operators of a fact condition, in a stable order. */
export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = [
  'equals',
  'notEquals',
  'greaterThan',
  'greaterThanOrEqual',
  'lessThan',
  'lessThanOrEqual',
  'in',
  'contains',
  'exists',
];

/** The operators allowed on a `count` condition. */
export const COUNT_OPERATORS: readonly ComparisonOperator[] = [
  'equals',
  'greaterThan',
  'greaterThanOrEqual',
  'lessThan',
  'lessThanOrEqual',
];

const NUMERIC_OPERATORS: readonly ComparisonOperator[] = [
  'greaterThan',
  'greaterThanOrEqual',
  'lessThan',
  'lessThanOrEqual',
];

const RULE_FORMS = ['all', 'any', 'not', 'fact', 'count'] as const;

/** A path segment as zod reports it. */
export type IssuePath = ReadonlyArray<PropertyKey>;

/** One validation problem: where it is and what is wrong. */
export interface MaturityModelIssue {
  /** Key path, e.g. `['checks', 3, 'rule', 'all', 1, 'fact']`. */
  path: Array<string | number>;
  message: string;
  /** Set when the problem is in the base model rather than in the overrides. */
  inBase?: boolean;
}

/** Formats a key path as `checks[3].rule.all[1].fact`, after an optional prefix. */
export function formatIssuePath(path: IssuePath, prefix = ''): string {
  let out = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else {
      out += out ? `.${String(segment)}` : String(segment);
    }
  }
  return out || '(root)';
}

/**
 * Thrown when a model or an override is invalid. Its message lists every
 * issue as `path: message`, one per line.
 */
export class MaturityModelValidationError extends InputError {
  /** The individual problems, with their key paths. */
  readonly issues: MaturityModelIssue[];

  constructor(issues: MaturityModelIssue[], pathPrefix = '') {
    super(
      `Invalid maturity model:\n${issues
        .map(
          i =>
            `${
              i.inBase
                ? `(base model) ${formatIssuePath(i.path)}`
                : formatIssuePath(i.path, pathPrefix)
            }: ${i.message}`,
        )
        .join('\n')}`,
    );
    // Keep the InputError name so Backstage's error middleware answers 400.
    this.name = 'InputError';
    this.issues = issues;
  }
}

// Text and date inputs, shared by the model and the REST API's bodies.

/** An example date for messages. */
const EXAMPLE_DATE = '2027-03-31';

/** What a date field must look like. */
export const DATE_INPUT_MESSAGE = `must be a date in the form YYYY-MM-DD, like ${EXAMPLE_DATE}`;

/**
 * The message for text holding a NUL character (U+0000). PostgreSQL cannot
 * store it in a text column; it comes from a binary file or a broken export.
 */
export const NUL_INPUT_MESSAGE =
  'must not contain a NUL character (\\u0000); remove it and try again';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * True when `value` is a `YYYY-MM-DD` date that exists in the calendar:
 * `2026-02-31` is refused, where `Date.parse` would roll it over to March.
 */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
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

/**
 * The earliest date that is still today somewhere (UTC-12), so a person
 * west of Greenwich can pick their own today.
 */
function earliestToday(now: number): string {
  return new Date(now - 12 * 3600_000).toISOString().slice(0, 10);
}

/** "is required" for a missing field, `message` for a value of the wrong type. */
function requiredOr(message: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : message;
}

/**
 * Free text the database can store: a string with no NUL character. Chain
 * `.trim()`, `.min()` and `.max()` as usual.
 */
export function freeTextInput() {
  return z
    .string({ error: requiredOr('must be text') })
    .refine(value => !value.includes('\u0000'), NUL_INPUT_MESSAGE);
}

/** A `YYYY-MM-DD` date that exists in the calendar, e.g. not `2026-02-31`. */
export function calendarDateInput() {
  return z
    .string({ error: requiredOr(DATE_INPUT_MESSAGE) })
    .trim()
    .regex(ISO_DATE, DATE_INPUT_MESSAGE)
    .refine(value => !ISO_DATE.test(value) || isCalendarDate(value), {
      error: issue =>
        `must be a date that exists in the calendar (${String(
          issue.input,
        )} does not); use the form YYYY-MM-DD, like ${EXAMPLE_DATE}`,
    });
}

/** Options of {@link dateTimeInput}. */
export interface DateTimeInputOptions {
  /** What a bare `YYYY-MM-DD` means: its first or its last millisecond (UTC). */
  dateMeans?: 'startOfDay' | 'endOfDay';
}

/**
 * A point in time given as `YYYY-MM-DD` or as an ISO 8601 date-time with a
 * zone (`2027-03-31T23:59:59Z`), parsed to a Date. Anything else, such as
 * `31/03/2027`, `next week` or `2026-02-31`, is refused with a sentence
 * that shows the form to use (where `z.coerce.date()` would answer
 * "expected date, received Date", or roll `2026-02-31` over to March).
 */
export function dateTimeInput(options: DateTimeInputOptions = {}) {
  const dayTime =
    options.dateMeans === 'endOfDay' ? 'T23:59:59.999Z' : 'T00:00:00.000Z';
  return z
    .string({ error: requiredOr(DATE_INPUT_MESSAGE) })
    .trim()
    .transform((value, ctx) => {
      const date = ISO_DATE.test(value)
        ? value
        : ISO_DATE_TIME.exec(value)?.[1];
      if (date === undefined) {
        ctx.addIssue({ code: 'custom', message: DATE_INPUT_MESSAGE });
        return z.NEVER;
      }
      if (!isCalendarDate(date)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a date that exists in the calendar (${date} does not); use the form YYYY-MM-DD, like ${EXAMPLE_DATE}`,
        });
        return z.NEVER;
      }
      const time = Date.parse(value === date ? `${date}${dayTime}` : value);
      if (Number.isNaN(time)) {
        ctx.addIssue({ code: 'custom', message: DATE_INPUT_MESSAGE });
        return z.NEVER;
      }
      return new Date(time);
    });
}

/** {@link dateTimeInput} where a bare date means the end of that day (UTC). */
export function endOfDayInput() {
  return dateTimeInput({ dateMeans: 'endOfDay' });
}

const idSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must start with a letter or digit and contain only letters, digits, ".", "_" and "-"',
  );
const textSchema = freeTextInput().trim().min(1, 'must not be empty');
const weightSchema = z
  .number()
  .min(1, 'weight must be from 1 to 10')
  .max(10, 'weight must be from 1 to 10');

/**
 * One rule object. All keys are declared so unknown keys are errors; which
 * combinations are legal is checked in the refinement (exactly one form,
 * exactly one operator), since a union would bury the path in its branches.
 */
type RuleInput = {
  all?: RuleInput[];
  any?: RuleInput[];
  not?: RuleInput;
  fact?: string;
  count?: string;
} & Partial<Record<ComparisonOperator, unknown>>;

/** Strict, recursive schema of the rule language (structure only; facts are checked by parseMaturityModel). */
export const ruleSchema: z.ZodType<RuleInput> = z.lazy(() =>
  z
    .strictObject({
      all: z
        .array(ruleSchema)
        .min(1, "'all' needs at least one rule")
        .optional(),
      any: z
        .array(ruleSchema)
        .min(1, "'any' needs at least one rule")
        .optional(),
      not: ruleSchema.optional(),
      fact: textSchema.optional(),
      count: textSchema.optional(),
      equals: z.unknown().optional(),
      notEquals: z.unknown().optional(),
      greaterThan: z.unknown().optional(),
      greaterThanOrEqual: z.unknown().optional(),
      lessThan: z.unknown().optional(),
      lessThanOrEqual: z.unknown().optional(),
      in: z.unknown().optional(),
      contains: z.unknown().optional(),
      exists: z.unknown().optional(),
    })
    .superRefine((rule, ctx) => {
      const forms = RULE_FORMS.filter(f => rule[f] !== undefined);
      const ops = COMPARISON_OPERATORS.filter(op => rule[op] !== undefined);
      if (forms.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message:
            forms.length === 0
              ? 'a rule needs exactly one of all, any, not, fact or count'
              : `a rule has exactly one of all, any, not, fact or count; found ${forms
                  .map(f => `'${f}'`)
                  .join(' and ')}`,
        });
        return;
      }
      const form = forms[0];
      if (form === 'all' || form === 'any' || form === 'not') {
        if (ops.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `'${form}' cannot be combined with an operator ('${ops[0]}')`,
          });
        }
        return;
      }
      if (ops.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message:
            ops.length === 0
              ? `condition on '${rule[form]}' has no operator`
              : `a condition has exactly one operator; found ${ops
                  .map(o => `'${o}'`)
                  .join(' and ')}`,
        });
      }
    }),
) as z.ZodType<RuleInput>;

/** Strict schema of a level definition. */
export const levelDefinitionSchema = z.strictObject({
  level: z
    .number()
    .int('level must be an integer from 1 to 5')
    .min(1, 'level must be an integer from 1 to 5')
    .max(5, 'level must be an integer from 1 to 5'),
  name: textSchema,
  description: textSchema,
});

/** Strict schema of a dimension definition. */
export const dimensionDefinitionSchema = z.strictObject({
  id: idSchema,
  title: textSchema,
  description: textSchema,
  weight: weightSchema,
});

/** Strict schema of a fix template reference. */
export const fixTemplateSchema = z.strictObject({
  ref: textSchema,
  values: z.record(z.string(), z.string()).optional(),
});

const checkFields = {
  id: idSchema,
  dimension: idSchema,
  level: z
    .number()
    .int('a check level must be an integer from 2 to 5')
    .min(2, 'a check level must be an integer from 2 to 5')
    .max(5, 'a check level must be an integer from 2 to 5'),
  title: textSchema,
  why: textSchema,
  how: textSchema,
  weight: weightSchema,
  effort: z.enum(['small', 'medium', 'large']),
  evidence: z.enum(['catalog', 'repo', 'toil', 'ops', 'ownership', 'security']),
  rule: ruleSchema,
  applicableWhen: ruleSchema.optional(),
  fixTemplate: fixTemplateSchema.optional(),
  guide: z.url().optional(),
};

/** Strict schema of a check definition. */
export const checkDefinitionSchema = z.strictObject(checkFields);

/** Strict schema of a whole model (structure only; see parseMaturityModel). */
export const maturityModelSchema = z.strictObject({
  id: idSchema,
  version: textSchema,
  title: textSchema,
  description: z.string().optional(),
  levels: z.array(levelDefinitionSchema),
  dimensions: z.array(dimensionDefinitionSchema).min(1),
  checks: z.array(checkDefinitionSchema),
  optionalCollectors: z.array(idSchema).optional(),
});

/** Makes zod's messages short and consistent with ours. */
const errorMap: z.core.$ZodErrorMap = issue => {
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return 'is required';
  }
  return undefined;
};

function zodIssues(error: z.ZodError, base: IssuePath = []) {
  const out: MaturityModelIssue[] = [];
  for (const issue of error.issues) {
    const path = [...base, ...issue.path].map(p =>
      typeof p === 'number' ? p : String(p),
    );
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path, message: `unknown key '${key}'` });
      }
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

function typeOfValue(value: unknown): FactType | 'other' {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number' && Number.isFinite(value)) return 'number';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value) && value.every(v => typeof v === 'string')) {
    return 'string[]';
  }
  return 'other';
}

/** Resolves fact names against the declarations and the optional collectors. */
class FactCatalog {
  private readonly byName = new Map<string, FactDeclaration>();
  private readonly namespaces = new Set<string>();

  constructor(known: FactDeclaration[], private readonly optional: string[]) {
    for (const f of known) {
      this.byName.set(f.name, f);
      this.namespaces.add(namespaceOf(f.name));
    }
  }

  /** The declared type, `undefined` for an allowed undeclared fact, or an error. */
  resolve(name: string): { type?: FactType } | { error: string } {
    const declared = this.byName.get(name);
    if (declared) return { type: declared.type };
    const ns = namespaceOf(name);
    if (this.optional.includes(ns)) return {};
    if (this.namespaces.has(ns)) return { error: `unknown fact '${name}'` };
    return {
      error: `unknown fact '${name}': namespace '${ns}' is neither declared by a collector nor listed in optionalCollectors`,
    };
  }
}

function namespaceOf(name: string) {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

function validateCondition(
  rule: RuleInput,
  path: Array<string | number>,
  facts: FactCatalog,
  issues: MaturityModelIssue[],
) {
  const isCount = rule.count !== undefined;
  const form = isCount ? 'count' : 'fact';
  const name = (isCount ? rule.count : rule.fact) as string;
  const op = COMPARISON_OPERATORS.find(o => rule[o] !== undefined)!;
  const value = rule[op];
  const resolved = facts.resolve(name);
  if ('error' in resolved) {
    issues.push({ path: [...path, form], message: resolved.error });
    return;
  }
  const factType = resolved.type;
  const at = [...path, op];
  const fail = (message: string) => issues.push({ path: at, message });
  const described = factType ? `'${name}' is ${factType}` : `'${name}'`;

  if (isCount) {
    if (factType && factType !== 'string[]') {
      issues.push({
        path: [...path, 'count'],
        message: `'count' needs a string[] fact; ${described}`,
      });
    }
    if (!COUNT_OPERATORS.includes(op)) {
      fail(`operator '${op}' cannot be used with 'count'`);
    } else if (typeOfValue(value) !== 'number') {
      fail(`'${op}' on a count needs a number`);
    }
    return;
  }

  if (NUMERIC_OPERATORS.includes(op)) {
    if (factType && factType !== 'number') {
      fail(`operator '${op}' needs a number fact; ${described}`);
    } else if (typeOfValue(value) !== 'number') {
      fail(`'${op}' needs a number`);
    }
    return;
  }
  switch (op) {
    case 'exists':
      if (typeof value !== 'boolean') fail("'exists' needs true or false");
      return;
    case 'contains':
      if (factType && factType !== 'string[]' && factType !== 'string') {
        fail(
          `operator 'contains' needs a string[] or string fact; ${described}`,
        );
      } else if (typeof value !== 'string') {
        fail("'contains' needs a string");
      }
      return;
    case 'in': {
      if (!Array.isArray(value) || value.length === 0) {
        fail("'in' needs a non-empty list");
        return;
      }
      if (factType === 'string[]') {
        fail(
          `operator 'in' needs a scalar fact; ${described} (use 'contains')`,
        );
        return;
      }
      value.forEach((item, i) => {
        const t = typeOfValue(item);
        if (
          factType
            ? t !== factType
            : !['boolean', 'number', 'string'].includes(t)
        ) {
          issues.push({
            path: [...at, i],
            message: factType
              ? `${JSON.stringify(item)} is not a ${factType} (${described})`
              : `${JSON.stringify(item)} is not a boolean, number or string`,
          });
        }
      });
      return;
    }
    default: {
      // equals / notEquals: the value must have the fact's type.
      const t = typeOfValue(value);
      if (value === null) {
        fail(`'${op}: null' is not allowed; use 'exists'`);
      } else if (t === 'other' || (factType && t !== factType)) {
        fail(
          factType
            ? `'${op}' needs a ${factType} value; ${described}`
            : `'${op}' needs a boolean, number, string or string[] value`,
        );
      }
    }
  }
}

function validateRule(
  rule: RuleInput,
  path: Array<string | number>,
  facts: FactCatalog,
  issues: MaturityModelIssue[],
) {
  if (rule.all) {
    rule.all.forEach((r, i) =>
      validateRule(r, [...path, 'all', i], facts, issues),
    );
  } else if (rule.any) {
    rule.any.forEach((r, i) =>
      validateRule(r, [...path, 'any', i], facts, issues),
    );
  } else if (rule.not) {
    validateRule(rule.not, [...path, 'not'], facts, issues);
  } else {
    validateCondition(rule, path, facts, issues);
  }
}

function duplicates<T extends { id: string }>(
  items: T[],
  key: 'checks' | 'dimensions',
  what: string,
  issues: MaturityModelIssue[],
) {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.id);
    if (first === undefined) {
      seen.set(item.id, i);
    } else {
      issues.push({
        path: [key, i, 'id'],
        message: `duplicate ${what} id '${item.id}' (first at ${key}[${first}])`,
      });
    }
  });
}

/** Options of parseMaturityModel. */
export interface ParseMaturityModelOptions {
  /** Prepended to every key path in error messages, e.g. `maturity.model`. */
  pathPrefix?: string;
}

/** The problems of a model, or the parsed model when there are none. */
export function validateMaturityModel(
  data: unknown,
  knownFacts: FactDeclaration[],
):
  | { success: true; model: MaturityModel }
  | { success: false; issues: MaturityModelIssue[] } {
  const parsed = maturityModelSchema.safeParse(data, { error: errorMap });
  if (!parsed.success) {
    return { success: false, issues: zodIssues(parsed.error) };
  }
  const model = parsed.data;
  const issues: MaturityModelIssue[] = [];

  const levels = new Set<number>();
  model.levels.forEach((l, i) => {
    if (levels.has(l.level)) {
      issues.push({
        path: ['levels', i, 'level'],
        message: `duplicate level ${l.level}`,
      });
    }
    levels.add(l.level);
  });
  const missingLevels = [1, 2, 3, 4, 5].filter(n => !levels.has(n));
  if (missingLevels.length > 0) {
    issues.push({
      path: ['levels'],
      message: `must define levels 1 to 5; missing ${missingLevels.join(', ')}`,
    });
  }

  duplicates(model.dimensions, 'dimensions', 'dimension', issues);
  duplicates(model.checks, 'checks', 'check', issues);

  const dimensionIds = new Set(model.dimensions.map(d => d.id));
  const facts = new FactCatalog(knownFacts, model.optionalCollectors ?? []);
  model.checks.forEach((check, i) => {
    if (!dimensionIds.has(check.dimension)) {
      issues.push({
        path: ['checks', i, 'dimension'],
        message: `unknown dimension '${check.dimension}'`,
      });
    }
    validateRule(check.rule, ['checks', i, 'rule'], facts, issues);
    if (check.applicableWhen) {
      validateRule(
        check.applicableWhen,
        ['checks', i, 'applicableWhen'],
        facts,
        issues,
      );
    }
  });

  if (issues.length > 0) return { success: false, issues };
  return { success: true, model: model as unknown as MaturityModel };
}

/**
 * Parses and validates a maturity model. Throws MaturityModelValidationError
 * naming the key path of every problem; never returns a partial model.
 */
export function parseMaturityModel(
  data: unknown,
  knownFacts: FactDeclaration[],
  options: ParseMaturityModelOptions = {},
): MaturityModel {
  const result = validateMaturityModel(data, knownFacts);
  if (!result.success) {
    throw new MaturityModelValidationError(result.issues, options.pathPrefix);
  }
  return result.model;
}

// ---------------------------------------------------------------------------
// Overrides
// ---------------------------------------------------------------------------

/** Strict schema of one dimension entry in an override: a patch by id, or a new dimension. */
export const dimensionOverrideSchema = z.strictObject({
  id: idSchema,
  title: textSchema.optional(),
  description: textSchema.optional(),
  weight: weightSchema.optional(),
});

/** Strict schema of one check entry in an override: a patch by id, a new check, or `disabled: true`. */
export const checkOverrideSchema = z.strictObject({
  ...checkFields,
  title: checkFields.title.optional(),
  dimension: checkFields.dimension.optional(),
  level: checkFields.level.optional(),
  why: checkFields.why.optional(),
  how: checkFields.how.optional(),
  weight: checkFields.weight.optional(),
  effort: checkFields.effort.optional(),
  evidence: checkFields.evidence.optional(),
  rule: ruleSchema.optional(),
  disabled: z.boolean().optional(),
});

/** Strict schema of a platform team's overrides (app-config `maturity.model` or a YAML file). */
export const maturityModelOverridesSchema = z.strictObject({
  version: textSchema.optional(),
  title: textSchema.optional(),
  description: z.string().optional(),
  optionalCollectors: z.array(idSchema).optional(),
  dimensions: z.array(dimensionOverrideSchema).optional(),
  checks: z.array(checkOverrideSchema).optional(),
});

/** A dimension patch or a new dimension. */
export type DimensionOverride = z.infer<typeof dimensionOverrideSchema>;

/** A check patch, a new check, or a disabled check. */
export type CheckOverride = Partial<Omit<CheckDefinition, 'id'>> & {
  id: string;
  /** Removes the check from the model. */
  disabled?: boolean;
};

/** Overrides a platform team applies to a base model. */
export interface MaturityModelOverrides {
  version?: string;
  title?: string;
  description?: string;
  /** Collectors added to the base model's optional collectors. */
  optionalCollectors?: string[];
  /** Patches existing dimensions by id; entries with a new id add a dimension. */
  dimensions?: DimensionOverride[];
  /** Patches existing checks by id; entries with a new id add a check. */
  checks?: CheckOverride[];
}

/** Options of applyModelOverrides. */
export interface ApplyModelOverridesOptions {
  /** Names the overrides' location in error messages, e.g. `maturity.model`. */
  pathPrefix?: string;
}

type Origin =
  | { from: 'base'; index: number }
  | { from: 'override'; index: number };

/**
 * Applies overrides to a base model and re-validates the result against
 * `knownFacts`. Errors name the key path inside the overrides (after
 * `pathPrefix`); a problem in an untouched part of the base model is named
 * as `(base model) checks[i]...`.
 */
export function applyModelOverrides(
  base: MaturityModel,
  overrides: unknown,
  knownFacts: FactDeclaration[] = BUILTIN_FACTS,
  options: ApplyModelOverridesOptions = {},
): MaturityModel {
  const prefix = options.pathPrefix ?? '';
  const parsed = maturityModelOverridesSchema.safeParse(overrides ?? {}, {
    error: errorMap,
  });
  if (!parsed.success) {
    throw new MaturityModelValidationError(zodIssues(parsed.error), prefix);
  }
  const o = parsed.data as MaturityModelOverrides;
  const issues: MaturityModelIssue[] = [];

  // Dimensions: patch in place, append new ones in override order.
  const dimensions: DimensionDefinition[] = base.dimensions.map(d => ({
    ...d,
  }));
  const dimensionOrigins: Origin[] = base.dimensions.map((_, index) => ({
    from: 'base',
    index,
  }));
  const seenDimensions = new Set<string>();
  (o.dimensions ?? []).forEach((patch, index) => {
    if (seenDimensions.has(patch.id)) {
      issues.push({
        path: ['dimensions', index, 'id'],
        message: `dimension '${patch.id}' is overridden more than once`,
      });
      return;
    }
    seenDimensions.add(patch.id);
    const at = dimensions.findIndex(d => d.id === patch.id);
    if (at >= 0) {
      dimensions[at] = { ...dimensions[at], ...definedOnly(patch) };
      dimensionOrigins[at] = { from: 'override', index };
    } else {
      dimensions.push(definedOnly(patch) as DimensionDefinition);
      dimensionOrigins.push({ from: 'override', index });
    }
  });

  // Checks: patch in place, drop disabled ones, append new ones.
  let checks: Array<CheckDefinition | undefined> = base.checks.map(c => ({
    ...c,
  }));
  let checkOrigins: Origin[] = base.checks.map((_, index) => ({
    from: 'base',
    index,
  }));
  const seenChecks = new Set<string>();
  (o.checks ?? []).forEach((entry, index) => {
    if (seenChecks.has(entry.id)) {
      issues.push({
        path: ['checks', index, 'id'],
        message: `check '${entry.id}' is overridden more than once`,
      });
      return;
    }
    seenChecks.add(entry.id);
    const { disabled, ...patch } = entry;
    const at = checks.findIndex(c => c?.id === entry.id);
    if (disabled) {
      if (at < 0) {
        issues.push({
          path: ['checks', index, 'id'],
          message: `cannot disable unknown check '${entry.id}'`,
        });
      } else {
        checks[at] = undefined;
      }
      return;
    }
    if (at >= 0) {
      checks[at] = { ...checks[at]!, ...definedOnly(patch) };
      checkOrigins[at] = { from: 'override', index };
    } else {
      checks.push(definedOnly(patch) as CheckDefinition);
      checkOrigins.push({ from: 'override', index });
    }
  });
  if (issues.length > 0) throw new MaturityModelValidationError(issues, prefix);
  checkOrigins = checkOrigins.filter((_, i) => checks[i] !== undefined);
  checks = checks.filter(c => c !== undefined);

  const merged = {
    ...base,
    ...(o.version !== undefined && { version: o.version }),
    ...(o.title !== undefined && { title: o.title }),
    ...(o.description !== undefined && { description: o.description }),
    ...((o.optionalCollectors || base.optionalCollectors) && {
      optionalCollectors: [
        ...new Set([
          ...(base.optionalCollectors ?? []),
          ...(o.optionalCollectors ?? []),
        ]),
      ],
    }),
    dimensions,
    checks,
  };
  const result = validateMaturityModel(merged, knownFacts);
  if (result.success) return result.model;

  // Re-point each problem at the override entry that introduced it.
  const overridden = new Set(Object.keys(definedOnly(o)));
  const mapped = result.issues.map((issue): MaturityModelIssue => {
    const [key, index, ...rest] = issue.path;
    let origins: Origin[] | undefined;
    if (key === 'checks') origins = checkOrigins;
    if (key === 'dimensions') origins = dimensionOrigins;
    if (origins && typeof index === 'number' && origins[index]) {
      const origin = origins[index];
      return {
        ...issue,
        path: [key, origin.index, ...rest],
        inBase: origin.from === 'base',
      };
    }
    return { ...issue, inBase: !overridden.has(String(key)) };
  });
  throw new MaturityModelValidationError(mapped, prefix);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

// ---------------------------------------------------------------------------
// Request bodies and queries of the REST API
// ---------------------------------------------------------------------------

/**
 * Sentences a person can act on in place of zod's defaults ("Invalid input:
 * expected date, received Date"), for the API's bodies and queries. Pass it
 * as `schema.safeParse(input, { error: inputErrorMap })`; a message set on a
 * field wins over it. Messages are predicates to follow the field's name.
 */
export const inputErrorMap: z.core.$ZodErrorMap = issue => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected: Record<string, string> = {
        string: 'must be text',
        number: 'must be a number',
        int: 'must be a whole number',
        boolean: 'must be true or false',
        date: DATE_INPUT_MESSAGE,
        object: 'must be a JSON object',
        array: 'must be a list',
      };
      return expected[issue.expected];
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') {
        return min <= 1
          ? 'must not be empty'
          : `must be at least ${min} characters`;
      }
      if (issue.origin === 'array') return `must hold at least ${min} items`;
      if (issue.origin === 'date') return 'is too early';
      return `must be at least ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array') return `must hold at most ${max} items`;
      if (issue.origin === 'date') return 'is too late';
      return `must be at most ${max}`;
    }
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'uuid' || issue.format === 'guid') {
        return 'must be an id, a UUID such as 0b6e5f4c-2a7d-4c41-9f0e-3d2b1a0c9e8f';
      }
      if (issue.format === 'datetime') {
        return `must be a date-time like ${EXAMPLE_DATE}T12:00:00Z`;
      }
      if (issue.format === 'url')
        return 'must be a URL such as https://example.com';
      return undefined;
    default:
      return undefined;
  }
};

const filterText = () =>
  freeTextInput()
    .min(1, 'must not be empty')
    .max(255, 'must be at most 255 characters');

/**
 * The entity filters of the maturity API's queries and of a campaign. Values
 * go into database queries, so they are bounded and free of NUL characters.
 */
export const entityFilterInputFields = {
  kind: filterText().optional(),
  owner: filterText().optional(),
  system: filterText().optional(),
  domain: filterText().optional(),
  lifecycle: filterText().optional(),
  tag: filterText().optional(),
  type: filterText().optional(),
  tier: z.coerce
    .number({ error: 'must be a whole number from 1 to 5' })
    .int('must be a whole number from 1 to 5')
    .min(1, 'must be a whole number from 1 to 5')
    .max(5, 'must be a whole number from 1 to 5')
    .optional(),
};

/** Options of {@link campaignInputSchema}. */
export interface CampaignInputOptions {
  /** The current time, for the deadline check. Default: now. */
  now?: () => number;
}

/**
 * The body that creates a campaign. The deadline is a calendar date that is
 * today or later; text is bounded and free of NUL characters.
 */
export function campaignInputSchema(options: CampaignInputOptions = {}) {
  const now = options.now ?? Date.now;
  return z.strictObject(
    {
      title: freeTextInput()
        .trim()
        .min(3, 'must be at least 3 characters')
        .max(200, 'must be at most 200 characters'),
      description: freeTextInput()
        .max(4000, 'must be at most 4000 characters')
        .optional(),
      dimension: freeTextInput()
        .min(1, 'must name a dimension of the model')
        .max(255, 'must be at most 255 characters'),
      targetLevel: z
        .number({ error: 'must be a whole number from 2 to 5' })
        .int('must be a whole number from 2 to 5')
        .min(2, 'must be a whole number from 2 to 5')
        .max(5, 'must be a whole number from 2 to 5'),
      deadline: calendarDateInput().refine(
        value => !isCalendarDate(value) || value >= earliestToday(now()),
        {
          error: issue => `must be today or later (got ${String(issue.input)})`,
        },
      ),
      filters: z
        .strictObject(entityFilterInputFields, {
          error: 'must be an object of entity filters',
        })
        .default({}),
    },
    { error: "must be a JSON object with the campaign's fields" },
  );
}

/** Options of {@link waiverInputSchema}. */
export interface WaiverInputOptions {
  /** The current time, for the expiry checks. Default: now. */
  now?: () => number;
  /** The latest a waiver may expire, in days from now; unset: no limit. */
  maxDays?: number;
}

/**
 * The body that creates a waiver. `expiresAt` is a date (`YYYY-MM-DD`, the
 * end of that day) or an ISO date-time, parsed to a Date, in the future and,
 * with `maxDays`, no later than the end of the day `maxDays` from now (UTC).
 */
export function waiverInputSchema(options: WaiverInputOptions = {}) {
  const now = options.now ?? Date.now;
  return z.strictObject(
    {
      entityRef: freeTextInput()
        .trim()
        .min(1, 'must be an entity ref such as component:default/my-service')
        .max(255, 'must be at most 255 characters'),
      checkId: freeTextInput()
        .trim()
        .min(1, 'must name a check of the model')
        .max(255, 'must be at most 255 characters'),
      reason: freeTextInput()
        .trim()
        .min(3, 'must say why, in at least 3 characters')
        .max(2000, 'must be at most 2000 characters'),
      expiresAt: endOfDayInput().superRefine((expiresAt, ctx) => {
        const at = now();
        if (expiresAt.getTime() <= at) {
          ctx.addIssue({
            code: 'custom',
            message: `must be in the future (got ${expiresAt
              .toISOString()
              .slice(0, 10)})`,
          });
          return;
        }
        if (options.maxDays !== undefined) {
          const latest = new Date(at + options.maxDays * 86400_000);
          latest.setUTCHours(23, 59, 59, 999);
          if (expiresAt.getTime() > latest.getTime()) {
            ctx.addIssue({
              code: 'custom',
              message: `must be no later than ${latest
                .toISOString()
                .slice(0, 10)}: a waiver may last at most ${
                options.maxDays
              } days; ask again when it expires`,
            });
          }
        }
      }),
    },
    { error: "must be a JSON object with the waiver's fields" },
  );
}
