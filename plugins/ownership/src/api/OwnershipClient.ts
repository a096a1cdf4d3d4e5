import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { OwnershipApi } from './OwnershipApi';
import { EntityOwnership, OwnershipCoverage } from './types';

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

/** Reads ownership from the ownership backend (`/api/ownership`). */
export class OwnershipClient implements OwnershipApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async request(path: string): Promise<Response> {
    const base = await this.discoveryApi.getBaseUrl('ownership');
    const request = `GET /api/ownership${path}`;
    let response: Response;
    try {
      response = await this.fetchApi.fetch(`${base}${path}`);
    } catch (e) {
      throw new OwnershipRequestError(request, 0, (e as Error).message);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      let detail = response.statusText;
      try {
        // Backstage backends answer errors as { error: { message } }.
        detail = JSON.parse(text)?.error?.message ?? detail;
      } catch {
        detail = text.slice(0, 200) || detail;
      }
      throw new OwnershipRequestError(
        request,
        response.status,
        `${response.status} ${detail}`,
      );
    }
    return response;
  }

  async getEntityOwnership(
    entity: CompoundEntityRef,
  ): Promise<EntityOwnership> {
    const path = [entity.kind, entity.namespace, entity.name]
      .map(p => encodeURIComponent(p.toLocaleLowerCase('en-US')))
      .join('/');
    return (await this.request(`/entity/${path}`)).json();
  }

  async getCoverage(): Promise<OwnershipCoverage> {
    return (await this.request('/coverage')).json();
  }

  async getCoverageCsv(): Promise<Blob> {
    return (await this.request('/coverage.csv')).blob();
  }
}
