/**
 * The rule evaluator's machinery, shared by evaluateRule and evaluateChecks;
 * not part of the package's API.
 *
 * A rule is compiled once, on its first evaluation, into a tree whose nodes
 * already know their form, operator and expected value; a cycle then
 * evaluates the same rules for thousands of entities without inspecting
 * their shape again. Rules are data and are treated as immutable once
 * evaluated: a changed rule must be a new object.
 */
import { Evidence, FactValue } from './facts';
import { ComparisonOperator, Rule } from './model';
import type { FactLookup, FactLookupResult, RuleStatus } from './rules';

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

// Outcomes as small integers while evaluating; strings only at the edge.
export const PASS = 0;
export const FAIL = 1;
export const UNKNOWN = 2;
export type Status = typeof PASS | typeof FAIL | typeof UNKNOWN;
export const STATUS_NAMES: readonly RuleStatus[] = ['pass', 'fail', 'unknown'];

// Above this many items, deduplication indexes the evidence by key instead
// of comparing each new item with every one kept.
const LINEAR_EVIDENCE_LIMIT = 16;

const COMPLEX = Symbol('complex');

/**
 * A field as JSON writes it inside an array: undefined, null and non-finite
 * numbers all become null. Objects and other non-primitives are COMPLEX.
 */
function plainField(v: unknown): string | number | boolean | null | symbol {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'undefined':
      return null;
    case 'object':
      return v === null ? null : COMPLEX;
    default:
      return COMPLEX;
  }
}

/** Whether two evidence fields serialise alike (see {@link evidenceKey}). */
function sameField(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const pa = plainField(a);
  const pb = plainField(b);
  if (pa !== COMPLEX && pb !== COMPLEX) return pa === pb;
  return JSON.stringify([a]) === JSON.stringify([b]);
}

/**
 * Two evidence items are the same when their path, line, annotation and note
 * serialise alike, as they are stored.
 */
function evidenceKey(e: Evidence): string {
  // Fixed key order so equal evidence always produces the same key.
  return JSON.stringify([e.path, e.line, e.annotation, e.note]);
}

function sameEvidence(a: Evidence, b: Evidence): boolean {
  return (
    sameField(a.path, b.path) &&
    sameField(a.line, b.line) &&
    sameField(a.annotation, b.annotation) &&
    sameField(a.note, b.note)
  );
}

/**
 * Collects evidence without duplicates, keeping first-seen order. Most rules
 * read a handful of items, which are compared field by field; a long list is
 * indexed by key instead.
 */
export class EvidenceAccumulator {
  readonly evidence: Evidence[] = [];
  private keys: Set<string> | undefined;

  add(items: Evidence[] | undefined | null) {
    if (items === undefined || items === null) return;
    const list: Evidence[] = Array.isArray(items) ? items : [...items];
    for (let i = 0; i < list.length; i++) this.addOne(list[i]);
  }

  private addOne(e: Evidence) {
    const kept = this.evidence;
    if (this.keys) {
      const key = evidenceKey(e);
      if (this.keys.has(key)) return;
      this.keys.add(key);
      kept.push(e);
      return;
    }
    for (let j = 0; j < kept.length; j++) {
      if (kept[j] === e || sameEvidence(kept[j], e)) return;
    }
    kept.push(e);
    if (kept.length > LINEAR_EVIDENCE_LIMIT) {
      this.keys = new Set(kept.map(evidenceKey));
    }
  }
}

/** A rule compiled to its form, operator and expected value. */
export type CompiledRule =
  | { kind: 'all' | 'any'; children: CompiledRule[] }
  | { kind: 'not'; inner: CompiledRule }
  | {
      kind: 'count' | 'fact';
      name: string;
      /** The fact's slot in a FactReader's memo. */
      slot: number;
      op: ComparisonOperator | undefined;
      expected: unknown;
    }
  | { kind: 'malformed' }
  // Not an object: evaluating it fails as reading a field of it does.
  | { kind: 'invalid'; rule: unknown };

const compiledRules = new WeakMap<object, CompiledRule>();

// Every fact name a compiled rule reads gets a slot number, shared by all
// models, so that one entity's evaluation looks each fact up once.
const slots = new Map<string, number>();
// Beyond this many names (models from config name a few hundred), facts are
// looked up on every read instead.
const SLOT_LIMIT = 10_000;
const NO_SLOT = -1;

function slotOf(name: string): number {
  let slot = slots.get(name);
  if (slot === undefined) {
    if (slots.size >= SLOT_LIMIT) return NO_SLOT;
    slot = slots.size;
    slots.set(name, slot);
  }
  return slot;
}

