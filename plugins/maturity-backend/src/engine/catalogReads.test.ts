import { Entity } from '@backstage/catalog-model';
import { CatalogSnapshot } from '@cloud-native-portal/plugin-maturity-node';
import stableStringify from 'fast-json-stable-stringify';
import { createHash } from 'node:crypto';
import {
  CatalogReads,
  EntityContents,
  EntityDigests,
  recordingSnapshot,
  sameReads,
} from './catalogReads';

function group(name: string, parent?: string, extra: object = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default', ...extra },
    spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
  };
}

const emptyReads = (): CatalogReads => ({
  refs: [],
  extracted: [],
  opaque: false,
});

describe('catalog reads', () => {
  it('logs each ref looked up once, the lookups of the parent chain and the refs the catalog does not hold included', () => {
    const snapshot = new CatalogSnapshot([
      group('team', 'dept'),
      group('dept', 'area'),
    ]);
    const reads = emptyReads();
    const view = recordingSnapshot(snapshot, reads);
    expect(view.get('group:default/team')?.metadata.name).toBe('team');
    view.get('group:default/team');
    expect(view.parentChain('group:default/team')).toHaveLength(1);
    view.extractedServices('component:default/a');
    expect(reads).toEqual({
      refs: [
        'group:default/team',
        'group:default/dept',
        // Not in the catalog yet: its arrival must change the hash.
        'group:default/area',
      ],
      extracted: ['component:default/a'],
      opaque: false,
    });
  });

  it('marks the log as not replayable when the whole snapshot is read', () => {
    const reads = emptyReads();
    recordingSnapshot(new CatalogSnapshot([group('team')]), reads).all();
    expect(reads.opaque).toBe(true);
  });

  it('answers differently when a looked-up entity changed or appeared, and the same when another entity changed', () => {
    const reads: CatalogReads = {
      refs: ['group:default/team', 'group:default/area'],
      extracted: [],
      opaque: false,
    };
    const text = (entities: Entity[]) =>
      new EntityDigests(
        new CatalogSnapshot(entities),
        new EntityContents(),
      ).text(reads);
    const before = text([group('team'), group('other')]);
    expect(text([group('team'), group('other', 'x')])).toBe(before);
    expect(
      text([
        group('team', undefined, {
          annotations: { 'pagerduty.com/service-id': 'P1' },
        }),
        group('other'),
      ]),
    ).not.toBe(before);
    expect(text([group('team'), group('other'), group('area')])).not.toBe(
      before,
    );
  });

  it('tells lookup logs apart by any lookup, its order, or a whole-snapshot read', () => {
    const log = (refs: string[], opaque = false): CatalogReads => ({
      refs,
      extracted: [],
      opaque,
    });
    expect(sameReads(log(['a', 'b']), log(['a', 'b']))).toBe(true);
    expect(sameReads(log(['a', 'b']), log(['a', 'c']))).toBe(false);
    expect(sameReads(log(['a', 'b']), log(['b', 'a']))).toBe(false);
    expect(sameReads(log(['a']), log(['a', 'b']))).toBe(false);
    expect(sameReads(log(['a']), log(['a'], true))).toBe(false);
  });
});

/** The entity as the catalog serves it: uid, and its content hash as etag. */
function served(entity: Entity, uid = 'u1'): Entity {
  const withUid = { ...entity, metadata: { ...entity.metadata, uid } };
  const etag = createHash('sha1')
    .update(stableStringify(withUid))
    .digest('hex');
  return { ...withUid, metadata: { ...withUid.metadata, etag } };
}

describe('EntityContents', () => {
  const ref = 'group:default/team';

  it("knows an entity by its etag once the etag was found to be the catalog's hash of its content", () => {
    const contents = new EntityContents();
    const team = served(group('team'));
    expect(contents.knownDigest(ref, team.metadata.etag)).toBeUndefined();
    const digest = contents.digest(ref, team);
    expect(contents.knownDigest(ref, team.metadata.etag)).toBe(digest);
    // Changed: a new content hash, not known until read whole.
    const changed = served(group('team', 'area'));
    expect(contents.knownDigest(ref, changed.metadata.etag)).toBeUndefined();
    expect(contents.digest(ref, changed)).not.toBe(digest);
  });

  it('never trusts an etag the provider set, which the catalog keeps through changes', () => {
    const contents = new EntityContents();
    // The catalog keeps the provider's etag; the content below it changes.
    const before: Entity = {
      ...group('team'),
      metadata: { ...group('team').metadata, uid: 'u1', etag: 'v1' },
    };
    const after: Entity = {
      ...group('team', 'area'),
      metadata: { ...group('team', 'area').metadata, uid: 'u1', etag: 'v1' },
    };
    const digest = contents.digest(ref, before);
    expect(contents.knownDigest(ref, 'v1')).toBeUndefined();
    expect(contents.digest(ref, after)).not.toBe(digest);
  });
});
