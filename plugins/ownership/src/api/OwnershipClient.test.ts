import { OwnershipClient, OwnershipRequestError } from './OwnershipClient';

/** A fetch API that records each request and answers with `answer`. */
function fakeBackend(answer: () => Response) {
  const requests: Request[] = [];
  const client = new OwnershipClient({
    discoveryApi: {
      getBaseUrl: async () => 'http://backend.test/api/ownership',
    },
    fetchApi: {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        requests.push(new Request(input, init));
        return answer();
      },
    },
  });
  return { client, requests };
}

describe('OwnershipClient', () => {
  it('asks for an entity in lower case, its name encoded', async () => {
    const { client, requests } = fakeBackend(
      () => new Response('{}', { status: 200 }),
    );
    await client.getEntityOwnership({
      kind: 'Component',
      namespace: 'default',
      name: 'Quiz Engine',
    });
    expect(requests[0].url).toBe(
      'http://backend.test/api/ownership/entity/component/default/quiz%20engine',
    );
  });

  it('names the request and carries the server message on a 404', async () => {
    const { client } = fakeBackend(
      () =>
        new Response(
          JSON.stringify({
            error: { name: 'NotFoundError', message: 'No entity x' },
          }),
          { status: 404, headers: { 'Content-Type': 'application/json' } },
        ),
    );
    const error = await client
      .getEntityOwnership({
        kind: 'component',
        namespace: 'default',
        name: 'x',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(OwnershipRequestError);
    expect(error.status).toBe(404);
    expect(error.message).toBe(
      'GET /api/ownership/entity/component/default/x failed: 404 No entity x',
    );
  });

  it('returns the coverage CSV as the file itself', async () => {
    const { client } = fakeBackend(
      () =>
        new Response('section,ref\n', {
          status: 200,
          headers: { 'Content-Type': 'text/csv' },
        }),
    );
    const blob = await client.getCoverageCsv();
    expect(await blob.text()).toBe('section,ref\n');
  });
});
