/**
 * Facts: typed observations about one entity, produced by fact collectors and
 * read by the model's check rules.
 */

/** The value types a fact may have. */
export type FactType = 'boolean' | 'number' | 'string' | 'string[]';

/** A fact's value; `null` means the collector looked and found nothing to report. */
export type FactValue = boolean | number | string | string[] | null;

/** Where a fact came from: a file and line, an annotation, or a short note. */
export interface Evidence {
  /** Path of a file relative to the root of the entity's source tree. */
  path?: string;
  /** 1-based line number within `path`. */
  line?: number;
  /** Catalog annotation or field the fact was read from, e.g. `spec.owner`. */
  annotation?: string;
  /** Human-readable detail, e.g. why something is unknown. */
  note?: string;
}

/** A collector's declaration of one fact it produces. */
export interface FactDeclaration {
  /** Fully qualified name: `<collector>.<name>`, e.g. `repo.dockerfile.present`. */
  name: string;
  type: FactType;
  description: string;
}

/** The facts one collector produced for one entity in one run. */
export interface FactSet {
  /** Collector id, which is also the namespace of its fact names. */
  collector: string;
  /** Version of the collector's fact schema; bumped when meanings change. */
  version: number;
  /** ISO timestamp of collection. */
  collectedAt: string;
  /**
   * `ok` when the source was read; `unknown` when it could not be (every fact
   * of this collector then evaluates as unknown, with `reason`).
   */
  status: 'ok' | 'unknown';
  reason?: string;
  /** Values keyed by fully qualified fact name. */
  facts: Record<string, FactValue>;
  /** Evidence per fact name (optional per fact). */
  evidence?: Record<string, Evidence[]>;
  /**
   * Facts that could not be determined, keyed by fact name, with the reason
   * (e.g. "Helm templates are not rendered"). These evaluate as unknown.
   */
  unknown?: Record<string, string>;
}
