/* eslint-disable new-cap -- openapi-fetch names its methods after the HTTP methods (GET, POST, ...) */
import { parseEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import createClient from 'openapi-fetch';
import type { MaturityApiSchema } from '@cloud-native-portal/plugin-maturity-common';

type paths = MaturityApiSchema.paths;
import type { MaturityApi, Paging } from './MaturityApi';
import type {
  FactSummaryGroupBy,
  MaturityFilters,
  MaturityGroupBy,
  NewCampaign,
  NewFleetRun,
  NewWaiver,
  TrendInterval,
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

/** What openapi-fetch answers: the parsed body, or the error body. */
type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The query without unset or empty values, which mean "no filter". */
function compact<T extends object>(query: T): T {
  return Object.fromEntries(
    Object.entries(query).filter(([, v]) => v !== undefined && v !== ''),
  ) as T;
}

/**
 * Hands a request to Backstage's fetch API as a URL and init, not as the
 * Request itself. Backstage's fetch middlewares read `new Request(input)`
 * and then pass the original input on; a Request with a body is used up by
 * the first copy, so a POST sent as a Request fails in the browser with
 * "Cannot construct a Request with a Request object that has already been
 * used".
 */
export async function forward(
  fetchApi: FetchApi,
  request: Request,
): Promise<Response> {
  const body =
    request.method === 'GET' || request.method === 'HEAD'
      ? undefined
      : await request.arrayBuffer();
  return fetchApi.fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    signal: request.signal,
  });
}

function entityPath(entityRef: string) {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return { kind, namespace, name };
}

/**
 * The {@link MaturityApi} over Backstage discovery and fetch. Paths,
 * parameters and answers are typed by the client that openapi-fetch builds
 * from the types generated from maturity-backend's `src/schema/openapi.yaml`;
 * this class finds the backend through discovery and turns an error answer
 * into a {@link MaturityRequestError}.
 */
