import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CatalogProcessorParser,
  CatalogProcessorResult,
  LocationSpec,
  parseEntityYaml,
} from '@backstage/plugin-catalog-node';
import { JsonObject } from '@backstage/types';
import { LocalRepositoriesEntityProvider } from './catalogProvider';
import { LocalRepositoryConfinementProcessor } from './localConfinement';

const MARKER = 'root:x:0:0:TOP-SECRET-MARKER';

/** What the issue reproduced: a value that added a Location document. */
const catalogWith = (...documents: string[]) =>
  [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    '  name: course-reviews',
    'spec:',
    '  type: service',
    '  lifecycle: production',
    '  owner: team-a',
    ...documents.flatMap(d => ['---', d]),
    '',
  ].join('\n');

describe('LocalRepositoryConfinementProcessor', () => {
  const root = createMockDirectory();
  const repos = () => root.resolve('repos');
  const processor = () => new LocalRepositoryConfinementProcessor(repos());
  const file = (path: string): LocationSpec => ({ type: 'file', target: path });
  const catalogFile = () =>
    file(root.resolve('repos/course-reviews/catalog-info.yaml'));

  beforeEach(() => {
    root.clear();
    root.setContent({
      repos: {
        'course-reviews': {
          'catalog-info.yaml': catalogWith(),
          'apis.yaml':
            'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: reviews-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition: x\n',
        },
        other: {
          'catalog-info.yaml':
            'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: other\n',
        },
      },
      outside: {
        passwd: `${MARKER}\nnot: [yaml\n`,
        'secret.yaml':
          'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: leaked\n  description: TOP-SECRET-MARKER\n',
      },
    });
  });

  const location = (spec: JsonObject): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: { name: 'escape' },
    spec,
  });

  /** Pre-processes an entity read from `at`, as the catalog does. */
  const preProcess = (entity: Entity, at: LocationSpec, origin = at) =>
    processor().preProcessEntity(entity, at, jest.fn(), origin);

  describe('a Location in a local repository', () => {
    it.each([
      [
        'an absolute file target "/etc/passwd"',
        { type: 'file', target: '/etc/passwd' },
        /is outside the repository/,
      ],
      [
        'an absolute file target to a file outside every repository',
        { type: 'file', target: '<root>/outside/passwd' },
        /is outside the repository/,
      ],
      [
        'a "../../x" target',
        { type: 'file', target: '../../x' },
        /is outside the repository/,
      ],
      [
        'a "./../../outside/secret.yaml" target',
        { target: './../../outside/secret.yaml' },
        /is outside the repository/,
      ],
      [
        'a target in another local repository ("../other/catalog-info.yaml")',
        { target: '../other/catalog-info.yaml' },
        /is outside the repository/,
      ],
      [
        'a url target to "file:///etc/passwd"',
        { type: 'url', target: 'file:///etc/passwd' },
        /is of type "url", not a file of the repository/,
      ],
      [
        'a url target to "https://example.com/catalog-info.yaml"',
        { type: 'url', target: 'https://example.com/catalog-info.yaml' },
        /is of type "url"/,
      ],
      [
        'a file target "file:///etc/passwd"',
        { type: 'file', target: 'file:///etc/passwd' },
        /must start with \.\//,
      ],
      [
        'a target relative to the backend\'s working directory ("catalog-info.yaml")',
        { type: 'file', target: 'catalog-info.yaml' },
        /must start with \.\//,
      ],
      [
        'a glob target ("./**/*.yaml")',
        { target: './**/*.yaml' },
        /is a pattern/,
      ],
      [
        'a brace pattern that globs out of the repository ("./{..,.}/../outside/passwd")',
        { target: './{..,.}/../outside/passwd' },
        /is a pattern/,
      ],
      [
        'one bad entry among targets (["./apis.yaml", "/etc/passwd"])',
        { targets: ['./apis.yaml', '/etc/passwd'] },
        /target "\/etc\/passwd" is outside the repository/,
      ],
      ['a target that is not a string (42)', { target: 42 }, /is not a path/],
    ])('is refused with %s', async (_what, spec, message) => {
      const resolved = Object.fromEntries(
        Object.entries(spec).map(([k, v]) => [
          k,
          typeof v === 'string' ? v.replace('<root>', root.path) : v,
        ]),
      );
      const error = await preProcess(location(resolved), catalogFile()).catch(
        e => e,
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(
        /^Location "escape" in local repository course-reviews: target /,
      );
      expect(error.message).toMatch(message);
    });

    it('is refused with a target holding a newline and a second document, quoted on one line', async () => {
      const target = '/etc/passwd\n---\nkind: Location';
      const error = await preProcess(location({ target }), catalogFile()).catch(
        e => e,
      );
      expect(error.message).toContain('"/etc/passwd\\n---\\nkind: Location"');
      expect(error.message).not.toContain('\n');
    });

    it("is accepted with relative targets inside the repository, and the provider's own absolute target", async () => {
      for (const spec of [
        { target: './apis.yaml' },
        { type: 'file', targets: ['./apis.yaml', './sub/../apis.yaml'] },
        { type: 'file', target: catalogFile().target },
      ]) {
        const entity = location(spec);
        expect(await preProcess(entity, catalogFile())).toBe(entity);
      }
    });
  });

  describe('an entity of a local repository', () => {
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'leaked' },
    };

    it('is refused when read from outside its repository (origin course-reviews, location outside/secret.yaml)', async () => {
      await expect(
        preProcess(
          component,
          file(root.resolve('outside/secret.yaml')),
          catalogFile(),
        ),
      ).rejects.toThrow(
        /Component "leaked" of local repository course-reviews was read from "file:.*outside\/secret.yaml", outside that repository/,
      );
    });

    it('is refused when read from another local repository (origin course-reviews, location other/catalog-info.yaml)', async () => {
      await expect(
        preProcess(
          component,
          file(root.resolve('repos/other/catalog-info.yaml')),
          catalogFile(),
        ),
      ).rejects.toThrow(/outside that repository/);
    });

    it('is refused when read from a url (origin course-reviews, location url:file:///etc/passwd)', async () => {
      await expect(
        preProcess(
          component,
          { type: 'url', target: 'file:///etc/passwd' },
          catalogFile(),
        ),
      ).rejects.toThrow(/was read from "url:file:\/\/\/etc\/passwd"/);
    });

    it('leaves entities of other locations alone', async () => {
      const elsewhere = file(root.resolve('outside/secret.yaml'));
      expect(
        await preProcess(location({ target: '/etc/passwd' }), elsewhere),
      ).toEqual(location({ target: '/etc/passwd' }));
    });
  });

  describe('reading a file of a local repository', () => {
    const parser: CatalogProcessorParser = async function* parse({
      data,
      location: at,
    }) {
      yield* parseEntityYaml(data, at);
    };

    /** What the processor emits for a location, and whether it handled it. */
    const read = async (target: string, optional = false) => {
      const emitted: CatalogProcessorResult[] = [];
      const parse = jest.fn(parser);
      const handled = await processor().readLocation(
        file(target),
        optional,
        result => emitted.push(result),
        parse,
      );
      return { handled, emitted, parsed: parse.mock.calls.length };
    };

    it('reads a regular file inside the repository and emits its entities', async () => {
      const { handled, emitted } = await read(
        root.resolve('repos/course-reviews/apis.yaml'),
      );
      expect(handled).toBe(true);
      expect(emitted.map(e => e.type)).toEqual(['entity', 'refresh']);
      expect(emitted[0]).toMatchObject({
        entity: { kind: 'API', metadata: { name: 'reviews-api' } },
      });
    });

    it('refuses "linked.yaml", a symbolic link to a file outside the repository, without reading it', async () => {
      root.addContent({
        'repos/course-reviews/linked.yaml': ({ symlink }) =>
          symlink(root.resolve('outside/secret.yaml')),
      });
      const result = await read(
        root.resolve('repos/course-reviews/linked.yaml'),
      );
      expect(result.handled).toBe(true);
      expect(result.parsed).toBe(0);
      expect(result.emitted).toEqual([
        expect.objectContaining({
          type: 'error',
          error: expect.objectContaining({
            name: 'InputError',
            message: expect.stringMatching(
              /linked.yaml" of local repository course-reviews resolves outside the repository \(a symbolic link out of it\); not read$/,
            ),
          }),
        }),
      ]);
      expect(JSON.stringify(result.emitted)).not.toContain('TOP-SECRET-MARKER');
    });

    it('refuses a catalog-info.yaml that is a symbolic link to "outside/passwd", without reading it', async () => {
      root.addContent({
        'repos/linked-catalog/catalog-info.yaml': ({ symlink }) =>
          symlink(root.resolve('outside/passwd')),
      });
      const result = await read(
        root.resolve('repos/linked-catalog/catalog-info.yaml'),
      );
      expect(result.parsed).toBe(0);
      expect(result.emitted).toHaveLength(1);
      expect(result.emitted[0].type).toBe('error');
      expect(JSON.stringify(result.emitted)).not.toContain('TOP-SECRET-MARKER');
    });

    it('refuses a repository folder that is a symbolic link to "outside"', async () => {
      root.addContent({
        'repos/linked-folder': ({ symlink }) =>
          symlink(root.resolve('outside')),
      });
      const result = await read(root.resolve('repos/linked-folder/passwd'));
      expect(result.parsed).toBe(0);
      expect(result.emitted).toEqual([
        expect.objectContaining({
          type: 'error',
          error: expect.objectContaining({
            message: expect.stringMatching(
              /in a repository folder that links out of the directory; not read$/,
            ),
          }),
        }),
      ]);
    });

    it('reads a brace pattern "./{..,x}/..." as one literal path, never as a glob', async () => {
      const result = await read(
        `${root.resolve('repos/course-reviews')}/{..,x}/../../outside/passwd`,
      );
      // Normalized, the path is repos/outside/passwd: no such repository file.
      expect(result.parsed).toBe(0);
      expect(result.emitted.map(e => e.type)).toEqual(['error']);
      expect(JSON.stringify(result.emitted)).not.toContain('TOP-SECRET-MARKER');
    });

    it('refuses a catalog file of more than 1 MB ("big.yaml")', async () => {
      root.addContent({
        'repos/course-reviews/big.yaml': `# ${'x'.repeat(1024 * 1024)}\n`,
      });
      const result = await read(root.resolve('repos/course-reviews/big.yaml'));
      expect(result.parsed).toBe(0);
      expect(result.emitted).toEqual([
        expect.objectContaining({
          type: 'error',
          error: expect.objectContaining({
            message: expect.stringMatching(/is larger than 1048576 bytes/),
          }),
        }),
      ]);
    });

    it('reports a missing file ("missing.yaml") unless the location is optional', async () => {
      const missing = root.resolve('repos/course-reviews/missing.yaml');
      expect((await read(missing)).emitted.map(e => e.type)).toEqual(['error']);
      expect((await read(missing, true)).emitted).toEqual([]);
    });

    it('leaves files outside the directory to the catalog', async () => {
      expect((await read(root.resolve('outside/secret.yaml'))).handled).toBe(
        false,
      );
      expect(
        await processor().readLocation(
          { type: 'url', target: 'https://example.com/x.yaml' },
          false,
          jest.fn(),
          parser,
        ),
      ).toBe(false);
    });
  });
});

