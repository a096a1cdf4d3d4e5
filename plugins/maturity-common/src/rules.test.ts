import { Evidence, FactValue } from './facts';
import { Rule } from './model';
import { evaluateRule, FactLookup } from './rules';

type Fixture = Record<
  string,
  FactValue | { unknown: string } | { value: FactValue; evidence: Evidence[] }
>;

/** A lookup over a fixture; names absent from it are unknown. */
function lookupOf(facts: Fixture): FactLookup {
  return name => {
    if (!(name in facts)) return { state: 'unknown', reason: 'not collected' };
    const f = facts[name];
    if (f !== null && typeof f === 'object' && !Array.isArray(f)) {
      if ('unknown' in f) return { state: 'unknown', reason: f.unknown };
      return { state: 'value', value: f.value, evidence: f.evidence };
    }
    return { state: 'value', value: f };
  };
}

const FACTS: Fixture = {
  bool: true,
  num: 3,
  str: 'service',
  list: ['Deployment', 'Service'],
  empty: [],
  nothing: null,
  helm: { unknown: 'Helm templates are not rendered' },
};

const status = (rule: Rule, facts: Fixture = FACTS) =>
  evaluateRule(rule, lookupOf(facts)).status;

describe('evaluateRule: operators', () => {
  it.each<[string, Rule, string]>([
    ['equals boolean', { fact: 'bool', equals: true }, 'pass'],
    ['equals boolean mismatch', { fact: 'bool', equals: false }, 'fail'],
    ['equals number', { fact: 'num', equals: 3 }, 'pass'],
    ['equals string mismatch', { fact: 'str', equals: 'function' }, 'fail'],
    [
      'equals list (same order)',
      { fact: 'list', equals: ['Deployment', 'Service'] },
      'pass',
    ],
    [
      'equals list (other order)',
      { fact: 'list', equals: ['Service', 'Deployment'] },
      'fail',
    ],
    ['notEquals', { fact: 'str', notEquals: 'function' }, 'pass'],
    ['notEquals same', { fact: 'str', notEquals: 'service' }, 'fail'],
    ['greaterThan', { fact: 'num', greaterThan: 2 }, 'pass'],
    ['greaterThan equal', { fact: 'num', greaterThan: 3 }, 'fail'],
    ['greaterThanOrEqual', { fact: 'num', greaterThanOrEqual: 3 }, 'pass'],
    ['lessThan', { fact: 'num', lessThan: 3 }, 'fail'],
    ['lessThan more', { fact: 'num', lessThan: 4 }, 'pass'],
    ['lessThanOrEqual', { fact: 'num', lessThanOrEqual: 3 }, 'pass'],
    ['lessThanOrEqual less', { fact: 'num', lessThanOrEqual: 2 }, 'fail'],
    ['in', { fact: 'str', in: ['function', 'service'] }, 'pass'],
    ['in missing', { fact: 'str', in: ['function'] }, 'fail'],
    ['contains on a list', { fact: 'list', contains: 'Service' }, 'pass'],
    [
      'contains on a list, absent',
      { fact: 'list', contains: 'Rollout' },
      'fail',
    ],
    ['contains on a string', { fact: 'str', contains: 'erv' }, 'pass'],
    ['contains on a string, absent', { fact: 'str', contains: 'func' }, 'fail'],
    ['exists true', { fact: 'str', exists: true }, 'pass'],
    ['exists false on a value', { fact: 'str', exists: false }, 'fail'],
    ['count', { count: 'list', equals: 2 }, 'pass'],
    ['count greaterThan', { count: 'list', greaterThan: 2 }, 'fail'],
    ['count of an empty list', { count: 'empty', equals: 0 }, 'pass'],
  ])('%s', (_name, rule, expected) => {
    expect(status(rule)).toBe(expected);
  });
});

describe('evaluateRule: null values', () => {
  it.each<[string, Rule, string]>([
    ['equals', { fact: 'nothing', equals: true }, 'fail'],
    ['notEquals passes', { fact: 'nothing', notEquals: true }, 'pass'],
    ['greaterThan', { fact: 'nothing', greaterThan: 0 }, 'fail'],
    ['lessThan', { fact: 'nothing', lessThan: 100 }, 'fail'],
    ['in', { fact: 'nothing', in: ['a'] }, 'fail'],
    ['contains', { fact: 'nothing', contains: 'a' }, 'fail'],
    ['exists true', { fact: 'nothing', exists: true }, 'fail'],
    ['exists false passes', { fact: 'nothing', exists: false }, 'pass'],
    ['count is 0', { count: 'nothing', equals: 0 }, 'pass'],
    ['count is not 1', { count: 'nothing', greaterThanOrEqual: 1 }, 'fail'],
  ])('null: %s', (_name, rule, expected) => {
    expect(status(rule)).toBe(expected);
  });

  it('treats a value the lookup leaves undefined as null (count 0, exists false)', () => {
    const lookup: FactLookup = () => ({
      state: 'value',
      value: undefined as unknown as FactValue,
    });
    expect(evaluateRule({ count: 'x', equals: 0 }, lookup).status).toBe('pass');
    expect(evaluateRule({ fact: 'x', exists: false }, lookup).status).toBe(
      'pass',
    );
  });
});

