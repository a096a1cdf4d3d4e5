import {
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { NotModifiedError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import {
  CatalogSnapshot,
  createRepoFactCollector,
  FactCollector,
} from '@cloud-native-portal/plugin-maturity-node';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MaturityStore } from '../database/MaturityStore';
import { MaturityEngine } from './MaturityEngine';
import { localTreeStamp, SourceTreeCache } from './SourceTreeCache';

/** A collector that counts its runs and reports how many files it saw. */
function countingCollector(id: string, sourceTreeOnly: boolean) {
  const runs: number[] = [];
  const collector: FactCollector = {
    id,
    version: 1,
    facts: [{ name: `${id}.files`, type: 'number', description: 'files' }],
    sourceTreeOnly,
    async collect({ sourceTree }): Promise<FactSet> {
      const files = sourceTree?.files().length ?? 0;
      runs.push(files);
      return {
        collector: id,
        version: 1,
        collectedAt: new Date().toISOString(),
        status: 'ok',
        facts: { [`${id}.files`]: files },
      };
    },
  };
  return { collector, runs };
}

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'svc', namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

function engineWith(options: {
  collectors: FactCollector[];
  allowedLocalRoots?: string[];
  urlReader?: UrlReaderService;
}) {
  return new MaturityEngine({
    store: {} as MaturityStore,
    model: { id: 'm', version: '1', title: 'm', dimensions: [], checks: [] },
    collectors: options.collectors,
    catalog: catalogServiceMock(),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    urlReader: options.urlReader,
    allowedLocalRoots: options.allowedLocalRoots ?? [],
    entityKinds: ['Component'],
    retentionDays: 400,
  } as any);
}

const factsOf = (sets: FactSet[], id: string) =>
  sets.find(s => s.collector === id)?.facts;

describe('collectFacts with a local source tree', () => {
  let root: string;
  let entity: Entity;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'maturity-tree-'));
    mkdirSync(join(root, 'svc', 'deploy'), { recursive: true });
    writeFileSync(join(root, 'svc', 'README.md'), '# svc\n');
    writeFileSync(join(root, 'svc', 'Dockerfile'), 'FROM node:22\n');
    writeFileSync(
      join(root, 'svc', 'deploy', 'app.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n',
    );
    entity = component({
      'backstage.io/managed-by-location': `file:${join(root, 'catalog.yaml')}`,
      'backstage.io/source-location': 'dir:./svc/',
    });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('does not run a sourceTreeOnly collector again while no file changed, and runs the others every time', async () => {
    const treeOnly = countingCollector('treeonly', true);
    const other = countingCollector('other', false);
    const engine = engineWith({
      collectors: [treeOnly.collector, other.collector],
      allowedLocalRoots: [root],
    });
    const snapshot = new CatalogSnapshot([entity]);

    const first = await engine.collectFacts(entity, snapshot);
    const second = await engine.collectFacts(entity, snapshot);
    expect(treeOnly.runs).toEqual([3]);
    expect(other.runs).toEqual([3, 3]);
    expect(factsOf(second, 'treeonly')).toEqual({ 'treeonly.files': 3 });
    // Same collectors, same order, both times.
    expect(second.map(s => s.collector)).toEqual(first.map(s => s.collector));
  });

  it('reads the tree again after a file is added (a fourth file)', async () => {
    const treeOnly = countingCollector('treeonly', true);
    const engine = engineWith({
      collectors: [treeOnly.collector],
      allowedLocalRoots: [root],
    });
    const snapshot = new CatalogSnapshot([entity]);
    await engine.collectFacts(entity, snapshot);
    writeFileSync(join(root, 'svc', 'deploy', 'hpa.yaml'), 'kind: X\n');
    const after = await engine.collectFacts(entity, snapshot);
    expect(treeOnly.runs).toEqual([3, 4]);
    expect(factsOf(after, 'treeonly')).toEqual({ 'treeonly.files': 4 });
  });

  it('gives the repo facts of the rewritten Dockerfile, not the cached ones (FROM node:22 -> FROM node:22@sha256)', async () => {
    const engine = engineWith({
      collectors: [createRepoFactCollector()],
      allowedLocalRoots: [root],
    });
    const snapshot = new CatalogSnapshot([entity]);
    const before = await engine.collectFacts(entity, snapshot);
    writeFileSync(
      join(root, 'svc', 'Dockerfile'),
      `FROM node:22@sha256:${'a'.repeat(64)}\nUSER node\n`,
    );
    const after = await engine.collectFacts(entity, snapshot);
    expect(factsOf(after, 'repo')).not.toEqual(factsOf(before, 'repo'));
  });
});

