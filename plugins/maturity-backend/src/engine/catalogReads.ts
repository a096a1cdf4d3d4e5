import { Entity } from '@backstage/catalog-model';
import {
  CatalogSnapshot,
  isCatalogContentEtag,
} from '@cloud-native-portal/plugin-maturity-node';
import { createHash } from 'node:crypto';

/**
 * The catalog lookups one entity's collection made: every entity ref it
 * looked up (found or not), and every ref whose extracted services it
 * listed. The catalog and ownership collectors read nothing else from the
 * catalog besides the entity itself, so while the entity and these lookups
 * give the same answers, their facts are the same.
 */
export interface CatalogReads {
  refs: string[];
  extracted: string[];
  /**
   * True when the collection read the catalog in a way the log cannot
   * replay (the whole snapshot): its facts are then never reused.
   */
  opaque: boolean;
}

/**
 * A view of the snapshot that logs the lookups made through it into `reads`.
 * Lookups the snapshot makes internally (the parent chain) go through the
 * view too, so they are logged.
 */
export function recordingSnapshot(
  snapshot: CatalogSnapshot,
  reads: CatalogReads,
  /**
   * One copy of each ref for all logs: thousands of entities look up the
   * same few hundred owners and parents, and the logs live as long as the
   * engine.
   */
  refs: Map<string, string> = new Map(),
): CatalogSnapshot {
  const seen = new Set<string>();
  const view: CatalogSnapshot = Object.create(snapshot);
  view.get = (ref: string | undefined) => {
    if (ref !== undefined && !seen.has(ref)) {
      seen.add(ref);
      let shared = refs.get(ref);
      if (shared === undefined) {
        shared = ref;
        refs.set(ref, ref);
      }
      reads.refs.push(shared);
    }
    return snapshot.get(ref);
  };
  view.extractedServices = (ref: string) => {
    if (!reads.extracted.includes(ref)) reads.extracted.push(ref);
    return snapshot.extractedServices(ref);
  };
  view.all = () => {
    reads.opaque = true;
    return snapshot.all();
  };
  view.groupClosure = () => {
    reads.opaque = true;
    return snapshot.groupClosure();
  };
  return view;
}

/**
 * True when `reads` looks up nothing that `lookups` did not: a snapshot that
 * holds `lookups` answers it as a snapshot of the whole catalog would.
 */
export function withinLookups(
  reads: CatalogReads,
  lookups: CatalogReads,
): boolean {
  if (reads.opaque) return false;
  const refs = new Set(lookups.refs);
  return (
    reads.refs.every(ref => refs.has(ref)) &&
    reads.extracted.every(ref => lookups.extracted.includes(ref))
  );
}

/** True when both logs hold the same lookups in the same order. */
export function sameReads(a: CatalogReads, b: CatalogReads): boolean {
  const same = (x: string[], y: string[]) =>
    x.length === y.length && x.every((ref, i) => ref === y[i]);
  return (
    a.opaque === b.opaque &&
    same(a.refs, b.refs) &&
    same(a.extracted, b.extracted)
  );
}

/**
 * What entities' contents are, for input hashes: the catalog's etag where it
 * is the catalog's own hash of the content (checked on the whole entity,
 * once per ref and etag), else a hash of the entity's serialisation. An
 * etag that an entity's provider set is kept by the catalog through later
 * changes, so it tells nothing.
 */
export class EntityContents {
  /** The etags found to be content hashes, by ref. */
  private readonly verified = new Map<string, string>();

  /** The digest of a whole entity. */
  digest(ref: string, entity: Entity): string {
    const etag = entity.metadata.etag;
    if (etag && this.verified.get(ref) === etag) return `e${etag}`;
    if (etag && isCatalogContentEtag(entity)) {
      this.verified.set(ref, etag);
      return `e${etag}`;
    }
    return createHash('sha1').update(JSON.stringify(entity)).digest('base64');
  }

  /**
   * The digest of an entity known only by its etag: defined when that etag
   * was found to be the content hash of the entity read whole.
   */
  knownDigest(ref: string, etag: string | undefined): string | undefined {
    return etag && this.verified.get(ref) === etag ? `e${etag}` : undefined;
  }

  forget(ref: string) {
    this.verified.delete(ref);
  }
}

/**
 * Content digests of a snapshot's entities, worked out once per entity and
 * cycle: a group that owns hundreds of components is serialised once.
 */
export class EntityDigests {
  private readonly digests = new Map<string, string>();

  constructor(
    readonly snapshot: CatalogSnapshot,
    private readonly contents: EntityContents,
  ) {}

  /** The digest of the entity with this ref, or `-` when there is none. */
  of(ref: string): string {
    let digest = this.digests.get(ref);
    if (digest === undefined) {
      const entity = this.snapshot.get(ref);
      digest = entity ? this.contents.digest(ref, entity) : '-';
      this.digests.set(ref, digest);
    }
    return digest;
  }

  /** What `reads` looks up, as this snapshot answers it now, as text. */
  text(reads: CatalogReads): string {
    let text = '';
    for (const ref of reads.refs) text += `\nr${ref}=${this.of(ref)}`;
    for (const ref of reads.extracted) {
      text += `\nx${ref}=${this.snapshot.extractedServices(ref).join(',')}`;
    }
    return text;
  }
}
