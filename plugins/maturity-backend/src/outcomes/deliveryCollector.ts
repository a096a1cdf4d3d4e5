import { Evidence, FactSet } from '@cloud-native-portal/plugin-maturity-common';
import {
  FactCollector,
  FactCollectorContext,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  CLOCK_SKEW_TOLERANCE_MS,
  DAY_MS,
  DELIVERY_FACTS,
  HOUR_MS,
  capEvidence,
  gitopsAppOf,
  median,
  round2,
} from './facts';
import {
  Deployment,
  GitopsHistory,
  readGitopsHistory,
  resolveBranchHead,
} from './gitopsHistory';

const COLLECTOR_ID = 'delivery';
const COLLECTOR_VERSION = 1;

/** Options of {@link createDeliveryFactCollector}. */
export interface DeliveryFactCollectorOptions {
  /**
   * The GitOps repository's directory; undefined when none is configured
   * (every entity is then unknown, with `notConfiguredReason`).
   */
  repository?: string;
  /** Why there is no repository, naming the config key that connects one. */
  notConfiguredReason?: string;
  branch: string;
  productionEnvironments: string[];
  windowDays: number;
  now?: () => number;
}

const short = (sha: string) => sha.slice(0, 7);
const iso = (millis: number) => new Date(millis).toISOString();

/**
 * The maturity `delivery` fact collector: deployment frequency, lead time
 * and change failure rate of each service's production deployments, read
 * from the GitOps repository's history. The history is read once per branch
 * head and shared by every entity of a cycle.
 */
export function createDeliveryFactCollector(
  options: DeliveryFactCollectorOptions,
): FactCollector {
  const now = options.now ?? Date.now;
  const { branch, productionEnvironments, windowDays } = options;
  let cached: { headSha: string; history: Promise<GitopsHistory> } | undefined;

  async function history(): Promise<GitopsHistory> {
    const directory = options.repository!;
    const headSha = await resolveBranchHead({ directory, branch });
    if (cached?.headSha !== headSha) {
      // Read one extra day, so a cached index still covers the window as
      // the day moves on while the head stays the same.
      const since = now() - (windowDays + 1) * DAY_MS;
      const read = readGitopsHistory(
        { directory, branch, productionEnvironments },
        since,
      );
      cached = { headSha, history: read };
      read.catch(() => {
        if (cached?.history === read) cached = undefined;
      });
    }
    return cached.history;
  }

  return {
    id: COLLECTOR_ID,
    version: COLLECTOR_VERSION,
    facts: DELIVERY_FACTS,
    async collect({ entity }: FactCollectorContext): Promise<FactSet> {
      const collectedAt = now();
      const base = {
        collector: COLLECTOR_ID,
        version: COLLECTOR_VERSION,
        collectedAt: iso(collectedAt),
      };
      if (!options.repository) {
        return {
          ...base,
          status: 'unknown',
          reason:
            options.notConfiguredReason ??
            'no GitOps repository is configured: set maturity.outcomes.gitops.localRepository',
          facts: {},
        };
      }
      const where = `${options.repository} (branch ${branch})`;
      let read: GitopsHistory;
      try {
        read = await history();
      } catch (e) {
        return {
          ...base,
          status: 'unknown',
          reason: `The GitOps repository ${where} could not be read (${
            (e as Error).message
          }); set maturity.outcomes.gitops.localRepository and maturity.outcomes.gitops.branch to a repository and branch that exist`,
          facts: {},
        };
      }
      const app = gitopsAppOf(entity);
      return deliveryFacts(base, read.byApp.get(app) ?? [], {
        app,
        where,
        now: collectedAt,
        windowDays,
        productionEnvironments,
      });
    },
  };
}

