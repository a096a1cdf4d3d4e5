import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Entity } from '@backstage/catalog-model';
import { changeDestinationOf, resolveSourceLocation } from './sourceLocation';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc', annotations },
  spec: {},
});

describe('resolveSourceLocation', () => {
  let base: string;
  let examples: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'srcloc-'));
    examples = join(base, 'examples');
    mkdirSync(join(examples, 'repos', 'svc'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    symlinkSync(join(base, 'outside'), join(examples, 'repos', 'escape'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const managedBy = () => `file:${join(examples, 'entities.yaml')}`;

  it('resolves a relative dir: against the file: managed-by location', async () => {
    await expect(
      resolveSourceLocation(
        entity({
          'backstage.io/source-location': 'dir:./repos/svc/',
          'backstage.io/managed-by-location': managedBy(),
        }),
        { allowedLocalRoots: [examples] },
      ),
    ).resolves.toEqual({ type: 'local', path: join(examples, 'repos', 'svc') });
  });

  it('resolves an absolute dir:', async () => {
    await expect(
      resolveSourceLocation(
        entity({
          'backstage.io/source-location': `dir:${join(
            examples,
            'repos',
            'svc',
          )}`,
        }),
        { allowedLocalRoots: [examples] },
      ),
    ).resolves.toEqual({ type: 'local', path: join(examples, 'repos', 'svc') });
  });

  it('returns url: targets for the UrlReaderService', async () => {
    await expect(
      resolveSourceLocation(
        entity({
          'backstage.io/source-location':
            'url:https://github.com/brightpath/svc/tree/main/',
        }),
        { allowedLocalRoots: [] },
      ),
    ).resolves.toEqual({
      type: 'url',
      url: 'https://github.com/brightpath/svc/tree/main/',
    });
  });

  it.each([
    [
      'a missing annotation',
      {},
      /missing annotation backstage.io\/source-location/,
    ],
    [
      'an unsupported scheme (git:)',
      { 'backstage.io/source-location': 'git:github.com/x' },
      /unsupported .* scheme "git:"/,
    ],
    [
      'a relative dir: with a url: managed-by location',
      {
        'backstage.io/source-location': 'dir:./repos/svc/',
        'backstage.io/managed-by-location':
          'url:https://example.com/catalog.yaml',
      },
      /needs a file: backstage.io\/managed-by-location/,
    ],
  ])('explains %s', async (_name, annotations, reason) => {
    const result = await resolveSourceLocation(entity(annotations), {
      allowedLocalRoots: [examples],
    });
    expect(result.type).toBe('error');
    expect(result.type === 'error' && result.reason).toMatch(reason);
  });

  it('rejects dir:../../.. escaping the allowed root', async () => {
    const result = await resolveSourceLocation(
      entity({
        'backstage.io/source-location': 'dir:../../..',
        'backstage.io/managed-by-location': managedBy(),
      }),
      { allowedLocalRoots: [examples] },
    );
    expect(result).toEqual({
      type: 'error',
      reason: expect.stringContaining('outside the allowed local roots'),
    });
  });

  it('rejects a symlinked directory that leads out of the allowed root', async () => {
    const result = await resolveSourceLocation(
      entity({
        'backstage.io/source-location': 'dir:./repos/escape/',
        'backstage.io/managed-by-location': managedBy(),
      }),
      { allowedLocalRoots: [examples] },
    );
    expect(result).toEqual({
      type: 'error',
      reason: expect.stringMatching(
        /resolves to .*outside the allowed local roots/,
      ),
    });
  });

  it('reports a nonexistent directory (./repos/missing/)', async () => {
    const result = await resolveSourceLocation(
      entity({
        'backstage.io/source-location': 'dir:./repos/missing/',
        'backstage.io/managed-by-location': managedBy(),
      }),
      { allowedLocalRoots: [examples] },
    );
    expect(result).toEqual({
      type: 'error',
      reason: expect.stringContaining('does not exist'),
    });
  });

  it('refuses local trees when no allowed roots are configured', async () => {
    const result = await resolveSourceLocation(
      entity({ 'backstage.io/source-location': `dir:${examples}` }),
      { allowedLocalRoots: [] },
    );
    expect(result.type).toBe('error');
  });
});

describe('changeDestinationOf', () => {
  let published: string;

  beforeAll(() => {
    published = mkdtempSync(join(tmpdir(), 'published-'));
    mkdirSync(join(published, 'repo', '.git'), { recursive: true });
    mkdirSync(join(published, 'folder'));
    mkdirSync(join(published, 'repo', 'nested', '.git'), { recursive: true });
  });
  afterAll(() => rmSync(published, { recursive: true, force: true }));

  const at = (path: string) => ({ type: 'local' as const, path });

  it('a git repository directly under the publish directory gets a local branch', async () => {
    await expect(
      changeDestinationOf(entity({}), at(join(published, 'repo')), {
        localPublishDirectory: published,
      }),
    ).resolves.toEqual({ type: 'local', repository: 'repo' });
  });

  it('a folder that is not a git repository goes nowhere, and says why', async () => {
    await expect(
      changeDestinationOf(entity({}), at(join(published, 'folder')), {
        localPublishDirectory: published,
      }),
    ).resolves.toEqual({
      type: 'none',
      reason: expect.stringContaining('not a git repository it can branch'),
    });
  });

  it('a git repository nested deeper (repo/nested) is not a local repository', async () => {
    const destination = await changeDestinationOf(
      entity({}),
      at(join(published, 'repo', 'nested')),
      { localPublishDirectory: published },
    );
    expect(destination.type).toBe('none');
  });

  it('without a publish directory, a local git repository is not branched', async () => {
    const destination = await changeDestinationOf(
      entity({}),
      at(join(published, 'repo')),
      {},
    );
    expect(destination.type).toBe('none');
  });

  it('github.com/project-slug gives a GitHub pull request, a malformed one (a/b/c) does not', async () => {
    await expect(
      changeDestinationOf(
        entity({ 'github.com/project-slug': 'brightpath/svc' }),
        { type: 'url', url: 'https://github.com/brightpath/svc' },
        {},
      ),
    ).resolves.toEqual({ type: 'github', owner: 'brightpath', repo: 'svc' });
    await expect(
      changeDestinationOf(
        entity({ 'github.com/project-slug': 'a/b/c' }),
        { type: 'url', url: 'https://example.com/svc' },
        {},
      ),
    ).resolves.toEqual({
      type: 'none',
      reason: expect.stringContaining('github.com/project-slug'),
    });
  });

  it('a source location that could not be resolved goes nowhere, with its reason', async () => {
    await expect(
      changeDestinationOf(
        entity({}),
        {
          type: 'error',
          reason: 'missing annotation backstage.io/source-location',
        },
        {},
      ),
    ).resolves.toEqual({
      type: 'none',
      reason: 'missing annotation backstage.io/source-location',
    });
  });
});
