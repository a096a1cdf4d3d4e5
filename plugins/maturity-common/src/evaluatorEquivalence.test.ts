/**
 * The evaluator compiles each model once and evaluates it without the
 * interpreter's per-entity work. These tests hold it to a plain reference
 * interpreter kept here (rule by rule, JSON keys for evidence, filters for
 * scoring), over the default model, the default model on the demo
 * organization's facts, a nine-check model of the benchmark and a model of
 * odd rules, each over many generated fact sets. Results are compared as
 * stored (JSON), so key order and evidence order count.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_MATURITY_MODEL } from './defaultModel';
import { Evidence, FactValue } from './facts';
import {
  CheckDefinition,
  CheckResult,
  CheckStatus,
  DimensionScore,
  EntityScore,
  LevelNumber,
  MaturityModel,
  Rule,
} from './model';
import { evaluateRule, FactLookup, FactLookupResult } from './rules';
import { computeEntityScore, evaluateChecks } from './scoring';

// ---------------------------------------------------------------------------
// The reference: a direct interpreter of the rule language and the scoring
// rules as documented in rules.ts and scoring.ts.

type Ref = { status: 'pass' | 'fail' | 'unknown'; reasons: string[] };
const OPS = [
  'equals',
  'notEquals',
  'greaterThan',
  'greaterThanOrEqual',
  'lessThan',
  'lessThanOrEqual',
  'in',
  'contains',
  'exists',
] as const;

class RefEvidence {
  list: Evidence[] = [];
  keys = new Set<string>();
  add(items: Evidence[] | undefined) {
    for (const e of items ?? []) {
      const key = JSON.stringify([e.path, e.line, e.annotation, e.note]);
      if (!this.keys.has(key)) {
        this.keys.add(key);
        this.list.push(e);
      }
    }
  }
}

function refRule(rule: Rule, lookup: FactLookup, ev: RefEvidence): Ref {
  const r = rule as Record<string, any>;
  const known = (ok: boolean): Ref => ({
    status: ok ? 'pass' : 'fail',
    reasons: [],
  });
  const unknown = (reason: string): Ref => ({
    status: 'unknown',
    reasons: [reason],
  });
  const group = (children: Ref[], decisive: string, fallback: string): Ref => {
    if (children.some(c => c.status === decisive))
      return known(decisive === 'pass');
    const u = children.filter(c => c.status === 'unknown');
    if (u.length)
      return { status: 'unknown', reasons: u.flatMap(c => c.reasons) };
    return known(fallback === 'pass');
  };
  if ('all' in r && Array.isArray(r.all)) {
    return group(
      r.all.map((c: Rule) => refRule(c, lookup, ev)),
      'fail',
      'pass',
    );
  }
  if ('any' in r && Array.isArray(r.any)) {
    return group(
      r.any.map((c: Rule) => refRule(c, lookup, ev)),
      'pass',
      'fail',
    );
  }
  if ('not' in r && r.not) {
    const inner = refRule(r.not, lookup, ev);
    return inner.status === 'unknown' ? inner : known(inner.status === 'fail');
  }
  const isCount = 'count' in r && typeof r.count === 'string';
  if (!isCount && !('fact' in r && typeof r.fact === 'string')) {
    return unknown('malformed rule');
  }
  const name: string = isCount ? r.count : r.fact;
  const op = OPS.find(o => r[o] !== undefined);
  const expected = op ? r[op] : undefined;
  if (!isCount && !op) return unknown(`${name}: condition has no operator`);
  const found = lookup(name);
  if (found.state === 'unknown') return unknown(`${name}: ${found.reason}`);
  ev.add(found.evidence);
  const value = found.value === undefined ? null : found.value;
  const numeric = (actual: number, want: number): Ref => {
    if (op === 'equals') return known(actual === want);
    if (op === 'notEquals') return known(actual !== want);
    if (op === 'greaterThan') return known(actual > want);
    if (op === 'greaterThanOrEqual') return known(actual >= want);
    if (op === 'lessThan') return known(actual < want);
    if (op === 'lessThanOrEqual') return known(actual <= want);
    return unknown(`${name}: '${op}' is not a numeric operator`);
  };
  const same = (a: FactValue, b: unknown) =>
    Array.isArray(a)
      ? Array.isArray(b) &&
        a.length === b.length &&
        a.every((x, i) => x === b[i])
      : a === b;
  if (isCount) {
    if (value !== null && !Array.isArray(value)) {
      return unknown(`${name}: 'count' needs a list, got ${typeof value}`);
    }
    if (!op || typeof expected !== 'number') {
      return unknown(`${name}: 'count' needs a numeric operator`);
    }
    return numeric(value === null ? 0 : value.length, expected);
  }
  if (value === null) {
    return known(op === 'exists' ? expected === false : op === 'notEquals');
  }
  switch (op) {
    case 'exists':
      return known(expected === true);
    case 'equals':
      return known(same(value, expected));
    case 'notEquals':
      return known(!same(value, expected));
    case 'in':
      return Array.isArray(expected)
        ? known(expected.some(x => same(value, x)))
        : unknown(`${name}: 'in' needs a list`);
    case 'contains':
      if (Array.isArray(value)) return known(value.includes(expected));
      if (typeof value === 'string' && typeof expected === 'string') {
        return known(value.includes(expected));
      }
      return unknown(`${name}: 'contains' needs a list or string fact`);
    default:
      if (typeof value !== 'number' || typeof expected !== 'number') {
        return unknown(`${name}: '${op}' needs a number, got ${typeof value}`);
      }
      return numeric(value, expected);
  }
}

function refChecks(
  model: MaturityModel,
  lookup: FactLookup,
  waivers: Set<string>,
): CheckResult[] {
  return model.checks.map(check => {
    const applicability = new RefEvidence();
    if (check.applicableWhen) {
      const a = refRule(check.applicableWhen, lookup, applicability);
      if (a.status === 'fail') {
        return {
          checkId: check.id,
          status: 'not-applicable',
          reason: 'applicableWhen is false for this entity',
          evidence: applicability.list,
        };
      }
    }
    const ev = new RefEvidence();
    const outcome = refRule(check.rule, lookup, ev);
    ev.add(applicability.list);
    if (outcome.status !== 'pass' && waivers.has(check.id)) {
      return {
        checkId: check.id,
        status: 'waived',
        reason: 'waived',
        evidence: ev.list,
      };
    }
    if (outcome.status === 'unknown') {
      return {
        checkId: check.id,
        status: 'unknown',
        reason: [...new Set(outcome.reasons)].join('; '),
        evidence: ev.list,
      };
    }
    return { checkId: check.id, status: outcome.status, evidence: ev.list };
  });
}

function refScore(model: MaturityModel, results: CheckResult[]): EntityScore {
  const byId = new Map(results.map(r => [r.checkId, r]));
  const statusOf = (c: CheckDefinition): CheckStatus =>
    byId.get(c.id)?.status ?? 'unknown';
  const dimensions: DimensionScore[] = [];
  const counted: Array<{ weight: number; level: number; raw: number }> = [];
  let measured = 0;
  for (const dimension of model.dimensions) {
    const checks = model.checks.filter(c => c.dimension === dimension.id);
    const measuredChecks = checks.filter(c => statusOf(c) !== 'unknown').length;
    measured += measuredChecks;
    if (!checks.some(c => ['pass', 'fail', 'waived'].includes(statusOf(c)))) {
      dimensions.push({
        dimension: dimension.id,
        level: null,
        status: 'not-evaluated',
        score: null,
        blockingChecks: [],
        measuredChecks,
        totalChecks: checks.length,
      });
      continue;
    }
    const maxLevel = Math.max(1, ...checks.map(c => c.level));
    const statusesAt = (n: number) =>
      checks.filter(c => c.level === n).map(statusOf);
    let level = 1;
    while (level < maxLevel) {
      const at = statusesAt(level + 1);
      const reached =
        !at.includes('fail') &&
        (at.some(s => s === 'pass' || s === 'waived') ||
          at.every(s => s === 'not-applicable'));
      if (!reached) break;
      level += 1;
    }
    const blockingChecks =
      level < maxLevel
        ? checks
            .filter(c => c.level === level + 1 && statusOf(c) === 'fail')
            .map(c => c.id)
        : [];
    const scored = checks.filter(c => ['pass', 'fail'].includes(statusOf(c)));
    const measuredWeight = scored.reduce((s, c) => s + c.weight, 0);
    const passingWeight = scored
      .filter(c => statusOf(c) === 'pass')
      .reduce((s, c) => s + c.weight, 0);
    const raw =
      measuredWeight === 0 ? 100 : (100 * passingWeight) / measuredWeight;
    dimensions.push({
      dimension: dimension.id,
      level: level as LevelNumber,
      status: 'evaluated',
      score: Math.round(raw * 10) / 10,
      blockingChecks,
      measuredChecks,
      totalChecks: checks.length,
    });
    counted.push({ weight: dimension.weight, level, raw });
  }
  const totalWeight = counted.reduce((s, d) => s + d.weight, 0);
  const score =
    totalWeight === 0
      ? 0
      : counted.reduce((s, d) => s + d.weight * d.raw, 0) / totalWeight;
  return {
    level: (counted.length
      ? Math.min(...counted.map(d => d.level))
      : 1) as LevelNumber,
    score: Math.round(score * 10) / 10,
    dimensions,
    coverage: { measured, total: model.checks.length },
  };
}

// ---------------------------------------------------------------------------
// Generated fact sets.

function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

function factNames(rule: Rule | undefined, out: Set<string>) {
  const r = (rule ?? {}) as Record<string, any>;
  if (Array.isArray(r.all)) r.all.forEach((x: Rule) => factNames(x, out));
  else if (Array.isArray(r.any)) r.any.forEach((x: Rule) => factNames(x, out));
  else if (r.not) factNames(r.not, out);
  else if (typeof r.count === 'string') out.add(r.count);
  else if (typeof r.fact === 'string') out.add(r.fact);
  return out;
}

// Evidence that must deduplicate as stored: equal items that are distinct
// objects, fields left out or set to undefined, NaN lines (stored as null),
// and lines that differ only in type.
const SHARED: Evidence[] = [
  { path: 'Dockerfile', line: 1 },
  { line: 1, path: 'Dockerfile' },
  { annotation: 'spec.owner' },
  { annotation: 'spec.owner', note: undefined },
  { path: 'deploy/app.yaml', line: NaN },
  { path: 'deploy/app.yaml' },
  { path: 'deploy/app.yaml', line: '3' as unknown as number },
  { path: 'deploy/app.yaml', line: 3 },
  { note: 'from the catalog' },
  { path: 'a|b', note: 'c' },
  { path: 'a', note: 'b|c' },
];

const VALUES: FactValue[] = [
  true,
  false,
  null,
  0,
  1,
  2,
  3,
  4,
  1.5,
  'service',
  'function',
  'production',
  'monolith',
  'group:default/team-a',
  [],
  ['Deployment', 'Service'],
  ['Deployment'],
  ['x', 'y', 'z'],
];

function generatedLookups(
  model: MaturityModel,
  count: number,
  seed: number,
): Array<{ lookup: FactLookup; waivers: Set<string> }> {
  const names = new Set<string>();
  for (const c of model.checks) {
    factNames(c.rule, names);
    factNames(c.applicableWhen, names);
  }
  const next = random(seed);
  const pick = <T>(items: readonly T[]) =>
    items[Math.floor(next() * items.length)];
  const out: Array<{ lookup: FactLookup; waivers: Set<string> }> = [];
  for (let n = 0; n < count; n++) {
    const table = new Map<string, FactLookupResult>();
    for (const name of names) {
      const roll = next();
      if (roll < 0.12) {
        table.set(name, {
          state: 'unknown',
          reason: pick([
            'no source location',
            'Helm is not rendered',
            'timeout',
          ]),
        });
        continue;
      }
      if (roll < 0.15) continue; // the lookup says unknown: not collected
      const evidenceRoll = next();
      let evidence: Evidence[] | undefined;
      if (evidenceRoll < 0.3) evidence = undefined;
      else if (evidenceRoll < 0.35) evidence = [];
      else if (evidenceRoll < 0.4) {
        // A long list, past the evaluator's linear deduplication.
        evidence = Array.from(
          { length: 20 + Math.floor(next() * 10) },
          (_, i) =>
            i % 7 === 3
              ? pick(SHARED)
              : { path: `src/file-${i % 17}.ts`, line: i % 5 },
        );
      } else {
        evidence = Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
          pick(SHARED),
        );
      }
      table.set(name, {
        state: 'value',
        value:
          next() < 0.05 ? (undefined as unknown as FactValue) : pick(VALUES),
        ...(evidence !== undefined && { evidence }),
      });
    }
    const waivers = new Set(
      model.checks.filter(() => next() < 0.1).map(c => c.id),
    );
    out.push({
      lookup: name =>
        table.get(name) ?? { state: 'unknown', reason: 'not collected' },
      waivers,
    });
  }
  return out;
}

function expectSameAsReference(
  model: MaturityModel,
  cases: Array<{ lookup: FactLookup; waivers: Set<string> }>,
) {
  for (const { lookup, waivers } of cases) {
    const expected = refChecks(model, lookup, waivers);
    const actual = evaluateChecks(model, lookup, { waivers });
    // As stored: same keys in the same order, same evidence in the same order.
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
    expect(JSON.stringify(computeEntityScore(model, actual))).toBe(
      JSON.stringify(refScore(model, expected)),
    );
  }
}

// ---------------------------------------------------------------------------

describe('the compiled evaluator against a plain reference interpreter', () => {
  it('evaluates and scores the default model like the reference over 300 generated fact sets (unknowns, nulls, undefined values, duplicate evidence, waivers)', () => {
    const cases = generatedLookups(DEFAULT_MATURITY_MODEL, 300, 7);
    expect(cases).toHaveLength(300);
    expectSameAsReference(DEFAULT_MATURITY_MODEL, cases);
  });

  it('evaluates the default model over the demo organization like the reference, with and without waivers', () => {
    const demo: Record<
      string,
      { facts: Record<string, FactValue>; unknown: Record<string, string> }
    > = JSON.parse(
      readFileSync(resolve(__dirname, '__fixtures__/demoFacts.json'), 'utf8'),
    ).entities;
    const cases = Object.values(demo).flatMap(entity => {
      const lookup: FactLookup = name => {
        if (entity.unknown[name]) {
          return { state: 'unknown', reason: entity.unknown[name] };
        }
        if (!(name in entity.facts)) {
          return { state: 'unknown', reason: 'not collected' };
        }
        return {
          state: 'value',
          value: entity.facts[name],
          evidence: [{ note: name.split('.')[0] }, { annotation: name }],
        };
      };
      const all = new Set(DEFAULT_MATURITY_MODEL.checks.map(c => c.id));
      return [
        { lookup, waivers: new Set<string>() },
        { lookup, waivers: all },
      ];
    });
    expect(cases.length).toBeGreaterThan(10);
    expectSameAsReference(DEFAULT_MATURITY_MODEL, cases);
  });

  it('evaluates a nine-check subset of the default model, and the model without its dimensions, like the reference', () => {
    const ids = [
      'arch-type-lifecycle',
      'arch-system-assigned',
      'arch-apis-registered',
      'owner-set',
      'owner-is-group',
      'owner-oncall-rotation',
      'delivery-ci-builds',
      'delivery-ci-tests',
      'delivery-container-image',
    ];
    const nine: MaturityModel = {
      ...DEFAULT_MATURITY_MODEL,
      checks: DEFAULT_MATURITY_MODEL.checks.filter(c => ids.includes(c.id)),
    };
    expect(nine.checks).toHaveLength(9);
    expectSameAsReference(nine, generatedLookups(nine, 200, 11));
    expectSameAsReference(
      { ...nine, dimensions: nine.dimensions.slice(0, 2) },
      generatedLookups(nine, 50, 12),
    );
  });

  it('evaluates odd rules like the reference: no operator, count of a non-list, non-numeric count, in without a list, contains on a number, numeric operators on strings, empty all/any, not of unknown, malformed rules, a gap between levels', () => {
    const rules: Rule[] = [
      { fact: 'x.a' } as Rule,
      { count: 'x.a', equals: 1 },
      { count: 'x.b', greaterThan: 'two' } as unknown as Rule,
      { count: 'x.b', in: [1] } as Rule,
      { count: 'x.b' } as Rule,
      { fact: 'x.a', in: 'service' },
      { fact: 'x.b', contains: 'Deployment' },
      { fact: 'x.c', greaterThan: 1 },
      { fact: 'x.c', lessThanOrEqual: 2 },
      { fact: 'x.a', equals: ['Deployment', 'Service'] },
      { fact: 'x.a', notEquals: null },
      { fact: 'x.a', exists: false },
      { fact: 'x.a', exists: true, equals: 'service' },
      { all: [] },
      { any: [] },
      { not: { fact: 'x.missing', equals: true } },
      {
        all: [
          { fact: 'x.a', equals: 1 },
          { fact: 'x.missing', equals: 1 },
        ],
      },
      {
        any: [
          { fact: 'x.missing', equals: 1 },
          { fact: 'x.gone', equals: 1 },
          { fact: 'x.missing', equals: 2 },
        ],
      },
      { all: 'not a list' } as unknown as Rule,
      { not: null } as unknown as Rule,
      {} as Rule,
      { fact: 3, equals: 1 } as unknown as Rule,
    ];
    const levels: Array<2 | 3 | 5> = [2, 3, 5];
    const checks: CheckDefinition[] = rules.map((rule, i) => ({
      id: `odd-${i}`,
      dimension: i % 2 ? 'one' : 'two',
      level: levels[i % 3],
      title: 't',
      why: 'w',
      how: 'h',
      weight: 1 + (i % 4),
      effort: 'small',
      evidence: 'repo',
      rule,
      ...(i % 5 === 0 && { applicableWhen: rules[(i * 7) % rules.length] }),
    }));
    const odd: MaturityModel = {
      ...DEFAULT_MATURITY_MODEL,
      dimensions: [
        { id: 'one', title: 'One', description: '', weight: 2 },
        { id: 'two', title: 'Two', description: '', weight: 3 },
        { id: 'none', title: 'None', description: '', weight: 1 },
      ],
      checks,
    };
    const cases = generatedLookups(odd, 300, 13);
    expect(cases).toHaveLength(300);
    expectSameAsReference(odd, cases);
  });

  it('scores results that are not in model order, miss checks or repeat a check like the reference (the last result of a check counts)', () => {
    const model = DEFAULT_MATURITY_MODEL;
    const [{ lookup }] = generatedLookups(model, 1, 21);
    const results = evaluateChecks(model, lookup);
    const variants: CheckResult[][] = [
      [...results].reverse(),
      results.slice(0, 20),
      [...results, { ...results[0], status: 'fail' }],
      [{ ...results[3], status: 'pass' }, ...results],
      [],
    ];
    for (const v of variants) {
      expect(computeEntityScore(model, v)).toEqual(refScore(model, v));
    }
  });
});

describe('evaluation reads each fact once per entity', () => {
  it('asks the lookup about each fact once per evaluateChecks call, however many checks read it', () => {
    const calls = new Map<string, number>();
    const lookup: FactLookup = name => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return { state: 'value', value: 'service' };
    };
    evaluateChecks(DEFAULT_MATURITY_MODEL, lookup);
    // catalog.type decides the applicability of many checks.
    expect(calls.get('catalog.type')).toBe(1);
    expect(Math.max(...calls.values())).toBe(1);
    evaluateChecks(DEFAULT_MATURITY_MODEL, lookup);
    expect(calls.get('catalog.type')).toBe(2);
  });
});

describe('evidence deduplication', () => {
  const lookupWith =
    (evidence: Record<string, Evidence[]>): FactLookup =>
    name => ({ state: 'value', value: true, evidence: evidence[name] });
  const both: Rule = {
    all: [
      { fact: 'a', equals: true },
      { fact: 'b', equals: true },
    ],
  };

  it('keeps one of two equal evidence items that are distinct objects, with fields in another order or left undefined', () => {
    const first = { path: 'Dockerfile', line: 1 };
    const { evidence } = evaluateRule(
      both,
      lookupWith({
        a: [first, { annotation: 'x' }],
        b: [
          { line: 1, path: 'Dockerfile' },
          { annotation: 'x', note: undefined },
        ],
      }),
    );
    expect(evidence).toEqual([first, { annotation: 'x' }]);
    expect(evidence[0]).toBe(first);
  });

  it('keeps evidence apart whose line differs in type (3 and "3") or whose fields would join to the same text', () => {
    const items: Evidence[] = [
      { path: 'x', line: 3 },
      { path: 'x', line: '3' as unknown as number },
      { path: 'a|b', note: 'c' },
      { path: 'a', note: 'b|c' },
    ];
    const { evidence } = evaluateRule(both, lookupWith({ a: items, b: items }));
    expect(evidence).toEqual(items);
  });

  it('deduplicates a long evidence list (more than 16 items) in first-seen order', () => {
    const long: Evidence[] = Array.from({ length: 40 }, (_, i) => ({
      path: `f${i % 25}`,
      line: i % 25,
    }));
    const { evidence } = evaluateRule(
      both,
      lookupWith({ a: long, b: [...long].reverse() }),
    );
    expect(evidence).toEqual(long.slice(0, 25));
  });
});

describe('compiled models', () => {
  it('evaluates a model whose checks were replaced with the new checks, not the compiled old ones', () => {
    const model: MaturityModel = {
      ...DEFAULT_MATURITY_MODEL,
      checks: DEFAULT_MATURITY_MODEL.checks.slice(0, 3),
    };
    const lookup: FactLookup = () => ({ state: 'value', value: true });
    expect(evaluateChecks(model, lookup)).toHaveLength(3);
    model.checks = DEFAULT_MATURITY_MODEL.checks.slice(0, 5);
    const results = evaluateChecks(model, lookup);
    expect(results.map(r => r.checkId)).toEqual(model.checks.map(c => c.id));
    expect(computeEntityScore(model, results)).toEqual(
      refScore(model, results),
    );
    expect(computeEntityScore(model, results).coverage?.total).toBe(5);
  });
});
