import { FactValue } from './facts';
import {
  CheckDefinition,
  CheckResult,
  CheckStatus,
  MaturityModel,
} from './model';
import { FactLookup } from './rules';
import { DEFAULT_MATURITY_MODEL } from './defaultModel';
import {
  computeEntityScore,
  classifyEvidenceGap,
  connectEvidenceStep,
  evaluateChecks,
  nextSteps,
  noDimensionEvaluated,
  scoreCoverage,
} from './scoring';
import {
  unknownReasons,
  unknownReasonKind,
  UnknownReasonKind,
} from './unknownReasons';

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
    // Score 100 * (4 + 2 + 8) / 20 = 70. Security: s3 is unknown, so it
    // neither blocks level 3 nor counts: level 2, 100 * 10 / 10 = 100.
    expect(score.dimensions).toEqual([
      {
        dimension: 'delivery',
        level: 2,
        status: 'evaluated',
        score: 70,
        blockingChecks: ['d3'],
        measuredChecks: 4,
        totalChecks: 4,
      },
      {
        dimension: 'security',
        level: 2,
        status: 'evaluated',
        score: 100,
        blockingChecks: [],
        measuredChecks: 1,
        totalChecks: 2,
      },
    ]);
    // (3 * 70 + 1 * 100) / 4 = 77.5
    expect(score).toMatchObject({
      level: 2,
      score: 77.5,
      coverage: { measured: 5, total: 6 },
    });
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
    expect(score.dimensions[0]).toMatchObject({
      dimension: 'delivery',
      level: 3,
      status: 'evaluated',
      score: 42.9,
      blockingChecks: ['d4'],
    });
    // Security tops out at its highest defined level, 3, with nothing blocking.
    expect(score.dimensions[1]).toMatchObject({
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

  it('scores 100 when only waived or not-applicable checks were measured, and a dimension without results is not evaluated', () => {
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
    // s2 and s3 have no result: unknown, so security is not evaluated, and
    // the entity's level and score rest on delivery alone.
    expect(allNa.dimensions[1]).toEqual({
      dimension: 'security',
      level: null,
      status: 'not-evaluated',
      score: null,
      blockingChecks: [],
      measuredChecks: 0,
      totalChecks: 2,
    });
    expect(allNa).toMatchObject({ level: 4, score: 100 });
  });

  it('lists a dimension without checks as not evaluated and leaves it out of the entity level and score', () => {
    const m2 = model([check('d2a', 'delivery', 2)]);
    const score = computeEntityScore(m2, results({ d2a: 'pass' }));
    expect(score.dimensions[1]).toMatchObject({
      dimension: 'security',
      level: null,
      status: 'not-evaluated',
      score: null,
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
    // d3-heavy-large is unknown: it was not measured, so it is no step.
    expect(
      nextSteps(m, r, score, 10).find(s => s.checkId === 'd3-heavy-large'),
    ).toBeUndefined();
  });
});

describe('unknown is not failure', () => {
  const m = model([
    check('d2', 'delivery', 2, 5),
    check('d3a', 'delivery', 3, 5),
    check('d3b', 'delivery', 3, 5),
    check('d4', 'delivery', 4, 5),
    check('s2', 'security', 2, 5),
    check('s3', 'security', 3, 5),
  ]);

  it('a dimension whose checks are all unknown is not evaluated, not level 1, and the entity level rests on the measured ones', () => {
    const score = computeEntityScore(
      m,
      results({
        d2: 'pass',
        d3a: 'pass',
        d3b: 'pass',
        d4: 'fail',
        s2: 'unknown',
        s3: 'not-applicable',
      }),
    );
    expect(score.dimensions[1]).toEqual({
      dimension: 'security',
      level: null,
      status: 'not-evaluated',
      score: null,
      blockingChecks: [],
      measuredChecks: 1,
      totalChecks: 2,
    });
    expect(score).toMatchObject({
      level: 3,
      score: 75,
      coverage: { measured: 5, total: 6 },
    });
  });

  it('a level whose known checks pass is reached although another check of it is unknown', () => {
    const score = computeEntityScore(
      m,
      results({ d2: 'pass', d3a: 'pass', d3b: 'unknown', d4: 'fail' }),
    );
    expect(score.dimensions[0]).toMatchObject({
      level: 3,
      blockingChecks: ['d4'],
      // d3b is left out: 100 * 10 / 15
      score: 66.7,
    });
  });

  it('a level whose checks are all unknown is not reached, and nothing blocks it', () => {
    const score = computeEntityScore(
      m,
      results({ d2: 'pass', d3a: 'unknown', d3b: 'unknown', d4: 'pass' }),
    );
    expect(score.dimensions[0]).toMatchObject({
      status: 'evaluated',
      level: 2,
      blockingChecks: [],
      score: 100,
    });
  });

  it('a score stored with an unknown check as blocking still yields no step for it', () => {
    const r = results({ d2: 'unknown', s2: 'fail' });
    const stored = {
      level: 1 as const,
      score: 0,
      dimensions: [
        {
          dimension: 'delivery',
          level: 1 as const,
          score: 0,
          blockingChecks: ['d2'],
        },
        {
          dimension: 'security',
          level: 1 as const,
          score: 0,
          blockingChecks: ['s2'],
        },
      ],
    };
    expect(nextSteps(m, r, stored, 10).map(s => s.checkId)).toEqual(['s2']);
  });

  it('counts a check without a result as not measured in the coverage', () => {
    expect(scoreCoverage(m, results({ d2: 'fail', s2: 'waived' }))).toEqual({
      measured: 2,
      total: 6,
    });
  });
});

describe('connectEvidenceStep', () => {
  const m = model([
    check('d2', 'delivery', 2),
    check('d3', 'delivery', 3, 5, {
      rule: {
        all: [
          { fact: 'repo.d3', equals: true },
          { fact: 'toil.registerExists', equals: true },
        ],
      },
    }),
    check('s2', 'security', 2),
    check('o2', 'security', 3, 5, {
      evidence: 'toil',
      rule: { fact: 'toil.teamToilPercent', lessThan: 50 },
    }),
    check('z2', 'security', 4, 5, {
      evidence: 'security',
      rule: { fact: 'zeroTrust.grade', in: ['A', 'B'] },
    }),
  ]);
  const reasonFor = (name: string, reason: string) => {
    if (name.startsWith('toil.')) {
      return unknownReasons.noToilRecorded('component:default/shop');
    }
    if (name.startsWith('zeroTrust.')) {
      return unknownReasons.collectorNotInstalled('zeroTrust');
    }
    return reason;
  };
  const unknown =
    (reason: string): FactLookup =>
    name => ({ state: 'unknown', reason: reasonFor(name, reason) });

  it('an entity with no source-location annotation is told to add the annotation, once, with the checks it would measure', () => {
    const r = evaluateChecks(
      m,
      unknown('missing annotation backstage.io/source-location'),
    );
    const step = connectEvidenceStep(m, r)!;
    expect(step).toMatchObject({
      title: 'Connect the evidence',
      unknownChecks: 5,
    });
    expect(step.gaps.map(g => [g.kind, g.source, g.checks])).toEqual([
      ['source-location', 'repo', ['d2', 'd3', 's2']],
      ['toil-register', 'toil', ['d3', 'o2']],
      ['collector', 'zeroTrust', ['z2']],
    ]);
    expect(step.gaps[0].what).toMatch(/backstage\.io\/source-location/);
    expect(step.gaps[0].reason).toBe(
      'missing annotation backstage.io/source-location',
    );
    expect(step.gaps[1].what).toMatch(/toil register/);
  });

  it('a source location on a host without an integration asks for the integration', () => {
    const r = evaluateChecks(
      m,
      unknown(
        'repo collector failed on https://github.com/acme/shop: getaddrinfo ENOTFOUND api.github.com',
      ),
    );
    const gap = connectEvidenceStep(m, r)!.gaps[0];
    expect(gap).toMatchObject({ kind: 'integration', source: 'repo' });
    expect(gap.what).toMatch(/integrations\.github/);
  });

  it("keeps a collector's reason whole when it holds alternatives joined by '; or ', and quotes it instead of asking for an integration", () => {
    const delivery =
      'no deployment evidence of shop: to connect it, add apps/shop/production/ to the GitOps repository; or set maturity.outcomes.argocd.baseUrl and annotate it with argocd/app-name; or configure integrations.github with a token or a GitHub App and annotate it with github.com/project-slug';
    const withDelivery = model([
      check('d2', 'delivery', 2, 5, {
        rule: {
          all: [
            { fact: 'delivery.deploysPerWeek', greaterThan: 1 },
            { fact: 'repo.d2', equals: true },
          ],
        },
      }),
    ]);
    const r = evaluateChecks(withDelivery, name => ({
      state: 'unknown',
      reason: name.startsWith('delivery.')
        ? delivery
        : 'missing annotation backstage.io/source-location',
    }));
    const step = connectEvidenceStep(withDelivery, r)!;
    expect(step.gaps.map(g => [g.kind, g.source, g.reason])).toEqual([
      ['other', 'delivery', delivery],
      [
        'source-location',
        'repo',
        'missing annotation backstage.io/source-location',
      ],
    ]);
    expect(step.gaps[0].what).toBe(
      `Make the delivery evidence readable: ${delivery}.`,
    );
  });

  it("keeps a fact's reason whole when it holds '; <file.ext>: ' itself, splitting only before facts the check reads", () => {
    const zeroTrust =
      'Helm templates are not rendered; Dockerfile.prod: USER ${APP_UID} is a build argument';
    const withDockerfile = model([
      check('z1', 'security', 2, 5, {
        evidence: 'security',
        rule: {
          all: [
            { fact: 'zeroTrust.runAsNonRoot', equals: 'pass' },
            { fact: 'repo.d1', equals: true },
          ],
        },
      }),
    ]);
    const r = evaluateChecks(withDockerfile, name => ({
      state: 'unknown',
      reason: name.startsWith('zeroTrust.')
        ? zeroTrust
        : 'missing annotation backstage.io/source-location',
    }));
    expect(
      connectEvidenceStep(withDockerfile, r)!.gaps.map(g => [
        g.source,
        g.reason,
      ]),
    ).toEqual([
      ['repo', 'missing annotation backstage.io/source-location'],
      ['zeroTrust', zeroTrust],
    ]);
  });

  it('an entity whose checks were all measured gets no connect-the-evidence step', () => {
    expect(
      connectEvidenceStep(
        m,
        results({
          d2: 'fail',
          d3: 'pass',
          s2: 'pass',
          o2: 'not-applicable',
          z2: 'waived',
        }),
      ),
    ).toBeUndefined();
  });
});

describe('the default model on a catalog entity with no source-location annotation', () => {
  const NO_SOURCE = unknownReasons.missingSourceLocation();
  // What the collectors record for a bare service entity: catalog and
  // ownership facts from its YAML, no repository, no toil register row.
  const catalogFacts: Record<string, FactValue> = {
    'catalog.kind': 'Component',
    'catalog.type': 'service',
    'catalog.lifecycle': 'production',
    'ownership.ownerSet': true,
    'ownership.ownerResolves': true,
    'ownership.ownerIsGroup': true,
  };
  const lookup: FactLookup = name => {
    if (name.startsWith('repo.'))
      return { state: 'unknown', reason: NO_SOURCE };
    if (name.startsWith('ownership.codeowners')) {
      return {
        state: 'unknown',
        reason: `source tree unavailable: ${NO_SOURCE}`,
      };
    }
    if (name === 'toil.registerExists') {
      return { state: 'value', value: false, evidence: [] };
    }
    if (name.startsWith('toil.')) {
      return {
        state: 'unknown',
        reason: unknownReasons.noToilRecorded('component:default/shop'),
      };
    }
    if (name.startsWith('delivery.') || name.startsWith('incidents.')) {
      return { state: 'unknown', reason: 'no deployment or incident data' };
    }
    return {
      state: 'value',
      value: name in catalogFacts ? catalogFacts[name] : null,
      evidence: [],
    };
  };
  const defaultModel = DEFAULT_MATURITY_MODEL;
  const r = evaluateChecks(defaultModel, lookup);
  const score = computeEntityScore(defaultModel, r);
  const statusById = new Map(r.map(x => [x.checkId, x.status]));

  it('draws no dimension without evidence at level 1: it is not evaluated', () => {
    for (const d of score.dimensions) {
      const own = defaultModel.checks.filter(c => c.dimension === d.dimension);
      const measured = own.some(c =>
        ['pass', 'fail', 'waived'].includes(statusById.get(c.id)!),
      );
      expect([d.dimension, d.status, d.level === null]).toEqual([
        d.dimension,
        measured ? 'evaluated' : 'not-evaluated',
        !measured,
      ]);
    }
    expect(
      score.dimensions.find(d => d.dimension === 'delivery'),
    ).toMatchObject({ status: 'not-evaluated', level: null, score: null });
  });

  it('states its coverage: the unknown checks are not measured', () => {
    const unknownCount = r.filter(x => x.status === 'unknown').length;
    expect(unknownCount).toBeGreaterThan(0);
    expect(score.coverage).toEqual({
      measured: defaultModel.checks.length - unknownCount,
      total: defaultModel.checks.length,
    });
  });

  it('never asks the team to fix a check that was not measured', () => {
    for (const d of score.dimensions) {
      for (const id of d.blockingChecks) {
        expect([id, statusById.get(id)]).toEqual([id, 'fail']);
      }
    }
    const steps = nextSteps(defaultModel, r, score, 50);
    for (const step of steps) {
      expect([step.checkId, statusById.get(step.checkId)]).toEqual([
        step.checkId,
        'fail',
      ]);
    }
  });

  it('says exactly what to connect: the source-location annotation first, then the deployment history, the toil register and the incidents', () => {
    const step = connectEvidenceStep(defaultModel, r)!;
    expect(step.gaps.map(g => [g.kind, g.source])).toEqual([
      ['source-location', 'repo'],
      ['other', 'delivery'],
      ['toil-register', 'toil'],
      ['other', 'incidents'],
    ]);
    const repoChecks = defaultModel.checks.filter(
      c => statusById.get(c.id) === 'unknown' && c.evidence === 'repo',
    );
    expect(step.gaps[0].checks).toEqual(
      expect.arrayContaining(repoChecks.map(c => c.id)),
    );
  });
});

describe('classifyEvidenceGap', () => {
  it.each([
    // A service name or path with "github" or "token" in it is no host failure.
    [
      'delivery',
      'no production change of github-webhooks in the last 30 days has a known start date',
      'other',
    ],
    [
      'repo',
      'source tree directory /home/dev/token-service does not exist',
      'other',
    ],
    // A collector that names the key to set is quoted, even with a 403 in it.
    [
      'delivery',
      'GitHub could not be read (GitHub answered 403: Forbidden); check its github.com/project-slug annotation and that integrations.github can read the repository',
      'other',
    ],
    [
      'delivery',
      'Argo CD could not be read (could not reach argocd.example.com: ENOTFOUND); check maturity.outcomes.argocd.baseUrl and .token',
      'other',
    ],
    // A host that does not answer or refuses: its integration.
    [
      'repo',
      'repo collector failed on https://github.com/acme/shop: getaddrinfo ENOTFOUND api.github.com',
      'integration',
    ],
    [
      'repo',
      "Reading from 'https://git.example.com/acme/shop' is not allowed. You may need to configure an integration for the target host",
      'integration',
    ],
    // A source location that is there but wrong is corrected, not added.
    [
      'repo',
      'unsupported backstage.io/source-location scheme "https:" in "https://github.com/acme/shop"; use dir: or url:',
      'source-location',
    ],
    ['repo', unknownReasons.missingSourceLocation(), 'source-location'],
    // Only an empty register asks to record toil; a failed read is quoted.
    [
      'toil',
      unknownReasons.noToilRecorded('component:default/shop'),
      'toil-register',
    ],
    [
      'toil',
      'The toil register could not be read: connect ECONNREFUSED',
      'other',
    ],
    [
      'incidents',
      'The incident source https://incidents.example.com/export.json could not be read: getaddrinfo ENOTFOUND incidents.example.com',
      'other',
    ],
    ['toil', "the team's capacity is not set", 'other'],
    [
      'zeroTrust',
      unknownReasons.collectorNotInstalled('zeroTrust'),
      'collector',
    ],
    // The reason a collector records when it is given no source tree and
    // no reason: it does not claim to know what is missing.
    ['repo', unknownReasons.noSourceTree(), 'other'],
  ])('%s: %s is %s', (source, reason, kind) => {
    expect(classifyEvidenceGap(source, reason).kind).toBe(kind);
  });

  it('says to correct an annotation that is there, and to add one that is missing', () => {
    expect(
      classifyEvidenceGap(
        'repo',
        'unsupported backstage.io/source-location scheme "https:"; use dir: or url:',
      ).what,
    ).toMatch(/^Correct the backstage\.io\/source-location annotation/);
    expect(
      classifyEvidenceGap('repo', unknownReasons.missingSourceLocation()).what,
    ).toMatch(/^Add the backstage\.io\/source-location annotation/);
  });
});

describe('unknownReasons', () => {
  it('reads the words that earlier versions recorded as they were read then', () => {
    // Stored results keep them until their entity changes.
    expect(unknownReasonKind('no toil register')).toBe('no-toil-recorded');
    expect(unknownReasonKind('No toil recorded yet')).toBe('no-toil-recorded');
    expect(
      unknownReasonKind('source tree unavailable: no source location'),
    ).toBe('missing-source-location');
    expect(
      classifyEvidenceGap(
        'ownership',
        'source tree unavailable: no source location',
      ).kind,
    ).toBe('source-location');
    expect(unknownReasonKind('the toil register could not be read')).toBe(
      undefined,
    );
  });

  it('reads back each reason it builds, however a collector quotes it', () => {
    const built: Array<[string, UnknownReasonKind | undefined]> = [
      [unknownReasons.missingSourceLocation(), 'missing-source-location'],
      [unknownReasons.collectorNotInstalled('slo'), 'collector-not-installed'],
      [
        unknownReasons.noToilRecorded('component:team-a/web'),
        'no-toil-recorded',
      ],
      [unknownReasons.noSourceTree(), undefined],
    ];
    for (const [reason, kind] of built) {
      expect(unknownReasonKind(reason)).toBe(kind);
      // As the ownership and template collectors record it, and as a
      // check's reason joins it after the fact's name.
      expect(unknownReasonKind(`source tree unavailable: ${reason}`)).toBe(
        kind,
      );
      expect(unknownReasonKind(`repo.dockerfile.present: ${reason}`)).toBe(
        kind,
      );
    }
  });
});

describe('noDimensionEvaluated', () => {
  const evaluated = { level: 2, status: 'evaluated' as const };
  const notEvaluated = { level: null, status: 'not-evaluated' as const };

  it('is true when nothing of the entity could be measured, and only then', () => {
    expect(noDimensionEvaluated([notEvaluated, notEvaluated])).toBe(true);
    expect(noDimensionEvaluated([notEvaluated, evaluated])).toBe(false);
    // Scores stored before the status existed: a level means evaluated.
    expect(noDimensionEvaluated([{ level: 1 }])).toBe(false);
    // No dimension at all has nothing to roll up either, as in the store.
    expect(noDimensionEvaluated([])).toBe(true);
  });

  it('agrees with the scoring of an entity none of whose checks was measured', () => {
    const score = computeEntityScore(
      DEFAULT_MATURITY_MODEL,
      DEFAULT_MATURITY_MODEL.checks.map(c => ({
        checkId: c.id,
        status: 'unknown' as const,
        evidence: [],
      })),
    );
    expect(score.level).toBe(1);
    expect(noDimensionEvaluated(score.dimensions)).toBe(true);
  });
});
