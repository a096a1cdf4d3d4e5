import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleGitops } from './module';

describe('scaffolderModuleGitops', () => {
  it('registers the GitOps actions', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleGitops,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    const ids = addActions.mock.calls.flat().map((a: { id: string }) => a.id);
    expect(ids.sort()).toEqual([
      'gitops:annotate-extraction',
      'gitops:check-capability',
      'gitops:fetch-entity-source',
      'gitops:open-pr',
      'gitops:plan-adoption',
      'gitops:plan-fix',
      'gitops:plan-upgrade',
      'gitops:render-template',
      'gitops:validate-manifests',
      'gitops:wait-for-entity',
      'gitops:write-template-record',
      'publish:local',
    ]);
    for (const action of addActions.mock.calls.flat()) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples.length).toBeGreaterThan(0);
    }
  });
});

describe('scaffolderModuleGitops and scaffolder.localPublish.demoHistory', () => {
  const root = createMockDirectory();
  beforeEach(() => root.clear());

  async function start(demoHistory: string) {
    const logger = mockServices.logger.mock();
    await startTestBackend({
      extensionPoints: [
        [scaffolderActionsExtensionPoint, { addActions: jest.fn() }],
      ],
      features: [
        scaffolderModuleGitops,
        catalogServiceMock.factory(),
        logger.factory,
        mockServices.rootConfig.factory({
          data: {
            scaffolder: {
              localPublish: {
                directory: join(root.path, 'repos'),
                gitopsRepository: 'gitops',
                demoHistory,
              },
            },
          },
        }),
      ],
    });
    return logger;
  }

  it('runs the configured script into the new GitOps repository before its first commit', async () => {
    // A stand-in for examples/gitops-history/generate.mjs: one dated commit.
    root.addContent({
      'history.mjs': `
        import fs from 'node:fs';
        import git from '${
          pathToFileURL(require.resolve('isomorphic-git')).href
        }';
        const dir = process.argv[2];
        fs.mkdirSync(dir + '/apps/shop/production', { recursive: true });
        fs.writeFileSync(dir + '/apps/shop/production/deployment.yaml', 'image: shop:1\\n');
        await git.add({ fs, dir, filepath: 'apps/shop/production/deployment.yaml' });
        const who = { name: 'CI', email: 'ci@example.com', timestamp: 1760000000, timezoneOffset: 0 };
        await git.commit({ fs, dir, message: 'Deploy shop 1 to production', author: who, committer: who });
      `,
    });
    const logger = await start(join(root.path, 'history.mjs'));
    const dir = join(root.path, 'repos', 'gitops');
    const log = await git.log({ fs, dir, ref: 'main' });
    expect(log.map(e => e.commit.message.trim())).toEqual([
      'Start the local GitOps repository',
      'Deploy shop 1 to production',
    ]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('with the demo history of'),
    );
  });

  it('a failing history script is logged, naming the key, and the repository is still created, empty', async () => {
    root.addContent({ 'broken.mjs': 'process.exit(2)' });
    const logger = await start(join(root.path, 'broken.mjs'));
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /scaffolder\.localPublish\.demoHistory: .*broken\.mjs/,
      ),
    );
    const dir = join(root.path, 'repos', 'gitops');
    expect(await git.log({ fs, dir, ref: 'main' })).toHaveLength(1);
  });
});