export class MaturityClient implements MaturityApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /**
   * Runs one call of the generated client and answers its body, or throws a
   * MaturityRequestError that names the request by method and path.
   */
  private async call<T>(
    send: (
      client: ReturnType<typeof createClient<paths>>,
    ) => Promise<Answer<T>>,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('maturity');
    let request: Request | undefined;
    const client = createClient<paths>({
      baseUrl,
      // openapi-fetch passes a Request; the fetch API adds the credentials.
      fetch: r => {
        request = r;
        return forward(this.fetchApi, r);
      },
    });
    const label = () =>
      request
        ? `${request.method} ${new URL(request.url).pathname}`
        : new URL(baseUrl).pathname;
    let answer: Answer<T>;
    try {
      answer = await send(client);
    } catch (e) {
      throw new MaturityRequestError(label(), 0, (e as Error).message);
    }
    const { data, error, response } = answer;
    if (!response.ok) {
      let detail = response.statusText || 'request failed';
      const message = (error as { error?: { message?: unknown } } | undefined)
        ?.error?.message;
      if (typeof message === 'string') detail = `${detail}: ${message}`;
      throw new MaturityRequestError(label(), response.status, detail);
    }
    return data as T;
  }

  getModel() {
    return this.call(c => c.GET('/model'));
  }

  getEntityReport(entityRef: string) {
    return this.call(c =>
      c.GET('/entity/{kind}/{namespace}/{name}', {
        params: { path: entityPath(entityRef) },
      }),
    );
  }

  getHistory(
    entityRef: string,
    range: { from?: string; to?: string; limit?: number } = {},
  ) {
    return this.call(c =>
      c.GET('/entity/{kind}/{namespace}/{name}/history', {
        params: { path: entityPath(entityRef), query: compact(range) },
      }),
    );
  }

  getEntityFacts(entityRef: string) {
    return this.call(c =>
      c.GET('/entity/{kind}/{namespace}/{name}/facts', {
        params: { path: entityPath(entityRef) },
      }),
    );
  }

  getFactSummary(options: {
    collector: string;
    fact: string;
    groupBy?: FactSummaryGroupBy;
    filters?: MaturityFilters;
  }) {
    const { collector, fact, groupBy, filters } = options;
    return this.call(c =>
      c.GET('/facts/summary', {
        params: {
          query: compact({ ...filters, collector, fact, groupBy }),
        },
      }),
    );
  }

  listEntitiesByFact(
    options: {
      collector: string;
      fact: string;
      op?: 'gt' | 'gte' | 'lt' | 'lte' | 'eq';
      value?: string;
      filters?: MaturityFilters;
    },
    paging: Paging = {},
  ) {
    const { filters, ...rest } = options;
    return this.call(c =>
      c.GET('/facts/entities', {
        params: { query: compact({ ...filters, ...rest, ...paging }) },
      }),
    );
  }

  refreshEntity(entityRef: string) {
    return this.call(c =>
      c.POST('/entity/{kind}/{namespace}/{name}/refresh', {
        params: { path: entityPath(entityRef) },
      }),
    );
  }

  startCycle() {
    return this.call(c => c.POST('/cycles'));
  }

  getCurrentCycle() {
    return this.call(c => c.GET('/cycles/current'));
  }

  listEntities(filters: MaturityFilters = {}, paging: Paging = {}) {
    return this.call(c =>
      c.GET('/entities', {
        params: { query: compact({ ...filters, ...paging }) },
      }),
    );
  }

  getRollups(
    groupBy: MaturityGroupBy,
    filters: MaturityFilters = {},
    paging: Paging = {},
  ) {
    return this.call(c =>
      c.GET('/rollups', {
        params: { query: compact({ groupBy, ...filters, ...paging }) },
      }),
    );
  }

  getTrends(options: {
    filters?: MaturityFilters;
    from?: string;
    interval?: TrendInterval;
  }) {
    const { filters, from, interval } = options;
    return this.call(c =>
      c.GET('/trends', {
        params: { query: compact({ ...filters, from, interval }) },
      }),
    );
  }

  getFailingChecks(filters: MaturityFilters = {}, limit?: number) {
    return this.call(c =>
      c.GET('/checks/failing', {
        params: { query: compact({ ...filters, limit }) },
      }),
    );
  }

  getRisks(systemRef: string) {
    return this.call(c =>
      c.GET('/risks', { params: { query: { system: systemRef } } }),
    );
  }

  getReview(ref: string, since: string) {
    // A domain is reviewed by its own parameter; anything else is a system.
    const isDomain =
      parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'domain';
    return this.call(c =>
      c.GET('/review', {
        params: {
          query: isDomain ? { domain: ref, since } : { system: ref, since },
        },
      }),
    );
  }

  listWaivers(entityRef: string) {
    return this.call(c =>
      c.GET('/waivers', { params: { query: { entityRef } } }),
    );
  }

  createWaiver(waiver: NewWaiver) {
    return this.call(c => c.POST('/waivers', { body: waiver }));
  }

  revokeWaiver(id: string) {
    return this.call(c =>
      c.DELETE('/waivers/{id}', { params: { path: { id } } }),
    );
  }

  listCampaigns() {
    return this.call(c => c.GET('/campaigns'));
  }

  getCampaign(id: string) {
    return this.call(c =>
      c.GET('/campaigns/{id}', { params: { path: { id } } }),
    );
  }

  createCampaign(campaign: NewCampaign) {
    return this.call(c => c.POST('/campaigns', { body: campaign }));
  }

  notifyCampaignOwners(id: string) {
    return this.call(c =>
      c.POST('/campaigns/{id}/notify', { params: { path: { id } } }),
    );
  }

  async deleteCampaign(id: string) {
    await this.call(c =>
      c.DELETE('/campaigns/{id}', {
        params: { path: { id } },
        parseAs: 'stream',
      }),
    );
  }

  getFleetCandidates(
    checkId: string,
    filters: Pick<MaturityFilters, 'owner' | 'system' | 'domain'> = {},
  ) {
    const { owner, system, domain } = filters;
    return this.call(c =>
      c.GET('/fleet/checks/{checkId}/candidates', {
        params: {
          path: { checkId },
          query: compact({ owner, system, domain }),
        },
      }),
    );
  }

  listFleetRuns(options: { checkId?: string; limit?: number } = {}) {
    const { checkId, limit } = options;
    return this.call(c =>
      c.GET('/fleet/runs', { params: { query: compact({ checkId, limit }) } }),
    );
  }

  createFleetRun(run: NewFleetRun) {
    return this.call(c => c.POST('/fleet/runs', { body: run }));
  }

  getFleetRun(id: string) {
    return this.call(c =>
      c.GET('/fleet/runs/{id}', { params: { path: { id } } }),
    );
  }
}
