import { execFileSync } from 'child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  promises,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { openSourceTree, readLocalTree, readUrlTree } from './readers';

function write(root: string, path: string, content: string | Buffer) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

describe('readLocalTree', () => {
  let base: string;
  let root: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'tree-'));
    root = join(base, 'repo');
    mkdirSync(root);
    write(base, 'secret.txt', 'outside the tree');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const skip = async (limits = {}) => {
    const tree = await readLocalTree(root, limits);
    return {
      tree,
      skipped: Object.fromEntries(tree.skipped().map(s => [s.path, s])),
    };
  };

  it('skips a huge file without reading it', async () => {
    write(root, 'huge.log', Buffer.alloc(3 * 1024 * 1024, 'a'));
    write(root, 'small.txt', 'ok');
    const { tree, skipped } = await skip();
    expect(skipped['huge.log']).toMatchObject({ reason: 'too-large' });
    expect(tree.files()).toEqual(['small.txt']);
  });

  it('skips a binary file', async () => {
    write(root, 'logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    const { tree, skipped } = await skip();
    expect(skipped['logo.png']).toMatchObject({ reason: 'binary' });
    expect(tree.has('logo.png')).toBe(false);
  });

  it('never follows symlinks: one out of the tree, one inside it', async () => {
    write(root, 'real.yaml', 'a: 1\n');
    symlinkSync(join(base, 'secret.txt'), join(root, 'leak.txt'));
    symlinkSync(base, join(root, 'parent-dir'));
    symlinkSync(join(root, 'real.yaml'), join(root, 'alias.yaml'));
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
    const { tree, skipped } = await skip();
    expect(skipped['leak.txt'].reason).toBe('symlink-outside-tree');
    expect(skipped['parent-dir'].reason).toBe('symlink-outside-tree');
    expect(skipped['alias.yaml'].reason).toBe('symlink');
    expect(skipped.dangling.reason).toBe('symlink');
    expect(tree.files()).toEqual(['real.yaml']);
  });

  it('skips .git and node_modules', async () => {
    write(root, '.git/config', '[core]');
    write(root, 'node_modules/x/package.json', '{}');
    write(root, 'package.json', '{}');
    const { tree } = await skip();
    expect(tree.files()).toEqual(['package.json']);
  });

  it('reports invalid YAML (an unclosed flow sequence) and keeps going', async () => {
    write(root, 'k8s/bad.yaml', 'kind: Deployment\nspec: [oops\n');
    write(root, 'k8s/good.yaml', 'apiVersion: v1\nkind: Service\n');
    const tree = await readLocalTree(root);
    expect(tree.yamlDocuments().map(d => d.path)).toEqual(['k8s/good.yaml']);
    expect(tree.yamlErrors()).toEqual([
      expect.objectContaining({ path: 'k8s/bad.yaml', kind: 'invalid' }),
    ]);
  });

  it('bounds a generated 10,000-document YAML file with an error message', async () => {
    const docs = Array.from(
      { length: 10000 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}`,
    );
    write(root, 'many.yaml', docs.join('\n---\n'));
    const tree = await readLocalTree(root, {
      maxYamlDocuments: 500,
      maxFileBytes: 4 * 1024 * 1024,
    });
    expect(tree.yamlDocuments()).toHaveLength(500);
    expect(tree.yamlErrors()[0]).toMatchObject({
      path: 'many.yaml',
      kind: 'limit',
      message: expect.stringContaining('over 500 YAML documents'),
    });
  });

  it('reads a Helm chart but leaves its templates unparsed', async () => {
    write(
      root,
      'chart/Chart.yaml',
      'apiVersion: v2\nname: app\nversion: 1.0.0\n',
    );
    write(root, 'chart/values.yaml', 'replicaCount: 2\n');
    write(
      root,
      'chart/templates/deployment.yaml',
      'spec:\n  replicas: {{ .Values.replicaCount }}\n  {{- include "x" . | nindent 2 }}\n',
    );
    const tree = await readLocalTree(root);
    expect(tree.files()).toContain('chart/templates/deployment.yaml');
    expect(
      tree
        .yamlDocuments()
        .map(d => d.path)
        .sort(),
    ).toEqual(['chart/Chart.yaml', 'chart/values.yaml']);
    expect(tree.yamlErrors()).toEqual([
      expect.objectContaining({ kind: 'helm-template' }),
    ]);
  });

  it('skips a FIFO as not a regular file instead of blocking on it', async () => {
    try {
      execFileSync('mkfifo', [join(root, 'pipe')]);
    } catch {
      return; // no mkfifo on this machine
    }
    const { skipped } = await skip();
    expect(skipped.pipe).toMatchObject({
      reason: 'unreadable',
      detail: 'not a regular file',
    });
  });

  it('records a file it may not read (EACCES) as unreadable', async () => {
    write(root, 'locked.txt', 'x');
    write(root, 'ok.txt', 'y');
    let spy: jest.SpyInstance | undefined;
    if (process.getuid?.() === 0) {
      // Root reads any file whatever its mode, so simulate the refusal.
      const realOpen = promises.open;
      spy = jest
        .spyOn(promises, 'open')
        .mockImplementation(async (path: any, ...rest: any[]) => {
          if (String(path).endsWith('locked.txt')) {
            throw Object.assign(new Error('EACCES: permission denied'), {
              code: 'EACCES',
            });
          }
          return (realOpen as any)(path, ...rest);
        });
    } else {
      chmodSync(join(root, 'locked.txt'), 0o000);
    }
    try {
      const { tree, skipped } = await skip();
      expect(skipped['locked.txt']).toMatchObject({
        reason: 'unreadable',
        detail: expect.stringContaining('EACCES'),
      });
      expect(tree.files()).toEqual(['ok.txt']);
    } finally {
      spy?.mockRestore();
    }
  });

  it('stops walking after the entry limit', async () => {
    for (let i = 0; i < 50; i++)
      write(root, `f${String(i).padStart(2, '0')}.txt`, 'x');
    const { tree, skipped } = await skip({ maxWalkEntries: 10 });
    expect(tree.files()).toHaveLength(10);
    expect(skipped['.'].reason).toBe('too-many-files');
    expect(skipped['.'].detail).toContain('walk stopped');
  });

  it('walk bound reached: names the bound and the path where the walk stopped', async () => {
    for (let i = 0; i < 50; i++)
      write(root, `f${String(i).padStart(2, '0')}.txt`, 'x');
    const { tree } = await skip({ maxWalkEntries: 10 });
    expect(tree.limitsReached()).toEqual([
      expect.objectContaining({
        bound: 'maxWalkEntries',
        limit: 10,
        at: 'f10.txt',
      }),
    ]);
    expect(tree.limitsReached()[0].message).toContain(
      'the walk stopped at f10.txt',
    );
  });

  it('file-count bound reached: names the path where the walk stopped', async () => {
    for (let i = 0; i < 20; i++)
      write(root, `f${String(i).padStart(2, '0')}.txt`, 'x');
    const { tree } = await skip({ maxFiles: 5 });
    expect(tree.files()).toHaveLength(5);
    expect(tree.limitsReached()).toEqual([
      expect.objectContaining({ bound: 'maxFiles', limit: 5, at: 'f05.txt' }),
    ]);
  });

  it('a directory deeper than the depth bound is not walked, and the tree says which', async () => {
    write(root, 'a/b/c/deep.yaml', 'kind: Deployment\n');
    write(root, 'a/shallow.yaml', 'kind: Service\n');
    const { tree } = await skip({ maxDepth: 2 });
    expect(tree.files()).toEqual(['a/shallow.yaml']);
    expect(tree.limitsReached()).toEqual([
      expect.objectContaining({
        bound: 'maxDepth',
        limit: 2,
        at: 'a/b/c',
        leftOut: 1,
      }),
    ]);
  });

  it('a huge manifest (3 MiB under k8s/) is read and parsed, up to the manifest bound', async () => {
    const padding = Array.from(
      { length: 3000 },
      (_, i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  blob: "${'x'.repeat(
          1000,
        )}"\n`,
    ).join('---\n');
    write(
      root,
      'k8s/install.yaml',
      `# generated by the release job\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: op\n---\n${padding}`,
    );
    const { tree, skipped } = await skip();
    expect(skipped).toEqual({});
    expect(tree.has('k8s/install.yaml')).toBe(true);
    expect(tree.yamlDocuments()).toHaveLength(3001);
  });

  it('a huge manifest told only by its content (apiVersion, kind) is read; over the manifest bound it is skipped with size and bound', async () => {
    const manifest = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: op\n# ${'p'.repeat(
      2 * 1024 * 1024,
    )}\n`;
    write(root, 'operator.yaml', manifest);
    write(root, 'bigger/operator.yaml', `${manifest}# ${'p'.repeat(1024)}\n`);
    const size = Buffer.byteLength(manifest) + 1027;
    const { tree, skipped } = await skip({
      maxManifestBytes: Buffer.byteLength(manifest),
    });
    expect(tree.files()).toEqual(['operator.yaml']);
    expect(skipped['bigger/operator.yaml']).toMatchObject({
      reason: 'too-large',
      size,
      bound: 'maxManifestBytes',
      limit: Buffer.byteLength(manifest),
    });
  });

  it('a huge non-manifest (2 MiB YAML without apiVersion/kind) is skipped with its size and the general bound', async () => {
    write(root, 'data/big.yaml', `items:\n${'  - x\n'.repeat(400_000)}`);
    const { tree, skipped } = await skip();
    expect(tree.files()).toEqual([]);
    expect(skipped['data/big.yaml']).toMatchObject({
      reason: 'too-large',
      size: 7 + 6 * 400_000,
      bound: 'maxFileBytes',
      limit: 1024 * 1024,
    });
  });

  it('reads a 2,000-file tree in full', async () => {
    for (let d = 0; d < 40; d++) {
      for (let f = 0; f < 50; f++) write(root, `d${d}/f${f}.yaml`, `n: ${f}\n`);
    }
    const tree = await readLocalTree(root);
    expect(tree.files()).toHaveLength(2000);
    expect(tree.yamlDocuments()).toHaveLength(2000);
  });
});

