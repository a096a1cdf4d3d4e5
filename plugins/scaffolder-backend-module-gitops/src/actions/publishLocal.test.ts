import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { createPublishLocalAction } from './publishLocal';

describe('publish:local', () => {
  const root = createMockDirectory();
  let workspace: string;
  let repos: string;

  beforeEach(async () => {
    root.clear();
    root.setContent({
      workspace: {
        'catalog-info.yaml':
          'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: course-reviews\nspec:\n  type: service\n',
        src: { 'index.ts': 'export {};\n' },
      },
      repos: {},
    });
    workspace = root.resolve('workspace');
    repos = root.resolve('repos');
  });

  const action = () =>
    createPublishLocalAction({
      config: mockServices.rootConfig({
        data: { scaffolder: { localPublish: { directory: repos } } },
      }),
    });

  it('commits the workspace into a new repository and outputs registerable URLs', async () => {
    const ctx = createMockActionContext({
      input: { name: 'course-reviews' },
      workspacePath: workspace,
    });
    await action().handler(ctx);

    const dir = join(repos, 'course-reviews');
    const log = await git.log({ fs, dir });
    expect(log).toHaveLength(1);
    const files = await git.listFiles({ fs, dir, ref: 'HEAD' });
    expect(files.sort()).toEqual(['catalog-info.yaml', 'src/index.ts']);
    expect(ctx.output).toHaveBeenCalledWith('commitHash', log[0].oid);
    expect(ctx.output).toHaveBeenCalledWith(
      'catalogInfoUrl',
      `${pathToFileURL(dir)}/catalog-info.yaml`,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/course-reviews',
    );
  });

  it('creates nothing in a dry run', async () => {
    const ctx = {
      ...createMockActionContext({
        input: { name: 'course-reviews' },
        workspacePath: workspace,
      }),
      isDryRun: true,
    };
    await action().handler(ctx);
    expect(await fs.readdir(repos)).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith(
      'localPath',
      join(repos, 'course-reviews'),
    );
  });

  it('refuses to overwrite an existing repository', async () => {
    await fs.mkdir(join(repos, 'taken'));
    const ctx = createMockActionContext({
      input: { name: 'taken' },
      workspacePath: workspace,
    });
    await expect(action().handler(ctx)).rejects.toThrow(/already exists/);
  });

  it('rejects a name that could leave the directory ("../escape")', async () => {
    const ctx = createMockActionContext({
      input: { name: '../escape' },
      workspacePath: workspace,
    });
    await expect(action().handler(ctx)).rejects.toThrow(/name "..\/escape"/);
  });

  describe('catalogInfoPath outside the workspace', () => {
    beforeEach(() => {
      root.addContent({
        secret: {
          'catalog-info.yaml':
            'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: stolen\n',
        },
      });
    });

    /** Runs the action; what it threw, output and created. */
    const run = async (catalogInfoPath: string) => {
      const ctx = createMockActionContext({
        input: { name: 'course-reviews', catalogInfoPath },
        workspacePath: workspace,
      });
      const error = await action()
        .handler(ctx)
        .catch(e => e);
      return {
        error,
        outputs: (ctx.output as jest.Mock).mock.calls.length,
        created: await fs.readdir(repos),
      };
    };
    const refused = (catalogInfoPath: string) => ({
      error: new InputError(
        `catalogInfoPath ${JSON.stringify(
          catalogInfoPath,
        )} must be a file inside the published directory`,
      ),
      outputs: 0,
      created: [],
    });

    it.each([
      ['"../secret/catalog-info.yaml"', () => '../secret/catalog-info.yaml'],
      [
        '"/../secret/catalog-info.yaml" (a root-relative ../)',
        () => '/../secret/catalog-info.yaml',
      ],
      [
        '"//<host path>/secret/catalog-info.yaml" (an absolute path)',
        () => `/${root.resolve('secret/catalog-info.yaml')}`,
      ],
      [
        '"src/../../secret/catalog-info.yaml"',
        () => 'src/../../secret/catalog-info.yaml',
      ],
    ])(
      'rejects catalogInfoPath %s with an InputError naming it, without reading it',
      async (_what, path) => {
        const result = await run(path());
        expect(result).toEqual(refused(path()));
        expect(result.error).toBeInstanceOf(InputError);
      },
    );

    it('rejects catalogInfoPath "linked.yaml", a symlink out of the workspace', async () => {
      await fs.symlink(
        root.resolve('secret/catalog-info.yaml'),
        join(workspace, 'linked.yaml'),
      );
      expect(await run('linked.yaml')).toEqual(refused('linked.yaml'));
    });

    it('accepts catalogInfoPath "/catalog-info.yaml" and "catalog-info.yaml" as the repository root file', async () => {
      for (const catalogInfoPath of [
        '/catalog-info.yaml',
        'catalog-info.yaml',
      ]) {
        const ctx = {
          ...createMockActionContext({
            input: { name: 'course-reviews', catalogInfoPath },
            workspacePath: workspace,
          }),
          isDryRun: true,
        };
        await action().handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith(
          'entityRef',
          'component:default/course-reviews',
        );
      }
    });
  });

  it('says which key is missing when no directory is configured', async () => {
    const ctx = createMockActionContext({
      input: { name: 'x' },
      workspacePath: workspace,
    });
    const unconfigured = createPublishLocalAction({
      config: mockServices.rootConfig({ data: {} }),
    });
    await expect(unconfigured.handler(ctx)).rejects.toThrow(
      /scaffolder.localPublish.directory/,
    );
  });
});
