// openapi-fetch names its methods after HTTP verbs (client.GET).
/* eslint-disable new-cap */
import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import createClient from 'openapi-fetch';
import { postureFromFactSet, ZERO_TRUST_COLLECTOR } from './posture';
import {
  ControlStatusCount,
  EntityPosture,
  FactEntityPage,
  MaturityApiPaths,
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

/** What openapi-fetch answers: the parsed body, or the error body. */
type Answer<T> = { data?: T; error?: unknown; response: Response };

const SCORE_METRIC = 'zeroTrust.score';

/** The entity's path parameters, in lower case as the API keeps refs. */
function entityPath(ref: CompoundEntityRef) {
  const lower = (part: string) => part.toLocaleLowerCase('en-US');
  return {
    kind: lower(ref.kind),
    namespace: lower(ref.namespace),
    name: lower(ref.name),
  };
}

/**
 * Reads posture from the maturity backend (`/api/maturity`). Requests and
 * answers are typed by the client openapi-fetch builds from the maturity
 * API's generated definition (maturity-backend's `src/schema/openapi.yaml`);
 * this class finds the backend, turns an error answer into a
 * {@link ZeroTrustRequestError}, and reads the posture out of the facts.
 */
export class ZeroTrustClient implements ZeroTrustApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async client() {
    const baseUrl = await this.discoveryApi.getBaseUrl('maturity');
    // openapi-fetch passes a Request; the fetch API adds the credentials.
    return createClient<MaturityApiPaths>({
      baseUrl,
      fetch: request => this.fetchApi.fetch(request),
    });
  }

  /**
   * The answer's body; undefined for a 404 when `allowNotFound`; otherwise a
   * ZeroTrustRequestError naming the request (path and query).
   */
  private async unwrap<T>(
    call: Promise<Answer<T>>,
    allowNotFound = false,
  ): Promise<T | undefined> {
    let answer: Answer<T>;
    try {
      answer = await call;
    } catch (e) {
      throw new ZeroTrustRequestError(
        'GET /api/maturity',
        0,
        (e as Error).message,
      );
    }
    const { data, error, response } = answer;
    if (allowNotFound && response.status === 404) return undefined;
    if (!response.ok) {
      const url = new URL(response.url);
      const path = url.pathname.replace(/^.*?\/api\/maturity/, '');
      const request = `GET /api/maturity${path}${url.search}`;
      // Backstage backends answer errors as { error: { name, message } }; a
      // proxy in between may answer text.
      const body = error as
        | { error?: { message?: string } }
        | string
        | undefined;
      const detail =
        (typeof body === 'string'
          ? body.slice(0, 200)
          : body?.error?.message) || response.statusText;
      throw new ZeroTrustRequestError(
        request,
        response.status,
        `${response.status} ${detail}`,
      );
    }
    return data as T;
  }

  async getEntityPosture(
    entity: CompoundEntityRef,
  ): Promise<EntityPosture | undefined> {
    const client = await this.client();
    const body = await this.unwrap(
      client.GET('/entity/{kind}/{namespace}/{name}/facts', {
        params: { path: entityPath(entity) },
      }),
      true,
    );
    const set = body?.items.find(s => s.collector === ZERO_TRUST_COLLECTOR);
    // The definition types fact values loosely; the posture reads each one
    // by its type.
    return set ? postureFromFactSet(set as FactSet) : undefined;
  }

  async getScoreHistory(
    entity: CompoundEntityRef,
  ): Promise<ScoreHistoryPoint[]> {
    const client = await this.client();
    const body = await this.unwrap(
      client.GET('/entity/{kind}/{namespace}/{name}/history', {
        params: { path: entityPath(entity), query: { limit: 200 } },
      }),
      true,
    );
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
    const client = await this.client();
    const body = await this.unwrap(
      client.GET('/facts/summary', {
        params: {
          query: {
            collector: ZERO_TRUST_COLLECTOR,
            fact: SCORE_METRIC,
            groupBy,
          },
        },
      }),
    );
    return body!.items;
  }

  async getControlStatusCounts(): Promise<ControlStatusCount[]> {
    const client = await this.client();
    const body = await this.unwrap(
      client.GET('/facts/status-counts', {
        params: { query: { collector: ZERO_TRUST_COLLECTOR } },
      }),
    );
    return body!.items;
  }

  async getEntitiesWithCriticalFailures(
    options: { limit?: number; offset?: number } = {},
  ): Promise<FactEntityPage> {
    const client = await this.client();
    const body = await this.unwrap(
      client.GET('/facts/entities', {
        params: {
          query: {
            collector: ZERO_TRUST_COLLECTOR,
            fact: `${ZERO_TRUST_COLLECTOR}.criticalFailures`,
            op: 'gt',
            value: '0',
            limit: options.limit ?? 100,
            offset: options.offset ?? 0,
          },
        },
      }),
    );
    return body!;
  }
}
