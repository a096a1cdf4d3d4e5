import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_MATURITY_MODEL } from './defaultModel';
import { FactDeclaration } from './facts';
import { CheckDefinition, MaturityModel } from './model';
import {
  applyModelOverrides,
  BUILTIN_FACTS,
  MaturityModelValidationError,
  parseMaturityModel,
} from './schema';

const FACTS: FactDeclaration[] = [
  { name: 'repo.dockerfile.present', type: 'boolean', description: '' },
  { name: 'repo.workloads.minReplicas', type: 'number', description: '' },
  { name: 'repo.manifests.kinds', type: 'string[]', description: '' },
  { name: 'catalog.type', type: 'string', description: '' },
  { name: 'toil.teamToilPercent', type: 'number', description: '' },
];

function check(overrides: Partial<CheckDefinition> = {}): CheckDefinition {
  return {
    id: 'dockerfile',
    dimension: 'delivery',
    level: 2,
    title: 'Has a Dockerfile',
    why: 'Images are portable.',
    how: 'Add a Dockerfile.',
    weight: 5,
    effort: 'small',
    evidence: 'repo',
    rule: { fact: 'repo.dockerfile.present', equals: true },
    ...overrides,
  };
}

function model(
  checks: unknown[] = [check()],
  extra: object = {},
): MaturityModel {
  return {
    id: 'test',
    version: '1.0.0',
    title: 'Test model',
    levels: [1, 2, 3, 4, 5].map(level => ({
      level,
      name: `L${level}`,
      description: `Level ${level}`,
    })),
    dimensions: [
      { id: 'delivery', title: 'Delivery', description: 'Ship it.', weight: 5 },
      { id: 'security', title: 'Security', description: 'Lock it.', weight: 5 },
    ],
    checks,
    optionalCollectors: ['toil', 'zeroTrust'],
    ...extra,
  } as MaturityModel;
}

