import { Entity } from '@backstage/catalog-model';
import { ToilFactsResponse } from '@cloud-native-portal/plugin-toil-common';
import {
  DEFAULT_MATURITY_MODEL,
  evaluateChecks,
  FactLookup,
} from '@cloud-native-portal/plugin-maturity-common';
import { createToilFactCollector } from './collector';

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
});

const response: ToilFactsResponse = {
  generatedAt: '2026-11-22T12:00:00Z',
  entities: {
    'component:default/classroom-monolith': {
      registerExists: true,
      teamToilPercent: 53.6,
      topTaskHasAutomationPlan: true,
      routineRemediationAutomated: false,
    },
    'component:default/certificate-service': {
      registerExists: true,
      teamToilPercent: null,
      teamToilPercentReason:
        'the owning group group:default/data-team has no members',
      topTaskHasAutomationPlan: false,
      routineRemediationAutomated: false,
    },
  },
};

describe('createToilFactCollector', () => {
  it('reads the bulk facts once per cycle for many entities', async () => {
    let now = 0;
    const fetchFacts = jest.fn(async () => response);
    const collector = createToilFactCollector({
      fetchFacts,
      cacheMillis: 60_000,
      now: () => now,
    });
    const sets = await Promise.all(
      ['classroom-monolith', 'certificate-service', 'search-indexer'].map(n =>
        collector.collect({ entity: entity(n) }),
      ),
    );
    expect(fetchFacts).toHaveBeenCalledTimes(1);
    expect(sets[0]).toMatchObject({
      collector: 'toil',
      status: 'ok',
      facts: {
        'toil.registerExists': true,
        'toil.teamToilPercent': 53.6,
        'toil.topTaskHasAutomationPlan': true,
        'toil.routineRemediationAutomated': false,
      },
    });
    expect(sets[1].unknown).toEqual({
      'toil.teamToilPercent':
        'the owning group group:default/data-team has no members',
    });
    // An entity without rows: nothing measured, every toil fact unknown.
    expect(sets[2].facts).toEqual({});
    expect(Object.keys(sets[2].unknown ?? {}).sort()).toEqual([
      'toil.registerExists',
      'toil.routineRemediationAutomated',
      'toil.teamToilPercent',
      'toil.topTaskHasAutomationPlan',
    ]);

    now = 61_000;
    await collector.collect({ entity: entity('classroom-monolith') });
    expect(fetchFacts).toHaveBeenCalledTimes(2);
  });

  it('a new service with no toil rows yet is not failed on toil: its toil checks are unknown, as the golden path scan assumes', async () => {
    const collector = createToilFactCollector({
      fetchFacts: async () => response,
      cacheMillis: 60_000,
    });
    const set = await collector.collect({ entity: entity('course-reviews') });
    // The rest of a freshly generated service: a staffed owner Group.
    const owner: Record<string, unknown> = {
      'ownership.ownerIsGroup': true,
      'ownership.ownerMemberCount': 3,
    };
    const lookup: FactLookup = name => {
      if (name in (set.unknown ?? {})) {
        return { state: 'unknown', reason: set.unknown![name] };
      }
      let value: unknown = null;
      if (name in set.facts) value = set.facts[name];
      else if (name in owner) value = owner[name];
      else if (name.startsWith('ownership.')) value = true;
      return { state: 'value', value: value as any, evidence: [] };
    };
    const toilChecks = DEFAULT_MATURITY_MODEL.checks
      .filter(c => c.evidence === 'toil')
      .map(c => c.id);
    const results = evaluateChecks(DEFAULT_MATURITY_MODEL, lookup).filter(r =>
      toilChecks.includes(r.checkId),
    );
    expect(results.map(r => [r.checkId, r.status])).toEqual(
      toilChecks.map(id => [id, 'unknown']),
    );
    expect(set.unknown!['toil.registerExists']).toBe(
      'no toil recorded for component:default/course-reviews in the toil register',
    );
  });

  it('reports unknown, not a crash, when the toil API fails, and retries next time', async () => {
    const fetchFacts = jest
      .fn()
      .mockRejectedValueOnce(
        new Error('Request failed with 503 Service Unavailable'),
      )
      .mockResolvedValue(response);
    const collector = createToilFactCollector({
      fetchFacts,
      cacheMillis: 60_000,
    });
    const failed = await collector.collect({
      entity: entity('classroom-monolith'),
    });
    expect(failed).toMatchObject({
      status: 'unknown',
      reason:
        'The toil register could not be read: Request failed with 503 Service Unavailable',
    });
    const ok = await collector.collect({
      entity: entity('classroom-monolith'),
    });
    expect(ok.status).toBe('ok');
  });
});
