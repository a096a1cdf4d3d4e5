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
  DeliveryRecord,
  DeliverySource,
  DeliverySourceResult,
  gitopsDeliverySource,
  GitopsHistoryReader,
  localGitopsReader,
} from './deliverySource';

const COLLECTOR_ID = 'delivery';
const COLLECTOR_VERSION = 1;

/** Options of {@link createDeliveryFactCollector}. */
export interface DeliveryFactCollectorOptions {
  /**
   * The GitOps repository's directory; undefined when none is configured
   * (every entity is then unknown, with `notConfiguredReason`).
   */
  repository?: string;
  /** The GitOps repository on another host (GitHub); instead of `repository`. */
  gitops?: GitopsHistoryReader;
  /**
   * Sources asked, in order, for entities that have no app folder in the
   * GitOps repository (Argo CD, then GitHub deployments).
   */
  sources?: DeliverySource[];
  /** How to connect the sources that are not configured (for an unknown's reason). */
  unconfiguredHints?: string[];
  /** Why there is no source at all, naming the config key that connects one. */
  notConfiguredReason?: string;
  branch: string;
  productionEnvironments: string[];
  windowDays: number;
  now?: () => number;
}

const iso = (millis: number) => new Date(millis).toISOString();

/**
 * The maturity `delivery` fact collector: deployment frequency, lead time
 * and change failure rate of each service's production deployments.
 *
 * Each entity takes its deployments from the first source that knows it:
 * 1. the GitOps repository (local or on GitHub), when `apps/<app>/` exists
 *    there;
 * 2. Argo CD, when configured and the entity has `argocd/app-name`;
 * 3. GitHub deployments (else successful deploy workflow runs), when a
 *    GitHub integration is configured and the entity has
 *    `github.com/project-slug`;
 * 4. else its facts are unknown, with how to connect one of them.
 * A source that cannot be read makes the entity unknown with the reason; the
 * next source is not asked, so an entity's figures never switch source
 * because one is down.
 */
export function createDeliveryFactCollector(
  options: DeliveryFactCollectorOptions,
): FactCollector {
  const now = options.now ?? Date.now;
  const { branch, productionEnvironments, windowDays } = options;
  const gitops =
    options.gitops ??
    (options.repository
      ? localGitopsReader({
          directory: options.repository,
          branch,
          productionEnvironments,
        })
      : undefined);
  const sources: DeliverySource[] = [
    ...(gitops ? [gitopsDeliverySource(gitops, windowDays)] : []),
    ...(options.sources ?? []),
  ];

  return {
    id: COLLECTOR_ID,
    version: COLLECTOR_VERSION,
    facts: DELIVERY_FACTS,
    // Of the entity: its ref and annotations.
    readsRefAndAnnotationsOnly: true,
    async collect({ entity }: FactCollectorContext): Promise<FactSet> {
      const collectedAt = now();
      const base = {
        collector: COLLECTOR_ID,
        version: COLLECTOR_VERSION,
        collectedAt: iso(collectedAt),
      };
      if (!sources.length) {
        return {
          ...base,
          status: 'unknown',
          reason:
            options.notConfiguredReason ??
            'no GitOps repository is configured: set maturity.outcomes.gitops.localRepository',
          facts: {},
        };
      }
      const window = {
        since: collectedAt - windowDays * DAY_MS,
        now: collectedAt,
      };
      for (const source of sources) {
        let found: DeliverySourceResult | undefined;
        try {
          found = await source.read(entity, window);
        } catch (e) {
          return {
            ...base,
            status: 'unknown',
            reason: `${source.name} could not be read (${
              (e as Error).message
            }); ${source.fixHint}`,
            facts: {},
          };
        }
        if (found) {
          return deliveryFacts(base, found, {
            now: collectedAt,
            windowDays,
            productionEnvironments,
          });
        }
      }
      const app = gitopsAppOf(entity);
      const reason = `no deployment evidence of ${app}: to connect it, ${sources
        .map(s => s.connectHint(entity))
        .concat(options.unconfiguredHints ?? [])
        .join('; or ')}`;
      return {
        ...base,
        status: 'ok',
        facts: {},
        unknown: Object.fromEntries(
          DELIVERY_FACTS.map(fact => [fact.name, reason]),
        ),
      };
    },
  };
}

