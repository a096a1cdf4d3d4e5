import { mockServices } from '@backstage/backend-test-utils';
import { createServer, Server } from 'node:http';
import { createGithubClient, GithubLimits } from './github';

/** A GitHub API on loopback that answers each request with the next reply. */
async function fakeGithub(
  replies: Array<{ status: number; headers?: Record<string, string> }>,
): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const reply = replies.shift() ?? { status: 200 };
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      ...reply.headers,
    });
    res.end(
      JSON.stringify(
        reply.status === 200
          ? { default_branch: 'main' }
          : { message: 'You have exceeded a secondary rate limit.' },
      ),
    );
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server, requests };
}

const LIMITS: GithubLimits = {
  retries: 2,
  maxWaitSeconds: 10,
  retryAfterBaseValue: 1,
  writeIntervalMs: 1,
};

function recordingLogger() {
  const warnings: string[] = [];
  const logger = mockServices.logger.mock();
  logger.warn.mockImplementation(message => {
    warnings.push(message);
  });
  return { logger, warnings };
}

describe('createGithubClient', () => {
  let github: Awaited<ReturnType<typeof fakeGithub>> | undefined;
  afterEach(async () => {
    await new Promise(r => github?.server.close(r));
    github = undefined;
  });

  it('waits out a 429 with Retry-After, as a secondary rate limit, and logs which request without the token', async () => {
    github = await fakeGithub([
      { status: 429, headers: { 'retry-after': '2' } },
    ]);
    const { logger, warnings } = recordingLogger();
    const octokit = createGithubClient({
      baseUrl: github.url,
      token: 'ghp_secret',
      logger,
      limits: LIMITS,
    });
    const { data } = await octokit.repos.get({ owner: 'acme', repo: 'app' });
    expect(data.default_branch).toBe('main');
    expect(github.requests).toEqual([
      'GET /repos/acme/app',
      'GET /repos/acme/app',
    ]);
    expect(warnings).toEqual([
      "GitHub's secondary rate limit on GET /repos/acme/app: retry 1 of 2 in 2 s",
    ]);
    expect(warnings.join('\n')).not.toContain('ghp_secret');
  });

  it('does not wait for a limit longer than maxWaitSeconds, and hands the error to explainErrors', async () => {
    github = await fakeGithub([
      { status: 403, headers: { 'retry-after': '600' } },
    ]);
    const { logger, warnings } = recordingLogger();
    const explained: number[] = [];
    const octokit = createGithubClient({
      baseUrl: github.url,
      logger,
      limits: LIMITS,
      explainErrors: error => {
        explained.push(error.status ?? 0);
        throw new Error('try again in ten minutes');
      },
    });
    await expect(
      octokit.repos.get({ owner: 'acme', repo: 'app' }),
    ).rejects.toThrow('try again in ten minutes');
    expect(github.requests).toHaveLength(1);
    expect(explained).toEqual([403]);
    expect(warnings[0]).toMatch(/not waited for \(it asks to wait 600 s/);
  });

  it('retries a server error, and names the host of one that does not resolve without retrying', async () => {
    github = await fakeGithub([{ status: 502 }]);
    const octokit = createGithubClient({
      baseUrl: github.url,
      logger: mockServices.logger.mock(),
      limits: LIMITS,
    });
    await octokit.repos.get({ owner: 'acme', repo: 'app' });
    expect(github.requests).toHaveLength(2);

    const nowhere = createGithubClient({
      baseUrl: 'http://nonexistent.invalid',
      logger: mockServices.logger.mock(),
      limits: LIMITS,
    });
    await expect(
      nowhere.repos.get({ owner: 'acme', repo: 'app' }),
    ).rejects.toThrow(
      /^could not reach nonexistent\.invalid: (ENOTFOUND|EAI_AGAIN)$/,
    );
  });
});