/**
 * Reads one entity's facts through its lookup, each fact name once: a
 * lookup answers the same for the same name while an entity is evaluated.
 */
export class FactReader {
  private readonly memo: Array<FactLookupResult | undefined>;

  constructor(readonly lookup: FactLookup) {
    this.memo = new Array(slots.size);
  }

  read(name: string, slot: number): FactLookupResult {
    if (slot === NO_SLOT) return this.lookup(name);
    let result = this.memo[slot];
    if (result === undefined) {
      result = this.lookup(name);
      this.memo[slot] = result;
    }
    return result;
  }
}

function childrenOf(list: unknown[]): CompiledRule[] {
  const out: CompiledRule[] = [];
  for (let i = 0; i < list.length; i++) {
    // A hole in the list is no rule at all, as Array.prototype.map skips it.
    if (i in list) out.push(compileRule(list[i] as Rule));
  }
  return out;
}

/**
 * Compiles a rule once; later calls return the same tree. The form is
 * decided as the interpreter always did: `all`, `any`, `not`, `count`,
 * `fact`, in that order; anything else is malformed.
 */
export function compileRule(rule: Rule): CompiledRule {
  if (
    rule === null ||
    (typeof rule !== 'object' && typeof rule !== 'function')
  ) {
    return { kind: 'invalid', rule };
  }
  const cached = compiledRules.get(rule);
  if (cached) return cached;
  const r = rule as Record<string, unknown>;
  let compiled: CompiledRule;
  if ('all' in r && Array.isArray(r.all)) {
    compiled = { kind: 'all', children: childrenOf(r.all) };
  } else if ('any' in r && Array.isArray(r.any)) {
    compiled = { kind: 'any', children: childrenOf(r.any) };
  } else if ('not' in r && r.not) {
    compiled = { kind: 'not', inner: compileRule(r.not as Rule) };
  } else if ('count' in r && typeof r.count === 'string') {
    const op = OPERATORS.find(o => r[o] !== undefined);
    compiled = {
      kind: 'count',
      name: r.count,
      slot: slotOf(r.count),
      op,
      expected: op ? r[op] : undefined,
    };
  } else if ('fact' in r && typeof r.fact === 'string') {
    const op = OPERATORS.find(o => r[o] !== undefined);
    compiled = {
      kind: 'fact',
      name: r.fact,
      slot: slotOf(r.fact),
      op,
      expected: op ? r[op] : undefined,
    };
  } else {
    compiled = { kind: 'malformed' };
  }
  compiledRules.set(rule, compiled);
  return compiled;
}

/** Adds the name of every fact a compiled rule reads to `into`. */
export function addFactNames(rule: CompiledRule, into: Set<string>): void {
  switch (rule.kind) {
    case 'all':
    case 'any':
      for (const child of rule.children) addFactNames(child, into);
      return;
    case 'not':
      addFactNames(rule.inner, into);
      return;
    case 'count':
    case 'fact':
      into.add(rule.name);
      return;
    default:
  }
}

/** The reasons without repeats, in first-seen order. */
export function uniqueReasons(reasons: string[]): string[] {
  return reasons.length < 2 ? reasons : [...new Set(reasons)];
}

/**
 * Evaluates a compiled rule: reads facts through `facts`, adds their
 * evidence to `acc`, and when the outcome is unknown appends its reasons
 * (`<fact>: <reason>`, in reading order) to `reasons`. A known outcome
 * leaves `reasons` as it found it.
 */
export function runRule(
  rule: CompiledRule,
  facts: FactReader,
  acc: EvidenceAccumulator,
  reasons: string[],
): Status {
  switch (rule.kind) {
    case 'all':
    case 'any': {
      // `decisive` wins outright; otherwise unknown beats the fallback.
      const decisive = rule.kind === 'all' ? FAIL : PASS;
      const start = reasons.length;
      let sawDecisive = false;
      let sawUnknown = false;
      const children = rule.children;
      for (let i = 0; i < children.length; i++) {
        const s = runRule(children[i], facts, acc, reasons);
        if (s === decisive) sawDecisive = true;
        else if (s === UNKNOWN) sawUnknown = true;
      }
      if (sawDecisive) {
        reasons.length = start;
        return decisive;
      }
      if (sawUnknown) return UNKNOWN;
      return rule.kind === 'all' ? PASS : FAIL;
    }
    case 'not': {
      const inner = runRule(rule.inner, facts, acc, reasons);
      if (inner === UNKNOWN) return UNKNOWN;
      return inner === PASS ? FAIL : PASS;
    }
    case 'count':
      return runCount(rule, facts, acc, reasons);
    case 'fact':
      return runFact(rule, facts, acc, reasons);
    case 'malformed':
      reasons.push('malformed rule');
      return UNKNOWN;
    default:
      // Not an object: the `in` operator throws a TypeError, as reading the
      // rule's form always did.
      if ('all' in (rule.rule as object)) return UNKNOWN;
      return unknownBecause(reasons, 'malformed rule');
  }
}