function deliveryFacts(
  base: Pick<FactSet, 'collector' | 'version' | 'collectedAt'>,
  found: DeliverySourceResult,
  context: {
    now: number;
    windowDays: number;
    productionEnvironments: string[];
  },
): FactSet {
  const { app, where, records } = found;
  const { now, windowDays } = context;
  const windowStart = now - windowDays * DAY_MS;
  const latest = now + CLOCK_SKEW_TOLERANCE_MS;
  const sorted = [...records].sort(
    (a, b) => b.deployedMillis - a.deployedMillis,
  );
  const future = sorted.filter(d => d.deployedMillis > latest);
  const attemptsAndDeployments = sorted.filter(
    d => d.deployedMillis >= windowStart && d.deployedMillis <= latest,
  );
  const inWindow = attemptsAndDeployments.filter(d => !d.failedAttempt);
  const skewNotes: Evidence[] = future.map(d => ({
    note: `ignored: ${d.label} is dated in the future (${iso(
      d.deployedMillis,
    )}, clock skew)`,
  }));

  if (attemptsAndDeployments.length === 0) {
    const reason = `no deployment of ${app} to production (${context.productionEnvironments.join(
      ', ',
    )}) in ${where} in the last ${windowDays} days${
      future.length
        ? `; ${future.length} deployment(s) dated in the future were ignored`
        : ''
    }`;
    return {
      ...base,
      status: 'ok',
      facts: {},
      unknown: Object.fromEntries(
        DELIVERY_FACTS.map(fact => [fact.name, reason]),
      ),
      ...(skewNotes.length
        ? { evidence: { 'delivery.productionDeployments': skewNotes } }
        : {}),
    };
  }

  const facts: FactSet['facts'] = {};
  const unknown: Record<string, string> = {};
  const evidence: Record<string, Evidence[]> = {};
  const deploymentNote = (d: DeliveryRecord): Evidence => ({
    note: `${d.label} to ${d.environments.join(', ')} at ${iso(
      d.deployedMillis,
    )}`,
  });

  facts['delivery.productionDeployments'] = inWindow.length;
  const attempts = attemptsAndDeployments.filter(d => d.failedAttempt);
  evidence['delivery.productionDeployments'] = [
    ...capEvidence(inWindow.map(deploymentNote)),
    ...capEvidence(
      attempts.map(d => ({
        note: `not deployed: ${d.label} ${d.failedBy?.note ?? 'failed'}`,
      })),
    ),
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

  // Failed attempts (never in production) are changes, but not deployments.
  const changes = attemptsAndDeployments.filter(d => !d.isRollback);

  // Lead time of the changes (a revert or rollback is not a change): from
  // the change (as the source dates it) to its deployment.
  const leads: number[] = [];
  const leadNotes: Evidence[] = [];
  const negative: Evidence[] = [];
  for (const d of changes) {
    if (!d.changeStart || d.failedAttempt) continue;
    const { millis: start, from } = d.changeStart;
    const hours = (d.deployedMillis - start) / HOUR_MS;
    if (hours < 0) {
      negative.push({
        note: `ignored: ${d.label} has its ${from} after its deployment (clock skew)`,
      });
      continue;
    }
    leads.push(hours);
    leadNotes.push({
      note: `${d.label}: ${round2(hours)} h from ${from}`,
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
    ] = `no production change of ${app} in the last ${windowDays} days has a known start date before its deployment`;
  }

  // Change failure rate: the reverts and rollbacks are deployments, not
  // changes; a change is failed when it was reverted, rolled back or failed
  // (a failure dated in the future is ignored like any such date).
  const failed = changes.filter(d => d.failedBy && d.failedBy.millis <= latest);
  if (changes.length) {
    facts['delivery.changeFailureRate'] =
      Math.round((failed.length / changes.length) * 1000) / 1000;
    evidence['delivery.changeFailureRate'] = [
      {
        note: `${failed.length} of ${changes.length} production change(s) of ${app} in ${where} were reverted, rolled back or failed`,
      },
      ...capEvidence(
        failed.map(d => ({ note: `${d.label} ${d.failedBy!.note}` })),
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
