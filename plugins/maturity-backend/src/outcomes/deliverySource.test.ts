import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { githubClientsFromConfig } from '@cloud-native-portal/plugin-maturity-node';
import { setupServer } from 'msw/node';
import { readOutcomesConfig } from './config';
import { createDeliveryFactCollector } from './deliveryCollector';
import { deliveryCollectorOptions } from './deliverySourceConfig';
import { recordingLogger, testGithubClients } from './githubTestUtils';
import { TestGitopsRepository } from './testGitopsRepository';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 24 * 3_600_000;
const daysAgo = (days: number) => new Date(NOW - days * DAY);
const ARGO = 'https://argocd.example.com';

function component(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

// The test builds a real git repository.
jest.setTimeout(60_000);

describe('the order of delivery sources per entity', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  let repo: TestGitopsRepository;
  beforeEach(async () => {
    repo = await TestGitopsRepository.create();
    await repo.commit({
      message: 'Deploy payments',
      files: { 'apps/payments/production/deployment.yaml': 'image: p:1' },
      authoredAt: daysAgo(2),
    });
  });
  afterEach(() => repo.remove());

  function collector() {
    const config = new ConfigReader({
      maturity: { outcomes: { argocd: { baseUrl: ARGO, token: 't' } } },
      integrations: { github: [{ host: 'github.com', token: 'x' }] },
    });
    const outcomes = {
      ...readOutcomesConfig(config),
      gitopsRepository: repo.dir,
    };
    return createDeliveryFactCollector({
      ...deliveryCollectorOptions({
        outcomes,
        logger: recordingLogger(),
        github: testGithubClients().github,
      }),
      now: () => NOW,
    });
  }

  const argoApp = http.get(`${ARGO}/api/v1/applications/:name`, () =>
    HttpResponse.json({
      status: {
        history: [
          { id: 0, revision: 'v1.2.0', deployedAt: daysAgo(3).toISOString() },
        ],
      },
    }),
  );
  const deployments = http.get(
    'https://api.github.com/repos/acme/:repo/deployments',
    () => HttpResponse.json([]),
  );

  it('an app folder in the GitOps repository wins over its Argo CD and GitHub annotations', async () => {
    // No handler: asking Argo CD or GitHub would fail the test.
    const set = await collector().collect({
      entity: component('payments', {
        'argocd/app-name': 'payments',
        'github.com/project-slug': 'acme/payments',
      }),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(1);
    expect(
      set.evidence?.['delivery.productionDeploymentsPerWeek']?.[0].note,
    ).toContain(`in the GitOps repository ${repo.dir}`);
  });

  it('without an app folder, Argo CD comes before GitHub deployments', async () => {
    server.use(argoApp);
    const set = await collector().collect({
      entity: component('search', {
        'argocd/app-name': 'search',
        'github.com/project-slug': 'acme/search',
      }),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(1);
    expect(
      set.evidence?.['delivery.productionDeploymentsPerWeek']?.[0].note,
    ).toContain(`Argo CD application search at ${ARGO}`);
  });

  it('without an app folder or Argo CD annotation, GitHub deployments are asked', async () => {
    let asked = false;
    server.use(
      http.get('https://api.github.com/repos/acme/search/deployments', () => {
        asked = true;
        return HttpResponse.json([]);
      }),
      deployments,
      http.get(
        'https://api.github.com/repos/acme/search/actions/workflows',
        () => HttpResponse.json({ total_count: 0, workflows: [] }),
      ),
    );
    const set = await collector().collect({
      entity: component('search', { 'github.com/project-slug': 'acme/search' }),
    });
    expect(asked).toBe(true);
    expect(set.unknown?.['delivery.productionDeployments']).toContain(
      'acme/search, which has no GitHub deployments and no workflow matching /deploy|release/i',
    );
  });

  it('a GitHub integration without a token or GitHub App is not asked (60 requests an hour would stall cycles): unknown, naming what to set', async () => {
    const config = new ConfigReader({
      maturity: { outcomes: {} },
      integrations: { github: [{ host: 'github.com' }] },
    });
    const set = await createDeliveryFactCollector({
      ...deliveryCollectorOptions({
        outcomes: { ...readOutcomesConfig(config), gitopsRepository: repo.dir },
        logger: recordingLogger(),
        github: githubClientsFromConfig(config, recordingLogger()),
      }),
      now: () => NOW,
    }).collect({
      entity: component('checkout', {
        'github.com/project-slug': 'acme/checkout',
      }),
    });
    // msw fails any request it has no handler for: none was sent.
    expect(set.unknown?.['delivery.productionDeployments']).toContain(
      'configure integrations.github with a token or a GitHub App and annotate it with github.com/project-slug',
    );
  });

  it('an entity no source knows is unknown with every way to connect it', async () => {
    const set = await collector().collect({ entity: component('search') });
    expect(set.status).toBe('ok');
    expect(set.facts).toEqual({});
    expect(set.unknown?.['delivery.leadTimeHours']).toBe(
      `no deployment evidence of search: to connect it, add apps/search/<production environment>/ to the GitOps repository ${repo.dir} (branch main); or annotate it with argocd/app-name: <application> (Argo CD at ${ARGO}); or annotate it with github.com/project-slug: <owner>/<repo> (GitHub deployments to production, prod, or runs of a workflow matching /deploy|release/i)`,
    );
  });
});

describe('maturity.outcomes.gitops.github', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('reads the GitOps repository from GitHub with the integration token, and a missing branch is unknown naming the keys', async () => {
    const seen: Array<string | null> = [];
    server.use(
      http.get(
        'https://api.github.com/repos/acme/gitops/git/ref/:ref',
        ({ request }) => {
          seen.push(request.headers.get('authorization'));
          return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
        },
      ),
    );
    const config = new ConfigReader({
      maturity: {
        outcomes: { gitops: { github: 'https://github.com/acme/gitops' } },
      },
      integrations: {
        github: [{ host: 'github.com', token: 'ghp_configtoken' }],
      },
    });
    const logger = recordingLogger();
    const set = await createDeliveryFactCollector({
      ...deliveryCollectorOptions({
        outcomes: readOutcomesConfig(config),
        logger,
        github: githubClientsFromConfig(config, logger),
      }),
      now: () => NOW,
    }).collect({ entity: component('payments') });
    expect(seen).toEqual(['token ghp_configtoken']);
    expect(set.status).toBe('unknown');
    expect(set.reason).toMatch(
      /^The GitOps repository https:\/\/github.com\/acme\/gitops \(branch main\) could not be read \(.*Not Found.*\); set maturity.outcomes.gitops.github/,
    );
    expect(JSON.stringify(set)).not.toContain('ghp_configtoken');
    expect(logger.messages.join('\n')).not.toContain('ghp_configtoken');
    expect(logger.messages).toContain(
      'Delivery sources, in order: GitOps repository https://github.com/acme/gitops on GitHub, GitHub deployments on github.com',
    );
  });
});

describe('delivery source config', () => {
  const read = (outcomes: object) =>
    readOutcomesConfig(new ConfigReader({ maturity: { outcomes } }));

  it('rejects a gitops.github that is not an https repository URL, naming the key', () => {
    expect(() =>
      read({ gitops: { github: 'git@github.com:acme/gitops.git' } }),
    ).toThrow(/^Invalid config maturity\.outcomes\.gitops\.github: /);
    expect(() =>
      read({ gitops: { github: 'https://github.com/acme' } }),
    ).toThrow(/maturity\.outcomes\.gitops\.github: must be the https URL/);
  });

  it('rejects gitops.github together with gitops.localRepository', () => {
    expect(() =>
      read({
        gitops: {
          github: 'https://github.com/acme/gitops',
          localRepository: 'gitops',
        },
      }),
    ).toThrow(/set either localRepository or github, not both/);
  });

  it('rejects an argocd block without a baseUrl, and a deployWorkflow that is not a regular expression', () => {
    expect(() => read({ argocd: { token: 't' } })).toThrow(
      /maturity\.outcomes\.argocd\.baseUrl/,
    );
    expect(() => read({ github: { deployWorkflow: 'deploy(' } })).toThrow(
      /maturity\.outcomes\.github\.deployWorkflow: must be a regular expression/,
    );
  });

  it('gitops.github replaces the local default repository', () => {
    const outcomes = readOutcomesConfig(
      new ConfigReader({
        maturity: {
          outcomes: { gitops: { github: 'https://github.com/acme/gitops' } },
        },
        scaffolder: {
          localPublish: { directory: 'repos', gitopsRepository: 'gitops' },
        },
      }),
    );
    expect(outcomes.gitopsGithub).toBe('https://github.com/acme/gitops');
    expect(outcomes.gitopsRepository).toBeUndefined();
  });
});
