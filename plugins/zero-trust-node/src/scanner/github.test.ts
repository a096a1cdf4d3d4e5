import { createGithubClient } from '@cloud-native-portal/plugin-maturity-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AddressInfo, createServer } from 'node:net';
import { checkRequiredReview } from './github';

const TOKEN = 'ghp_testtokenthatmustnotleak000000000000';

const logger = {
  debug: jest.fn(),
  info: jest.fn(),
  warn: jest.fn(),
  error: jest.fn(),
  child() {
    return logger;
  },
};

/** The portal's client, retrying once without waiting. */
const github = (baseUrl: string) => ({
  owner: 'acme',
  repo: 'api',
  octokit: createGithubClient({
    token: TOKEN,
    baseUrl,
    logger,
    limits: { retries: 1, maxWaitSeconds: 1, retryAfterBaseValue: 1 },
  }),
});

/** A local port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise(done => server.close(done));
  return port;
}

describe('checkRequiredReview when GitHub cannot be reached', () => {
  it('reports baseUrl http://nonexistent.invalid (a host that never resolves) as "could not reach nonexistent.invalid", not "GitHub API returned 500"', async () => {
    const result = await checkRequiredReview(
      github('http://nonexistent.invalid'),
    );
    expect(result.status).toBe('unknown');
    // ENOTFOUND, or EAI_AGAIN where the resolver itself is unreachable.
    expect(result.reason).toMatch(
      /^could not reach nonexistent\.invalid: (ENOTFOUND|EAI_AGAIN) reading acme\/api: branch protection not checked$/,
    );
    expect(result.evidence.note).not.toContain('returned 500');
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('reports a baseUrl whose port refuses connections as "could not reach 127.0.0.1:<port>: ECONNREFUSED"', async () => {
    const port = await closedPort();
    const result = await checkRequiredReview(
      github(`http://127.0.0.1:${port}`),
    );
    expect(result.status).toBe('unknown');
    expect(result.reason).toBe(
      `could not reach 127.0.0.1:${port}: ECONNREFUSED reading acme/api: branch protection not checked`,
    );
  });
});

describe('checkRequiredReview when GitHub answers', () => {
  const API = 'https://api.github.com/repos/acme/api';
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it('still reports an HTTP 500 from GitHub, after its retry, as "GitHub API returned 500"', async () => {
    let requests = 0;
    server.use(
      http.get(API, () => {
        requests++;
        return HttpResponse.json({ message: 'Server Error' }, { status: 500 });
      }),
    );
    const result = await checkRequiredReview(github('https://api.github.com'));
    expect(result.reason).toBe(
      'GitHub API returned 500 reading acme/api: branch protection not checked',
    );
    expect(requests).toBe(2);
  });

  it('reports a connection dropped mid-request to api.github.com (msw network error) as "could not reach api.github.com"', async () => {
    server.use(
      http.get(API, () => HttpResponse.json({ default_branch: 'trunk' })),
      http.get(`${API}/branches/trunk/protection`, () => HttpResponse.error()),
    );
    const result = await checkRequiredReview(github('https://api.github.com'));
    expect(result.status).toBe('unknown');
    expect(result.reason).toMatch(
      /^could not reach api\.github\.com: Failed to fetch reading branch protection of acme\/api@trunk/,
    );
  });
});
