import { Entity } from '@backstage/catalog-model';
import { DAY_MS, gitopsAppOf } from './facts';
import {
  Deployment,
  GitopsHistory,
  readGitopsHistory,
  resolveBranchHead,
} from './gitopsHistory';

/**
 * One production deployment, as every delivery source reports it. The
 * `delivery` collector computes the four keys from these records only, so
 * the arithmetic is the same whatever the source.
 */
export interface DeliveryRecord {
  /** Names the deployment in evidence, e.g. `1a2b3c4 "Deploy payments"`. */
  label: string;
  /** The production environments it reached. */
  environments: string[];
  /** When it reached production, in epoch milliseconds. */
  deployedMillis: number;
  /**
   * When its change was made (lead time starts there), and which date that
   * is; undefined when the source does not know it.
   */
  changeStart?: { millis: number; from: string };
  /** A revert or rollback: a deployment, but not a change. */
  isRollback: boolean;
  /**
   * A change that never reached production (a deployment with a failure
   * status, a failed sync): not a deployment, but a failed change.
   */
  failedAttempt?: boolean;
  /** What made it a failed change (a later revert or rollback, a failed status). */
  failedBy?: {
    /** When it happened, in epoch milliseconds (a future date is ignored). */
    millis: number;
    /** Completes `<label> ...`, e.g. `rolled back by 9f8e7d6 "Revert ..."`. */
    note: string;
  };
}

/** The deployments a source holds for one entity. */
export interface DeliverySourceResult {
  /** Names the source and place in evidence, e.g. `the GitOps repository /x (branch main)`. */
  where: string;
  /** The name of the service there (app folder, Argo CD app, repository). */
  app: string;
  /** Its production deployments (any order). */
  records: DeliveryRecord[];
}

/** The window a source is asked for. */
export interface DeliveryWindow {
  /** Epoch milliseconds: older deployments are not needed. */
  since: number;
  now: number;
}

/**
 * A place deployments come from: the GitOps repository (local or GitHub),
 * Argo CD, GitHub deployments. The `delivery` collector asks its sources in
 * order and uses the first that knows the entity.
 */
export interface DeliverySource {
  /**
   * The entity's deployments; undefined when this source does not know the
   * entity (the next source is asked). Throws when the source cannot be
   * read; the message becomes the unknown reason.
   */
  read(
    entity: Entity,
    window: DeliveryWindow,
  ): Promise<DeliverySourceResult | undefined>;
  /** Names the source in a read failure, e.g. `Argo CD at https://argocd.example.com`. */
  name: string;
  /** How the entity connects to this source, for the reason of an unknown. */
  connectHint(entity: Entity): string;
  /** How to fix a read failure (the config keys), appended to its reason. */
  fixHint: string;
}

const short = (sha: string) => sha.slice(0, 7);

/** A deployment or run in time order, before failures are marked. */
export interface Sequenced {
  sha: string;
  record: DeliveryRecord;
  /** Shas its commit message reverts or rolls back. */
  reverts: string[];
}

/**
 * Marks rollbacks and failed changes in a sequence of production
 * deployments (oldest first): a deployment of a sha that an earlier
 * deployment already shipped, other than the one just before it, is a
 * rollback, and it fails the deployment it replaced; a deployment whose
 * commit reverts a deployed sha fails that deployment.
 */
export function markRollbacks(sequence: Sequenced[]): void {
  const deployed: Sequenced[] = [];
  for (const item of sequence) {
    if (item.record.failedAttempt) continue;
    const previous = deployed[deployed.length - 1];
    const redeploy =
      previous &&
      previous.sha !== item.sha &&
      deployed.some(d => d.sha === item.sha);
    if (redeploy) item.record.isRollback = true;
    if (item.reverts.length) {
      // A revert names what it reverts.
      for (const target of item.reverts) {
        const reverted = [...deployed]
          .reverse()
          .find(d => d.sha.startsWith(target));
        if (reverted) {
          reverted.record.failedBy ??= {
            millis: item.record.deployedMillis,
            note: `reverted by ${item.record.label}`,
          };
        }
      }
    } else if (
      item.record.isRollback &&
      previous &&
      previous.sha !== item.sha
    ) {
      previous.record.failedBy ??= {
        millis: item.record.deployedMillis,
        note: `rolled back by ${item.record.label}`,
      };
    }
    deployed.push(item);
  }
}

