import { DEFAULT_MATURITY_MODEL } from '@cloud-native-portal/plugin-maturity-common';
import {
  DORA_CLUSTERS,
  doraCluster,
  formatOutcome,
  modelThreshold,
  OUTCOMES,
} from './outcomes';

const outcome = (id: string) => OUTCOMES.find(o => o.id === id)!;

describe('DORA clusters', () => {
  it('places exactly one deploy a day (7 a week) in elite, as the model\'s "on demand" check passes it', () => {
    expect(doraCluster('deploymentFrequency', 7).cluster).toBe('elite');
    expect(doraCluster('deploymentFrequency', 6.99).cluster).toBe('high');
  });

  it('places exactly one deploy a week in high and less in medium, and less than monthly in low', () => {
    expect(doraCluster('deploymentFrequency', 1).cluster).toBe('high');
    expect(doraCluster('deploymentFrequency', 0.99).cluster).toBe('medium');
    expect(doraCluster('deploymentFrequency', 12 / 52).cluster).toBe('medium');
    expect(doraCluster('deploymentFrequency', 0.2).cluster).toBe('low');
  });

  it('keeps a lead time of exactly a day out of elite (less than one day)', () => {
    expect(doraCluster('leadTime', 23.99).cluster).toBe('elite');
    expect(doraCluster('leadTime', 24).cluster).toBe('high');
    expect(doraCluster('leadTime', 24 * 7).cluster).toBe('medium');
    expect(doraCluster('leadTime', 24 * 31).cluster).toBe('low');
  });

  it('places a change failure rate of exactly 15% in elite and anything above in low', () => {
    expect(doraCluster('changeFailureRate', 0.15).cluster).toBe('elite');
    expect(doraCluster('changeFailureRate', 0.151).cluster).toBe('low');
  });

  it('places time to restore under an hour in elite, under a day in high, else low', () => {
    expect(doraCluster('timeToRestore', 0.5).cluster).toBe('elite');
    expect(doraCluster('timeToRestore', 1).cluster).toBe('high');
    expect(doraCluster('timeToRestore', 24).cluster).toBe('low');
  });

  it("takes its boundaries from the default model's DORA checks", () => {
    const rule = (id: string) =>
      DEFAULT_MATURITY_MODEL.checks.find(c => c.id === id)!
        .rule as unknown as Record<string, number>;
    const limits = (metric: keyof typeof DORA_CLUSTERS) =>
      DORA_CLUSTERS[metric].boundaries.map(b => b.limit);
    expect(limits('deploymentFrequency').slice(0, 2)).toEqual([
      rule('delivery-deploys-on-demand').greaterThanOrEqual,
      rule('delivery-deploys-weekly').greaterThanOrEqual,
    ]);
    expect(limits('leadTime')[0]).toBe(
      rule('delivery-lead-time-under-a-day').lessThan,
    );
    expect(limits('changeFailureRate')).toEqual([
      rule('delivery-change-failure-rate').lessThanOrEqual,
    ]);
    expect(limits('timeToRestore')).toEqual([
      rule('rel-restore-within-an-hour').lessThan,
      rule('rel-restore-within-a-day').lessThan,
    ]);
    expect(() => modelThreshold('no-such-check', 'lessThan')).toThrow(
      'The default maturity model has no lessThan threshold on check no-such-check',
    );
  });
});

describe('formatOutcome', () => {
  it('reads deploys a week, and "on demand" from one a day', () => {
    expect(formatOutcome(outcome('deployment-frequency'), 2.33)).toBe(
      '2.3 / week',
    );
    expect(formatOutcome(outcome('deployment-frequency'), 7)).toBe(
      'On demand (7 / week)',
    );
  });

  it('reads a quarterly release train as an interval too', () => {
    expect(formatOutcome(outcome('deployment-frequency'), 1 / 13)).toBe(
      '0.1 / week (one every 13 weeks)',
    );
    expect(formatOutcome(outcome('deployment-frequency'), 0.5)).toBe(
      '0.5 / week',
    );
  });

  it('does not call a sum over services "on demand"', () => {
    expect(
      formatOutcome(outcome('deployment-frequency'), 25, {
        ofOneService: false,
      }),
    ).toBe('25 / week');
  });

  it('reads hours as minutes, hours or days, and shares as percent', () => {
    expect(formatOutcome(outcome('time-to-restore'), 0.5)).toBe('30 min');
    expect(formatOutcome(outcome('lead-time'), 5.25)).toBe('5.3 h');
    expect(formatOutcome(outcome('lead-time'), 72)).toBe('3 days');
    expect(formatOutcome(outcome('change-failure-rate'), 0.125)).toBe('12.5%');
    expect(formatOutcome(outcome('monthly-cost'), 1234.4)).toBe(
      '1,234 / month',
    );
  });
});
