import { FactValue } from './facts';
import {
  CheckDefinition,
  CheckResult,
  CheckStatus,
  MaturityModel,
} from './model';
import { FactLookup } from './rules';
import { computeEntityScore, evaluateChecks, nextSteps } from './scoring';

function check(
  id: string,
  dimension: string,
  level: CheckDefinition['level'],
  weight = 5,
  extra: Partial<CheckDefinition> = {},
): CheckDefinition {
  return {
    id,
    dimension,
    level,
    title: `Title ${id}`,
    why: `Why ${id}`,
    how: `How ${id}`,
    weight,
    effort: 'small',
    evidence: 'repo',
    rule: { fact: `repo.${id}`, equals: true },
    ...extra,
  };
}

function model(checks: CheckDefinition[]): MaturityModel {
  return {
    id: 'test',
    version: '1',
    title: 'Test',
    levels: [1, 2, 3, 4, 5].map(level => ({
      level: level as 1,
      name: `L${level}`,
      description: '',
    })),
    dimensions: [
      { id: 'delivery', title: 'Delivery', description: '', weight: 3 },
      { id: 'security', title: 'Security', description: '', weight: 1 },
    ],
    checks,
  };
}

function lookupOf(facts: Record<string, FactValue | 'unknown'>): FactLookup {
  return name =>
    facts[name] === 'unknown' || !(name in facts)
      ? { state: 'unknown', reason: 'no data' }
      : {
          state: 'value',
          value: facts[name] as FactValue,
          evidence: [{ note: name }],
        };
}

const results = (statuses: Record<string, CheckStatus>): CheckResult[] =>
  Object.entries(statuses).map(([checkId, status]) => ({
    checkId,
    status,
    evidence: [],
  }));

describe('evaluateChecks', () => {
  const m = model([
    check('a', 'delivery', 2),
    check('b', 'delivery', 2, 5, {
      applicableWhen: { fact: 'catalog.type', notEquals: 'function' },
    }),
    check('c', 'delivery', 3),
    check('d', 'security', 2),
  ]);

  it('maps rule outcomes to pass, fail and unknown, with evidence and reasons', () => {
    const out = evaluateChecks(
      m,
      lookupOf({ 'repo.a': true, 'repo.b': false, 'catalog.type': 'service' }),
    );
    expect(out).toEqual([
      { checkId: 'a', status: 'pass', evidence: [{ note: 'repo.a' }] },
      {
        checkId: 'b',
        status: 'fail',
        evidence: [{ note: 'repo.b' }, { note: 'catalog.type' }],
      },
      {
        checkId: 'c',
        status: 'unknown',
        reason: 'repo.c: no data',
        evidence: [],
      },
      {
        checkId: 'd',
        status: 'unknown',
        reason: 'repo.d: no data',
        evidence: [],
      },
    ]);
  });

  it('is not-applicable when applicableWhen is false', () => {
    const [, b] = evaluateChecks(
      m,
      lookupOf({ 'repo.b': false, 'catalog.type': 'function' }),
    );
    expect(b.status).toBe('not-applicable');
    expect(b.reason).toMatch(/applicableWhen/);
  });

  it('evaluates the rule when applicableWhen is unknown', () => {
    const [, failing] = evaluateChecks(m, lookupOf({ 'repo.b': false }));
    expect(failing.status).toBe('fail');
    const [, passing] = evaluateChecks(m, lookupOf({ 'repo.b': true }));
    expect(passing.status).toBe('pass');
  });

  it('waives a waived check that would not pass, and leaves a passing one alone', () => {
    const out = evaluateChecks(
      m,
      lookupOf({ 'repo.a': true, 'repo.b': false, 'catalog.type': 'service' }),
      { waivers: new Set(['a', 'b', 'c']) },
    );
    expect(out.map(r => [r.checkId, r.status, r.reason])).toEqual([
      ['a', 'pass', undefined],
      ['b', 'waived', 'waived'],
      ['c', 'waived', 'waived'],
      ['d', 'unknown', 'repo.d: no data'],
    ]);
  });
});

