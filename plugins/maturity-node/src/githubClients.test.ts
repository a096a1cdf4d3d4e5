import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import {
  GithubClients,
  githubClientsFromConfig,
  githubClientsServiceRef,
  githubRepositoryOf,
} from './githubClients';

const INSTALLATION_TOKEN = 'ghs_installationtokenthatmustnotleak0000';

/**
 * A GitHub API on loopback with one GitHub App, installed for `acme` only:
 * it lists the installation, issues an installation token, and answers
 * repository reads with the authorization they carried.
 */
async function githubWithApp(options: { failedTokens?: number } = {}): Promise<{
  url: string;
  host: string;
  server: Server;
  requests: string[];
  authorizations: string[];
}> {
  const requests: string[] = [];
  const authorizations: string[] = [];
  let failedTokens = options.failedTokens ?? 0;
  const server = createServer((req: IncomingMessage, res) => {
    requests.push(`${req.method} ${req.url}`);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const auth = req.headers.authorization ?? '';
    if (req.url?.startsWith('/app/installations') && !/^bearer /i.test(auth)) {
      reply(401, { message: 'A JSON web token is required' });
    } else if (req.method === 'GET' && req.url === '/app/installations') {
      reply(200, [{ id: 7, account: { login: 'acme' }, suspended_by: null }]);
    } else if (
      req.method === 'POST' &&
      req.url === '/app/installations/7/access_tokens' &&
      failedTokens > 0
    ) {
      failedTokens--;
      reply(500, { message: 'Server Error' });
    } else if (
      req.method === 'POST' &&
      req.url === '/app/installations/7/access_tokens'
    ) {
      reply(201, {
        token: INSTALLATION_TOKEN,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        repository_selection: 'all',
      });
    } else if (req.method === 'GET' && req.url === '/repos/acme/api') {
      authorizations.push(auth);
      reply(200, { default_branch: 'trunk' });
    } else {
      reply(404, { message: 'Not Found' });
    }
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    server,
    requests,
    authorizations,
  };
}

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'api', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

describe('githubClientsFromConfig', () => {
  let github: Awaited<ReturnType<typeof githubWithApp>> | undefined;
  afterEach(async () => {
    if (github) await new Promise(r => github!.server.close(r));
    github = undefined;
  });

  const appConfig = (host: string, apiBaseUrl: string) => ({
    integrations: {
      github: [
        {
          host,
          apiBaseUrl,
          apps: [
            {
              appId: 1,
              privateKey,
              clientId: 'client',
              clientSecret: 'secret',
              webhookSecret: 'hook',
            },
          ],
        },
        // No credentials: not served.
        { host: 'ghe.example.com' },
      ],
    },
  });

  function clientsWithApp(host: string, apiBaseUrl: string) {
    return githubClientsFromConfig(
      new ConfigReader(appConfig(host, apiBaseUrl)),
      mockServices.logger.mock(),
    );
  }

  it('is one set of clients for the whole backend: two plugins reading the same owner fetch the App installation token once', async () => {
    github = await githubWithApp();
    const seen: GithubClients[] = [];
    const reader = (pluginId: string) =>
      createBackendPlugin({
        pluginId,
        register(env) {
          env.registerInit({
            deps: { clients: githubClientsServiceRef },
            async init({ clients }) {
              seen.push(clients);
              const octokit = await clients.forUrl(
                `https://${github!.host}/acme/api`,
              );
              await octokit.repos.get({ owner: 'acme', repo: 'api' });
            },
          });
        },
      });
    const backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: appConfig(github.host, github.url),
        }),
        reader('maturity'),
        reader('fleet'),
      ],
    });
    await backend.stop();

    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(github.requests.filter(r => r.endsWith('/access_tokens'))).toEqual([
      'POST /app/installations/7/access_tokens',
    ]);
    expect(github.authorizations).toEqual([
      `token ${INSTALLATION_TOKEN}`,
      `token ${INSTALLATION_TOKEN}`,
    ]);
  });

  it('after a failed token fetch, one of the waiting requests fetches again, not all of them', async () => {
    github = await githubWithApp({ failedTokens: 1 });
    const clients = clientsWithApp(github.host, github.url);
    const url = `https://${github.host}/acme/api`;

    const outcomes = await Promise.allSettled([
      clients.forUrl(url),
      clients.forUrl(url),
      clients.forUrl(url),
    ]);

    expect(outcomes.map(o => o.status)).toEqual([
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(
      github.requests.filter(r => r.endsWith('/access_tokens')),
    ).toHaveLength(2);
  });

  it("reads with the GitHub App's installation token for the repository's owner", async () => {
    github = await githubWithApp();
    const clients = clientsWithApp(github.host, github.url);
    expect(clients.hosts()).toEqual([github.host]);

    const octokit = await clients.forUrl(`https://${github.host}/acme/api`);
    const { data } = await octokit.repos.get({ owner: 'acme', repo: 'api' });

    expect(data.default_branch).toBe('trunk');
    expect(github.authorizations).toEqual([`token ${INSTALLATION_TOKEN}`]);
    expect(github.requests).toEqual([
      'GET /app/installations',
      'POST /app/installations/7/access_tokens',
      'GET /repos/acme/api',
    ]);
  });

  it('refuses an owner the App is not installed for, saying what to install', async () => {
    github = await githubWithApp();
    const clients = clientsWithApp(github.host, github.url);
    await expect(
      clients.forUrl(`https://${github.host}/other/api`),
    ).rejects.toThrow(
      `no GitHub App of integrations.github is installed for other on ${github.host}: install it there, or add a token`,
    );
    expect(github.requests).not.toContain('GET /repos/other/api');
  });

  it('refuses a host configured without credentials, naming the key to set', async () => {
    const clients = clientsWithApp('github.com', 'https://api.github.com');
    expect(clients.hasIntegration('https://ghe.example.com/acme/api')).toBe(
      false,
    );
    expect(clients.isGithubHost('https://ghe.example.com/acme/api')).toBe(true);
    await expect(
      clients.forUrl('https://ghe.example.com/acme/api'),
    ).rejects.toThrow(
      'no GitHub integration with credentials for ghe.example.com: add it, with a token or a GitHub App, under integrations.github',
    );
  });

  it('refuses a GitHub Enterprise host without apiBaseUrl, so its token is never sent to api.github.com', async () => {
    const clients = githubClientsFromConfig(
      new ConfigReader({
        integrations: {
          github: [{ host: 'ghe.example.com', token: 'ghp_enterprisetoken' }],
        },
      }),
      mockServices.logger.mock(),
    );
    await expect(
      clients.forUrl('https://ghe.example.com/acme/api'),
    ).rejects.toThrow(
      'integrations.github for ghe.example.com has no apiBaseUrl: set it (for GitHub Enterprise Server, https://ghe.example.com/api/v3)',
    );
  });
});

