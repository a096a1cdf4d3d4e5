import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_MATURITY_MODEL } from './defaultModel';
import { FactLookup, FactLookupResult } from './rules';
import { BUILTIN_FACTS, parseMaturityModel } from './schema';
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
    expect(DEFAULT_MATURITY_MODEL.version).toBe('1.1.0');
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
