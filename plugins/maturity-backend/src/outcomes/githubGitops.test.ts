import { Entity } from '@backstage/catalog-model';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createDeliveryFactCollector } from './deliveryCollector';
import { githubGitopsReader } from './githubGitops';
import {
  closedPort,
  linkHeader,
  sha,
  TEST_TOKEN,
  testGithubClients,
} from './githubTestUtils';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 24 * 3_600_000;
const daysAgo = (days: number) => new Date(NOW - days * DAY).toISOString();
const API = 'https://api.github.com/repos/acme/gitops';
const URL_ = 'https://github.com/acme/gitops';

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const notes = (set: FactSet, fact: string) =>
  (set.evidence?.[fact] ?? []).map(e => e.note).join('\n');

/** A commit as GET /repos/{owner}/{repo}/commits lists it. */
interface TestCommit {
  sha: string;
  message: string;
  date: string;
  authorDate?: string;
  parents: string[];
  /** Paths changed against its first parent. */
  files: string[];
}

/** A recorded GitHub: branch ref, paginated commit list, compare, contents. */
class FakeGithub {
  commits = new Map<string, TestCommit>();
  head = '';
  apps = ['payments', 'orders'];
  requests: string[] = [];
  /** Served before the real answer of the commit list, once each. */
  commitListFailures: Array<() => Response> = [];

  add(commit: TestCommit) {
    this.commits.set(commit.sha, commit);
    return commit.sha;
  }

  /** Every commit reachable from the head, newest first (like git log). */
  reachable(since: number): TestCommit[] {
    const seen = new Set<string>();
    const out: TestCommit[] = [];
    const queue = [this.head];
    while (queue.length) {
      const c = this.commits.get(queue.shift()!);
      if (!c || seen.has(c.sha)) continue;
      seen.add(c.sha);
      if (Date.parse(c.date) >= since) out.push(c);
      queue.push(...c.parents);
    }
    return out.sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
  }

  handlers() {
    const listed = (c: TestCommit) => ({
      sha: c.sha,
      commit: {
        message: c.message,
        author: {
          name: 'A',
          email: 'a@example.com',
          date: c.authorDate ?? c.date,
        },
        committer: { name: 'A', email: 'a@example.com', date: c.date },
        tree: { sha: sha(`tree-${c.sha}`) },
      },
      parents: c.parents.map(p => ({ sha: p })),
    });
    return [
      // Octokit sends the ref encoded: /git/ref/heads%2Fmain.
      http.get(`${API}/git/ref/:ref`, ({ request, params }) => {
        this.requests.push('ref');
        if (
          decodeURIComponent(String(params.ref)) !== 'heads/main' ||
          request.headers.get('authorization') !== `token ${TEST_TOKEN}`
        ) {
          return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
        }
        return HttpResponse.json({
          ref: 'refs/heads/main',
          object: { sha: this.head, type: 'commit' },
        });
      }),
      http.get(`${API}/contents/apps`, () => {
        this.requests.push('contents');
        return HttpResponse.json(
          this.apps.map(name => ({ type: 'dir', name, path: `apps/${name}` })),
        );
      }),
      http.get(`${API}/commits`, ({ request }) => {
        const failure = this.commitListFailures.shift();
        if (failure) return failure();
        const url = new URL(request.url);
        if (url.searchParams.get('sha') !== this.head) {
          return HttpResponse.json({ message: 'wrong sha' }, { status: 422 });
        }
        const since = Date.parse(url.searchParams.get('since')!);
        const page = Number(url.searchParams.get('page') ?? '1');
        this.requests.push(`commits page ${page}`);
        // Two a page, whatever per_page asks, to exercise the Link header.
        const all = this.reachable(since);
        const last = Math.max(1, Math.ceil(all.length / 2));
        return HttpResponse.json(
          all.slice((page - 1) * 2, page * 2).map(listed),
          { headers: { link: linkHeader(request.url, page, last) } },
        );
      }),
      http.get(`${API}/compare/:basehead`, ({ params }) => {
        const [base, head] = String(params.basehead).split('...');
        this.requests.push(`compare ${head}`);
        const c = this.commits.get(head)!;
        if (c.parents[0] !== base) {
          return HttpResponse.json(
            { message: 'not the first parent' },
            { status: 422 },
          );
        }
        return HttpResponse.json({
          status: 'ahead',
          files: c.files.map(filename => ({ filename, status: 'modified' })),
        });
      }),
    ];
  }
}

