/**
 * Evaluates the model's rule language over facts. It interprets plain data
 * and never evaluates code, so models from config are safe to run.
 */
import { Evidence, FactValue } from './facts';
import { ComparisonOperator, Rule } from './model';

/** What a fact lookup answers: a value (possibly null) with evidence, or unknown with a reason. */
export type FactLookupResult =
  | { state: 'value'; value: FactValue; evidence?: Evidence[] }
  | { state: 'unknown'; reason: string };

/** Looks up one fact of the entity being evaluated, by fully qualified name. */
export type FactLookup = (name: string) => FactLookupResult;

/** A tri-state rule outcome. */
export type RuleStatus = 'pass' | 'fail' | 'unknown';

/** The outcome of a rule, with the evidence of the facts it read. */
export interface RuleEvaluation {
  status: RuleStatus;
  /** Evidence of every fact the rule read: deduplicated, in reading order. */
  evidence: Evidence[];
  /** Why the result is unknown (`<fact>: <reason>`); empty unless status is unknown. */
  unknownReasons: string[];
}

/** Collects evidence without duplicates, keeping first-seen order. */
class Accumulator {
  readonly evidence: Evidence[] = [];
  private readonly evidenceKeys = new Set<string>();

  addEvidence(items: Evidence[] | undefined) {
    for (const e of items ?? []) {
      // Fixed key order so equal evidence always produces the same key.
      const key = JSON.stringify([e.path, e.line, e.annotation, e.note]);
      if (!this.evidenceKeys.has(key)) {
        this.evidenceKeys.add(key);
        this.evidence.push(e);
      }
    }
  }
}

type Outcome = { status: RuleStatus; reasons: string[] };