/** The delivery records of a GitOps repository's deployments of one app. */
export function gitopsRecords(deployments: Deployment[]): DeliveryRecord[] {
  return deployments.map(d => ({
    label: `${short(d.commit.sha)} "${d.commit.subject}"`,
    environments: d.environments,
    deployedMillis: d.commit.committerMillis,
    changeStart:
      d.commit.sourceCommitMillis !== undefined
        ? { millis: d.commit.sourceCommitMillis, from: 'Source-Commit-Date' }
        : { millis: d.commit.authorMillis, from: 'author date' },
    isRollback: d.commit.isRollback,
    ...(d.failedBy
      ? {
          failedBy: {
            millis: d.failedBy.committerMillis,
            note: `rolled back by ${short(d.failedBy.sha)} "${
              d.failedBy.subject
            }"`,
          },
        }
      : {}),
  }));
}

/** Reads a GitOps repository's history, whatever holds it. */
export interface GitopsHistoryReader {
  /** Names the repository and branch in evidence. */
  where: string;
  /** The config keys that point at it, for the reason of a read failure. */
  fixHint: string;
  /** The branch's head commit. */
  head(): Promise<string>;
  /** The history from the head back to `since` (epoch milliseconds). */
  read(headSha: string, since: number): Promise<GitopsHistory>;
}

/**
 * The GitOps repository as a delivery source: an entity is known when its
 * app folder (`apps/<app>/`) exists at the branch's head. The history is read
 * once per head and shared by every entity.
 */
export function gitopsDeliverySource(
  reader: GitopsHistoryReader,
  windowDays: number,
): DeliverySource {
  let cached:
    | { headSha: string; since: number; history: Promise<GitopsHistory> }
    | undefined;

  async function history(now: number): Promise<GitopsHistory> {
    const headSha = await reader.head();
    // Read one extra day, so a cached index still covers the window as the
    // day moves on while the head stays the same. A window that starts
    // earlier than the one read (outcomes asked as of a past date) reads
    // again, deeper.
    const since = now - (windowDays + 1) * DAY_MS;
    if (cached?.headSha !== headSha || since < cached.since) {
      const read = reader.read(headSha, since);
      cached = { headSha, since, history: read };
      read.catch(() => {
        if (cached?.history === read) cached = undefined;
      });
    }
    return cached.history;
  }

  return {
    name: `The GitOps repository ${reader.where}`,
    connectHint: entity =>
      `add apps/${gitopsAppOf(
        entity,
      )}/<production environment>/ to the GitOps repository ${reader.where}`,
    fixHint: reader.fixHint,
    async read(entity, window) {
      const read = await history(window.now);
      const app = gitopsAppOf(entity);
      if (!read.apps.has(app)) return undefined;
      return {
        where: `the GitOps repository ${reader.where}`,
        app,
        records: gitopsRecords(read.byApp.get(app) ?? []),
      };
    },
  };
}

/** Reads the GitOps repository from a local directory (isomorphic-git). */
export function localGitopsReader(options: {
  directory: string;
  branch: string;
  productionEnvironments: string[];
}): GitopsHistoryReader {
  const { directory, branch, productionEnvironments } = options;
  return {
    where: `${directory} (branch ${branch})`,
    fixHint:
      'set maturity.outcomes.gitops.localRepository and maturity.outcomes.gitops.branch to a repository and branch that exist',
    head: () => resolveBranchHead({ directory, branch }),
    read: (_headSha, since) =>
      readGitopsHistory({ directory, branch, productionEnvironments }, since),
  };
}