describe('computeEntityScore', () => {
  const m = model([
    check('d2a', 'delivery', 2, 4),
    check('d2b', 'delivery', 2, 2),
    check('d3', 'delivery', 3, 6),
    check('d4', 'delivery', 4, 8),
    check('s2', 'security', 2, 10),
    check('s3', 'security', 3, 10),
  ]);

  it('finds the level, the blocking checks and the weighted score', () => {
    const score = computeEntityScore(
      m,
      results({
        d2a: 'pass',
        d2b: 'pass',
        d3: 'fail',
        d4: 'pass',
        s2: 'pass',
        s3: 'unknown',
      }),
    );
    // Delivery: 2 passes, 3 fails (d4 passing does not skip it).
    // Score 100 * (4 + 2 + 8) / 20 = 70. Security: 100 * 10 / 20 = 50.
    expect(score.dimensions).toEqual([
      { dimension: 'delivery', level: 2, score: 70, blockingChecks: ['d3'] },
      { dimension: 'security', level: 2, score: 50, blockingChecks: ['s3'] },
    ]);
    // (3 * 70 + 1 * 50) / 4 = 65
    expect(score).toMatchObject({ level: 2, score: 65 });
  });

  it('counts waived and not-applicable as met for levels, and leaves them out of the score', () => {
    const score = computeEntityScore(
      m,
      results({
        d2a: 'waived',
        d2b: 'not-applicable',
        d3: 'pass',
        d4: 'fail',
        s2: 'pass',
        s3: 'pass',
      }),
    );
    // Delivery: weights of d3 (6 pass) and d4 (8 fail) only: 600 / 14 = 42.857...
    expect(score.dimensions[0]).toEqual({
      dimension: 'delivery',
      level: 3,
      score: 42.9,
      blockingChecks: ['d4'],
    });
    // Security tops out at its highest defined level, 3, with nothing blocking.
    expect(score.dimensions[1]).toEqual({
      dimension: 'security',
      level: 3,
      score: 100,
      blockingChecks: [],
    });
    // Entity: (3 * 42.857 + 100) / 4 = 57.14 -> 57.1; level min(3, 3) = 3.
    expect(score).toMatchObject({ level: 3, score: 57.1 });
  });

  it('stays at level 1 when a level-2 check fails, and the entity level is the lowest dimension', () => {
    const score = computeEntityScore(
      m,
      results({
        d2a: 'pass',
        d2b: 'pass',
        d3: 'pass',
        d4: 'pass',
        s2: 'fail',
        s3: 'pass',
      }),
    );
    expect(score.dimensions.map(d => [d.dimension, d.level])).toEqual([
      ['delivery', 4],
      ['security', 1],
    ]);
    expect(score.dimensions[1].blockingChecks).toEqual(['s2']);
    expect(score.level).toBe(1);
  });

  it('scores 100 when no check applies, and treats a missing result as unknown', () => {
    const allNa = computeEntityScore(
      m,
      results({
        d2a: 'not-applicable',
        d2b: 'waived',
        d3: 'not-applicable',
        d4: 'waived',
      }),
    );
    expect(allNa.dimensions[0]).toMatchObject({ level: 4, score: 100 });
    // s2 and s3 have no result: unknown, so applicable and not passing.
    expect(allNa.dimensions[1]).toEqual({
      dimension: 'security',
      level: 1,
      score: 0,
      blockingChecks: ['s2'],
    });
  });

  it('lists a dimension without checks but leaves it out of the entity level and score', () => {
    const m2 = model([check('d2a', 'delivery', 2)]);
    const score = computeEntityScore(m2, results({ d2a: 'pass' }));
    expect(score.dimensions[1]).toEqual({
      dimension: 'security',
      level: 1,
      score: 100,
      blockingChecks: [],
    });
    expect(score).toMatchObject({ level: 2, score: 100 });
  });
});

describe('nextSteps', () => {
  const m = model([
    // delivery: level 2 passes, so level-3 checks block.
    check('ok', 'delivery', 2),
    check('d3-light', 'delivery', 3, 3),
    check('d3-heavy-large', 'delivery', 3, 8, { effort: 'large' }),
    check('d3-heavy-small', 'delivery', 3, 8, {
      fixTemplate: { ref: 'template:default/adopt-gitops' },
    }),
    check('d3-heavy-small-b', 'delivery', 3, 8),
    check('d4', 'delivery', 4, 10),
    // security: level-2 checks block.
    check('s2', 'security', 2, 1, { effort: 'large' }),
    check('s2-passing', 'security', 2, 9),
  ]);
  const r = results({
    ok: 'pass',
    'd3-light': 'fail',
    'd3-heavy-large': 'unknown',
    'd3-heavy-small': 'fail',
    'd3-heavy-small-b': 'fail',
    d4: 'fail',
    s2: 'fail',
    's2-passing': 'pass',
  });
  const score = computeEntityScore(m, r);

  it('orders by blocking level, then weight, then effort, then id', () => {
    expect(nextSteps(m, r, score, 10).map(s => s.checkId)).toEqual([
      's2',
      'd3-heavy-small',
      'd3-heavy-small-b',
      'd3-heavy-large',
      'd3-light',
    ]);
  });

  it('returns three steps by default, and only checks that block a next level', () => {
    const steps = nextSteps(m, r, score);
    expect(steps.map(s => s.checkId)).toEqual([
      's2',
      'd3-heavy-small',
      'd3-heavy-small-b',
    ]);
    expect(nextSteps(m, r, score, 10).map(s => s.checkId)).not.toContain('d4');
  });

  it('carries what the UI needs for each step', () => {
    const [, step] = nextSteps(m, r, score);
    expect(step).toEqual({
      checkId: 'd3-heavy-small',
      dimension: 'delivery',
      level: 3,
      title: 'Title d3-heavy-small',
      why: 'Why d3-heavy-small',
      how: 'How d3-heavy-small',
      evidence: [],
      evidenceKind: 'repo',
      fixTemplate: { ref: 'template:default/adopt-gitops' },
      weight: 8,
      effort: 'small',
      status: 'fail',
    });
    const unknown = nextSteps(m, r, score, 10).find(
      s => s.checkId === 'd3-heavy-large',
    );
    expect(unknown).toMatchObject({ status: 'unknown' });
  });
});
