import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  CsvImportPreview,
  CsvImportResult,
  EntityToilSummary,
  TeamToilRanking,
  TeamToilReport,
  ToilTask,
  ToilTaskInput,
} from '@cloud-native-portal/plugin-toil-common';
import { ToilApi, ToilRequestError } from './ToilApi';

/** The {@link ToilApi} over HTTP, through discovery and the fetch API. */
export class ToilClient implements ToilApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  private async request<T>(
    method: string,
    path: string,
    init: { body?: BodyInit; json?: unknown; text?: boolean } = {},
  ): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('toil');
    const label = `${method} /api/toil${path.split('?')[0]}`;
    let contentType: string | undefined;
    if (init.json !== undefined) contentType = 'application/json';
    else if (init.body) contentType = 'text/csv';
    let response: Response;
    try {
      response = await this.options.fetchApi.fetch(`${base}${path}`, {
        method,
        headers: contentType ? { 'Content-Type': contentType } : undefined,
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      });
    } catch (e) {
      throw new ToilRequestError(label, 0, (e as Error).message);
    }
    if (!response.ok) {
      let message = response.statusText;
      try {
        const body = await response.json();
        message = body?.error?.message ?? message;
      } catch {
        // Not JSON: keep the status text.
      }
      throw new ToilRequestError(label, response.status, message);
    }
    if (response.status === 204) return undefined as T;
    if (init.text) return (await response.text()) as T;
    return (await response.json()) as T;
  }

  async listTasks(entityRef: string): Promise<ToilTask[]> {
    const res = await this.request<{ items: ToilTask[] }>(
      'GET',
      `/tasks?entityRef=${encodeURIComponent(entityRef)}`,
    );
    return res.items;
  }

  createTask(input: ToilTaskInput): Promise<ToilTask> {
    return this.request('POST', '/tasks', { json: input });
  }

  updateTask(
    id: string,
    input: ToilTaskInput & { version: number },
  ): Promise<ToilTask> {
    return this.request('PUT', `/tasks/${encodeURIComponent(id)}`, {
      json: input,
    });
  }

  deleteTask(id: string, version: number): Promise<void> {
    return this.request(
      'DELETE',
      `/tasks/${encodeURIComponent(id)}?version=${version}`,
    );
  }

  getEntitySummary(entityRef: string): Promise<EntityToilSummary> {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return this.request(
      'GET',
      `/entities/${encodeURIComponent(kind)}/${encodeURIComponent(
        namespace,
      )}/${encodeURIComponent(name)}/summary`,
    );
  }

  getTeamReport(groupRef: string): Promise<TeamToilReport> {
    const { namespace, name } = parseEntityRef(groupRef);
    return this.request(
      'GET',
      `/teams/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
    );
  }

  async getTeamRanking(): Promise<TeamToilRanking[]> {
    return (await this.request<{ items: TeamToilRanking[] }>('GET', '/teams'))
      .items;
  }

  previewImport(
    file: Blob,
    mapping?: Record<string, string | undefined>,
  ): Promise<CsvImportPreview> {
    return this.request('POST', `/import/preview${mappingQuery(mapping)}`, {
      body: file,
    });
  }

  applyImport(
    file: Blob,
    mapping?: Record<string, string | undefined>,
  ): Promise<CsvImportResult> {
    return this.request('POST', `/import/apply${mappingQuery(mapping)}`, {
      body: file,
    });
  }

  exportCsv(entityRef?: string): Promise<string> {
    return this.request(
      'GET',
      `/export${
        entityRef ? `?entityRef=${encodeURIComponent(entityRef)}` : ''
      }`,
      { text: true },
    );
  }
}

function mappingQuery(mapping?: Record<string, string | undefined>) {
  return mapping
    ? `?mapping=${encodeURIComponent(JSON.stringify(mapping))}`
    : '';
}
