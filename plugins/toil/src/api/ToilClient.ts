// openapi-fetch names its methods after HTTP verbs (client.GET, client.POST).
/* eslint-disable new-cap */
import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  CsvImportPreview,
  CsvImportResult,
  EntityToilSummary,
  TeamToilRanking,
  UnownedToil,
  TeamToilReport,
  ToilApiPaths,
  ToilErrorBody,
  ToilTask,
  ToilTaskInput,
} from '@cloud-native-portal/plugin-toil-common';
import createClient from 'openapi-fetch';
import { ColumnChoice, ToilApi, ToilRequestError } from './ToilApi';

/** What openapi-fetch answers: the parsed body, or the error body. */
type Answer<T> = {
  data?: T;
  error?: ToilErrorBody | unknown;
  response: Response;
};

/**
 * The {@link ToilApi} over HTTP. Requests and answers are typed by the
 * client that openapi-fetch builds from the API's generated definition
 * (toil-backend's `src/schema/openapi.yaml`); this class only finds the
 * backend through discovery and turns an error answer into a
 * {@link ToilRequestError}.
 */
export class ToilClient implements ToilApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  private async client() {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('toil');
    // openapi-fetch passes a Request; the fetch API adds the credentials.
    return createClient<ToilApiPaths>({
      baseUrl,
      // As URL and init: Backstage's fetch middlewares copy a Request and
      // pass the original on, which a Request with a body does not survive.
      fetch: async request =>
        this.options.fetchApi.fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body:
            request.method === 'GET' || request.method === 'HEAD'
              ? undefined
              : await request.arrayBuffer(),
          signal: request.signal,
        }),
    });
  }

  /** The answer's body, or a ToilRequestError naming the request. */
  private async unwrap<T>(label: string, call: Promise<Answer<T>>): Promise<T> {
    let answer: Answer<T>;
    try {
      answer = await call;
    } catch (e) {
      throw new ToilRequestError(label, 0, (e as Error).message);
    }
    const { data, error, response } = answer;
    if (!response.ok) {
      const message =
        (error as ToilErrorBody | undefined)?.error?.message ??
        response.statusText;
      throw new ToilRequestError(label, response.status, message);
    }
    return data as T;
  }

  async listTasks(entityRef: string): Promise<ToilTask[]> {
    const client = await this.client();
    const body = await this.unwrap(
      'GET /api/toil/tasks',
      client.GET('/tasks', { params: { query: { entityRef } } }),
    );
    return body.items;
  }

  async createTask(input: ToilTaskInput): Promise<ToilTask> {
    const client = await this.client();
    return this.unwrap(
      'POST /api/toil/tasks',
      client.POST('/tasks', { body: input }),
    );
  }

  async updateTask(
    id: string,
    input: ToilTaskInput & { version: number },
  ): Promise<ToilTask> {
    const client = await this.client();
    return this.unwrap(
      `PUT /api/toil/tasks/${id}`,
      client.PUT('/tasks/{id}', { params: { path: { id } }, body: input }),
    );
  }

  async deleteTask(id: string, version: number): Promise<void> {
    const client = await this.client();
    await this.unwrap(
      `DELETE /api/toil/tasks/${id}`,
      client.DELETE('/tasks/{id}', {
        params: { path: { id }, query: { version } },
        parseAs: 'stream',
      }),
    );
  }

  async getEntitySummary(entityRef: string): Promise<EntityToilSummary> {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const client = await this.client();
    return this.unwrap(
      `GET /api/toil/entities/${kind}/${namespace}/${name}/summary`,
      client.GET('/entities/{kind}/{namespace}/{name}/summary', {
        params: { path: { kind, namespace, name } },
      }),
    );
  }

  async getTeamReport(groupRef: string): Promise<TeamToilReport> {
    const { namespace, name } = parseEntityRef(groupRef);
    const client = await this.client();
    return this.unwrap(
      `GET /api/toil/teams/${namespace}/${name}`,
      client.GET('/teams/{namespace}/{name}', {
        params: { path: { namespace, name } },
      }),
    );
  }

  async getTeamRanking(): Promise<TeamToilRanking[]> {
    const client = await this.client();
    const body = await this.unwrap('GET /api/toil/teams', client.GET('/teams'));
    return body.items;
  }

  async getUnownedToil(): Promise<UnownedToil> {
    const client = await this.client();
    return this.unwrap('GET /api/toil/unowned', client.GET('/unowned'));
  }

  async previewImport(
    file: Blob,
    mapping?: ColumnChoice,
  ): Promise<CsvImportPreview> {
    const client = await this.client();
    return this.unwrap(
      'POST /api/toil/import/preview',
      client.POST('/import/preview', {
        params: { query: mappingQuery(mapping) },
        ...csvBody(file),
      }),
    );
  }

  async applyImport(
    file: Blob,
    mapping?: ColumnChoice,
  ): Promise<CsvImportResult> {
    const client = await this.client();
    return this.unwrap(
      'POST /api/toil/import/apply',
      client.POST('/import/apply', {
        params: { query: mappingQuery(mapping) },
        ...csvBody(file),
      }),
    );
  }

  async exportCsv(entityRef?: string): Promise<string> {
    const client = await this.client();
    return this.unwrap(
      'GET /api/toil/export',
      client.GET('/export', {
        params: { query: entityRef ? { entityRef } : {} },
        parseAs: 'text',
      }),
    );
  }
}

/** The file as the request body, sent as it is with its CSV media type. */
function csvBody(file: Blob) {
  return {
    // The definition types a file body as a string of bytes.
    body: file as unknown as string,
    bodySerializer: (body: unknown) => body as Blob,
    headers: { 'Content-Type': 'text/csv' },
  };
}

function mappingQuery(mapping?: ColumnChoice) {
  return mapping ? { mapping: JSON.stringify(mapping) } : {};
}
