import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_MATURITY_MODEL } from './defaultModel';
import { FactDeclaration } from './facts';
import { MaturityModel } from './model';
import { FactLookup, FactLookupResult } from './rules';
import {
  applyModelOverrides,
  BUILTIN_FACTS,
  parseMaturityModel,
} from './schema';
import { TEMPLATE_FACTS } from './builtinFacts';
import { evaluateChecks } from './scoring';

const YAML_PATH = resolve(__dirname, '../models/cloud-native-migration.yaml');
const HEADER = [
  '# The default maturity model (cloud-native-migration).',
  '# Generated from src/defaultModel.ts: edit that file, then run',
  '#   UPDATE_DEFAULT_MODEL_YAML=1 CI=true yarn backstage-cli package test defaultModel',
  '# A test fails while the two differ.',
  '',
].join('\n');

describe('DEFAULT_MATURITY_MODEL', () => {
  if (process.env.UPDATE_DEFAULT_MODEL_YAML) {
    // Shared rule objects must be written out in full, not as YAML aliases.
    writeFileSync(
      YAML_PATH,
      HEADER +
        stringify(DEFAULT_MATURITY_MODEL, {
          aliasDuplicateObjects: false,
          lineWidth: 0,
          singleQuote: true,
        }),
    );
  }

  it('parses against the built-in facts', () => {
    expect(() =>
      parseMaturityModel(DEFAULT_MATURITY_MODEL, BUILTIN_FACTS),
    ).not.toThrow();
  });

  it('is the documented model: id, version, five levels, eight dimensions', () => {
    expect(DEFAULT_MATURITY_MODEL.id).toBe('cloud-native-migration');
    expect(DEFAULT_MATURITY_MODEL.version).toBe('1.4.0');
    expect(DEFAULT_MATURITY_MODEL.levels.map(l => l.name)).toEqual([
      'Traditional',
      'Foundational',
      'Cloud-native',
      'Automated',
      'Self-healing',
    ]);
    expect(DEFAULT_MATURITY_MODEL.dimensions.map(d => d.id)).toEqual([
      'architecture',
      'delivery',
      'scalability',
      'observability',
      'security',
      'operations',
      'reliability',
      'ownership',
    ]);
    expect(DEFAULT_MATURITY_MODEL.optionalCollectors).toEqual([
      'toil',
      'zeroTrust',
      'delivery',
      'incidents',
      'cost',
      'template',
    ]);
  });

  it('has at least 40 checks, and every dimension has checks at levels 2, 3 and 4', () => {
    expect(DEFAULT_MATURITY_MODEL.checks.length).toBeGreaterThanOrEqual(40);
    for (const dimension of DEFAULT_MATURITY_MODEL.dimensions) {
      const levels = new Set(
        DEFAULT_MATURITY_MODEL.checks
          .filter(c => c.dimension === dimension.id)
          .map(c => c.level),
      );
      expect({
        dimension: dimension.id,
        has2: levels.has(2),
        has3: levels.has(3),
        has4: levels.has(4),
      }).toEqual({
        dimension: dimension.id,
        has2: true,
        has3: true,
        has4: true,
      });
    }
  });

  it('uses only the template refs the portal ships', () => {
    const allowed = [
      'template:default/adopt-gitops',
      'template:default/cloud-native-service',
      'template:default/serverless-function',
      'template:default/event-driven-service',
      'template:default/strangler-fig-extraction',
      'template:default/fix-catalog-owner',
      'template:default/fix-pod-disruption-budget',
      'template:default/fix-default-deny',
      'template:default/fix-codeowners',
      'template:default/fix-opentelemetry',
      'template:default/fix-base-image-digests',
      'template:default/template-upgrade',
    ];
    const refs = DEFAULT_MATURITY_MODEL.checks.flatMap(c =>
      c.fixTemplate ? [c.fixTemplate.ref] : [],
    );
    expect(refs.filter(r => !allowed.includes(r))).toEqual([]);
    expect(new Set(refs)).toEqual(new Set(allowed));
  });

  it('is deep-equal to models/cloud-native-migration.yaml', () => {
    const fromYaml = parse(readFileSync(YAML_PATH, 'utf8'));
    expect(fromYaml).toEqual(DEFAULT_MATURITY_MODEL);
  });
});

