import { parseEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { MaturityApi, Paging } from './MaturityApi';
import type {
  Campaign,
  CampaignDetail,
  EntityReport,
  EntityScoreItem,
  FailingCheck,
  HistoryPoint,
  MaturityFilters,
  MaturityGroupBy,
  ModelResponse,
  NewCampaign,
  PageOf,
  ReviewResponse,
  Risk,
  Rollup,
  TrendPoint,
  Waiver,
} from './types';

/**
 * A failed maturity request. The message names the request, e.g.
 * "GET /api/maturity/rollups failed: 500 Internal Server Error: ...".
 */
export class MaturityRequestError extends Error {
  /** The HTTP status, or 0 when the request never got an answer. */
  readonly status: number;
  /** The server's own message, without the request prefix. */
  readonly detail: string;

  constructor(request: string, status: number, detail: string) {
    super(`${request} failed: ${status ? `${status} ` : ''}${detail}`);
    this.name = 'MaturityRequestError';
    this.status = status;
    this.detail = detail;
  }
}

type Query = Record<string, string | number | undefined>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function entityPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/entity/${encodeURIComponent(kind)}/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}`;
}

/** The {@link MaturityApi} over Backstage discovery and fetch. */
export class MaturityClient implements MaturityApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async request<T>(
    method: string,
    path: string,
    query: Query = {},
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('maturity');
    const url = `${baseUrl}${path}${queryString(query)}`;
    // Names the request by its path only, so messages stay short and stable.
    const label = `${method} ${new URL(url).pathname}`;
    let response: Response;
    try {
      response = await this.fetchApi.fetch(url, {
        method,
        headers:
          body === undefined
            ? undefined
            : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new MaturityRequestError(label, 0, (e as Error).message);
    }
    if (!response.ok) {
      let detail = response.statusText || 'request failed';
      try {
        const data = await response.json();
        if (data?.error?.message) detail = `${detail}: ${data.error.message}`;
      } catch {
        // A body that is not JSON adds nothing the status does not say.
      }
      throw new MaturityRequestError(label, response.status, detail);
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  getModel() {
    return this.request<ModelResponse>('GET', '/model');
  }

  getEntityReport(entityRef: string) {
    return this.request<EntityReport>('GET', entityPath(entityRef));
  }

  getHistory(
    entityRef: string,
    range: { from?: string; to?: string; limit?: number } = {},
  ) {
    return this.request<{ items: HistoryPoint[] }>(
      'GET',
      `${entityPath(entityRef)}/history`,
      range,
    );
  }

  refreshEntity(entityRef: string) {
    return this.request<EntityReport>(
      'POST',
      `${entityPath(entityRef)}/refresh`,
    );
  }

  listEntities(filters: MaturityFilters = {}, paging: Paging = {}) {
    return this.request<PageOf<EntityScoreItem>>('GET', '/entities', {
      ...filters,
      ...paging,
    });
  }

  getRollups(
    groupBy: MaturityGroupBy,
    filters: MaturityFilters = {},
    paging: Paging = {},
  ) {
    return this.request<PageOf<Rollup>>('GET', '/rollups', {
      groupBy,
      ...filters,
      ...paging,
    });
  }

  getTrends(options: {
    groupBy?: MaturityGroupBy;
    key?: string;
    filters?: MaturityFilters;
    from?: string;
    interval?: 'day' | 'week' | 'month';
  }) {
    const { filters, ...rest } = options;
    return this.request<{ items: TrendPoint[] }>('GET', '/trends', {
      ...filters,
      ...rest,
    });
  }

  getFailingChecks(filters: MaturityFilters = {}, limit?: number) {
    return this.request<{ items: FailingCheck[] }>('GET', '/checks/failing', {
      ...filters,
      limit,
    });
  }

  getRisks(systemRef: string) {
    return this.request<{ items: Risk[] }>('GET', '/risks', {
      system: systemRef,
    });
  }

  getReview(ref: string, since: string) {
    // A domain is reviewed by its own parameter; anything else is a system.
    const isDomain =
      parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'domain';
    return this.request<ReviewResponse>('GET', '/review', {
      [isDomain ? 'domain' : 'system']: ref,
      since,
    });
  }

  listWaivers(entityRef: string) {
    return this.request<{ items: Waiver[] }>('GET', '/waivers', { entityRef });
  }

  createWaiver(waiver: {
    entityRef: string;
    checkId: string;
    reason: string;
    expiresAt: string;
  }) {
    return this.request<Waiver>('POST', '/waivers', {}, waiver);
  }

  revokeWaiver(id: string) {
    return this.request<Waiver>('DELETE', `/waivers/${encodeURIComponent(id)}`);
  }

  listCampaigns() {
    return this.request<{ items: Campaign[] }>('GET', '/campaigns');
  }

  getCampaign(id: string) {
    return this.request<CampaignDetail>(
      'GET',
      `/campaigns/${encodeURIComponent(id)}`,
    );
  }

  createCampaign(campaign: NewCampaign) {
    return this.request<Campaign>('POST', '/campaigns', {}, campaign);
  }

  async deleteCampaign(id: string) {
    await this.request<unknown>(
      'DELETE',
      `/campaigns/${encodeURIComponent(id)}`,
    );
  }
}
