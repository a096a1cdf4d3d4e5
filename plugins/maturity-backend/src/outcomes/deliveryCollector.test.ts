import { Entity } from '@backstage/catalog-model';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import { join } from 'node:path';
import { createDeliveryFactCollector } from './deliveryCollector';
import { TestGitopsRepository } from './testGitopsRepository';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 24 * 3_600_000;
const daysAgo = (days: number, hours = 0) =>
  new Date(NOW - days * DAY + hours * 3_600_000);

function component(name: string, app?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      ...(app
        ? { annotations: { 'cloud-native-portal.io/gitops-app': app } }
        : {}),
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

function collector(dir: string, windowDays = 90) {
  return createDeliveryFactCollector({
    repository: dir,
    branch: 'main',
    productionEnvironments: ['production', 'prod'],
    windowDays,
    now: () => NOW,
  });
}

const notes = (set: FactSet, fact: string) =>
  (set.evidence?.[fact] ?? []).map(e => e.note).join('\n');

// The tests build real git repositories, commit by commit.
jest.setTimeout(60_000);

describe('delivery collector', () => {
  let repo: TestGitopsRepository;

  beforeEach(async () => {
    repo = await TestGitopsRepository.create();
    await repo.commit({
      message: 'Start the GitOps repository',
      files: { 'README.md': '# GitOps' },
      authoredAt: daysAgo(200),
    });
  });

  afterEach(() => repo.remove());

  async function deploy(
    app: string,
    at: Date,
    options: { env?: string; message?: string; authoredAt?: Date } = {},
  ) {
    return repo.commit({
      message: options.message ?? `Deploy ${app} ${at.toISOString()}`,
      files: {
        [`apps/${app}/${
          options.env ?? 'production'
        }/deployment.yaml`]: `image: ${app}:${at.getTime()}`,
      },
      authoredAt: options.authoredAt ?? at,
      committedAt: at,
    });
  }

  it('weekly and daily deployers get different frequencies', async () => {
    for (let day = 84; day >= 0; day--) {
      await deploy('daily', daysAgo(day));
      if (day % 7 === 0) await deploy('weekly', daysAgo(day, -1));
    }
    const c = collector(repo.dir);
    const weekly = await c.collect({ entity: component('weekly') });
    const daily = await c.collect({ entity: component('daily') });
    expect(weekly.facts['delivery.productionDeployments']).toBe(13);
    expect(daily.facts['delivery.productionDeployments']).toBe(85);
    expect(weekly.facts['delivery.productionDeploymentsPerWeek']).toBe(1.01);
    expect(daily.facts['delivery.productionDeploymentsPerWeek']).toBe(6.61);
    expect(weekly.facts['delivery.changeFailureRate']).toBe(0);
  });

  it('a staging change is not a production deployment', async () => {
    await deploy('payments', daysAgo(3), { env: 'staging' });
    await deploy('payments', daysAgo(2), { env: 'prod' });
    const set = await collector(repo.dir).collect({
      entity: component('payments'),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(1);
  });

  it('a revert ("This reverts commit <sha>.") counts a failed change', async () => {
    // The reverted change is not the latest one: the revert names it.
    const bad = await deploy('payments', daysAgo(10), {
      message: 'Deploy payments 2.0',
    });
    await deploy('payments', daysAgo(5));
    await repo.commit({
      message: `Revert "Deploy payments 2.0"\n\nThis reverts commit ${bad}.\n`,
      files: { 'apps/payments/production/deployment.yaml': 'image: 1.0' },
      authoredAt: daysAgo(4),
    });
    const set = await collector(repo.dir).collect({
      entity: component('payments'),
    });
    // Three deployments, two changes (the revert is not a change), one failed.
    expect(set.facts['delivery.productionDeployments']).toBe(3);
    expect(set.facts['delivery.changeFailureRate']).toBe(0.5);
    expect(notes(set, 'delivery.changeFailureRate')).toContain(
      `${bad.slice(0, 7)} "Deploy payments 2.0" rolled back by`,
    );
  });

  it('a Rollback-Of: trailer with an abbreviated sha counts a failed change', async () => {
    const bad = await deploy('orders', daysAgo(6));
    await deploy('orders', daysAgo(5));
    await repo.commit({
      message: `Pin orders to the previous image\n\nRollback-Of: ${bad.slice(
        0,
        10,
      )}\n`,
      files: { 'apps/orders/production/deployment.yaml': 'image: old' },
      authoredAt: daysAgo(4),
    });
    const set = await collector(repo.dir).collect({
      entity: component('orders'),
    });
    expect(set.facts['delivery.changeFailureRate']).toBe(0.5);
    expect(notes(set, 'delivery.changeFailureRate')).toContain(bad.slice(0, 7));
  });

  it('a "Rollback" subject rolls back the previous production deployment of the same app only', async () => {
    await deploy('orders', daysAgo(8));
    const shared = await repo.commit({
      message: 'Deploy orders and billing',
      files: {
        'apps/orders/production/deployment.yaml': 'image: 3',
        'apps/billing/production/deployment.yaml': 'image: 3',
      },
      authoredAt: daysAgo(7),
    });
    await repo.commit({
      message: 'rollback orders',
      files: { 'apps/orders/production/deployment.yaml': 'image: 2' },
      authoredAt: daysAgo(6),
    });
    const c = collector(repo.dir);
    const orders = await c.collect({ entity: component('orders') });
    const billing = await c.collect({ entity: component('billing') });
    expect(orders.facts['delivery.changeFailureRate']).toBe(0.5);
    expect(notes(orders, 'delivery.changeFailureRate')).toContain(
      shared.slice(0, 7),
    );
    expect(billing.facts['delivery.changeFailureRate']).toBe(0);
  });

  it('a merge commit counts once, when it reaches main', async () => {
    const base = await deploy('catalog', daysAgo(20));
    await repo.commit({
      branch: 'feature',
      parents: [base],
      message: 'Bump catalog to 1.4',
      files: { 'apps/catalog/production/deployment.yaml': 'image: 1.4' },
      authoredAt: daysAgo(3),
    });
    const feature = (await repo.head('feature'))!;
    const other = await repo.commit({
      message: 'Document the repository',
      files: { 'docs/README.md': 'docs' },
      authoredAt: daysAgo(2),
    });
    await repo.commit({
      parents: [other, feature],
      message: "Merge branch 'feature'",
      files: { 'apps/catalog/production/deployment.yaml': 'image: 1.4' },
      authoredAt: daysAgo(3),
      committedAt: daysAgo(1),
    });
    const set = await collector(repo.dir).collect({
      entity: component('catalog'),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(2);
    // Lead time of the merge: authored 3 days ago, merged 1 day ago.
    expect(notes(set, 'delivery.leadTimeHours')).toContain(
      `"Merge branch 'feature'": 48 h from author date`,
    );
  });

  it('force-pushed history: commits no longer on the branch do not count', async () => {
    const kept = await deploy('search', daysAgo(30));
    await deploy('search', daysAgo(20), { message: 'Dropped deploy 1' });
    await deploy('search', daysAgo(19), { message: 'Dropped deploy 2' });
    await repo.reset('main', kept);
    await deploy('search', daysAgo(10), { message: 'Deploy after the reset' });
    const set = await collector(repo.dir).collect({
      entity: component('search'),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(2);
    expect(notes(set, 'delivery.productionDeployments')).not.toContain(
      'Dropped deploy',
    );
  });

  it('a commit dated in the future is ignored and noted', async () => {
    await deploy('cart', daysAgo(2));
    await deploy('cart', new Date(NOW + 3 * DAY), {
      message: 'Deploy cart from a skewed clock',
    });
    const set = await collector(repo.dir).collect({
      entity: component('cart'),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(1);
    expect(notes(set, 'delivery.productionDeployments')).toMatch(
      /ignored: \w{7} "Deploy cart from a skewed clock" is dated in the future/,
    );
  });

  it('lead time runs from the author date, or from a Source-Commit-Date trailer', async () => {
    await deploy('pricing', daysAgo(5), { authoredAt: daysAgo(5, -2) });
    await repo.commit({
      message:
        'Bump pricing image to 2.1\n\nSource-Commit-Date: 2026-11-27T00:00:00Z\n',
      files: { 'apps/pricing/production/deployment.yaml': 'image: 2.1' },
      authoredAt: daysAgo(4),
      committedAt: daysAgo(4),
    });
    await deploy('pricing', daysAgo(3), { authoredAt: daysAgo(3, -4) });
    const set = await collector(repo.dir).collect({
      entity: component('pricing'),
    });
    // 2 h, 12 h (2026-11-27T00:00 to 2026-11-27T12:00), 4 h: median 4 h.
    expect(set.facts['delivery.leadTimeHours']).toBe(4);
    expect(notes(set, 'delivery.leadTimeHours')).toContain(
      '"Bump pricing image to 2.1": 12 h from Source-Commit-Date',
    );
  });

  it("a revert's own lead time is not a change's lead time", async () => {
    await deploy('pricing', daysAgo(6), { authoredAt: daysAgo(6, -2) });
    const bad = await deploy('pricing', daysAgo(5), {
      authoredAt: daysAgo(5, -4),
    });
    await repo.commit({
      message: `Revert "Deploy pricing"\n\nThis reverts commit ${bad}.\n`,
      files: { 'apps/pricing/production/deployment.yaml': 'image: old' },
      authoredAt: daysAgo(9),
      committedAt: daysAgo(4),
    });
    const set = await collector(repo.dir).collect({
      entity: component('pricing'),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(3);
    // The changes took 2 h and 4 h; the revert (120 h) is not a change.
    expect(set.facts['delivery.leadTimeHours']).toBe(3);
  });

  it('the gitops-app annotation maps an entity to another app folder', async () => {
    await deploy('legacy-shop', daysAgo(1));
    const set = await collector(repo.dir).collect({
      entity: component('shop', 'legacy-shop'),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(1);
  });

  it('no deployment of the app is unknown with the reason, not a failure', async () => {
    await deploy('payments', daysAgo(1));
    await deploy('ancient', daysAgo(150));
    const c = collector(repo.dir);
    const ancient = await c.collect({ entity: component('ancient') });
    expect(ancient.status).toBe('ok');
    expect(ancient.facts).toEqual({});
    expect(ancient.unknown?.['delivery.productionDeploymentsPerWeek']).toBe(
      `no deployment of ancient to production (production, prod) in the GitOps repository ${repo.dir} (branch main) in the last 90 days`,
    );
    expect(Object.keys(ancient.unknown ?? {})).toHaveLength(4);
  });

  it('an app without a folder in the GitOps repository is unknown with how to connect it', async () => {
    await deploy('payments', daysAgo(1));
    const set = await collector(repo.dir).collect({
      entity: component('unknown-app'),
    });
    expect(set.status).toBe('ok');
    expect(set.facts).toEqual({});
    expect(set.unknown?.['delivery.productionDeploymentsPerWeek']).toBe(
      `no deployment evidence of unknown-app: to connect it, add apps/unknown-app/<production environment>/ to the GitOps repository ${repo.dir} (branch main)`,
    );
    expect(Object.keys(set.unknown ?? {})).toHaveLength(4);
  });

  it('a missing repository is unknown with the config key, never a crash', async () => {
    const set = await collector(join(repo.dir, 'missing')).collect({
      entity: component('payments'),
    });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('maturity.outcomes.gitops.localRepository');
  });

  it('a missing branch is unknown with the config key', async () => {
    const set = await createDeliveryFactCollector({
      repository: repo.dir,
      branch: 'release',
      productionEnvironments: ['production'],
      windowDays: 90,
      now: () => NOW,
    }).collect({ entity: component('payments') });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('maturity.outcomes.gitops.branch');
  });

  it('no repository configured is unknown with how to configure it', async () => {
    const set = await createDeliveryFactCollector({
      branch: 'main',
      productionEnvironments: ['production'],
      windowDays: 90,
    }).collect({ entity: component('payments') });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('maturity.outcomes.gitops.localRepository');
  });

  it('a new commit on the branch is seen by the next collect (cache by head)', async () => {
    await deploy('payments', daysAgo(2));
    const c = collector(repo.dir);
    const before = await c.collect({ entity: component('payments') });
    const again = await c.collect({ entity: component('payments') });
    expect(again.facts).toEqual(before.facts);
    await deploy('payments', daysAgo(1));
    const after = await c.collect({ entity: component('payments') });
    expect(before.facts['delivery.productionDeployments']).toBe(1);
    expect(after.facts['delivery.productionDeployments']).toBe(2);
  });
});