describe('the Security checks over zero-trust verdicts', () => {
  // Only the zero-trust verdict of mTLS is known; repository facts that a
  // second implementation could read say the opposite, and must not count.
  const lookup =
    (verdict: FactLookupResult): FactLookup =>
    name => {
      if (name === 'zeroTrust.mtlsStrict') return verdict;
      if (name === 'repo.security.mtlsStrict') {
        return { state: 'value', value: true };
      }
      return { state: 'unknown', reason: 'not collected' };
    };
  const mtls = (verdict: FactLookupResult) =>
    evaluateChecks(
      {
        ...DEFAULT_MATURITY_MODEL,
        checks: DEFAULT_MATURITY_MODEL.checks.filter(
          c => c.id === 'sec-mtls-strict',
        ),
      },
      lookup(verdict),
    )[0];

  it('a failing zero-trust mTLS verdict fails the check, whatever other repository facts say', () => {
    expect(mtls({ state: 'value', value: 'fail' }).status).toBe('fail');
    expect(mtls({ state: 'value', value: 'pass' }).status).toBe('pass');
  });

  it('a not-applicable zero-trust verdict makes the check not applicable', () => {
    expect(mtls({ state: 'value', value: 'not-applicable' }).status).toBe(
      'not-applicable',
    );
  });

  it('an unknown zero-trust verdict leaves the check unknown, with the reason', () => {
    const result = mtls({ state: 'unknown', reason: 'Helm templates only' });
    expect(result.status).toBe('unknown');
    expect(JSON.stringify(result)).toContain('Helm templates only');
  });
});

describe('the delivery outcome checks (DORA thresholds)', () => {
  const OUTCOME_CHECKS = [
    'delivery-deploys-weekly',
    'delivery-deploys-daily',
    'delivery-lead-time-under-a-day',
    'delivery-change-failure-rate',
    'delivery-deploys-on-demand',
    'rel-restore-within-a-day',
    'rel-restore-within-an-hour',
  ];
  // What the delivery and incidents collectors declare (collector ids
  // `delivery` and `incidents`): every outcome is a number.
  const OUTCOME_FACTS: FactDeclaration[] = [
    'delivery.productionDeploymentsPerWeek',
    'delivery.leadTimeHours',
    'delivery.changeFailureRate',
    'delivery.productionDeployments',
    'incidents.timeToRestoreHours',
    'incidents.count',
  ].map(name => ({ name, type: 'number', description: name }));

  const outcomeModel = (model: MaturityModel = DEFAULT_MATURITY_MODEL) => ({
    ...model,
    checks: model.checks.filter(c => OUTCOME_CHECKS.includes(c.id)),
  });
  const lookupOf =
    (facts: Record<string, number>, unknownReason = 'not collected') =>
    (name: string): FactLookupResult =>
      name in facts
        ? { state: 'value', value: facts[name] }
        : { state: 'unknown', reason: unknownReason };
  const statuses = (
    facts: Record<string, number>,
    model?: MaturityModel,
    unknownReason?: string,
  ) =>
    Object.fromEntries(
      evaluateChecks(outcomeModel(model), lookupOf(facts, unknownReason)).map(
        r => [r.checkId, r.status],
      ),
    );

  it('are in the model, on the Delivery and Reliability dimensions, and cite DORA in their why', () => {
    const checks = outcomeModel().checks;
    expect(checks.map(c => c.id)).toEqual(OUTCOME_CHECKS);
    for (const check of checks) {
      expect([check.id, check.dimension]).toEqual([
        check.id,
        check.id.startsWith('rel-') ? 'reliability' : 'delivery',
      ]);
      expect([check.id, check.why]).toEqual([
        check.id,
        expect.stringContaining('DORA'),
      ]);
    }
  });

  it('validate against the collectors’ number declarations, and without the collectors (optional)', () => {
    expect(() =>
      parseMaturityModel(DEFAULT_MATURITY_MODEL, [
        ...BUILTIN_FACTS,
        ...OUTCOME_FACTS,
      ]),
    ).not.toThrow();
    expect(DEFAULT_MATURITY_MODEL.optionalCollectors).toEqual(
      expect.arrayContaining(['delivery', 'incidents']),
    );
    // A collector that declared an outcome as text would be caught.
    expect(() =>
      parseMaturityModel(DEFAULT_MATURITY_MODEL, [
        ...BUILTIN_FACTS,
        ...OUTCOME_FACTS.map(f =>
          f.name === 'delivery.leadTimeHours'
            ? { ...f, type: 'string' as const }
            : f,
        ),
      ]),
    ).toThrow(/delivery\.leadTimeHours/);
  });

  it('a daily deployer (6 a week, lead time 5 h, 1 failed change in 12) passes level 4, not the on-demand level 5', () => {
    expect(
      statuses({
        'delivery.productionDeploymentsPerWeek': 6,
        'delivery.leadTimeHours': 5,
        'delivery.changeFailureRate': 1 / 12,
        'incidents.timeToRestoreHours': 0.4,
      }),
    ).toEqual({
      'delivery-deploys-weekly': 'pass',
      'delivery-deploys-daily': 'pass',
      'delivery-lead-time-under-a-day': 'pass',
      'delivery-change-failure-rate': 'pass',
      'delivery-deploys-on-demand': 'fail',
      'rel-restore-within-a-day': 'pass',
      'rel-restore-within-an-hour': 'pass',
    });
  });

  it('a quarterly deployer (one release in 13 weeks, 3 weeks of lead time, 1 of 2 reverted) fails from level 3 up', () => {
    expect(
      statuses({
        'delivery.productionDeploymentsPerWeek': 1 / 13,
        'delivery.leadTimeHours': 21 * 24,
        'delivery.changeFailureRate': 0.5,
        'incidents.timeToRestoreHours': 5,
      }),
    ).toEqual({
      'delivery-deploys-weekly': 'fail',
      'delivery-deploys-daily': 'fail',
      'delivery-lead-time-under-a-day': 'fail',
      'delivery-change-failure-rate': 'fail',
      'delivery-deploys-on-demand': 'fail',
      'rel-restore-within-a-day': 'pass',
      'rel-restore-within-an-hour': 'fail',
    });
  });

  it('a change failure rate of exactly 15% passes, 16% fails; a lead time of exactly 24 h fails', () => {
    const at = (changeFailureRate: number, leadTimeHours: number) => {
      const s = statuses({
        'delivery.changeFailureRate': changeFailureRate,
        'delivery.leadTimeHours': leadTimeHours,
      });
      return [
        s['delivery-change-failure-rate'],
        s['delivery-lead-time-under-a-day'],
      ];
    };
    expect(at(0.15, 23.9)).toEqual(['pass', 'pass']);
    expect(at(0.16, 24)).toEqual(['fail', 'fail']);
  });

  it('a service with no deployment or incident data is unknown on every outcome check, with the reason, never failing', () => {
    const reason =
      'no deployment of quiz-engine to production in the GitOps repository .data/repos/gitops in the last 90 days';
    const results = evaluateChecks(outcomeModel(), lookupOf({}, reason));
    expect(results.map(r => r.status)).toEqual(
      OUTCOME_CHECKS.map(() => 'unknown'),
    );
    expect(results[0].reason).toContain(reason);
  });

  it('takes its thresholds from overrides like every check (3 deployments a week count as daily when a team says so)', () => {
    const facts = [...BUILTIN_FACTS, ...OUTCOME_FACTS];
    const overridden = applyModelOverrides(
      DEFAULT_MATURITY_MODEL,
      {
        checks: [
          {
            id: 'delivery-deploys-daily',
            rule: {
              fact: 'delivery.productionDeploymentsPerWeek',
              greaterThanOrEqual: 3,
            },
          },
          {
            id: 'rel-restore-within-an-hour',
            rule: { fact: 'incidents.timeToRestoreHours', lessThan: 2 },
          },
        ],
      },
      facts,
    );
    const threeAWeek = {
      'delivery.productionDeploymentsPerWeek': 3,
      'incidents.timeToRestoreHours': 1.5,
    };
    expect(statuses(threeAWeek)['delivery-deploys-daily']).toBe('fail');
    expect(statuses(threeAWeek, overridden)['delivery-deploys-daily']).toBe(
      'pass',
    );
    expect(statuses(threeAWeek)['rel-restore-within-an-hour']).toBe('fail');
    expect(statuses(threeAWeek, overridden)['rel-restore-within-an-hour']).toBe(
      'pass',
    );
  });
});

