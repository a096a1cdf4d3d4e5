import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { GithubCredentials, ScmIntegrations } from '@backstage/integration';
import { githubClientsFromIntegrations } from '@cloud-native-portal/plugin-maturity-node';
import { createZeroTrustFactCollector } from './collector';
import { treeOf } from './testUtils/trees';
import { NO_GITHUB_TOKEN_REASON } from './scanner/controls/repo';

const TOKEN = 'ghp_testtokenthatmustnotleak000000000000';
const API = 'https://api.github.com/repos/acme/api';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'api',
    annotations: { 'github.com/project-slug': 'acme/api' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

const tree = () =>
  treeOf({
    '.github/CODEOWNERS': '* @acme/team-a\n',
    'SECURITY.md': '# Security\n',
  });

const warnings: string[] = [];
const logger = {
  debug() {},
  info() {},
  warn(message: string) {
    warnings.push(message);
  },
  error() {},
  child() {
    return logger;
  },
};

const server = setupServer();
const authorizations: Array<string | null> = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  authorizations.length = 0;
  warnings.length = 0;
});
afterAll(() => server.close());

function repoFound() {
  return http.get(API, ({ request }) => {
    authorizations.push(request.headers.get('authorization'));
    return HttpResponse.json({ default_branch: 'trunk' });
  });
}

/** The portal's GitHub clients for github.com, with a token or a GitHub App. */
function githubClients(credentials: Record<string, unknown>) {
  return githubClientsFromIntegrations({
    integrations: ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: { github: [{ host: 'github.com', ...credentials }] },
      }),
    ),
    configuredHosts: ['github.com'],
    logger,
    // A second of Retry-After lasts a millisecond here.
    retryAfterBaseValue: 1,
  });
}

async function collectCodeOwners(
  token?: string,
  options: {
    github?: ReturnType<typeof githubClients>;
    subject?: Entity;
  } = {},
) {
  const collector = createZeroTrustFactCollector({
    github: options.github ?? (token ? githubClients({ token }) : undefined),
  });
  const facts = await collector.collect({
    entity: options.subject ?? entity,
    sourceTree: tree(),
  });
  return { facts, serialized: JSON.stringify(facts) };
}

