import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
} from '@backstage/plugin-catalog-node';
import { promises as fs, readdirSync, readFileSync } from 'fs';
import git from 'isomorphic-git';
import { join, resolve } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { catalogModuleLocalRepositories } from '../module';
import { LocalRepositoriesEntityProvider } from '../catalogProvider';
import { seedDemoRepositories } from './demoRepositories';
import { scanMaturity } from './scan';

const EXAMPLES = resolve(__dirname, '../../../../examples');
const DEMO = join(EXAMPLES, 'local-repos');
const DEMO_NAMES = readdirSync(DEMO, { withFileTypes: true })
  .filter(e => e.isDirectory())
  .map(e => e.name)
  .sort();

/** Every file under `dir`, as sorted `/`-separated relative paths. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(join(dir, prefix), {
    withFileTypes: true,
  })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== '.git') out.push(...(await filesUnder(dir, path)));
    } else out.push(path);
  }
  return out.sort();
}

async function headOf(dir: string) {
  return git.resolveRef({ fs, dir, ref: 'HEAD' });
}

describe('seedDemoRepositories', () => {
  const root = createMockDirectory();
  const repos = () => join(root.path, 'repos');
  beforeEach(() => root.clear());

  it('turns each demo service of examples/local-repos into a repository with its files in one commit on main', async () => {
    const logger = mockServices.logger.mock();
    const result = await seedDemoRepositories({
      source: DEMO,
      directory: repos(),
      logger,
    });

    expect(DEMO_NAMES).toHaveLength(5);
    expect(result).toEqual({ seeded: DEMO_NAMES, kept: [], skipped: [] });
    for (const name of DEMO_NAMES) {
      const dir = join(repos(), name);
      expect(await git.currentBranch({ fs, dir })).toBe('main');
      const log = await git.log({ fs, dir });
      expect(log.map(e => e.commit.message.trim())).toEqual(['Initial commit']);
      expect((await git.listFiles({ fs, dir, ref: 'HEAD' })).sort()).toEqual(
        await filesUnder(join(DEMO, name)),
      );
      // Nothing is left uncommitted.
      const matrix = await git.statusMatrix({ fs, dir });
      expect(
        matrix.filter(([, h, w, s]) => h !== 1 || w !== 1 || s !== 1),
      ).toEqual([]);
    }
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining(`Created 5 demo repositories in ${repos()}`),
    );
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('a second start changes nothing and logs nothing', async () => {
    await seedDemoRepositories({
      source: DEMO,
      directory: repos(),
      logger: mockServices.logger.mock(),
    });
    const heads = await Promise.all(
      DEMO_NAMES.map(n => headOf(join(repos(), n))),
    );

    const logger = mockServices.logger.mock();
    const again = await seedDemoRepositories({
      source: DEMO,
      directory: repos(),
      logger,
    });
    expect(again).toEqual({ seeded: [], kept: DEMO_NAMES, skipped: [] });
    expect(
      await Promise.all(DEMO_NAMES.map(n => headOf(join(repos(), n)))),
    ).toEqual(heads);
    expect(logger.info).not.toHaveBeenCalled();
  });

  it('leaves an existing repository with local commits and branches alone, and a plain folder of a demo name too', async () => {
    await seedDemoRepositories({
      source: DEMO,
      directory: repos(),
      logger: mockServices.logger.mock(),
    });
    const [first, second] = DEMO_NAMES;
    // A fix proposed on a branch, and a commit on main since the first start.
    const dir = join(repos(), first);
    await git.branch({ fs, dir, ref: 'fix/scale-pdb' });
    await fs.writeFile(join(dir, 'README.md'), '# changed since\n');
    await git.add({ fs, dir, filepath: 'README.md' });
    const who = { name: 'Dev', email: 'dev@example.com' };
    await git.commit({ fs, dir, message: 'Edit', author: who });
    const head = await headOf(dir);
    // A folder of a demo name that someone made by hand.
    await fs.rm(join(repos(), second), { recursive: true });
    await fs.mkdir(join(repos(), second));
    await fs.writeFile(join(repos(), second, 'notes.txt'), 'mine');

    const result = await seedDemoRepositories({
      source: DEMO,
      directory: repos(),
      logger: mockServices.logger.mock(),
    });
    expect(result.seeded).toEqual([]);
    expect(result.kept).toEqual(DEMO_NAMES);
    expect(await headOf(dir)).toBe(head);
    expect(await git.log({ fs, dir })).toHaveLength(2);
    expect((await git.listBranches({ fs, dir })).sort()).toEqual([
      'fix/scale-pdb',
      'main',
    ]);
    expect(await fs.readFile(join(dir, 'README.md'), 'utf8')).toBe(
      '# changed since\n',
    );
    expect(await fs.readdir(join(repos(), second))).toEqual(['notes.txt']);
  });

  it('skips a folder whose name is not a repository name, with a warning naming it, and seeds the others', async () => {
    root.setContent({
      demo: {
        Course_Reviews: { 'catalog-info.yaml': 'kind: Component\n' },
        '-leading-dash': { 'catalog-info.yaml': 'kind: Component\n' },
        'good-one': { 'catalog-info.yaml': 'kind: Component\n' },
        'README.md': '# demo repositories\n',
      },
    });
    const logger = mockServices.logger.mock();
    const result = await seedDemoRepositories({
      source: join(root.path, 'demo'),
      directory: repos(),
      logger,
    });
    expect(result).toEqual({
      seeded: ['good-one'],
      kept: [],
      skipped: ['-leading-dash', 'Course_Reviews'],
    });
    expect(await fs.readdir(repos())).toEqual(['good-one']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /demoRepositories: "Course_Reviews" is not a repository name.*; skipped/,
      ),
    );
  });

  it('skips a demo folder that is a symbolic link out of the demo folder, and copies no symbolic link inside one', async () => {
    root.setContent({
      outside: { 'secret.txt': 'TOP-SECRET', 'catalog-info.yaml': 'x: 1\n' },
      demo: {
        linked: ({ path }) => fs.symlink(join(root.path, 'outside'), path),
        'leaky-service': {
          'catalog-info.yaml': 'kind: Component\n',
          'secret.txt': ({ path }) =>
            fs.symlink(join(root.path, 'outside/secret.txt'), path),
        },
      },
    });
    const logger = mockServices.logger.mock();
    const result = await seedDemoRepositories({
      source: join(root.path, 'demo'),
      directory: repos(),
      logger,
    });
    expect(result).toEqual({
      seeded: ['leaky-service'],
      kept: [],
      skipped: ['linked'],
    });
    expect(await fs.readdir(repos())).toEqual(['leaky-service']);
    const dir = join(repos(), 'leaky-service');
    expect(await git.listFiles({ fs, dir, ref: 'HEAD' })).toEqual([
      'catalog-info.yaml',
    ]);
    expect(await fs.readdir(dir)).not.toContain('secret.txt');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('"linked" is a symbolic link; skipped'),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('leaky-service: left out secret.txt'),
    );
  });

  it('reports a demo folder that does not exist, and creates nothing', async () => {
    const logger = mockServices.logger.mock();
    const result = await seedDemoRepositories({
      source: join(root.path, 'missing'),
      directory: repos(),
      logger,
    });
    expect(result).toEqual({ seeded: [], kept: [], skipped: [] });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/demoRepositories: cannot read .*missing/),
    );
    await expect(fs.stat(repos())).rejects.toThrow();
  });
});

describe('the local repositories module with scaffolder.localPublish.demoRepositories', () => {
  const root = createMockDirectory();
  beforeEach(() => root.clear());

  it('seeds the demo repositories before the provider is added, so its first read registers their catalog files', async () => {
    const directory = join(root.path, 'repos');
    let provider: EntityProvider | undefined;
    let presentWhenAdded: string[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addProcessor: jest.fn(),
            addEntityProvider: jest.fn((p: EntityProvider) => {
              provider = p;
              presentWhenAdded = readdirSync(directory);
            }),
          },
        ],
      ],
      features: [
        catalogModuleLocalRepositories,
        mockServices.rootConfig.factory({
          data: {
            scaffolder: {
              localPublish: { directory, demoRepositories: DEMO },
            },
          },
        }),
      ],
    });
    expect(presentWhenAdded.sort()).toEqual(DEMO_NAMES);
    expect(provider).toBeInstanceOf(LocalRepositoriesEntityProvider);

    const applyMutation = jest.fn();
    await provider!.connect({ applyMutation, refresh: jest.fn() });
    await (provider as LocalRepositoriesEntityProvider).refresh();
    const targets = applyMutation.mock.calls
      .at(-1)![0]
      .entities.map((e: { entity: Entity }) => e.entity.spec?.target);
    expect(targets).toEqual(
      DEMO_NAMES.map(n => join(directory, n, 'catalog-info.yaml')),
    );
  });
});

describe('the demo repositories of examples/local-repos', () => {
  const docs = (file: string) =>
    parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8')).map(
      d => d.toJS() as Entity,
    );
  const org = docs('org.yaml');
  const entities = docs('entities.yaml');
  const groups = new Set(
    org.filter(e => e.kind === 'Group').map(e => e.metadata.name),
  );
  const systems = new Set(
    entities.filter(e => e.kind === 'System').map(e => e.metadata.name),
  );
  const taken = new Set(entities.map(e => e.metadata.name));

  /** The documents of a demo repository's catalog file. */
  const catalogFile = (name: string) =>
    parseAllDocuments(
      readFileSync(join(DEMO, name, 'catalog-info.yaml'), 'utf8'),
    ).map(d => d.toJS() as Entity);
  const component = (name: string) =>
    catalogFile(name).find(e => e.kind === 'Component')!;

  it.each(DEMO_NAMES)(
    '%s is a production service of an existing team and system, named after its folder',
    name => {
      const entity = component(name);
      expect(entity.metadata.name).toBe(name);
      expect(taken.has(name)).toBe(false);
      expect(entity.spec).toMatchObject({
        type: 'service',
        lifecycle: 'production',
      });
      const owner = String(entity.spec?.owner).replace(/^group:default\//, '');
      expect(groups).toContain(owner);
      expect(systems).toContain(entity.spec?.system);
    },
  );

  it.each(DEMO_NAMES)(
    '%s registers the API it provides, with its definition file in the repository',
    name => {
      const [api, ...more] = catalogFile(name).filter(e => e.kind === 'API');
      expect(more).toEqual([]);
      expect(component(name).spec?.providesApis).toEqual([api.metadata.name]);
      expect(taken.has(api.metadata.name)).toBe(false);
      const definition = (api.spec?.definition as { $text: string }).$text;
      expect(
        parse(readFileSync(join(DEMO, name, definition), 'utf8')).openapi,
      ).toMatch(/^3\./);
    },
  );

  it('belong to more than one team', () => {
    const owners = new Set(DEMO_NAMES.map(n => component(n).spec?.owner));
    expect(owners.size).toBeGreaterThanOrEqual(2);
  });

  it.each(DEMO_NAMES)(
    '%s runs on Kubernetes without a PodDisruptionBudget or a default-deny NetworkPolicy (fails scale-pdb and sec-network-default-deny)',
    async name => {
      const { results } = await scanMaturity(join(DEMO, name));
      const status = (id: string) =>
        results.find(r => r.checkId === id)?.status;
      expect(status('scale-pdb')).toBe('fail');
      expect(status('sec-network-default-deny')).toBe('fail');
    },
  );
});