describe('the cost check (idle share from OpenCost)', () => {
  const COST_FACTS: FactDeclaration[] = [
    { name: 'cost.monthlyCost', type: 'number', description: 'monthly cost' },
    { name: 'cost.idleShare', type: 'number', description: 'idle share' },
  ];
  const check = DEFAULT_MATURITY_MODEL.checks.find(
    c => c.id === 'scale-idle-share',
  )!;
  const statusOf = (
    facts: Record<string, number>,
    model: MaturityModel = DEFAULT_MATURITY_MODEL,
  ) => {
    const only = {
      ...model,
      checks: model.checks.filter(c => c.id === 'scale-idle-share'),
    };
    const [result] = evaluateChecks(only, name =>
      name in facts
        ? { state: 'value', value: facts[name] }
        : {
            state: 'unknown',
            reason:
              'no OpenCost allocation "legacy-reports" (aggregate label:app)',
          },
    );
    return result;
  };

  it('is a Scalability level-4 check whose why says where its threshold comes from', () => {
    expect([check.dimension, check.level]).toEqual(['scalability', 4]);
    expect(check.rule).toEqual({
      fact: 'cost.idleShare',
      lessThanOrEqual: 0.5,
    });
    expect(check.why).toContain('OpenCost');
    expect(check.why).toContain('not a published benchmark');
  });

  it('validates against the cost collector’s number declarations, and without the collector (optional)', () => {
    expect(() =>
      parseMaturityModel(DEFAULT_MATURITY_MODEL, [
        ...BUILTIN_FACTS,
        ...COST_FACTS,
      ]),
    ).not.toThrow();
    expect(DEFAULT_MATURITY_MODEL.optionalCollectors).toContain('cost');
    expect(() =>
      parseMaturityModel(DEFAULT_MATURITY_MODEL, [
        ...BUILTIN_FACTS,
        ...COST_FACTS.map(f =>
          f.name === 'cost.idleShare' ? { ...f, type: 'string' as const } : f,
        ),
      ]),
    ).toThrow(/cost\.idleShare/);
  });

  it('an idle share of exactly 0.5 passes, 0.51 fails, and no cost data is unknown with the reason', () => {
    expect(statusOf({ 'cost.idleShare': 0.5 }).status).toBe('pass');
    expect(statusOf({ 'cost.idleShare': 0.51 }).status).toBe('fail');
    const unknown = statusOf({});
    expect(unknown.status).toBe('unknown');
    expect(unknown.reason).toContain('no OpenCost allocation "legacy-reports"');
  });

  it('the README override example of its threshold applies as documented', () => {
    const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
    const block = readme
      .split('```yaml\n')
      .map(b => b.split('```')[0])
      .find(b => b.startsWith('maturity:') && b.includes('scale-idle-share'))!;
    const overridden = applyModelOverrides(
      DEFAULT_MATURITY_MODEL,
      parse(block).maturity.model,
      [...BUILTIN_FACTS, ...COST_FACTS],
      { pathPrefix: 'maturity.model' },
    );
    expect(
      overridden.checks.find(c => c.id === 'scale-idle-share')?.rule,
    ).toEqual({ fact: 'cost.idleShare', lessThanOrEqual: 0.3 });
  });

  it('takes its threshold from an override like every check', () => {
    const overridden = applyModelOverrides(
      DEFAULT_MATURITY_MODEL,
      {
        checks: [
          {
            id: 'scale-idle-share',
            rule: { fact: 'cost.idleShare', lessThanOrEqual: 0.3 },
          },
        ],
      },
      [...BUILTIN_FACTS, ...COST_FACTS],
    );
    expect(statusOf({ 'cost.idleShare': 0.42 }).status).toBe('pass');
    expect(statusOf({ 'cost.idleShare': 0.42 }, overridden).status).toBe(
      'fail',
    );
  });
});

