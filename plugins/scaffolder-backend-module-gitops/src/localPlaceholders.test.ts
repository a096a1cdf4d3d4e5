import { createMockDirectory } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { JsonValue } from '@backstage/types';
import { promises as fs } from 'fs';
import { LocalRepositoryPlaceholderProcessor } from './localPlaceholders';

describe('LocalRepositoryPlaceholderProcessor', () => {
  const root = createMockDirectory();
  const api = (definition: JsonValue): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'reviews-api' },
    spec: { type: 'openapi', definition },
  });
  const location = (target: string) => ({ type: 'file', target });

  beforeEach(() => {
    root.clear();
    root.setContent({
      repos: {
        reviews: {
          'catalog-info.yaml': 'kind: API\n',
          'openapi.yaml': 'openapi: 3.0.3\n',
          'config.json': '{"a": 1}',
          'broken.json': '{',
        },
        other: { 'secret.txt': 'not yours' },
      },
      elsewhere: { 'catalog-info.yaml': 'kind: API\n', 'openapi.yaml': 'x' },
    });
  });
  const processor = () =>
    new LocalRepositoryPlaceholderProcessor(root.resolve('repos'));
  const inRepo = location(root.resolve('repos/reviews/catalog-info.yaml'));

  it('runs before the catalog placeholder resolvers', () => {
    expect(processor().getPriority()).toBeLessThan(20);
  });

  it('reads $text, $json and $yaml relative to the catalog file', async () => {
    const out = await processor().preProcessEntity(
      api({
        text: { $text: './openapi.yaml' },
        json: { $json: 'config.json' },
        yaml: { $yaml: './openapi.yaml' },
      }),
      inRepo,
    );
    expect(out.spec?.definition).toEqual({
      text: 'openapi: 3.0.3\n',
      json: { a: 1 },
      yaml: { openapi: '3.0.3' },
    });
  });

  it('leaves locations outside the directory to the catalog', async () => {
    const outside = api({ $text: './openapi.yaml' });
    expect(
      await processor().preProcessEntity(
        outside,
        location(root.resolve('elsewhere/catalog-info.yaml')),
      ),
    ).toEqual(outside);
    expect(
      await processor().preProcessEntity(outside, {
        type: 'url',
        target: 'https://github.com/o/r/blob/main/catalog-info.yaml',
      }),
    ).toEqual(outside);
  });

  it.each([
    ['an absolute path "/etc/passwd"', { $text: '/etc/passwd' }],
    ['a file URL "file:///etc/passwd"', { $text: 'file:///etc/passwd' }],
    [
      'an https URL "https://example.com/openapi.yaml"',
      { $yaml: 'https://example.com/openapi.yaml' },
    ],
    [
      'a path with a newline "/etc/passwd\\n---"',
      { $json: '/etc/passwd\n---' },
    ],
  ])(
    'refuses %s in a local repository: it reads only its own files',
    async (_what, placeholder) => {
      const error = await processor()
        .preProcessEntity(api(placeholder), inRepo)
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(
        /is not a relative path; a local repository reads only its own files$/,
      );
      expect(error.message).not.toContain('\n');
    },
  );

  it('refuses "./openapi.yaml" in an entity read outside its repository (origin in the repository)', async () => {
    await expect(
      processor().preProcessEntity(
        api({ $text: './openapi.yaml' }),
        location(root.resolve('elsewhere/catalog-info.yaml')),
        jest.fn(),
        inRepo,
      ),
    ).rejects.toThrow(/is outside its local repository/);
  });

  it('refuses files of another repository, symlinks out of it, missing and broken files (bad input)', async () => {
    await expect(
      processor().preProcessEntity(
        api({ $text: '../other/secret.txt' }),
        inRepo,
      ),
    ).rejects.toThrow(/outside the repository/);
    await fs.symlink(
      root.resolve('repos/other/secret.txt'),
      root.resolve('repos/reviews/link.txt'),
    );
    await expect(
      processor().preProcessEntity(api({ $text: './link.txt' }), inRepo),
    ).rejects.toThrow(/outside the repository/);
    await expect(
      processor().preProcessEntity(api({ $text: './missing.yaml' }), inRepo),
    ).rejects.toThrow(/no file "\.\/missing\.yaml"/);
    await expect(
      processor().preProcessEntity(api({ $json: './broken.json' }), inRepo),
    ).rejects.toThrow(/does not parse/);
  });
});