describe('LocalRepositoriesEntityProvider with a catalog-info.yaml that links out', () => {
  const root = createMockDirectory({
    content: {
      repos: {
        'course-reviews': { 'catalog-info.yaml': catalogWith() },
        'linked-catalog': {},
      },
      outside: { passwd: `${MARKER}\n` },
    },
  });

  it('does not register "linked-catalog", whose catalog-info.yaml is a symbolic link to outside/passwd, and says so', async () => {
    root.addContent({
      'repos/linked-catalog/catalog-info.yaml': ({ symlink }) =>
        symlink(root.resolve('outside/passwd')),
      'repos/linked-folder': ({ symlink }) => symlink(root.resolve('outside')),
    });
    const applyMutation = jest.fn();
    const logger = mockServices.logger.mock();
    const provider = new LocalRepositoriesEntityProvider(
      root.resolve('repos'),
      { run: jest.fn() },
      logger,
    );
    await provider.connect({ applyMutation, refresh: jest.fn() });
    await provider.refresh();
    const targets = applyMutation.mock.calls[0][0].entities.map(
      (e: { entity: Entity }) => e.entity.spec?.target,
    );
    expect(targets).toEqual([
      root.resolve('repos/course-reviews/catalog-info.yaml'),
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Local repository "linked-catalog": catalog-info.yaml is not a file inside the repository (a symbolic link out of it?); not registered',
    );
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(
      'TOP-SECRET-MARKER',
    );
  });
});