// What `read` leaves behind when the fact is unknown.
const UNREAD = Symbol('unread');

/** A condition on one fact. */
type FactNode = Extract<CompiledRule, { kind: 'count' | 'fact' }>;

/** Looks a fact up; records its evidence, or its reason when unknown. */
function read(
  { name, slot }: FactNode,
  facts: FactReader,
  acc: EvidenceAccumulator,
  reasons: string[],
): FactValue | typeof UNREAD {
  const result = facts.read(name, slot);
  if (result.state === 'unknown') {
    reasons.push(`${name}: ${result.reason}`);
    return UNREAD;
  }
  acc.add(result.evidence);
  // A collector that omits a value has found nothing: same as null.
  return result.value === undefined ? null : result.value;
}

function unknownBecause(reasons: string[], reason: string): Status {
  reasons.push(reason);
  return UNKNOWN;
}

function runCount(
  node: FactNode,
  facts: FactReader,
  acc: EvidenceAccumulator,
  reasons: string[],
): Status {
  const { name, op, expected } = node;
  const value = read(node, facts, acc, reasons);
  if (value === UNREAD) return UNKNOWN;
  if (value !== null && !Array.isArray(value)) {
    return unknownBecause(
      reasons,
      `${name}: 'count' needs a list, got ${typeof value}`,
    );
  }
  // A missing list counts as empty.
  const length = value === null ? 0 : value.length;
  if (!op || typeof expected !== 'number') {
    return unknownBecause(reasons, `${name}: 'count' needs a numeric operator`);
  }
  return compareNumbers(op, length, expected, name, reasons);
}

function compareNumbers(
  op: ComparisonOperator,
  actual: number,
  expected: number,
  name: string,
  reasons: string[],
): Status {
  switch (op) {
    case 'equals':
      return actual === expected ? PASS : FAIL;
    case 'notEquals':
      return actual !== expected ? PASS : FAIL;
    case 'greaterThan':
      return actual > expected ? PASS : FAIL;
    case 'greaterThanOrEqual':
      return actual >= expected ? PASS : FAIL;
    case 'lessThan':
      return actual < expected ? PASS : FAIL;
    case 'lessThanOrEqual':
      return actual <= expected ? PASS : FAIL;
    default:
      return unknownBecause(
        reasons,
        `${name}: '${op}' is not a numeric operator`,
      );
  }
}

function runFact(
  node: FactNode,
  facts: FactReader,
  acc: EvidenceAccumulator,
  reasons: string[],
): Status {
  const { name, op, expected } = node;
  if (!op) return unknownBecause(reasons, `${name}: condition has no operator`);
  const value = read(node, facts, acc, reasons);
  if (value === UNREAD) return UNKNOWN;

  // Null means "looked, found nothing": only absence-style tests pass.
  if (value === null) {
    if (op === 'exists') return expected === false ? PASS : FAIL;
    return op === 'notEquals' ? PASS : FAIL;
  }

  switch (op) {
    case 'exists':
      return expected === true ? PASS : FAIL;
    case 'equals':
      return sameValue(value, expected) ? PASS : FAIL;
    case 'notEquals':
      return sameValue(value, expected) ? FAIL : PASS;
    case 'in':
      if (!Array.isArray(expected)) {
        return unknownBecause(reasons, `${name}: 'in' needs a list`);
      }
      for (let i = 0; i < expected.length; i++) {
        // Array.prototype.some skips holes; so does this.
        if (i in expected && sameValue(value, expected[i])) return PASS;
      }
      return FAIL;
    case 'contains':
      if (Array.isArray(value)) {
        return value.includes(expected as string) ? PASS : FAIL;
      }
      if (typeof value === 'string' && typeof expected === 'string') {
        return value.includes(expected) ? PASS : FAIL;
      }
      return unknownBecause(
        reasons,
        `${name}: 'contains' needs a list or string fact`,
      );
    default:
      // The schema rejects these mismatches; a collector bug must not pass silently.
      if (typeof value !== 'number' || typeof expected !== 'number') {
        return unknownBecause(
          reasons,
          `${name}: '${op}' needs a number, got ${typeof value}`,
        );
      }
      return compareNumbers(op, value, expected, name, reasons);
  }
}

function sameValue(a: FactValue, b: unknown): boolean {
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      // Array.prototype.every skips holes; so does this.
      if (i in a && a[i] !== b[i]) return false;
    }
    return true;
  }
  return a === b;
}