describe('code-owners through the GitHub API', () => {
  it('passes when branch protection requires reviews', async () => {
    server.use(
      repoFound(),
      http.get(`${API}/branches/trunk/protection`, () =>
        HttpResponse.json({
          required_pull_request_reviews: {
            required_approving_review_count: 2,
            require_code_owner_reviews: true,
          },
        }),
      ),
    );
    const { facts, serialized } = await collectCodeOwners(TOKEN);
    expect(facts.facts['zeroTrust.codeOwners']).toBe('pass');
    expect(facts.evidence!['zeroTrust.codeOwners']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          note: 'acme/api: branch protection on trunk requires 2 review(s) including code owners',
        }),
      ]),
    );
    expect(authorizations).toEqual([`token ${TOKEN}`]);
    expect(serialized).not.toContain(TOKEN);
  });

  it('fails when the default branch has no protection and no ruleset requires review', async () => {
    server.use(
      repoFound(),
      http.get(`${API}/branches/trunk/protection`, () =>
        HttpResponse.json({ message: 'Branch not protected' }, { status: 404 }),
      ),
      http.get(`${API}/rules/branches/trunk`, () =>
        HttpResponse.json([{ type: 'deletion' }]),
      ),
    );
    const { facts, serialized } = await collectCodeOwners(TOKEN);
    expect(facts.facts['zeroTrust.codeOwners']).toBe('fail');
    expect(serialized).toContain('does not require a pull request review');
    expect(serialized).not.toContain(TOKEN);
  });

  it('passes when a ruleset requires review without branch protection', async () => {
    server.use(
      repoFound(),
      http.get(`${API}/branches/trunk/protection`, () =>
        HttpResponse.json({ message: 'Branch not protected' }, { status: 404 }),
      ),
      http.get(`${API}/rules/branches/trunk`, () =>
        HttpResponse.json([
          {
            type: 'pull_request',
            parameters: { required_approving_review_count: 1 },
          },
        ]),
      ),
    );
    const { facts } = await collectCodeOwners(TOKEN);
    expect(facts.facts['zeroTrust.codeOwners']).toBe('pass');
  });

  it('waits out a secondary rate limit (403 with Retry-After) and a 502 on branch protection, then passes, logging the limit without the token', async () => {
    let protectionRequests = 0;
    server.use(
      repoFound(),
      http.get(`${API}/branches/trunk/protection`, () => {
        protectionRequests++;
        if (protectionRequests === 1) {
          return HttpResponse.json(
            { message: 'You have exceeded a secondary rate limit.' },
            { status: 403, headers: { 'retry-after': '3' } },
          );
        }
        if (protectionRequests === 2) {
          return HttpResponse.json({ message: 'Bad Gateway' }, { status: 502 });
        }
        return HttpResponse.json({
          required_pull_request_reviews: { required_approving_review_count: 1 },
        });
      }),
    );
    const { facts } = await collectCodeOwners(TOKEN);
    expect(facts.facts['zeroTrust.codeOwners']).toBe('pass');
    expect(protectionRequests).toBe(3);
    expect(warnings).toEqual([
      "GitHub's secondary rate limit on GET /repos/acme/api/branches/trunk/protection: retry 1 of 3 in 3 s",
    ]);
    expect(warnings.join('\n')).not.toContain(TOKEN);
  });

  describe('with a GitHub App instead of a token', () => {
    // The credentials a GitHub App installed for acme only gives (the App
    // flow itself is tested with maturity-node's githubClientsFromConfig).
    const INSTALLATION_TOKEN = 'ghs_installationtokenthatmustnotleak0000';
    const app = () =>
      githubClientsFromIntegrations({
        integrations: ScmIntegrations.fromConfig(
          new ConfigReader({
            integrations: { github: [{ host: 'github.com' }] },
          }),
        ),
        configuredHosts: ['github.com'],
        logger,
        credentials: {
          async getCredentials({ url }): Promise<GithubCredentials> {
            return new URL(url).pathname.startsWith('/acme/')
              ? {
                  type: 'app',
                  token: INSTALLATION_TOKEN,
                  headers: { Authorization: `Bearer ${INSTALLATION_TOKEN}` },
                }
              : { type: 'token', headers: {} };
          },
        },
      });

    it("reads branch protection with the App's installation token", async () => {
      server.use(
        repoFound(),
        http.get(`${API}/branches/trunk/protection`, ({ request }) => {
          authorizations.push(request.headers.get('authorization'));
          return HttpResponse.json({
            required_pull_request_reviews: {
              required_approving_review_count: 1,
            },
          });
        }),
      );
      const { facts, serialized } = await collectCodeOwners(undefined, {
        github: app(),
      });
      expect(facts.facts['zeroTrust.codeOwners']).toBe('pass');
      expect(authorizations).toEqual([
        `token ${INSTALLATION_TOKEN}`,
        `token ${INSTALLATION_TOKEN}`,
      ]);
      expect(serialized).not.toContain(INSTALLATION_TOKEN);
    });

    it('is unknown for an owner the App is not installed for, saying so', async () => {
      const { facts } = await collectCodeOwners(undefined, {
        github: app(),
        subject: {
          ...entity,
          metadata: {
            name: 'api',
            annotations: { 'github.com/project-slug': 'other/api' },
          },
        },
      });
      expect(facts.facts['zeroTrust.codeOwners']).toBe('unknown');
      expect(facts.unknown!['zeroTrust.codeOwners']).toBe(
        'no GitHub App of integrations.github is installed for other on github.com: install it there, or add a token: branch protection of other/api not checked',
      );
      expect(authorizations).toEqual([]);
    });
  });

  it('is unknown with credentials but no github.com/project-slug, naming the annotation', async () => {
    const { facts } = await collectCodeOwners(TOKEN, {
      subject: { ...entity, metadata: { name: 'api' } },
    });
    expect(facts.facts['zeroTrust.codeOwners']).toBe('unknown');
    expect(facts.unknown!['zeroTrust.codeOwners']).toBe(
      'no github.com/project-slug annotation (owner/repo): branch protection not checked',
    );
  });

  it('is unknown when the repository is not found (404)', async () => {
    server.use(
      http.get(API, () =>
        HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
    );
    const { facts, serialized } = await collectCodeOwners(TOKEN);
    expect(facts.facts['zeroTrust.codeOwners']).toBe('unknown');
    expect(facts.unknown!['zeroTrust.codeOwners']).toBe(
      'acme/api not found or not visible to the token: branch protection not checked',
    );
    expect(serialized).not.toContain(TOKEN);
  });

  it('is unknown when the token cannot read branch protection (403)', async () => {
    server.use(
      repoFound(),
      http.get(`${API}/branches/trunk/protection`, () =>
        HttpResponse.json(
          { message: 'Resource not accessible by integration' },
          { status: 403 },
        ),
      ),
    );
    const { facts, serialized } = await collectCodeOwners(TOKEN);
    expect(facts.facts['zeroTrust.codeOwners']).toBe('unknown');
    expect(serialized).not.toContain(TOKEN);
  });

  it('is unknown without a token, and makes no request', async () => {
    const { facts } = await collectCodeOwners(undefined);
    expect(facts.facts['zeroTrust.codeOwners']).toBe('unknown');
    expect(facts.unknown!['zeroTrust.codeOwners']).toBe(NO_GITHUB_TOKEN_REASON);
    expect(authorizations).toEqual([]);
  });
});

describe('createZeroTrustFactCollector', () => {
  it('declares score, grade, critical failures and one fact per control', () => {
    const collector = createZeroTrustFactCollector();
    expect(collector).toMatchObject({ id: 'zeroTrust', version: 1 });
    const names = collector.facts.map(f => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'zeroTrust.score',
        'zeroTrust.grade',
        'zeroTrust.criticalFailures',
        'zeroTrust.mtlsStrict',
        'zeroTrust.ciNoDangerousTrigger',
        'zeroTrust.codeOwners',
      ]),
    );
    expect(names).toHaveLength(24);
  });

  it('reports unknown when there is no source tree', async () => {
    const facts = await createZeroTrustFactCollector().collect({
      entity,
      sourceTreeError: 'no backstage.io/source-location',
    });
    expect(facts).toMatchObject({
      collector: 'zeroTrust',
      status: 'unknown',
      reason: 'no backstage.io/source-location',
      facts: {},
    });
  });

  it('produces every fact with evidence', async () => {
    const facts = await createZeroTrustFactCollector().collect({
      entity,
      sourceTree: treeOf({
        'k8s/secret.yaml':
          'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: aHVudGVyMg==\n',
      }),
    });
    expect(facts.status).toBe('ok');
    expect(facts.facts['zeroTrust.noPlaintextSecrets']).toBe('fail');
    expect(facts.facts['zeroTrust.criticalFailures']).toBe(1);
    expect(facts.facts['zeroTrust.grade']).toBe('F');
    expect(facts.evidence!['zeroTrust.noPlaintextSecrets']).toEqual(
      expect.arrayContaining([
        {
          path: 'k8s/secret.yaml',
          line: 5,
          note: 'Secret db has plaintext data',
        },
      ]),
    );
    expect(facts.facts['zeroTrust.runAsNonRoot']).toBe('not-applicable');
  });
});
