import type { MigrationRecord } from './migrationRecordFormat';

/** A learning platform whose monolith deployed quarterly at the first snapshot. */
export const migrationRecord: MigrationRecord = {
  firstSnapshotAt: '2026-06-01T12:00:00.000Z',
  rows: [
    {
      aspect: 'deployment',
      title: 'Deployment',
      dimension: 'delivery',
      then: {
        components: 1,
        level: 1,
        levelName: 'Traditional',
        atOrAbove3: 0,
        metrics: [
          {
            fact: 'delivery.productionDeploymentsPerWeek',
            label: 'Production deployments per week',
            unit: 'perWeek',
            aggregate: 'sum',
            value: 0.077,
            measured: 1,
          },
          {
            fact: 'delivery.leadTimeHours',
            label: 'Lead time for changes',
            unit: 'hours',
            aggregate: 'median',
            value: 504,
            measured: 1,
          },
        ],
        evidence: [
          '0 of 1 evaluated component at level 3 or above on 2026-06-01',
        ],
      },
      now: {
        components: 2,
        level: 2,
        levelName: 'Foundational',
        atOrAbove3: 1,
        metrics: [
          {
            fact: 'delivery.productionDeploymentsPerWeek',
            label: 'Production deployments per week',
            unit: 'perWeek',
            aggregate: 'sum',
            value: 9.5,
            measured: 2,
          },
          {
            fact: 'delivery.leadTimeHours',
            label: 'Lead time for changes',
            unit: 'hours',
            aggregate: 'median',
            value: 0.5,
            measured: 2,
          },
        ],
        evidence: ['Blocking the next level: GitOps sync (2 components)'],
      },
    },
    {
      aspect: 'cost',
      title: 'Cost',
      then: {
        components: 1,
        metrics: [
          {
            fact: 'cost.monthlyCost',
            label: 'Cost per month',
            unit: 'currency',
            aggregate: 'sum',
            value: null,
            measured: 0,
          },
        ],
        evidence: ['Cost per month: not recorded at the first snapshot'],
      },
      now: {
        components: 2,
        metrics: [
          {
            fact: 'cost.monthlyCost',
            label: 'Cost per month',
            unit: 'currency',
            aggregate: 'sum',
            value: null,
            measured: 0,
          },
        ],
        evidence: [
          'Cost per month: not measured (set maturity.outcomes.opencost.baseUrl)',
        ],
      },
    },
  ],
};