/** The error message of parsing `data`, or a failure if it parses. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MaturityModelValidationError);
    return (e as Error).message;
  }
  throw new Error('expected the model to be rejected');
}

const parseError = (data: unknown) =>
  errorOf(() => parseMaturityModel(data, FACTS));

describe('parseMaturityModel', () => {
  it('accepts a valid model and returns a copy', () => {
    const input = model();
    const parsed = parseMaturityModel(input, FACTS);
    expect(parsed).toEqual(input);
    expect(parsed).not.toBe(input);
  });

  it('rejects a NUL byte in a check title, naming its path', () => {
    expect(
      parseError(model([check({ title: 'Has a\u0000 Dockerfile' })])),
    ).toContain(
      'checks[0].title: must not contain a NUL character (\\u0000); remove it and try again',
    );
  });

  it('rejects an unknown key on a check (bad input: `wieght`)', () => {
    const bad = { ...check(), wieght: 3 };
    expect(parseError(model([check({ id: 'a' }), bad]))).toContain(
      "checks[1]: unknown key 'wieght'",
    );
  });

  it('rejects an unknown key inside a rule (bad input: `equal` instead of `equals`)', () => {
    const bad = check({
      rule: { all: [{ fact: 'repo.dockerfile.present', equal: true } as any] },
    });
    expect(parseError(model([bad]))).toContain(
      "checks[0].rule.all[0]: unknown key 'equal'",
    );
  });

  it('rejects a duplicate check id (bad input: two checks with id `dockerfile`)', () => {
    expect(parseError(model([check(), check({ title: 'Again' })]))).toContain(
      "checks[1].id: duplicate check id 'dockerfile' (first at checks[0])",
    );
  });

  it('rejects a duplicate dimension id (bad input: `delivery` twice)', () => {
    const data = model();
    data.dimensions.push({ ...data.dimensions[0] });
    expect(parseError(data)).toContain(
      "dimensions[2].id: duplicate dimension id 'delivery'",
    );
  });

  it('rejects a check whose dimension does not exist (bad input: `delivry`)', () => {
    expect(parseError(model([check({ dimension: 'delivry' })]))).toContain(
      "checks[0].dimension: unknown dimension 'delivry'",
    );
  });

  it('rejects a misspelled fact in a declared namespace (bad input: `repo.dockerfile.presnt`)', () => {
    const bad = check({
      rule: {
        all: [
          { fact: 'catalog.type', equals: 'service' },
          { fact: 'repo.dockerfile.presnt', equals: true },
        ],
      },
    });
    expect(
      parseError(
        model([
          check({ id: 'a' }),
          check({ id: 'b' }),
          check({ id: 'c' }),
          bad,
        ]),
      ),
    ).toContain(
      "checks[3].rule.all[1].fact: unknown fact 'repo.dockerfile.presnt'",
    );
  });

  it('rejects a fact whose namespace is neither declared nor optional (bad input: `gitlab.mergeTrains`)', () => {
    const bad = check({ rule: { fact: 'gitlab.mergeTrains', equals: true } });
    expect(parseError(model([bad]))).toContain(
      "checks[0].rule.fact: unknown fact 'gitlab.mergeTrains': namespace 'gitlab'",
    );
  });

  it('allows an undeclared fact in an optional namespace, but still checks its value shape', () => {
    const ok = check({ rule: { fact: 'zeroTrust.grade', in: ['A', 'B'] } });
    expect(() => parseMaturityModel(model([ok]), FACTS)).not.toThrow();
    // Bad input: a numeric operator with a string value on an undeclared optional fact.
    const bad = check({
      rule: { fact: 'zeroTrust.score', greaterThan: 'high' },
    });
    expect(parseError(model([bad]))).toContain(
      "checks[0].rule.greaterThan: 'greaterThan' needs a number",
    );
  });

  it('allows any fact name in an optional namespace, and rejects it once the namespace is not optional', () => {
    // `toil` is optional, so an undeclared toil fact is allowed (the collector may be newer).
    const ok = check({ rule: { fact: 'toil.newMetric', exists: true } });
    expect(() => parseMaturityModel(model([ok]), FACTS)).not.toThrow();
    // Bad input: the same model without toil in optionalCollectors.
    expect(parseError(model([ok], { optionalCollectors: [] }))).toContain(
      "checks[0].rule.fact: unknown fact 'toil.newMetric'",
    );
  });

  it('rejects a numeric operator on a boolean fact (bad input: greaterThan on repo.dockerfile.present)', () => {
    const bad = check({
      rule: { not: { fact: 'repo.dockerfile.present', greaterThan: 1 } },
    });
    expect(parseError(model([bad]))).toContain(
      "checks[0].rule.not.greaterThan: operator 'greaterThan' needs a number fact; 'repo.dockerfile.present' is boolean",
    );
  });

  it('rejects contains on a number fact (bad input: contains on repo.workloads.minReplicas)', () => {
    const bad = check({
      rule: { fact: 'repo.workloads.minReplicas', contains: '2' },
    });
    expect(parseError(model([bad]))).toContain(
      "checks[0].rule.contains: operator 'contains' needs a string[] or string fact",
    );
  });

  it('rejects count on a scalar fact (bad input: count of catalog.type)', () => {
    const bad = check({
      rule: { count: 'catalog.type', greaterThan: 0 },
    });
    expect(parseError(model([bad]))).toContain(
      "checks[0].rule.count: 'count' needs a string[] fact; 'catalog.type' is string",
    );
  });

  it('rejects an equals value of the wrong type (bad input: equals "yes" on a boolean)', () => {
    const bad = check({
      rule: { fact: 'repo.dockerfile.present', equals: 'yes' },
    });
    expect(parseError(model([bad]))).toContain(
      "checks[0].rule.equals: 'equals' needs a boolean value",
    );
  });

  it('rejects `in` without a list, and list items of the wrong type', () => {
    // Bad input: `in` given a single string.
    expect(
      parseError(
        model([check({ rule: { fact: 'catalog.type', in: 'function' } })]),
      ),
    ).toContain("checks[0].rule.in: 'in' needs a non-empty list");
    // Bad input: a number inside the list of a string fact.
    expect(
      parseError(
        model([check({ rule: { fact: 'catalog.type', in: ['function', 3] } })]),
      ),
    ).toContain('checks[0].rule.in[1]: 3 is not a string');
  });

  it('rejects two operators in one condition (bad input: equals and notEquals)', () => {
    const bad = check({
      applicableWhen: {
        fact: 'catalog.type',
        equals: 'service',
        notEquals: 'function',
      },
    });
    expect(parseError(model([bad]))).toContain(
      "checks[0].applicableWhen: a condition has exactly one operator; found 'equals' and 'notEquals'",
    );
  });

  it('rejects a condition with no operator, and a rule mixing forms (bad inputs)', () => {
    expect(
      parseError(model([check({ rule: { fact: 'catalog.type' } as any })])),
    ).toContain("checks[0].rule: condition on 'catalog.type' has no operator");
    expect(
      parseError(
        model([
          check({
            rule: {
              all: [{ fact: 'catalog.type', exists: true }],
              fact: 'catalog.type',
              equals: 'x',
            } as any,
          }),
        ]),
      ),
    ).toContain(
      "checks[0].rule: a rule has exactly one of all, any, not, fact or count; found 'all' and 'fact'",
    );
  });

  it('rejects levels outside 2..5 and weights outside 1..10 (bad inputs: level 1, weight 11)', () => {
    const message = parseError(
      model([check({ level: 1 as any }), check({ id: 'b', weight: 11 })]),
    );
    expect(message).toContain(
      'checks[0].level: a check level must be an integer from 2 to 5',
    );
    expect(message).toContain('checks[1].weight: weight must be from 1 to 10');
  });

  it('names a missing required field (bad input: a check without `how`)', () => {
    const { how, ...withoutHow } = check();
    expect(parseError(model([withoutHow]))).toContain(
      'checks[0].how: is required',
    );
  });

  it('rejects a model that does not define all five levels (bad input: level 5 missing)', () => {
    const data = model();
    data.levels = data.levels.filter(l => l.level !== 5);
    expect(parseError(data)).toContain(
      'levels: must define levels 1 to 5; missing 5',
    );
  });

  it('applies the path prefix to every message', () => {
    expect(
      errorOf(() =>
        parseMaturityModel(model([check({ weight: 0 })]), FACTS, {
          pathPrefix: 'maturity.model',
        }),
      ),
    ).toContain('maturity.model.checks[0].weight: weight must be from 1 to 10');
  });

  it('reports every problem, not only the first', () => {
    const issues = (() => {
      try {
        parseMaturityModel(
          model([
            check({ dimension: 'nope' }),
            check({ rule: { fact: 'repo.nope', equals: true } }),
          ]),
          FACTS,
        );
      } catch (e) {
        return (e as MaturityModelValidationError).issues;
      }
      return [];
    })();
    expect(issues.map(i => i.path.join('/'))).toEqual([
      'checks/1/id',
      'checks/0/dimension',
      'checks/1/rule/fact',
    ]);
  });
});

describe('applyModelOverrides', () => {
  const base = () =>
    parseMaturityModel(
      model([
        check(),
        check({
          id: 'replicas',
          level: 3,
          rule: { fact: 'repo.workloads.minReplicas', greaterThanOrEqual: 2 },
        }),
      ]),
      FACTS,
    );

  it('changes version and title, and patches a dimension by id', () => {
    const result = applyModelOverrides(
      base(),
      {
        version: '1.1.0-acme',
        title: 'ACME model',
        dimensions: [{ id: 'security', weight: 10, title: 'Zero trust' }],
      },
      FACTS,
    );
    expect(result.version).toBe('1.1.0-acme');
    expect(result.title).toBe('ACME model');
    expect(result.dimensions[1]).toEqual({
      id: 'security',
      title: 'Zero trust',
      description: 'Lock it.',
      weight: 10,
    });
    expect(result.dimensions[0]).toEqual(base().dimensions[0]);
  });

  it('patches a check by id, keeping the fields it does not name', () => {
    const result = applyModelOverrides(
      base(),
      { checks: [{ id: 'replicas', level: 4, weight: 9 }] },
      FACTS,
    );
    expect(result.checks[1]).toEqual({
      ...base().checks[1],
      level: 4,
      weight: 9,
    });
  });

  it('disables a check and adds new checks and dimensions', () => {
    const result = applyModelOverrides(
      base(),
      {
        dimensions: [
          { id: 'cost', title: 'Cost', description: 'FinOps.', weight: 3 },
        ],
        checks: [
          { id: 'dockerfile', disabled: true },
          {
            id: 'cost-labels',
            dimension: 'cost',
            level: 2,
            title: 'Cost labels',
            why: 'Chargeback.',
            how: 'Add a cost-center label.',
            weight: 4,
            effort: 'small',
            evidence: 'repo',
            rule: { count: 'repo.manifests.kinds', greaterThan: 0 },
          },
        ],
      },
      FACTS,
    );
    expect(result.checks.map(c => c.id)).toEqual(['replicas', 'cost-labels']);
    expect(result.dimensions.map(d => d.id)).toEqual([
      'delivery',
      'security',
      'cost',
    ]);
  });

  it('does not modify the base model', () => {
    const original = base();
    const copy = JSON.parse(JSON.stringify(original));
    applyModelOverrides(
      original,
      {
        checks: [
          { id: 'replicas', weight: 1 },
          { id: 'dockerfile', disabled: true },
        ],
      },
      FACTS,
    );
    expect(original).toEqual(copy);
  });

  const overrideError = (overrides: unknown) =>
    errorOf(() =>
      applyModelOverrides(base(), overrides, FACTS, {
        pathPrefix: 'maturity.model',
      }),
    );

  it('rejects disabling an unknown check (bad input: `dockerfile2`) and overriding a check twice', () => {
    expect(
      overrideError({
        checks: [
          { id: 'replicas', weight: 2 },
          { id: 'dockerfile', disabled: false },
          { id: 'dockerfile2', disabled: true },
        ],
      }),
    ).toContain(
      "maturity.model.checks[2].id: cannot disable unknown check 'dockerfile2'",
    );
    // Bad input: `dockerfile` appears twice in the overrides.
    expect(
      overrideError({
        checks: [
          { id: 'dockerfile', weight: 2 },
          { id: 'dockerfile', weight: 3 },
        ],
      }),
    ).toContain(
      "maturity.model.checks[1].id: check 'dockerfile' is overridden more than once",
    );
  });

  it('names the override path for an unknown fact in a patched rule (bad input: repo.dockerfile.presnt)', () => {
    expect(
      overrideError({
        checks: [
          { id: 'replicas', weight: 2 },
          {
            id: 'dockerfile',
            rule: { fact: 'repo.dockerfile.presnt', equals: true },
          },
        ],
      }),
    ).toContain(
      "maturity.model.checks[1].rule.fact: unknown fact 'repo.dockerfile.presnt'",
    );
  });

  it('names the override path for an unknown key (bad input: `wieght`)', () => {
    expect(
      overrideError({
        checks: [{ id: 'replicas' }, { id: 'dockerfile', wieght: 3 }],
      }),
    ).toContain("maturity.model.checks[1]: unknown key 'wieght'");
  });

  it('names the override path for an incomplete new check (bad input: new check without rule)', () => {
    const message = overrideError({
      checks: [{ id: 'brand-new', dimension: 'delivery', level: 2 }],
    });
    expect(message).toContain('maturity.model.checks[0].rule: is required');
    expect(message).toContain('maturity.model.checks[0].title: is required');
  });

  it('names the override path when a patch points at a missing dimension (bad input: dimension `cost`)', () => {
    expect(
      overrideError({ checks: [{ id: 'dockerfile', dimension: 'cost' }] }),
    ).toContain("maturity.model.checks[0].dimension: unknown dimension 'cost'");
  });

  it('names the override path for a bad dimension weight, and for a check entry without an id', () => {
    // Bad input: a dimension weight of 0.
    expect(
      overrideError({ dimensions: [{ id: 'delivery', weight: 0 }] }),
    ).toContain(
      'maturity.model.dimensions[0].weight: weight must be from 1 to 10',
    );
    // Bad input: an override without an id cannot say which check it patches.
    expect(overrideError({ checks: [{ weight: 3 }] })).toContain(
      'maturity.model.checks[0].id: is required',
    );
  });

  it('labels a problem in the untouched base model as such (bad input: base rule on a fact that is no longer known)', () => {
    const facts = FACTS.filter(f => f.name !== 'repo.workloads.minReplicas');
    const message = errorOf(() =>
      applyModelOverrides(base(), { title: 'x' }, facts, {
        pathPrefix: 'maturity.model',
      }),
    );
    expect(message).toContain(
      "(base model) checks[1].rule.fact: unknown fact 'repo.workloads.minReplicas'",
    );
  });
});

describe('the README override example', () => {
  it('the threshold example of the delivery checks applies to the default model as documented', () => {
    const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
    const block = readme
      .split('```yaml\n')
      .find(b => b.startsWith('maturity:') && b.includes('delivery-deploys'))!
      .split('```')[0];
    const result = applyModelOverrides(
      DEFAULT_MATURITY_MODEL,
      parseYaml(block).maturity.model,
      BUILTIN_FACTS,
      { pathPrefix: 'maturity.model' },
    );
    expect(
      result.checks.find(c => c.id === 'delivery-deploys-daily')?.rule,
    ).toEqual({
      fact: 'delivery.productionDeploymentsPerWeek',
      greaterThanOrEqual: 3,
    });
  });

  it('applies to the default model as documented', () => {
    const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
    const block = readme
      .split('## Overrides')[1]
      .split('```yaml\n')
      .find(b => b.startsWith('maturity:'))!
      .split('```')[0];
    const overrides = parseYaml(block).maturity.model;
    const result = applyModelOverrides(
      DEFAULT_MATURITY_MODEL,
      overrides,
      BUILTIN_FACTS,
      { pathPrefix: 'maturity.model' },
    );
    expect(result.version).toBe('1.0.0-acme.1');
    expect(result.dimensions.map(d => d.id)).toContain('compliance');
    expect(result.checks.map(c => c.id)).not.toContain('sec-security-policy');
    expect(
      result.checks.find(c => c.id === 'obs-anomaly-detection'),
    ).toMatchObject({
      level: 4,
      weight: 7,
    });
    expect(result.checks[result.checks.length - 1].id).toBe(
      'compliance-tier-declared',
    );
  });
});