describe('the GitOps repository on GitHub', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  let fake: FakeGithub;
  let clock: number;
  beforeEach(() => {
    fake = new FakeGithub();
    clock = NOW;
    fake.add({
      sha: sha('c0'),
      message: 'Start the GitOps repository',
      date: daysAgo(200),
      parents: [],
      files: ['README.md'],
    });
  });

  function collector(github = testGithubClients().github) {
    return createDeliveryFactCollector({
      gitops: githubGitopsReader({
        url: URL_,
        branch: 'main',
        productionEnvironments: ['production'],
        github,
        now: () => clock,
      }),
      branch: 'main',
      productionEnvironments: ['production'],
      windowDays: 90,
      now: () => NOW,
    });
  }

  /** payments 1.0, staging, payments 2.0, a merged orders change, a revert of 2.0. */
  function history() {
    const c1 = fake.add({
      sha: sha('c1'),
      message: 'Deploy payments 1.0',
      date: daysAgo(10),
      parents: [sha('c0')],
      files: ['apps/payments/production/deployment.yaml'],
    });
    const c2 = fake.add({
      sha: sha('c2'),
      message: 'Deploy payments to staging',
      date: daysAgo(9),
      parents: [c1],
      files: ['apps/payments/staging/deployment.yaml'],
    });
    const c3 = fake.add({
      sha: sha('c3'),
      message: 'Deploy payments 2.0',
      date: daysAgo(8),
      parents: [c2],
      files: ['apps/payments/production/deployment.yaml'],
    });
    const f1 = fake.add({
      sha: sha('f1'),
      message: 'Bump orders on a branch',
      date: daysAgo(7),
      authorDate: daysAgo(7),
      parents: [c2],
      files: ['apps/orders/production/deployment.yaml'],
    });
    const m4 = fake.add({
      sha: sha('m4'),
      message: "Merge branch 'feature'",
      date: daysAgo(5),
      authorDate: daysAgo(7),
      parents: [c3, f1],
      files: ['apps/orders/production/deployment.yaml'],
    });
    const r5 = fake.add({
      sha: sha('r5'),
      message: `Revert "Deploy payments 2.0"\n\nThis reverts commit ${c3}.`,
      date: daysAgo(4),
      parents: [m4],
      files: ['apps/payments/production/deployment.yaml'],
    });
    fake.head = r5;
    return { c1, c3, f1, m4, r5 };
  }

  it('pages through the commit list by its Link header and counts first-parent production deployments and a revert', async () => {
    const { c3 } = history();
    server.use(...fake.handlers());
    const set = await collector().collect({ entity: component('payments') });
    expect(set.status).toBe('ok');
    expect(set.facts['delivery.productionDeployments']).toBe(3);
    expect(set.facts['delivery.changeFailureRate']).toBe(0.5);
    expect(notes(set, 'delivery.changeFailureRate')).toContain(
      `${c3.slice(0, 7)} "Deploy payments 2.0" rolled back by`,
    );
    expect(notes(set, 'delivery.productionDeploymentsPerWeek')).toContain(
      `in the GitOps repository ${URL_} (branch main)`,
    );
    // 6 commits in the window, two a page.
    expect(fake.requests.filter(r => r.startsWith('commits'))).toEqual([
      'commits page 1',
      'commits page 2',
      'commits page 3',
    ]);
    expect(JSON.stringify(set)).not.toContain(TEST_TOKEN);
  });

  it('a merge commit counts once, when it reaches main, and the merged branch commit does not', async () => {
    const { f1, m4 } = history();
    server.use(...fake.handlers());
    const set = await collector().collect({ entity: component('orders') });
    expect(set.facts['delivery.productionDeployments']).toBe(1);
    expect(notes(set, 'delivery.productionDeployments')).toContain(
      m4.slice(0, 7),
    );
    expect(notes(set, 'delivery.productionDeployments')).not.toContain(
      f1.slice(0, 7),
    );
    expect(notes(set, 'delivery.leadTimeHours')).toContain(
      `"Merge branch 'feature'": 48 h from author date`,
    );
    expect(fake.requests).not.toContain(`compare ${f1}`);
  });

  it('reads a head once: a second entity costs no request, a new head costs only its new commit', async () => {
    const { r5 } = history();
    server.use(...fake.handlers());
    const c = collector();
    await c.collect({ entity: component('payments') });
    const compares = () => fake.requests.filter(r => r.startsWith('compare'));
    expect(compares()).toHaveLength(5);
    const before = fake.requests.length;
    await c.collect({ entity: component('orders') });
    expect(fake.requests.length).toBe(before); // the head is fresh for 30 s
    fake.head = fake.add({
      sha: sha('c6'),
      message: 'Deploy payments 2.1',
      date: daysAgo(1),
      parents: [r5],
      files: ['apps/payments/production/deployment.yaml'],
    });
    clock += 60_000;
    const after = await c.collect({ entity: component('payments') });
    expect(after.facts['delivery.productionDeployments']).toBe(4);
    expect(compares()).toHaveLength(6);
    expect(compares()[5]).toBe(`compare ${sha('c6')}`);
  });

  it('force-pushed history: after the head changes, commits no longer reachable from it do not count', async () => {
    const c1 = fake.add({
      sha: sha('c1'),
      message: 'Deploy payments 1.0',
      date: daysAgo(10),
      parents: [sha('c0')],
      files: ['apps/payments/production/deployment.yaml'],
    });
    fake.head = fake.add({
      sha: sha('x2'),
      message: 'Dropped deploy',
      date: daysAgo(3),
      parents: [c1],
      files: ['apps/payments/production/deployment.yaml'],
    });
    server.use(...fake.handlers());
    const c = collector();
    const before = await c.collect({ entity: component('payments') });
    expect(notes(before, 'delivery.productionDeployments')).toContain(
      'Dropped deploy',
    );
    // Force-push: x2 is not an ancestor of the new head.
    fake.head = fake.add({
      sha: sha('y2'),
      message: 'Replacement deploy',
      date: daysAgo(2),
      parents: [c1],
      files: ['apps/payments/production/deployment.yaml'],
    });
    clock += 60_000;
    const after = await c.collect({ entity: component('payments') });
    expect(after.facts['delivery.productionDeployments']).toBe(2);
    expect(notes(after, 'delivery.productionDeployments')).not.toContain(
      'Dropped deploy',
    );
    expect(notes(after, 'delivery.productionDeployments')).toContain(
      'Replacement deploy',
    );
  });

  it('a commit dated in the future (clock skew) is ignored and noted', async () => {
    const c1 = fake.add({
      sha: sha('c1'),
      message: 'Deploy payments 1.0',
      date: daysAgo(10),
      parents: [sha('c0')],
      files: ['apps/payments/production/deployment.yaml'],
    });
    fake.head = fake.add({
      sha: sha('s2'),
      message: 'Deploy payments from a skewed clock',
      date: daysAgo(-3),
      parents: [c1],
      files: ['apps/payments/production/deployment.yaml'],
    });
    server.use(...fake.handlers());
    const set = await collector().collect({ entity: component('payments') });
    expect(set.facts['delivery.productionDeployments']).toBe(1);
    expect(notes(set, 'delivery.productionDeployments')).toMatch(
      /ignored: \w{7} "Deploy payments from a skewed clock" is dated in the future/,
    );
  });

  it('waits out a 429 for its Retry-After, then reads the history', async () => {
    history();
    fake.commitListFailures.push(() =>
      HttpResponse.json(
        { message: 'Too many requests' },
        { status: 429, headers: { 'retry-after': '7' } },
      ),
    );
    server.use(...fake.handlers());
    const { github, logger } = testGithubClients();
    const set = await collector(github).collect({
      entity: component('payments'),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(3);
    expect(logger.messages).toContain(
      "GitHub's secondary rate limit on GET /repos/acme/gitops/commits: retry 1 of 3 in 7 s",
    );
    expect(logger.messages.join('\n')).not.toContain(TEST_TOKEN);
  });

  it('waits out a secondary rate limit (403 with Retry-After), then reads the history', async () => {
    history();
    fake.commitListFailures.push(() =>
      HttpResponse.json(
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        },
        { status: 403, headers: { 'retry-after': '3' } },
      ),
    );
    server.use(...fake.handlers());
    const { github, logger } = testGithubClients();
    const set = await collector(github).collect({
      entity: component('payments'),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(3);
    expect(logger.messages).toContain(
      "GitHub's secondary rate limit on GET /repos/acme/gitops/commits: retry 1 of 3 in 3 s",
    );
  });

  it('an app without a folder at the head is not in the GitOps repository', async () => {
    history();
    fake.apps = ['payments'];
    server.use(...fake.handlers());
    const set = await collector().collect({ entity: component('orders') });
    expect(set.facts).toEqual({});
    expect(set.unknown?.['delivery.productionDeployments']).toBe(
      `no deployment evidence of orders: to connect it, add apps/orders/<production environment>/ to the GitOps repository ${URL_} (branch main)`,
    );
  });
});

describe('the GitOps repository on an unreachable GitHub', () => {
  it('is unknown with the reason and the config keys, never a crash, and never the token', async () => {
    const port = await closedPort();
    const { github } = testGithubClients(`http://127.0.0.1:${port}`);
    const set = await createDeliveryFactCollector({
      gitops: githubGitopsReader({
        url: URL_,
        branch: 'main',
        productionEnvironments: ['production'],
        github,
      }),
      branch: 'main',
      productionEnvironments: ['production'],
      windowDays: 90,
      now: () => NOW,
    }).collect({ entity: component('payments') });
    expect(set.status).toBe('unknown');
    expect(set.reason).toMatch(
      /^The GitOps repository https:\/\/github.com\/acme\/gitops \(branch main\) could not be read \(could not reach 127\.0\.0\.1:\d+: ECONNREFUSED\); set maturity.outcomes.gitops.github/,
    );
    expect(JSON.stringify(set)).not.toContain(TEST_TOKEN);
  });
});
