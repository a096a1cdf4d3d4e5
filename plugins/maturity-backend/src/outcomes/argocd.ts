import { fetchReportingUnreachable } from '@cloud-native-portal/plugin-maturity-node';
import pRetry, { AbortError } from 'p-retry';
import {
  DeliveryRecord,
  DeliverySource,
  markRollbacks,
  Sequenced,
} from './deliverySource';

/** The entity annotation naming its Argo CD application. */
export const ARGOCD_APP_ANNOTATION = 'argocd/app-name';
/** A Retry-After longer than this (seconds) is not waited for. */
const MAX_RETRY_AFTER_SECONDS = 60;
const MAX_CACHED_REVISIONS = 50_000;

const short = (revision: string) =>
  /^[0-9a-f]{40}$/i.test(revision) ? revision.slice(0, 7) : revision;

/** Options of {@link argocdSource}. */
export interface ArgocdSourceOptions {
  /** The Argo CD server, e.g. https://argocd.example.com. */
  baseUrl: string;
  /** An Argo CD API token (account or project token) with read access. */
  token?: string;
  /** Retries of a failed request (network error, 429, 5xx). Default: 3. */
  retries?: number;
  /** The first retry's wait in milliseconds (then doubling). Default: 1000. */
  minRetryTimeout?: number;
  /** Milliseconds per second of Retry-After. Default: 1000. */
  retryAfterBaseValue?: number;
  fetch?: typeof fetch;
}

