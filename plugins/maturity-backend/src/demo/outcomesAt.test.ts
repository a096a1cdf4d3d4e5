import { Entity } from '@backstage/catalog-model';
import { createDeliveryFactCollector } from '../outcomes/deliveryCollector';
import { TestGitopsRepository } from '../outcomes/testGitopsRepository';
import { outcomesAt } from './outcomesAt';

// The test builds a real git repository, commit by commit.
jest.setTimeout(60_000);

const DAY = 24 * 3_600_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * DAY);

const monolith: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'classroom-monolith' },
  spec: { type: 'monolith', owner: 'team-a', lifecycle: 'production' },
};

describe('outcomes as of a past date', () => {
  let repo: TestGitopsRepository;

  beforeEach(async () => {
    repo = await TestGitopsRepository.create();
    await repo.commit({
      message: 'Start the GitOps repository',
      files: { 'README.md': '# GitOps' },
      authoredAt: daysAgo(400),
    });
  });

  afterEach(() => repo.remove());

  it('counts only the deployments of the window that ended then: a quarterly release train half a year ago, weekly releases now', async () => {
    const deploy = (days: number) =>
      repo.commit({
        message: `Release ${days}`,
        files: {
          'apps/classroom-monolith/production/deployment.yaml': `image: ${days}`,
        },
        authoredAt: daysAgo(days),
      });
    // Releases on days 250 and 200, then weekly from day 84.
    await deploy(250);
    await deploy(200);
    for (let days = 84; days >= 0; days -= 7) await deploy(days);

    const metricsAt = outcomesAt({
      collectors: now => [
        createDeliveryFactCollector({
          repository: repo.dir,
          branch: 'main',
          productionEnvironments: ['production'],
          windowDays: 90,
          now,
        }),
      ],
      entity: async ref =>
        ref === 'component:default/classroom-monolith' ? monolith : undefined,
      tracked: [
        'delivery.productionDeploymentsPerWeek',
        'delivery.changeFailureRate',
      ],
    });

    // The present first: its history goes back 91 days only.
    const now = await metricsAt(
      'component:default/classroom-monolith',
      new Date(NOW),
    );
    const then = await metricsAt(
      'component:default/classroom-monolith',
      daysAgo(180),
    );
    // 2 in the 90 days up to day 180 (days 250 and 200), none of the later
    // ones; 13 in the last 90 days. Per week, to two decimals.
    expect(then['delivery.productionDeploymentsPerWeek']).toBe(0.16);
    expect(now['delivery.productionDeploymentsPerWeek']).toBe(1.01);
    // Only tracked facts are kept.
    expect(Object.keys(now).sort()).toEqual([
      'delivery.changeFailureRate',
      'delivery.productionDeploymentsPerWeek',
    ]);
    // Asked again as of the past date after the present one, which read a
    // shallower history: the same figure.
    expect(
      (await metricsAt('component:default/classroom-monolith', daysAgo(180)))[
        'delivery.productionDeploymentsPerWeek'
      ],
    ).toBe(0.16);
    // An entity the catalog no longer holds has none.
    expect(await metricsAt('component:default/gone', new Date(NOW))).toEqual(
      {},
    );
  });
});