describe('githubRepositoryOf', () => {
  const onEnterprise = entity({
    'github.com/project-slug': 'acme/api',
    'backstage.io/source-location':
      'url:https://ghe.example.com/acme/api/tree/main/',
  });
  const onEnterpriseRepo = {
    owner: 'acme',
    repo: 'api',
    url: 'https://ghe.example.com/acme/api',
  };
  // `withCredentials` are served; `others` are GitHub hosts without them.
  const hosts = (withCredentials: string[], others: string[] = []) => ({
    hosts: () => withCredentials,
    isGithubHost: (url: string) =>
      [...withCredentials, ...others].includes(new URL(url).host),
  });

  it("takes the host of the entity's source location when it has an integration", () => {
    expect(
      githubRepositoryOf(
        onEnterprise,
        hosts(['github.com', 'ghe.example.com']),
      ),
    ).toEqual(onEnterpriseRepo);
  });

  it('keeps a repository on a GitHub host without credentials on that host, for forUrl to refuse, never another host', () => {
    expect(
      githubRepositoryOf(
        onEnterprise,
        hosts(['github.com'], ['ghe.example.com']),
      ),
    ).toEqual(onEnterpriseRepo);
  });

  it('falls back to the first configured host, and trims the slug', () => {
    expect(
      githubRepositoryOf(
        entity({
          'github.com/project-slug': ' acme/api ',
          'backstage.io/source-location':
            'url:https://gitlab.example.com/acme/api/',
        }),
        hosts(['github.com']),
      ),
    ).toEqual({
      owner: 'acme',
      repo: 'api',
      url: 'https://github.com/acme/api',
    });
  });

  it('is undefined without a slug, with a malformed slug, or without a host', () => {
    expect(
      githubRepositoryOf(entity({}), hosts(['github.com'])),
    ).toBeUndefined();
    expect(
      githubRepositoryOf(
        entity({ 'github.com/project-slug': 'acme/api/extra' }),
        hosts(['github.com']),
      ),
    ).toBeUndefined();
    expect(
      githubRepositoryOf(
        entity({ 'github.com/project-slug': 'acme/api' }),
        hosts([]),
      ),
    ).toBeUndefined();
  });
});
