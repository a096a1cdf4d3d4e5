import { Entity } from '@backstage/catalog-model';
import { CatalogSnapshot } from '@cloud-native-portal/plugin-maturity-node';
import {
  CatalogReads,
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
      new EntityDigests(new CatalogSnapshot(entities)).text(reads);
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