function fakeUrlReader(
  files: Record<string, string | Buffer>,
  options: { sizes?: boolean; error?: Error } = {},
): UrlReaderService {
  return {
    readUrl: jest.fn(),
    search: jest.fn(),
    readTree: jest.fn(async (_url, opts) => {
      if (options.error) throw options.error;
      const kept = Object.entries(files).filter(([path, content]) =>
        opts?.filter
          ? opts.filter(
              path,
              options.sizes ? { size: Buffer.from(content).length } : undefined,
            )
          : true,
      );
      return {
        etag: 'e',
        archive: jest.fn(),
        dir: jest.fn(),
        files: async () =>
          kept.map(([path, content]) => ({
            path,
            content: async () => Buffer.from(content),
          })),
      };
    }),
  } as unknown as UrlReaderService;
}

describe('readUrlTree', () => {
  const url = 'https://github.com/brightpath/svc/tree/main/';

  it('filters oversized files by the reported size and skips ignored folders', async () => {
    const reader = fakeUrlReader(
      {
        'big.bin': Buffer.alloc(2048, 'a'),
        'node_modules/x/index.js': 'x',
        'k8s/svc.yaml': 'apiVersion: v1\nkind: Service\n',
      },
      { sizes: true },
    );
    const tree = await readUrlTree(reader, url, { maxFileBytes: 1024 });
    expect(tree.source).toBe(url);
    expect(tree.files()).toEqual(['k8s/svc.yaml']);
    expect(tree.skipped()).toEqual([
      expect.objectContaining({ path: 'big.bin', reason: 'too-large' }),
    ]);
  });

  it('a huge manifest listed with its size is still downloaded and parsed', async () => {
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n# ${'p'.repeat(
      2048,
    )}\n`;
    const reader = fakeUrlReader(
      { 'install.yaml': manifest, 'notes.yaml': `x: ${'p'.repeat(2048)}\n` },
      { sizes: true },
    );
    const tree = await readUrlTree(reader, url, {
      maxFileBytes: 1024,
      maxManifestBytes: 4096,
    });
    expect(tree.files()).toEqual(['install.yaml']);
    expect(tree.yamlDocuments()[0].value).toMatchObject({ kind: 'ConfigMap' });
    expect(tree.skipped()).toEqual([
      expect.objectContaining({
        path: 'notes.yaml',
        reason: 'too-large',
        bound: 'maxFileBytes',
        limit: 1024,
      }),
    ]);
  });

  it('still bounds file size when the reader reports no sizes', async () => {
    const reader = fakeUrlReader({ 'big.txt': Buffer.alloc(2048, 'a') });
    const tree = await readUrlTree(reader, url, { maxFileBytes: 1024 });
    expect(tree.files()).toEqual([]);
    expect(tree.skipped()[0].reason).toBe('too-large');
  });

  it('turns a NotFoundError into a clear NotFoundError naming the URL', async () => {
    const reader = fakeUrlReader(
      {},
      { error: new NotFoundError('404 from GitHub') },
    );
    await expect(readUrlTree(reader, url)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(`Source tree not found at ${url}`),
    });
  });

  it('wraps other reader errors with the URL', async () => {
    const reader = fakeUrlReader({}, { error: new Error('socket hang up') });
    await expect(readUrlTree(reader, url)).rejects.toThrow(
      /Could not read source tree at .*socket hang up/,
    );
  });
});

describe('openSourceTree', () => {
  const entity = (location?: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'svc',
      annotations: location ? { 'backstage.io/source-location': location } : {},
    },
  });

  it('returns the reason instead of throwing when the reader fails', async () => {
    const reader = fakeUrlReader({}, { error: new NotFoundError('gone') });
    await expect(
      openSourceTree(entity('url:https://example.com/repo/'), {
        urlReader: reader,
        allowedLocalRoots: [],
      }),
    ).resolves.toEqual({
      error: expect.stringContaining(
        'Source tree not found at https://example.com/repo/',
      ),
    });
  });

  it('reports a url: location when no UrlReaderService is given', async () => {
    await expect(
      openSourceTree(entity('url:https://example.com/repo/'), {
        allowedLocalRoots: [],
      }),
    ).resolves.toEqual({
      error: expect.stringContaining('no UrlReaderService'),
    });
  });

  it('reports a missing annotation', async () => {
    await expect(
      openSourceTree(entity(), { allowedLocalRoots: [] }),
    ).resolves.toEqual({
      error: expect.stringContaining('missing annotation'),
    });
  });

  it('opens a url: tree through the reader', async () => {
    const reader = fakeUrlReader({ Dockerfile: 'FROM scratch\n' });
    const result = await openSourceTree(
      entity('url:https://example.com/repo/'),
      {
        urlReader: reader,
        allowedLocalRoots: [],
      },
    );
    expect('tree' in result && result.tree.files()).toEqual(['Dockerfile']);
  });
});