describe('localTreeStamp', () => {
  it('changes when a file of the same size is rewritten later (mtime), and ignores .git', async () => {
    const root = mkdtempSync(join(tmpdir(), 'maturity-stamp-'));
    writeFileSync(join(root, 'a.txt'), 'one');
    const first = await localTreeStamp(root);
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, '.git', 'HEAD'), 'ref: main');
    expect(await localTreeStamp(root)).toBe(first);
    writeFileSync(join(root, 'a.txt'), 'two');
    utimesSync(join(root, 'a.txt'), new Date(), new Date(Date.now() + 5000));
    expect(await localTreeStamp(root)).not.toBe(first);
    rmSync(root, { recursive: true, force: true });
  });

  it('gives up on a tree with more entries than the bound (3 files, bound 2)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'maturity-stamp-'));
    for (const name of ['a', 'b', 'c']) writeFileSync(join(root, name), name);
    expect(await localTreeStamp(root, 2)).toBeUndefined();
    rmSync(root, { recursive: true, force: true });
  });
});

/** A reader of one URL tree whose content and ETag the test changes. */
function fakeUrlReader() {
  const state = { etag: 'commit-1', files: { 'README.md': '# svc\n' } };
  const calls: Array<string | undefined> = [];
  const reader: UrlReaderService = {
    readUrl: async () => {
      throw new Error('not used');
    },
    search: async () => {
      throw new Error('not used');
    },
    readTree: async (
      _url: string,
      options?: UrlReaderServiceReadTreeOptions,
    ) => {
      calls.push(options?.etag);
      if (options?.etag === state.etag) {
        throw new NotModifiedError('unchanged');
      }
      const entries = Object.entries(state.files).filter(
        ([path]) => options?.filter?.(path, { size: 10 }) ?? true,
      );
      return {
        etag: state.etag,
        files: async () =>
          entries.map(([path, text]) => ({
            path,
            content: async () => Buffer.from(text),
          })),
        archive: async () => {
          throw new Error('not used');
        },
        dir: async () => {
          throw new Error('not used');
        },
      };
    },
  };
  return { reader, state, calls };
}

describe('collectFacts with a URL source tree', () => {
  const entity = component({
    'backstage.io/source-location':
      'url:https://git.example.com/org/svc/tree/main/',
  });

  it('asks the reader with the cached ETag, once per refresh, and reuses the tree on NotModifiedError', async () => {
    const { reader, state, calls } = fakeUrlReader();
    const treeOnly = countingCollector('treeonly', true);
    const engine = engineWith({
      collectors: [treeOnly.collector],
      urlReader: reader,
    });
    const snapshot = new CatalogSnapshot([entity]);

    await engine.collectFacts(entity, snapshot);
    const unchanged = await engine.collectFacts(entity, snapshot);
    expect(calls).toEqual([undefined, 'commit-1']);
    expect(treeOnly.runs).toEqual([1]);
    expect(factsOf(unchanged, 'treeonly')).toEqual({ 'treeonly.files': 1 });

    // A new commit: one read, which returns the new tree.
    state.etag = 'commit-2';
    state.files = { 'README.md': '# svc\n', Dockerfile: 'FROM x\n' } as any;
    const changed = await engine.collectFacts(entity, snapshot);
    expect(calls).toEqual([undefined, 'commit-1', 'commit-1']);
    expect(factsOf(changed, 'treeonly')).toEqual({ 'treeonly.files': 2 });
    await engine.collectFacts(entity, snapshot);
    expect(calls.at(-1)).toBe('commit-2');
    expect(treeOnly.runs).toEqual([1, 2]);
  });
});

describe('SourceTreeCache', () => {
  it('keeps at most maxBytes of tree text, dropping the least recently used tree', async () => {
    const root = mkdtempSync(join(tmpdir(), 'maturity-lru-'));
    const entities = ['a', 'b'].map(name => {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'big.txt'), 'x'.repeat(600));
      return component({
        'backstage.io/managed-by-location': `file:${join(root, 'c.yaml')}`,
        'backstage.io/source-location': `dir:./${name}/`,
      });
    });
    const cache = new SourceTreeCache({
      allowedLocalRoots: [root],
      maxBytes: 1000,
    });
    await cache.open(entities[0]);
    expect(cache.size).toBe(1);
    await cache.open(entities[1]);
    expect(cache.size).toBe(1);
    // b is kept, a was dropped.
    const b = await cache.open(entities[1]);
    const fakeFacts = { collector: 'x' } as FactSet;
    b.remember({ id: 'x' } as FactCollector, fakeFacts);
    expect((await cache.open(entities[1])).cachedFacts.get('x')).toBe(
      fakeFacts,
    );
    expect((await cache.open(entities[0])).cachedFacts.size).toBe(0);
    rmSync(root, { recursive: true, force: true });
  });
});
