/*
 * The delivery outcomes the cards show, and DORA's performance clusters they
 * fall in. The cluster boundaries live here and only here; the ones the
 * default maturity model checks are read from its checks, so the card and
 * the model cannot disagree.
 */
import { DEFAULT_MATURITY_MODEL } from '@cloud-native-portal/plugin-maturity-common';

/** DORA's software delivery performance clusters, best first. */
export type DoraCluster = 'elite' | 'high' | 'medium' | 'low';

/** Where the cluster boundaries come from, as the cards cite it. */
export const DORA_SOURCE =
  'DORA, Accelerate State of DevOps Report 2019 (performance clusters)';

/** How the cards place a value that lies between two published ranges. */
export const DORA_GAP_RULE =
  'A value between two published ranges takes the lower cluster.';

/** The numeric threshold of one of the default model's checks. */
export function modelThreshold(
  checkId: string,
  operator: 'greaterThanOrEqual' | 'lessThan' | 'lessThanOrEqual',
): number {
  const check = DEFAULT_MATURITY_MODEL.checks.find(c => c.id === checkId);
  const value = (check?.rule as Record<string, unknown> | undefined)?.[
    operator
  ];
  if (typeof value !== 'number') {
    throw new Error(
      `The default maturity model has no ${operator} threshold on check ${checkId}`,
    );
  }
  return value;
}

/** One cluster's boundary: a value meets it when it compares as given. */
interface Boundary {
  cluster: Exclude<DoraCluster, 'low'>;
  /** Higher is better (deploys) or lower is better (hours, rates). */
  compare: 'atLeast' | 'below' | 'atMost';
  limit: number;
  /** The published range, as the report words it. */
  published: string;
}

const HOURS_PER_DAY = 24;
const HOURS_PER_WEEK = 7 * HOURS_PER_DAY;
/** A month of 365/12 days. */
const HOURS_PER_MONTH = (365 / 12) * HOURS_PER_DAY;

/**
 * The published clusters per outcome, best first; a value that meets none is
 * low. Where the report gives elite, high and medium the same range (change
 * failure rate 0-15%, time to restore under a day), the best cluster is
 * listed.
 */
export const DORA_CLUSTERS = {
  deploymentFrequency: {
    unit: 'production deployments a week',
    boundaries: [
      {
        cluster: 'elite',
        compare: 'atLeast',
        // The model reads "on demand" as at least one deployment a day.
        limit: modelThreshold(
          'delivery-deploys-on-demand',
          'greaterThanOrEqual',
        ),
        published: 'on demand (multiple deploys per day)',
      },
      {
        cluster: 'high',
        compare: 'atLeast',
        limit: modelThreshold('delivery-deploys-weekly', 'greaterThanOrEqual'),
        published: 'between once per day and once per week',
      },
      {
        cluster: 'medium',
        compare: 'atLeast',
        limit: 12 / 52,
        published: 'between once per week and once per month',
      },
    ] as Boundary[],
    low: 'between once per month and once every six months',
  },
  leadTime: {
    unit: 'hours',
    boundaries: [
      {
        cluster: 'elite',
        compare: 'below',
        limit: modelThreshold('delivery-lead-time-under-a-day', 'lessThan'),
        published: 'less than one day',
      },
      {
        cluster: 'high',
        compare: 'below',
        limit: HOURS_PER_WEEK,
        published: 'between one day and one week',
      },
      {
        cluster: 'medium',
        compare: 'below',
        limit: HOURS_PER_MONTH,
        published: 'between one week and one month',
      },
    ] as Boundary[],
    low: 'between one month and six months',
  },
  changeFailureRate: {
    unit: 'share of production changes',
    boundaries: [
      {
        cluster: 'elite',
        compare: 'atMost',
        limit: modelThreshold(
          'delivery-change-failure-rate',
          'lessThanOrEqual',
        ),
        published: '0-15% (elite, high and medium alike)',
      },
    ] as Boundary[],
    low: '46-60%',
  },
  timeToRestore: {
    unit: 'hours',
    boundaries: [
      {
        cluster: 'elite',
        compare: 'below',
        limit: modelThreshold('rel-restore-within-an-hour', 'lessThan'),
        published: 'less than one hour',
      },
      {
        cluster: 'high',
        compare: 'below',
        limit: modelThreshold('rel-restore-within-a-day', 'lessThan'),
        published: 'less than one day (high and medium alike)',
      },
    ] as Boundary[],
    low: 'between one week and one month',
  },
} as const;

/** The outcomes DORA clusters. */
export type DoraMetric = keyof typeof DORA_CLUSTERS;

/** The cluster a value falls in, and the published range that put it there. */
export function doraCluster(
  metric: DoraMetric,
  value: number,
): { cluster: DoraCluster; published: string } {
  const table = DORA_CLUSTERS[metric];
  for (const b of table.boundaries) {
    const meets = {
      atLeast: value >= b.limit,
      below: value < b.limit,
      atMost: value <= b.limit,
    }[b.compare];
    if (meets) return { cluster: b.cluster, published: b.published };
  }
  return { cluster: 'low', published: table.low };
}

