// openapi-fetch names its methods after HTTP verbs (client.GET).
/* eslint-disable new-cap */
import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import createClient from 'openapi-fetch';
import { OwnershipApi } from './OwnershipApi';
import {
  EntityOwnership,
  OwnershipApiPaths,
  OwnershipCoverage,
  OwnershipErrorBody,
} from './types';

/** A failed request to the ownership API; the message names the request. */
export class OwnershipRequestError extends Error {
  /** HTTP status of the response (0 when there was none). */
  readonly status: number;

  constructor(request: string, status: number, detail: string) {
    super(`${request} failed: ${detail}`);
    this.name = 'OwnershipRequestError';
    this.status = status;
  }
}

/** What openapi-fetch answers: the parsed body, or the error body. */
type Answer<T> = { data?: T; error?: unknown; response: Response };

/**
 * Reads ownership from the ownership backend (`/api/ownership`). Requests
 * and answers are typed by the client openapi-fetch builds from the API's
 * generated definition (ownership-backend's `src/schema/openapi.yaml`); this
 * class only finds the backend and turns an error answer into an
 * {@link OwnershipRequestError}.
 */
export class OwnershipClient implements OwnershipApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async client() {
    const baseUrl = await this.discoveryApi.getBaseUrl('ownership');
    // openapi-fetch passes a Request; the fetch API adds the credentials.
    return createClient<OwnershipApiPaths>({
      baseUrl,
      fetch: request => this.fetchApi.fetch(request),
    });
  }

  private async unwrap<T>(
    request: string,
    call: Promise<Answer<T>>,
  ): Promise<T> {
    let answer: Answer<T>;
    try {
      answer = await call;
    } catch (e) {
      throw new OwnershipRequestError(request, 0, (e as Error).message);
    }
    const { data, error, response } = answer;
    if (!response.ok) {
      // Backstage backends answer errors as { error: { message } }; a proxy
      // in between may answer text.
      const body = error as OwnershipErrorBody | string | undefined;
      const detail =
        (typeof body === 'string'
          ? body.slice(0, 200)
          : body?.error?.message) || response.statusText;
      throw new OwnershipRequestError(
        request,
        response.status,
        `${response.status} ${detail}`,
      );
    }
    return data as T;
  }

  async getEntityOwnership(
    entity: CompoundEntityRef,
  ): Promise<EntityOwnership> {
    const [kind, namespace, name] = [
      entity.kind,
      entity.namespace,
      entity.name,
    ].map(p => p.toLocaleLowerCase('en-US'));
    const client = await this.client();
    return this.unwrap(
      `GET /api/ownership/entity/${kind}/${namespace}/${name}`,
      client.GET('/entity/{kind}/{namespace}/{name}', {
        params: { path: { kind, namespace, name } },
      }),
    );
  }

  async getCoverage(): Promise<OwnershipCoverage> {
    const client = await this.client();
    return this.unwrap('GET /api/ownership/coverage', client.GET('/coverage'));
  }

  async getCoverageCsv(): Promise<Blob> {
    const client = await this.client();
    return this.unwrap(
      'GET /api/ownership/coverage.csv',
      client.GET('/coverage.csv', { parseAs: 'blob' }),
    );
  }
}