describe('evaluateRule: unknown', () => {
  it('a condition on an unknown fact is unknown, with the reason named', () => {
    expect(
      evaluateRule({ fact: 'helm', equals: true }, lookupOf(FACTS)),
    ).toEqual({
      status: 'unknown',
      evidence: [],
      unknownReasons: ['helm: Helm templates are not rendered'],
    });
    expect(status({ fact: 'helm', exists: false })).toBe('unknown');
    expect(status({ count: 'helm', equals: 0 })).toBe('unknown');
    expect(status({ fact: 'never.collected', notEquals: 1 })).toBe('unknown');
  });

  it('a runtime type mismatch is unknown rather than a silent pass or fail (bad input: number operator on a string value)', () => {
    const result = evaluateRule(
      { fact: 'str', greaterThan: 1 },
      lookupOf(FACTS),
    );
    expect(result.status).toBe('unknown');
    expect(result.unknownReasons[0]).toContain("'greaterThan' needs a number");
    expect(status({ count: 'str', equals: 1 })).toBe('unknown');
  });

  const PASS: Rule = { fact: 'bool', equals: true };
  const FAIL: Rule = { fact: 'bool', equals: false };
  const UNKNOWN: Rule = { fact: 'helm', equals: true };

  it.each<[string, Rule, string]>([
    ['all: pass', { all: [PASS, PASS] }, 'pass'],
    ['all: fail wins over unknown', { all: [UNKNOWN, FAIL, PASS] }, 'fail'],
    ['all: unknown beats pass', { all: [PASS, UNKNOWN] }, 'unknown'],
    ['any: pass wins over unknown', { any: [UNKNOWN, FAIL, PASS] }, 'pass'],
    ['any: unknown beats fail', { any: [FAIL, UNKNOWN] }, 'unknown'],
    ['any: fail', { any: [FAIL, FAIL] }, 'fail'],
    ['not: pass becomes fail', { not: PASS }, 'fail'],
    ['not: fail becomes pass', { not: FAIL }, 'pass'],
    ['not: unknown stays unknown', { not: UNKNOWN }, 'unknown'],
    ['nested', { all: [PASS, { any: [FAIL, { not: FAIL }] }] }, 'pass'],
  ])('%s', (_name, rule, expected) => {
    expect(status(rule)).toBe(expected);
  });

  it('keeps unknown reasons only when the result is unknown', () => {
    expect(
      evaluateRule({ all: [UNKNOWN, FAIL] }, lookupOf(FACTS)).unknownReasons,
    ).toEqual([]);
    expect(
      evaluateRule(
        { all: [UNKNOWN, { fact: 'other', equals: 1 }, UNKNOWN] },
        lookupOf(FACTS),
      ).unknownReasons,
    ).toEqual([
      'helm: Helm templates are not rendered',
      'other: not collected',
    ]);
  });
});

describe('evaluateRule: evidence', () => {
  const dockerfile = { path: 'Dockerfile', line: 1 };
  const deployment = { path: 'k8s/deployment.yaml', line: 12 };
  const owner = { annotation: 'spec.owner' };
  const facts: Fixture = {
    a: { value: true, evidence: [dockerfile, deployment] },
    b: { value: false, evidence: [{ ...deployment }, owner] },
    c: { value: 1, evidence: [owner] },
  };

  it('is the union of the evidence of every fact read, deduplicated, in reading order', () => {
    const result = evaluateRule(
      {
        all: [
          { fact: 'a', equals: true },
          {
            any: [
              { fact: 'b', equals: true },
              { fact: 'c', equals: 1 },
            ],
          },
          { fact: 'a', exists: true },
        ],
      },
      lookupOf(facts),
    );
    expect(result.status).toBe('pass');
    expect(result.evidence).toEqual([dockerfile, deployment, owner]);
  });

  it('is the same for the same rule and facts every time', () => {
    const rule: Rule = {
      any: [
        { fact: 'b', equals: true },
        { fact: 'a', equals: true },
      ],
    };
    const first = evaluateRule(rule, lookupOf(facts));
    const second = evaluateRule(rule, lookupOf(facts));
    expect(second).toEqual(first);
    expect(first.evidence).toEqual([deployment, owner, dockerfile]);
  });
});