function deliveryFacts(
  base: Pick<FactSet, 'collector' | 'version' | 'collectedAt'>,
  deployments: Deployment[],
  context: {
    app: string;
    where: string;
    now: number;
    windowDays: number;
    productionEnvironments: string[];
  },
): FactSet {
  const { app, where, now, windowDays } = context;
  const windowStart = now - windowDays * DAY_MS;
  const latest = now + CLOCK_SKEW_TOLERANCE_MS;
  const future = deployments.filter(d => d.commit.committerMillis > latest);
  const inWindow = deployments.filter(
    d =>
      d.commit.committerMillis >= windowStart &&
      d.commit.committerMillis <= latest,
  );
  const skewNotes: Evidence[] = future.map(d => ({
    note: `ignored: ${short(d.commit.sha)} "${
      d.commit.subject
    }" is dated in the future (${iso(d.commit.committerMillis)}, clock skew)`,
  }));

  if (inWindow.length === 0) {
    const reason = `no deployment of ${app} to production (${context.productionEnvironments.join(
      ', ',
    )}) in the GitOps repository ${where} in the last ${windowDays} days${
      future.length
        ? `; ${future.length} commit(s) dated in the future were ignored`
        : ''
    }`;
    return {
      ...base,
      status: 'ok',
      facts: {},
      unknown: Object.fromEntries(
        [
          'delivery.productionDeployments',
          'delivery.productionDeploymentsPerWeek',
          'delivery.leadTimeHours',
          'delivery.changeFailureRate',
        ].map(name => [name, reason]),
      ),
      ...(skewNotes.length
        ? { evidence: { 'delivery.productionDeployments': skewNotes } }
        : {}),
    };
  }

  const facts: FactSet['facts'] = {};
  const unknown: Record<string, string> = {};
  const evidence: Record<string, Evidence[]> = {};
  const deploymentNote = (d: Deployment): Evidence => ({
    note: `${short(d.commit.sha)} "${
      d.commit.subject
    }" to ${d.environments.join(', ')} at ${iso(d.commit.committerMillis)}`,
  });

  facts['delivery.productionDeployments'] = inWindow.length;
  evidence['delivery.productionDeployments'] = [
    ...capEvidence(inWindow.map(deploymentNote)),
    ...skewNotes,
  ];

  const weeks = windowDays / 7;
  facts['delivery.productionDeploymentsPerWeek'] = round2(
    inWindow.length / weeks,
  );
  evidence['delivery.productionDeploymentsPerWeek'] = [
    {
      note: `${
        inWindow.length
      } production deployment(s) of ${app} in the last ${windowDays} days (${round2(
        weeks,
      )} weeks) in ${where}`,
    },
    ...skewNotes,
  ];

  const changes = inWindow.filter(d => !d.commit.isRollback);

  // Lead time of the changes (a revert or rollback is not a change): from
  // the change (Source-Commit-Date trailer, else the author date) to its
  // commit on the GitOps branch.
  const leads: number[] = [];
  const leadNotes: Evidence[] = [];
  const negative: Evidence[] = [];
  for (const d of changes) {
    const start = d.commit.sourceCommitMillis ?? d.commit.authorMillis;
    const hours = (d.commit.committerMillis - start) / HOUR_MS;
    const from =
      d.commit.sourceCommitMillis !== undefined
        ? 'Source-Commit-Date'
        : 'author date';
    if (hours < 0) {
      negative.push({
        note: `ignored: ${short(d.commit.sha)} "${
          d.commit.subject
        }" has its ${from} after its commit date (clock skew)`,
      });
      continue;
    }
    leads.push(hours);
    leadNotes.push({
      note: `${short(d.commit.sha)} "${d.commit.subject}": ${round2(
        hours,
      )} h from ${from}`,
    });
  }
  if (leads.length) {
    facts['delivery.leadTimeHours'] = round2(median(leads));
    evidence['delivery.leadTimeHours'] = [
      {
        note: `median of ${leads.length} production change(s) of ${app} (reverts and rollbacks are not changes)`,
      },
      ...capEvidence(leadNotes),
      ...negative,
    ];
  } else {
    unknown[
      'delivery.leadTimeHours'
    ] = `no production change of ${app} in the last ${windowDays} days has a start date before its commit date`;
  }

  // Change failure rate: the reverts and rollbacks are deployments, not
  // changes; a change is failed when a later commit reverted or rolled it
  // back (a revert dated in the future is ignored like any such commit).
  const failed = changes.filter(
    d => d.failedBy && d.failedBy.committerMillis <= latest,
  );
  if (changes.length) {
    facts['delivery.changeFailureRate'] =
      Math.round((failed.length / changes.length) * 1000) / 1000;
    evidence['delivery.changeFailureRate'] = [
      {
        note: `${failed.length} of ${changes.length} production change(s) of ${app} were reverted or rolled back`,
      },
      ...capEvidence(
        failed.map(d => ({
          note: `${short(d.commit.sha)} "${
            d.commit.subject
          }" rolled back by ${short(d.failedBy!.sha)} "${d.failedBy!.subject}"`,
        })),
      ),
    ];
  } else {
    unknown[
      'delivery.changeFailureRate'
    ] = `the production deployments of ${app} in the last ${windowDays} days are all reverts or rollbacks`;
  }

  return {
    ...base,
    status: 'ok',
    facts,
    evidence,
    ...(Object.keys(unknown).length ? { unknown } : {}),
  };
}
