import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { promises as fs } from 'fs';
import { join } from 'path';
import { createFetchEntitySourceAction } from './fetchEntitySource';

describe('gitops:fetch-entity-source', () => {
  const root = createMockDirectory({
    content: {
      examples: {
        'entities.yaml': '# the catalog file',
        repos: {
          quiz: {
            Dockerfile: 'FROM python:3.12\n',
            '.github/workflows/ci.yml': 'name: ci\n',
          },
        },
      },
      published: {
        'grading-api': {
          'README.md': '# grading\n',
          'catalog-info.yaml': 'kind: Component\n',
          '.git': {},
        },
      },
      secret: { 'key.pem': 'not for you' },
    },
  });
  const workspace = createMockDirectory();
  const config = new ConfigReader({
    maturity: { allowedLocalRoots: [join(root.path, 'examples')] },
    scaffolder: {
      localPublish: { directory: join(root.path, 'published') },
    },
  });
  const component = (
    name: string,
    sourceLocation: string | undefined,
    managedBy = `file:${join(root.path, 'examples/entities.yaml')}`,
  ): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      description: ' Quizzes. ',
      annotations: {
        ...(sourceLocation
          ? { 'backstage.io/source-location': sourceLocation }
          : {}),
        'backstage.io/managed-by-location': managedBy,
        'github.com/project-slug': `brightpath/${name}`,
        'cloud-native-portal/tier': '1',
      },
    },
    spec: {
      type: 'service',
      owner: 'assessments-team',
      system: 'learning-platform',
      lifecycle: 'production',
    },
  });
  const catalog = catalogServiceMock({
    entities: [
      component('quiz-engine', 'dir:./repos/quiz/'),
      component(
        'grading-api',
        'dir:./',
        `file:${join(root.path, 'published/grading-api/catalog-info.yaml')}`,
      ),
      component('escaper', 'dir:../secret/'),
      component('unannotated', undefined),
    ],
  });
  const action = createFetchEntitySourceAction({
    catalog,
    config,
    urlReader: { readUrl: jest.fn(), readTree: jest.fn(), search: jest.fn() },
  });
  const run = (entityRef: string, targetPath = './repository') => {
    const ctx = createMockActionContext({
      input: { entityRef, targetPath },
      workspacePath: workspace.path,
    });
    return { ctx, done: action.handler(ctx) };
  };

  beforeEach(() => workspace.clear());

  it('copies a dir: source tree inside the allowed roots and outputs the catalog facts', async () => {
    const { ctx, done } = run('component:default/quiz-engine');
    await done;
    expect(
      await fs.readFile(join(workspace.path, 'repository/Dockerfile'), 'utf8'),
    ).toBe('FROM python:3.12\n');
    expect(ctx.output).toHaveBeenCalledWith('files', [
      '.github/workflows/ci.yml',
      'Dockerfile',
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'owner',
      'group:default/assessments-team',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'system',
      'system:default/learning-platform',
    );
    expect(ctx.output).toHaveBeenCalledWith('description', 'Quizzes.');
    expect(ctx.output).toHaveBeenCalledWith('tier', '1');
    expect(ctx.output).toHaveBeenCalledWith(
      'githubRepoUrl',
      'github.com?owner=brightpath&repo=quiz-engine',
    );
    // A plain folder is no local repository the portal can branch.
    expect(ctx.output).not.toHaveBeenCalledWith(
      'localRepository',
      expect.anything(),
    );
  });

  it('names the local repository when the source is a git repository under the publish directory', async () => {
    const { ctx, done } = run('grading-api');
    await done;
    expect(ctx.output).toHaveBeenCalledWith('localRepository', 'grading-api');
    expect(ctx.output).toHaveBeenCalledWith('files', [
      'catalog-info.yaml',
      'README.md',
    ]);
    // Its catalog file is part of the copy: a change to it can be proposed.
    expect(ctx.output).toHaveBeenCalledWith(
      'catalogFilePath',
      'catalog-info.yaml',
    );
  });

  it('names no catalogFilePath for an entity defined outside its repository (a shared examples/entities.yaml), only where it is', async () => {
    const { ctx, done } = run('component:default/quiz-engine');
    await done;
    expect(ctx.output).not.toHaveBeenCalledWith(
      'catalogFilePath',
      expect.anything(),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'catalogLocation',
      `file:${join(root.path, 'examples/entities.yaml')}`,
    );
  });

  it.each([
    [
      'an unknown entity',
      'component:default/nope',
      /No entity component:default\/nope/,
    ],
    ['a malformed entityRef', 'component:', /not an entity ref/],
    [
      'a source outside the allowed roots (dir:../secret/)',
      'escaper',
      /outside the allowed local roots/,
    ],
    [
      'an entity without a source location',
      'unannotated',
      /missing annotation backstage.io\/source-location/,
    ],
  ])('rejects %s', async (_what, ref, error) => {
    await expect(run(ref).done).rejects.toThrow(error);
    expect(await fs.readdir(workspace.path)).toEqual([]);
  });

  it('rejects requireGitHub for an entity without github.com/project-slug', async () => {
    const unslugged = createFetchEntitySourceAction({
      catalog: catalogServiceMock({
        entities: [
          {
            ...component('quiz-engine', 'dir:./repos/quiz/'),
            metadata: { name: 'quiz-engine', annotations: {} },
          },
        ],
      }),
      config,
      urlReader: { readUrl: jest.fn(), readTree: jest.fn(), search: jest.fn() },
    });
    const ctx = createMockActionContext({
      input: { entityRef: 'quiz-engine', requireGitHub: true },
      workspacePath: workspace.path,
    });
    await expect(unslugged.handler(ctx)).rejects.toThrow(
      /names no GitHub repository \(annotation github.com\/project-slug\)/,
    );
  });

  it('names every file it did not copy in skippedPaths and writes no stand-in for it (bad input: a binary, a symlink, a Latin-1 file, a 2 MB file)', async () => {
    const repo = join(root.path, 'examples/repos/mixed');
    await fs.mkdir(join(repo, 'assets'), { recursive: true });
    await fs.writeFile(join(repo, 'README.md'), '# mixed\n');
    await fs.writeFile(
      join(repo, 'assets/logo.png'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
    );
    await fs.writeFile(
      join(repo, 'NOTICE.txt'),
      Buffer.from('Caf\xe9 cr\xe8me\n', 'latin1'),
    );
    await fs.writeFile(join(repo, 'dump.sql'), 'x'.repeat(2 * 1024 * 1024));
    await fs.symlink('README.md', join(repo, 'README.link'));
    const mixed = createFetchEntitySourceAction({
      catalog: catalogServiceMock({
        entities: [component('mixed', 'dir:./repos/mixed/')],
      }),
      config,
      urlReader: { readUrl: jest.fn(), readTree: jest.fn(), search: jest.fn() },
    });
    const ctx = createMockActionContext({
      input: { entityRef: 'mixed', targetPath: './repository' },
      workspacePath: workspace.path,
    });
    await mixed.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('files', ['README.md']);
    expect(ctx.output).toHaveBeenCalledWith('skippedPaths', [
      'NOTICE.txt',
      'README.link',
      'assets/logo.png',
      'dump.sql',
    ]);
    expect(ctx.output).not.toHaveBeenCalledWith('truncated', true);
    expect(
      (await fs.readdir(join(workspace.path, 'repository'))).sort(),
    ).toEqual(['README.md']);
  });

  it('outputs truncated: true and warns when the reader stopped at its limits (bad input: a repository of 5,001 files)', async () => {
    const many = Array.from({ length: 5001 }, (_, i) => ({
      path: `data/f${String(i).padStart(4, '0')}.txt`,
      content: async () => Buffer.from(`${i}\n`),
    }));
    const urlReader = {
      readUrl: jest.fn(),
      search: jest.fn(),
      readTree: jest.fn(async () => ({
        files: async () => many,
        archive: jest.fn(),
        dir: jest.fn(),
        etag: 'e',
      })),
    };
    const remote = createFetchEntitySourceAction({
      catalog: catalogServiceMock({
        entities: [
          component(
            'big',
            'url:https://github.com/brightpath/big/tree/main/',
            'url:https://github.com/brightpath/big/blob/main/catalog-info.yaml',
          ),
        ],
      }),
      config,
      urlReader: urlReader as any,
    });
    const ctx = createMockActionContext({
      input: { entityRef: 'big', targetPath: './repository' },
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    });
    await remote.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('truncated', true);
    expect(ctx.output).toHaveBeenCalledWith('skippedPaths', ['data/f5000.txt']);
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('larger than the reader'),
    );
  }, 30_000);

  describe('codeowners', () => {
    const team = (name: string, annotations: Record<string, string> = {}) =>
      ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name, namespace: 'default', annotations },
        spec: { type: 'team', children: [] },
        relations: [{ type: 'hasMember', targetRef: 'user:default/ada' }],
      } as Entity);
    const ada: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: {
        name: 'ada',
        namespace: 'default',
        annotations: { 'github.com/user-login': 'ada-l' },
      },
      spec: { memberOf: ['assessments-team'] },
    };
    const fetchWith = async (
      owner: Entity | undefined,
      slug = true,
    ): Promise<ReturnType<typeof createMockActionContext>> => {
      const entity = component('quiz-engine', 'dir:./repos/quiz/');
      if (!slug) delete entity.metadata.annotations!['github.com/project-slug'];
      const withOwner = createFetchEntitySourceAction({
        catalog: catalogServiceMock({
          entities: [entity, ada, ...(owner ? [owner] : [])],
        }),
        config,
        urlReader: {
          readUrl: jest.fn(),
          readTree: jest.fn(),
          search: jest.fn(),
        },
      });
      const ctx = createMockActionContext({
        input: { entityRef: 'quiz-engine', targetPath: './repository' },
        workspacePath: workspace.path,
        logger: mockServices.logger.mock(),
      });
      await withOwner.handler(ctx);
      return ctx;
    };

    it("outputs the owner Group's team slug first, then the other tokens the check accepts, members included", async () => {
      const ctx = await fetchWith(
        team('assessments-team', {
          'github.com/team-slug': 'brightpath/assessments',
        }),
      );
      expect(ctx.output).toHaveBeenCalledWith('codeowners', [
        '@brightpath/assessments',
        '@brightpath/assessments-team',
        '@*/assessments-team',
        '@ada-l',
        '@ada',
      ]);
      expect(ctx.logger.warn).not.toHaveBeenCalled();
    });

    it('without a team slug: @<org of github.com/project-slug>/<group> first', async () => {
      const ctx = await fetchWith(team('assessments-team'));
      expect(ctx.output).toHaveBeenCalledWith(
        'codeowners',
        expect.arrayContaining(['@brightpath/assessments-team']),
      );
      expect(
        (ctx.output as jest.Mock).mock.calls.find(
          ([k]) => k === 'codeowners',
        )[1][0],
      ).toBe('@brightpath/assessments-team');
    });

    it('without a team slug nor a project slug: no team to write, and a warning naming the group and the annotation', async () => {
      const ctx = await fetchWith(team('assessments-team'), false);
      expect(ctx.output).toHaveBeenCalledWith('codeowners', [
        '@*/assessments-team',
        '@ada-l',
        '@ada',
      ]);
      expect(ctx.logger.warn).toHaveBeenCalledWith(
        'group:default/assessments-team names no GitHub team: set its annotation github.com/team-slug (org/team), or github.com/project-slug on component:default/quiz-engine, so that CODEOWNERS can name it',
      );
    });

    it('an owner not in the catalog gives an empty list and a warning (bad input: spec.owner names no entity)', async () => {
      const ctx = await fetchWith(undefined);
      expect(ctx.output).toHaveBeenCalledWith('codeowners', []);
      expect(ctx.logger.warn).toHaveBeenCalledWith(
        'The owner of component:default/quiz-engine (group:default/assessments-team) is not in the catalog: no CODEOWNERS tokens',
      );
    });
  });

  it('rejects a targetPath outside the workspace', async () => {
    await expect(run('quiz-engine', '../out').done).rejects.toThrow(
      /targetPath "..\/out" is outside the workspace/,
    );
  });
});
