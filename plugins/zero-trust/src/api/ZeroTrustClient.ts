import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import { postureFromFactSet, ZERO_TRUST_COLLECTOR } from './posture';
import {
  ControlStatusCount,
  EntityPosture,
  FactEntityPage,
  PostureSummaryRow,
  ScoreHistoryPoint,
} from './types';
import { ZeroTrustApi } from './ZeroTrustApi';

/** A failed request to the maturity API; the message names the request. */
export class ZeroTrustRequestError extends Error {
  /** HTTP status of the response. */
  readonly status: number;
  /** The request, e.g. `GET /entity/component/default/x/facts`. */
  readonly request: string;

  constructor(request: string, status: number, detail: string) {
    super(`${request} failed: ${detail}`);
    this.name = 'ZeroTrustRequestError';
    this.status = status;
    this.request = request;
  }
}

const SCORE_METRIC = 'zeroTrust.score';

function entityPath(ref: CompoundEntityRef): string {
  return [ref.kind, ref.namespace, ref.name]
    .map(p => encodeURIComponent(p.toLocaleLowerCase('en-US')))
    .join('/');
}

/** Reads posture from the maturity backend (`/api/maturity`). */
export class ZeroTrustClient implements ZeroTrustApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async get<T>(
    path: string,
    allowNotFound = false,
  ): Promise<T | undefined> {
    const base = await this.discoveryApi.getBaseUrl('maturity');
    const request = `GET /api/maturity${path}`;
    let response: Response;
    try {
      response = await this.fetchApi.fetch(`${base}${path}`);
    } catch (e) {
      throw new ZeroTrustRequestError(request, 0, (e as Error).message);
    }
    if (allowNotFound && response.status === 404) return undefined;
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      let detail = response.statusText;
      try {
        // Backstage backends answer errors as { error: { name, message } }.
        detail = JSON.parse(text)?.error?.message ?? detail;
      } catch {
        detail = text.slice(0, 200) || detail;
      }
      throw new ZeroTrustRequestError(
        request,
        response.status,
        `${response.status} ${detail}`,
      );
    }
    return (await response.json()) as T;
  }

  async getEntityPosture(
    entity: CompoundEntityRef,
  ): Promise<EntityPosture | undefined> {
    const body = await this.get<{ items: FactSet[] }>(
      `/entity/${entityPath(entity)}/facts`,
      true,
    );
    const set = body?.items.find(s => s.collector === ZERO_TRUST_COLLECTOR);
    return set ? postureFromFactSet(set) : undefined;
  }

  async getScoreHistory(
    entity: CompoundEntityRef,
  ): Promise<ScoreHistoryPoint[]> {
    const body = await this.get<{
      items: Array<{ createdAt: string; metrics?: Record<string, unknown> }>;
    }>(`/entity/${entityPath(entity)}/history?limit=200`, true);
    return (body?.items ?? [])
      .flatMap(item => {
        const score = item.metrics?.[SCORE_METRIC];
        return typeof score === 'number'
          ? [{ createdAt: item.createdAt, score }]
          : [];
      })
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async getPostureSummary(
    groupBy: 'owner' | 'system',
  ): Promise<PostureSummaryRow[]> {
    const query = new URLSearchParams({
      collector: ZERO_TRUST_COLLECTOR,
      fact: SCORE_METRIC,
      groupBy,
    });
    const body = await this.get<{ items: PostureSummaryRow[] }>(
      `/facts/summary?${query}`,
    );
    return body!.items;
  }

  async getControlStatusCounts(): Promise<ControlStatusCount[]> {
    const query = new URLSearchParams({ collector: ZERO_TRUST_COLLECTOR });
    const body = await this.get<{ items: ControlStatusCount[] }>(
      `/facts/status-counts?${query}`,
    );
    return body!.items;
  }

  async getEntitiesWithCriticalFailures(
    options: { limit?: number; offset?: number } = {},
  ): Promise<FactEntityPage> {
    const query = new URLSearchParams({
      collector: ZERO_TRUST_COLLECTOR,
      fact: `${ZERO_TRUST_COLLECTOR}.criticalFailures`,
      op: 'gt',
      value: '0',
      limit: String(options.limit ?? 100),
      offset: String(options.offset ?? 0),
    });
    return (await this.get<FactEntityPage>(`/facts/entities?${query}`))!;
  }
}
