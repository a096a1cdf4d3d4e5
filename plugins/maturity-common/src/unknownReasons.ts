/**
 * The words of the unknown reasons that say which evidence is missing.
 * Collectors record these reasons, and `classifyEvidenceGap` reads them back
 * as advice ("Connect the evidence"). Both take the words from here, so a
 * reason cannot change without its advice changing with it. A collector
 * outside this project that records these reasons gets the same advice.
 */
import { ANNOTATION_SOURCE_LOCATION } from '@backstage/catalog-model';

const MISSING_SOURCE_LOCATION = `missing annotation ${ANNOTATION_SOURCE_LOCATION}`;
const COLLECTOR_NOT_INSTALLED = 'collector is not installed';
const NO_TOIL_RECORDED = 'no toil recorded for';

/** Reasons for unknown facts, each built in one place. */
export const unknownReasons = {
  /** The entity has no `backstage.io/source-location` annotation. */
  missingSourceLocation: (): string => MISSING_SOURCE_LOCATION,
  /**
   * A collector was given no source tree, and no reason why: the engine
   * always gives one, so this reads only where a caller gives none.
   */
  noSourceTree: (): string => 'the entity has no readable source tree',
  /** No installed collector owns the fact's namespace. */
  collectorNotInstalled: (namespace: string): string =>
    `the ${namespace} ${COLLECTOR_NOT_INSTALLED}`,
  /** The toil register holds no row for the entity. */
  noToilRecorded: (entityRef: string): string =>
    `${NO_TOIL_RECORDED} ${entityRef} in the toil register`,
};

/** What a recorded reason says is missing (see {@link unknownReasonKind}). */
export type UnknownReasonKind =
  | 'missing-source-location'
  | 'source-location'
  | 'collector-not-installed'
  | 'no-toil-recorded';

// Words that earlier versions recorded, and that stored results may still
// hold until their entity changes: read as they were read then.
const EARLIER_NO_TOIL = /\bno toil (?:recorded|register)\b/i;
const EARLIER_NO_SOURCE_LOCATION = /no source location/;

/**
 * What a recorded reason says is missing: one of the reasons built above,
 * or a `backstage.io/source-location` annotation that is there but could
 * not be used (`source-location`); undefined for any other reason.
 */
export function unknownReasonKind(
  reason: string,
): UnknownReasonKind | undefined {
  if (reason.includes(COLLECTOR_NOT_INSTALLED)) {
    return 'collector-not-installed';
  }
  if (reason.includes(NO_TOIL_RECORDED) || EARLIER_NO_TOIL.test(reason)) {
    return 'no-toil-recorded';
  }
  if (
    reason.includes(MISSING_SOURCE_LOCATION) ||
    EARLIER_NO_SOURCE_LOCATION.test(reason)
  ) {
    return 'missing-source-location';
  }
  if (reason.includes(ANNOTATION_SOURCE_LOCATION)) return 'source-location';
  return undefined;
}