/** The parts of Argo CD's Application this source reads. */
interface ArgoApplication {
  status?: {
    history?: Array<{
      id: number;
      revision?: string;
      revisions?: string[];
      deployedAt?: string;
      source?: { repoURL?: string; path?: string; chart?: string };
    }>;
    operationState?: {
      phase?: string;
      message?: string;
      finishedAt?: string;
      syncResult?: { revision?: string; revisions?: string[] };
      operation?: { sync?: { revision?: string } };
    };
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/**
 * Argo CD's REST API as a delivery source, for an entity with the
 * `argocd/app-name` annotation:
 * - each entry of the application's `status.history` (a sync) is a
 *   production deployment at its `deployedAt`;
 * - a sync back to a revision an earlier entry deployed (not the one just
 *   before) is a rollback, and fails the deployment it replaced;
 * - a failed last sync (`operationState.phase` Failed or Error) is a failed
 *   change that never reached production;
 * - lead time runs from the revision's commit date
 *   (`/revisions/{revision}/metadata`), remembered per revision.
 * A resync of the revision already deployed is not a new deployment.
 */
export function argocdSource(options: ArgocdSourceOptions): DeliverySource {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = fetchReportingUnreachable(options.fetch);
  const retryAfterBase = options.retryAfterBaseValue ?? 1000;
  const revisionDates = new Map<string, number | null>();

  async function get<T>(path: string): Promise<T> {
    return pRetry(
      async () => {
        const response = await doFetch(`${baseUrl}${path}`, {
          headers: {
            Accept: 'application/json',
            ...(options.token
              ? { Authorization: `Bearer ${options.token}` }
              : {}),
          },
        });
        if (response.ok) return (await response.json()) as T;
        const status = response.status;
        const retryAfter = Number(response.headers.get('retry-after'));
        const error = new HttpError(
          status,
          `Argo CD answered ${status} to GET ${path}`,
          Number.isFinite(retryAfter) ? retryAfter : undefined,
        );
        if (status === 429 || status >= 500) throw error;
        throw new AbortError(error);
      },
      {
        retries: options.retries ?? 3,
        minTimeout: options.minRetryTimeout ?? 1000,
        async onFailedAttempt(error) {
          const after = (error as unknown as HttpError).retryAfter;
          if (after !== undefined && error.retriesLeft > 0) {
            if (after > MAX_RETRY_AFTER_SECONDS) throw error;
            // Wait as long as the server asks, before p-retry's own backoff.
            await new Promise(done => setTimeout(done, after * retryAfterBase));
          }
        },
      },
    );
  }

  async function revisionDate(
    app: string,
    revision: string,
  ): Promise<number | undefined> {
    const key = `${app}@${revision}`;
    if (revisionDates.has(key)) return revisionDates.get(key) ?? undefined;
    let date: number | null = null;
    try {
      const metadata = await get<{ date?: string }>(
        `/api/v1/applications/${encodeURIComponent(
          app,
        )}/revisions/${encodeURIComponent(revision)}/metadata`,
      );
      const parsed = Date.parse(metadata.date ?? '');
      date = Number.isFinite(parsed) ? parsed : null;
    } catch (e) {
      // A chart version or a revision gone from the repository has no
      // metadata: its deployment has no lead time. Other failures retry
      // next time.
      const status = (e as { status?: number }).status;
      if (status !== 404 && status !== 400 && status !== 500) return undefined;
    }
    if (revisionDates.size >= MAX_CACHED_REVISIONS) revisionDates.clear();
    revisionDates.set(key, date);
    return date ?? undefined;
  }

  return {
    name: `Argo CD at ${baseUrl}`,
    connectHint: () =>
      `annotate it with ${ARGOCD_APP_ANNOTATION}: <application> (Argo CD at ${baseUrl})`,
    fixHint:
      'check maturity.outcomes.argocd.baseUrl and .token, and the argocd/app-name annotation',
    async read(entity, window) {
      const name = entity.metadata.annotations?.[ARGOCD_APP_ANNOTATION]?.trim();
      if (!name) return undefined;
      let application: ArgoApplication;
      try {
        application = await get<ArgoApplication>(
          `/api/v1/applications/${encodeURIComponent(name)}`,
        );
      } catch (e) {
        if (
          (e as HttpError).status === 404 ||
          (e as HttpError).status === 403
        ) {
          throw new Error(
            `Argo CD has no application ${name} that this token may read (${
              (e as Error).message
            })`,
          );
        }
        throw e;
      }
      const history = [...(application.status?.history ?? [])].sort(
        (a, b) => a.id - b.id,
      );
      const sequence: Sequenced[] = [];
      let previousRevision: string | undefined;
      for (const entry of history) {
        const revision = entry.revision ?? entry.revisions?.join(',') ?? '';
        const deployedMillis = Date.parse(entry.deployedAt ?? '');
        if (!Number.isFinite(deployedMillis)) continue;
        const resync = revision === previousRevision;
        previousRevision = revision;
        if (resync) continue;
        const record: DeliveryRecord = {
          label: `sync ${entry.id} to ${short(revision)}`,
          environments: [name],
          deployedMillis,
          isRollback: false,
        };
        // Only a git commit has a commit date (a chart version has none).
        if (
          deployedMillis >= window.since &&
          entry.revision &&
          /^[0-9a-f]{40}$/i.test(entry.revision)
        ) {
          const start = await revisionDate(name, entry.revision);
          if (start !== undefined) {
            record.changeStart = { millis: start, from: 'commit date' };
          }
        }
        sequence.push({ sha: revision, record, reverts: [] });
      }
      const operation = application.status?.operationState;
      const finished = Date.parse(operation?.finishedAt ?? '');
      if (
        (operation?.phase === 'Failed' || operation?.phase === 'Error') &&
        Number.isFinite(finished)
      ) {
        const revision =
          operation.syncResult?.revision ??
          operation.operation?.sync?.revision ??
          'unknown revision';
        sequence.push({
          sha: revision,
          reverts: [],
          record: {
            label: `sync to ${short(revision)}`,
            environments: [name],
            deployedMillis: finished,
            isRollback: false,
            failedAttempt: true,
            failedBy: {
              millis: finished,
              note: `ended ${operation.phase}${
                operation.message ? `: ${operation.message.slice(0, 200)}` : ''
              }`,
            },
          },
        });
      }
      markRollbacks(sequence);
      return {
        where: `Argo CD application ${name} at ${baseUrl}`,
        app: name,
        records: sequence.map(s => s.record),
      };
    },
  };
}