const OPERATORS: readonly ComparisonOperator[] = [
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

/**
 * Evaluates a rule. `all` fails if any child fails, else is unknown if any is
 * unknown; `any` passes if any passes, else is unknown if any is unknown;
 * `not` swaps pass and fail. Every child is evaluated (no short-circuit) so
 * the evidence is complete and independent of child order.
 */
export function evaluateRule(rule: Rule, lookup: FactLookup): RuleEvaluation {
  const acc = new Accumulator();
  const outcome = evaluate(rule, lookup, acc);
  return {
    status: outcome.status,
    evidence: acc.evidence,
    unknownReasons:
      outcome.status === 'unknown' ? [...new Set(outcome.reasons)] : [],
  };
}

function evaluate(rule: Rule, lookup: FactLookup, acc: Accumulator): Outcome {
  if ('all' in rule && Array.isArray(rule.all)) {
    return combine(
      rule.all.map(r => evaluate(r, lookup, acc)),
      'fail',
      'pass',
    );
  }
  if ('any' in rule && Array.isArray(rule.any)) {
    return combine(
      rule.any.map(r => evaluate(r, lookup, acc)),
      'pass',
      'fail',
    );
  }
  if ('not' in rule && rule.not) {
    const inner = evaluate(rule.not, lookup, acc);
    if (inner.status === 'unknown') return inner;
    return { status: inner.status === 'pass' ? 'fail' : 'pass', reasons: [] };
  }
  if ('count' in rule && typeof rule.count === 'string') {
    return evaluateCount(
      rule as Record<string, unknown>,
      rule.count,
      lookup,
      acc,
    );
  }
  if ('fact' in rule && typeof rule.fact === 'string') {
    return evaluateFact(
      rule as Record<string, unknown>,
      rule.fact,
      lookup,
      acc,
    );
  }
  return { status: 'unknown', reasons: ['malformed rule'] };
}

/** `decisive` wins outright; otherwise unknown beats `fallback`. */
function combine(
  outcomes: Outcome[],
  decisive: RuleStatus,
  fallback: RuleStatus,
): Outcome {
  if (outcomes.some(o => o.status === decisive)) {
    return { status: decisive, reasons: [] };
  }
  const unknown = outcomes.filter(o => o.status === 'unknown');
  if (unknown.length > 0) {
    return { status: 'unknown', reasons: unknown.flatMap(o => o.reasons) };
  }
  return { status: fallback, reasons: [] };
}

function read(
  name: string,
  lookup: FactLookup,
  acc: Accumulator,
): { value: FactValue } | { reason: string } {
  const result = lookup(name);
  if (result.state === 'unknown') {
    return { reason: `${name}: ${result.reason}` };
  }
  acc.addEvidence(result.evidence);
  // A collector that omits a value has found nothing: same as null.
  return { value: result.value === undefined ? null : result.value };
}

function findOperator(rule: Record<string, unknown>) {
  return OPERATORS.find(op => rule[op] !== undefined);
}

const passIf = (ok: boolean): Outcome => ({
  status: ok ? 'pass' : 'fail',
  reasons: [],
});
const unknownBecause = (reason: string): Outcome => ({
  status: 'unknown',
  reasons: [reason],
});

function evaluateCount(
  rule: Record<string, unknown>,
  name: string,
  lookup: FactLookup,
  acc: Accumulator,
): Outcome {
  const fact = read(name, lookup, acc);
  if ('reason' in fact) return unknownBecause(fact.reason);
  if (fact.value !== null && !Array.isArray(fact.value)) {
    return unknownBecause(
      `${name}: 'count' needs a list, got ${typeof fact.value}`,
    );
  }
  // A missing list counts as empty.
  const length = fact.value === null ? 0 : fact.value.length;
  const op = findOperator(rule);
  const expected = op ? rule[op] : undefined;
  if (!op || typeof expected !== 'number') {
    return unknownBecause(`${name}: 'count' needs a numeric operator`);
  }
  return compareNumbers(op, length, expected, name);
}

function compareNumbers(
  op: ComparisonOperator,
  actual: number,
  expected: number,
  name: string,
): Outcome {
  switch (op) {
    case 'equals':
      return passIf(actual === expected);
    case 'notEquals':
      return passIf(actual !== expected);
    case 'greaterThan':
      return passIf(actual > expected);
    case 'greaterThanOrEqual':
      return passIf(actual >= expected);
    case 'lessThan':
      return passIf(actual < expected);
    case 'lessThanOrEqual':
      return passIf(actual <= expected);
    default:
      return unknownBecause(`${name}: '${op}' is not a numeric operator`);
  }
}

function evaluateFact(
  rule: Record<string, unknown>,
  name: string,
  lookup: FactLookup,
  acc: Accumulator,
): Outcome {
  const op = findOperator(rule);
  if (!op) return unknownBecause(`${name}: condition has no operator`);
  const expected = rule[op];
  const fact = read(name, lookup, acc);
  if ('reason' in fact) return unknownBecause(fact.reason);
  const value = fact.value;

  // Null means "looked, found nothing": only absence-style tests pass.
  if (value === null) {
    if (op === 'exists') return passIf(expected === false);
    return passIf(op === 'notEquals');
  }

  switch (op) {
    case 'exists':
      return passIf(expected === true);
    case 'equals':
      return passIf(sameValue(value, expected));
    case 'notEquals':
      return passIf(!sameValue(value, expected));
    case 'in':
      if (!Array.isArray(expected)) {
        return unknownBecause(`${name}: 'in' needs a list`);
      }
      return passIf(expected.some(item => sameValue(value, item)));
    case 'contains':
      if (Array.isArray(value))
        return passIf(value.includes(expected as string));
      if (typeof value === 'string' && typeof expected === 'string') {
        return passIf(value.includes(expected));
      }
      return unknownBecause(`${name}: 'contains' needs a list or string fact`);
    default:
      // The schema rejects these mismatches; a collector bug must not pass silently.
      if (typeof value !== 'number' || typeof expected !== 'number') {
        return unknownBecause(
          `${name}: '${op}' needs a number, got ${typeof value}`,
        );
      }
      return compareNumbers(op, value, expected, name);
  }
}

function sameValue(a: FactValue, b: unknown): boolean {
  if (Array.isArray(a)) {
    return (
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => item === b[i])
    );
  }
  return a === b;
}
