import { createMockDirectory } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
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

  it('leaves absolute URLs and locations outside the directory to the catalog', async () => {
    const url = api({ $text: 'https://example.com/openapi.yaml' });
    expect(await processor().preProcessEntity(url, inRepo)).toEqual(url);
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
    ).rejects.toThrow(/no file \.\/missing\.yaml/);
    await expect(
      processor().preProcessEntity(api({ $json: './broken.json' }), inRepo),
    ).rejects.toThrow(/does not parse/);
  });
});