describe('delivery-template-current', () => {
  const check = DEFAULT_MATURITY_MODEL.checks.find(
    c => c.id === 'delivery-template-current',
  )!;
  const statusOf = (facts: Record<string, boolean>) => {
    const only = { ...DEFAULT_MATURITY_MODEL, checks: [check] };
    const [result] = evaluateChecks(only, name =>
      name in facts
        ? { state: 'value', value: facts[name] }
        : {
            state: 'unknown',
            reason: 'template:default/gone is not a Template in the catalog',
          },
    );
    return result;
  };

  it('is a Delivery level-3 check fixed by template-upgrade with the component', () => {
    expect([check.dimension, check.level, check.evidence]).toEqual([
      'delivery',
      3,
      'repo',
    ]);
    expect(check.applicableWhen).toEqual({
      fact: 'template.recorded',
      equals: true,
    });
    expect(check.rule).toEqual({ fact: 'template.current', equals: true });
    expect(check.fixTemplate).toEqual({
      ref: 'template:default/template-upgrade',
      values: { component: '${{ entity.ref }}' },
    });
  });

  it('validates against the template facts, and without the collector (optional)', () => {
    expect(() =>
      parseMaturityModel(DEFAULT_MATURITY_MODEL, [
        ...BUILTIN_FACTS,
        ...TEMPLATE_FACTS,
      ]),
    ).not.toThrow();
    expect(DEFAULT_MATURITY_MODEL.optionalCollectors).toContain('template');
    expect(() =>
      parseMaturityModel(DEFAULT_MATURITY_MODEL, [
        ...BUILTIN_FACTS,
        ...TEMPLATE_FACTS.map(f =>
          f.name === 'template.current' ? { ...f, type: 'number' as const } : f,
        ),
      ]),
    ).toThrow(/template\.current/);
  });

  it('passes on the current version, fails on an older one, skips a repository without a record, and is unknown with the reason', () => {
    expect(
      statusOf({ 'template.recorded': true, 'template.current': true }).status,
    ).toBe('pass');
    expect(
      statusOf({ 'template.recorded': true, 'template.current': false }).status,
    ).toBe('fail');
    expect(statusOf({ 'template.recorded': false }).status).toBe(
      'not-applicable',
    );
    const unknown = statusOf({ 'template.recorded': true });
    expect(unknown.status).toBe('unknown');
    expect(unknown.reason).toContain('not a Template in the catalog');
  });
});
