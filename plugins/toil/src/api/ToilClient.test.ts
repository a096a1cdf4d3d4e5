import { ToilClient } from './ToilClient';
import { ToilRequestError } from './ToilApi';

/** A fetch API that records each request and answers with `answer`. */
function fakeBackend(answer: (request: Request) => Response) {
  const requests: Request[] = [];
  const client = new ToilClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend.test/api/toil' },
    fetchApi: {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        requests.push(request);
        return answer(request);
      },
    },
  });
  return { client, requests };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

describe('ToilClient', () => {
  it("creates a task through Backstage's fetch middlewares, which copy a Request before passing the original on", async () => {
    let body: unknown;
    const client = new ToilClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend.test/api/toil' },
      fetchApi: {
        // What @backstage/core-app-api's plugin-protocol middleware does
        // with a URL it leaves alone, then the next one reading the input.
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          const probe = new Request(input, init);
          expect(probe.method).toBe('POST');
          body = await new Request(input, init).json();
          return json(201, { id: 't1' });
        },
      },
    });
    const input = {
      entityRef: 'component:default/quiz-engine',
      task: 'Rotate the certificates',
      category: 'certificates' as const,
      frequency: 1,
      frequencyUnit: 'week' as const,
      minutesPerOccurrence: 30,
      people: 1,
      automatable: 'yes' as const,
    };
    await expect(client.createTask(input as any)).resolves.toEqual({
      id: 't1',
    });
    expect(body).toMatchObject({ task: 'Rotate the certificates' });
  });

  it('names the request and carries the server message when a row is stale (409)', async () => {
    const { client, requests } = fakeBackend(() =>
      json(409, {
        error: { name: 'ConflictError', message: 'reload the row' },
      }),
    );
    const error = await client
      .deleteTask('0b6e5f4c-2a7d-4c41-9f0e-3d2b1a0c9e8f', 3)
      .catch(e => e);
    expect(error).toBeInstanceOf(ToilRequestError);
    expect(error.status).toBe(409);
    expect(error.message).toBe(
      'DELETE /api/toil/tasks/0b6e5f4c-2a7d-4c41-9f0e-3d2b1a0c9e8f failed (409): reload the row',
    );
    expect(requests[0].method).toBe('DELETE');
    expect(requests[0].url).toBe(
      'http://backend.test/api/toil/tasks/0b6e5f4c-2a7d-4c41-9f0e-3d2b1a0c9e8f?version=3',
    );
  });

  it('encodes a space in an entity name in the summary path', async () => {
    const { client, requests } = fakeBackend(() => json(200, {}));
    await client.getEntitySummary('component:default/a b');
    expect(requests[0].url).toBe(
      'http://backend.test/api/toil/entities/component/default/a%20b/summary',
    );
  });

  it('sends a CSV file as text/csv with the chosen columns, leaving unmapped ones out', async () => {
    const { client, requests } = fakeBackend(() =>
      json(200, { accepted: [], rejected: [] }),
    );
    await client.previewImport(new Blob(['service,task\n']), {
      task: 'Task name',
      link: undefined,
    });
    const [request] = requests;
    expect(request.method).toBe('POST');
    expect(request.headers.get('Content-Type')).toBe('text/csv');
    expect(new URL(request.url).searchParams.get('mapping')).toBe(
      '{"task":"Task name"}',
    );
    expect(await request.text()).toBe('service,task\n');
  });

  it('reads the export as text, not JSON', async () => {
    const { client } = fakeBackend(
      () => new Response('service,task\n', { status: 200 }),
    );
    await expect(client.exportCsv()).resolves.toBe('service,task\n');
  });

  it('names the request when the backend cannot be reached', async () => {
    const client = new ToilClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend.test/api/toil' },
      fetchApi: {
        fetch: async () => {
          throw new TypeError('Failed to fetch');
        },
      },
    });
    await expect(client.getTeamRanking()).rejects.toThrow(
      'GET /api/toil/teams failed (0): Failed to fetch',
    );
  });
});
