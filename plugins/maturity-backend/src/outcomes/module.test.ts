import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  FactCollector,
  createRepoFactCollector,
} from '@cloud-native-portal/plugin-maturity-node';
import { maturityCollectorsRecorder } from '@cloud-native-portal/plugin-maturity-node/testUtils';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { loadMaturityModel } from '../engine/loadModel';
import { readOutcomesConfig } from './config';
import { createDeliveryFactCollector } from './deliveryCollector';
import { createIncidentsFactCollector } from './incidentsCollector';
import { maturityModuleDeliveryOutcomes } from './module';
import { TestGitopsRepository } from './testGitopsRepository';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

async function start(data: object): Promise<FactCollector[]> {
  const maturity = maturityCollectorsRecorder();
  await startTestBackend({
    features: [
      maturity.plugin,
      maturityModuleDeliveryOutcomes,
      mockServices.rootConfig.factory({ data }),
    ],
  });
  return maturity.collectors;
}

// The tests build real git repositories, commit by commit.
jest.setTimeout(60_000);

describe('maturityModuleDeliveryOutcomes', () => {
  it('without maturity.outcomes, installs both collectors, which answer unknown naming the config keys', async () => {
    const added = await start({});
    expect(added.map(c => c.id)).toEqual(['delivery', 'incidents']);
    const [delivery, incidents] = await Promise.all(
      added.map(c => c.collect({ entity })),
    );
    expect(delivery.status).toBe('unknown');
    expect(delivery.reason).toContain(
      'maturity.outcomes.gitops.localRepository',
    );
    expect(incidents.status).toBe('unknown');
    expect(incidents.reason).toContain('maturity.outcomes.incidents.file');
  });

  it('reads the GitOps repository at scaffolder.localPublish by default and an incident file', async () => {
    const repo = await TestGitopsRepository.create();
    try {
      const when = new Date(Date.now() - 86_400_000);
      await repo.commit({
        message: 'Deploy payments',
        files: { 'apps/payments/production/kustomization.yaml': 'x' },
        authoredAt: when,
      });
      const file = join(repo.dir, 'incidents.csv');
      await fs.writeFile(
        file,
        `id,service,openedAt,resolvedAt\nINC-1,payments,${when.toISOString()},${new Date(
          when.getTime() + 1_800_000,
        ).toISOString()}\n`,
      );
      const added = await start({
        scaffolder: {
          localPublish: {
            directory: join(repo.dir, '..'),
            gitopsRepository: repo.dir.split('/').pop(),
          },
        },
        maturity: { outcomes: { incidents: { file } } },
      });
      const [delivery, incidents] = await Promise.all(
        added.map(c => c.collect({ entity })),
      );
      expect(delivery.facts['delivery.productionDeployments']).toBe(1);
      expect(incidents.facts['incidents.timeToRestoreHours']).toBe(0.5);
    } finally {
      await repo.remove();
    }
  });
});

describe('readOutcomesConfig', () => {
  it.each([
    [{ windowDays: 0 }, 'maturity.outcomes.windowDays'],
    [{ windowDays: 'ninety' }, 'maturity.outcomes.windowDays'],
    [
      { productionEnvironments: [] },
      'maturity.outcomes.productionEnvironments',
    ],
    [
      { productionEnvironments: ['prod/eu'] },
      'maturity.outcomes.productionEnvironments.0',
    ],
    [{ gitops: { branch: 'main branch' } }, 'maturity.outcomes.gitops.branch'],
    [{ gitops: { repo: 'x' } }, 'maturity.outcomes.gitops'],
    [{ incidents: { url: 'not a url' } }, 'maturity.outcomes.incidents.url'],
    [
      { incidents: { file: 'a.csv', url: 'https://example.com/a.csv' } },
      'maturity.outcomes.incidents',
    ],
  ])('a bad value %j is rejected naming %s', (outcomes, key) => {
    expect(() =>
      readOutcomesConfig(new ConfigReader({ maturity: { outcomes } })),
    ).toThrow(`Invalid config ${key}:`);
  });

  it('relative paths resolve from the working directory, with the defaults', () => {
    expect(
      readOutcomesConfig(
        new ConfigReader({
          maturity: {
            outcomes: {
              gitops: { localRepository: 'data/gitops' },
              incidents: { file: 'examples/incidents.json' },
            },
          },
        }),
        '/srv/backend',
      ),
    ).toEqual({
      configured: true,
      gitopsRepository: '/srv/backend/data/gitops',
      branch: 'main',
      productionEnvironments: ['production', 'prod'],
      windowDays: 90,
      incidents: { file: '/srv/backend/examples/incidents.json' },
    });
  });
});

describe('the default model with the outcome collectors', () => {
  it('accepts their fact declarations for its delivery and time-to-restore checks', () => {
    const collectors = [
      createRepoFactCollector(),
      createDeliveryFactCollector({
        branch: 'main',
        productionEnvironments: ['production'],
        windowDays: 90,
      }),
      createIncidentsFactCollector({ windowDays: 90 }),
    ];
    const model = loadMaturityModel(new ConfigReader({}), collectors);
    const facts = JSON.stringify(model.checks.map(c => c.rule));
    expect(facts).toContain('delivery.productionDeploymentsPerWeek');
    expect(facts).toContain('incidents.timeToRestoreHours');
  });
});