/** A collector the outcomes come from, and how an adopter connects it. */
export const OUTCOME_COLLECTORS: Record<string, { connect: string }> = {
  delivery: {
    connect:
      "Connect a delivery source in the maturity backend's config: maturity.outcomes.gitops (the GitOps repository), maturity.outcomes.argocd (Argo CD), or integrations.github (GitHub deployments).",
  },
  incidents: {
    connect:
      "Connect an incident source: set maturity.outcomes.incidents.file or .url (an incident export), or maturity.outcomes.pagerduty.token, in the maturity backend's config.",
  },
  cost: {
    connect:
      "Connect OpenCost: add the backend module maturityModuleCostOutcomes and set maturity.outcomes.opencost.baseUrl (or .file) in the maturity backend's config.",
  },
};

/** How a value reads: in human units. */
export type OutcomeFormat = 'perWeek' | 'hours' | 'share' | 'money';

/** One outcome a card shows. */
export interface Outcome {
  id: string;
  title: string;
  collector: string;
  /** The fully qualified fact, also the history metric's name. */
  fact: string;
  /** Further facts whose evidence belongs to this outcome. */
  evidenceFacts: string[];
  format: OutcomeFormat;
  /** The DORA clusters it is placed in, when DORA has any. */
  dora?: DoraMetric;
  /** Whether a higher value is better, for reading the trend. */
  higherIsBetter: boolean;
}

/** The four keys, time to restore and cost, in the order the cards show them. */
export const OUTCOMES: Outcome[] = [
  {
    id: 'deployment-frequency',
    title: 'Deployment frequency',
    collector: 'delivery',
    fact: 'delivery.productionDeploymentsPerWeek',
    evidenceFacts: ['delivery.productionDeployments'],
    format: 'perWeek',
    dora: 'deploymentFrequency',
    higherIsBetter: true,
  },
  {
    id: 'lead-time',
    title: 'Lead time for changes',
    collector: 'delivery',
    fact: 'delivery.leadTimeHours',
    evidenceFacts: [],
    format: 'hours',
    dora: 'leadTime',
    higherIsBetter: false,
  },
  {
    id: 'change-failure-rate',
    title: 'Change failure rate',
    collector: 'delivery',
    fact: 'delivery.changeFailureRate',
    evidenceFacts: [],
    format: 'share',
    dora: 'changeFailureRate',
    higherIsBetter: false,
  },
  {
    id: 'time-to-restore',
    title: 'Time to restore',
    collector: 'incidents',
    fact: 'incidents.timeToRestoreHours',
    evidenceFacts: ['incidents.count'],
    format: 'hours',
    dora: 'timeToRestore',
    higherIsBetter: false,
  },
  {
    id: 'monthly-cost',
    title: 'Monthly cost',
    collector: 'cost',
    fact: 'cost.monthlyCost',
    evidenceFacts: [],
    format: 'money',
    higherIsBetter: false,
  },
  {
    id: 'idle-share',
    title: 'Idle share',
    collector: 'cost',
    fact: 'cost.idleShare',
    evidenceFacts: [],
    format: 'share',
    higherIsBetter: false,
  },
];

function number(value: number, digits: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/**
 * A value in human units: deploys a week or "on demand", hours or days, %.
 * `ofOneService: false` for a sum over services, which "on demand" (a
 * service's cluster) does not describe.
 */
export function formatOutcome(
  outcome: Outcome,
  value: number,
  options: { ofOneService?: boolean } = {},
): string {
  switch (outcome.format) {
    case 'perWeek': {
      const elite = DORA_CLUSTERS.deploymentFrequency.boundaries[0].limit;
      const perWeek = `${number(value, value < 10 ? 1 : 0)} / week`;
      if (value >= elite && options.ofOneService !== false) {
        return `On demand (${perWeek})`;
      }
      // Rarer than weekly reads better as an interval: a quarterly release.
      if (value > 0 && value < 0.5) {
        return `${perWeek} (one every ${Math.round(1 / value)} weeks)`;
      }
      return perWeek;
    }
    case 'hours':
      if (value < 1) return `${number(value * 60, 0)} min`;
      if (value < 48) return `${number(value, 1)} h`;
      return `${number(value / HOURS_PER_DAY, 1)} days`;
    case 'share':
      return `${number(value * 100, 1)}%`;
    default:
      return `${number(value, 0)} / month`;
  }
}

/** The colour of a cluster's chip: DORA's clusters are not failures, none is red. */
export const CLUSTER_COLORS: Record<DoraCluster, string> = {
  elite: '#2e7d32',
  high: '#7cb342',
  medium: '#f9a825',
  low: '#8d6e63',
};
