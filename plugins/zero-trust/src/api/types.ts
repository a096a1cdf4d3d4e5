import {
  Evidence,
  type MaturityApiSchema,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  ControlStatus,
  PostureGrade,
  ZeroTrustControl,
} from '@cloud-native-portal/plugin-zero-trust-common';

/** One control of an entity's posture, joined with its catalogue entry. */
export interface ControlView {
  control: ZeroTrustControl;
  status: ControlStatus;
  /** Where the scanner looked: files and lines, or annotations. */
  locations: Evidence[];
  /** Why the control fails, is unknown or does not apply. */
  reason?: string;
}

/** An entity's zero-trust posture, as read from its stored facts. */
export interface EntityPosture {
  /** `unknown` when the source tree could not be read at all. */
  status: 'ok' | 'unknown';
  /** Why the whole scan is unknown. */
  reason?: string;
  collectedAt: string;
  score: number | null;
  grade: PostureGrade | null;
  criticalFailures: number;
  /** Every control, failing first (Critical first), then unknown, pass, not-applicable. */
  controls: ControlView[];
}

/** One point of the score history. */
export interface ScoreHistoryPoint {
  /** ISO timestamp of the snapshot. */
  createdAt: string;
  score: number;
}

/**
 * Answers of the maturity REST API that the posture views read. They are
 * generated from the API's one definition, maturity-backend's
 * `src/schema/openapi.yaml` (`node scripts/openapi-generate.mjs
 * plugins/maturity-backend plugins/maturity-common`).
 */
export type MaturityApiPaths = MaturityApiSchema.paths;
export type MaturityApiOperations = MaturityApiSchema.operations;
export type StoredFactSet = MaturityApiSchema.FactSet;
export type FactEntity = MaturityApiSchema.FactEntity;
type components = MaturityApiSchema.components;
type operations = MaturityApiSchema.operations;

/** Posture of one owner or system: the score across its entities. */
export type PostureSummaryRow = components['schemas']['FactSummary'];

/** How many entities pass, fail, or cannot be judged on one control. */
export type ControlStatusCount = components['schemas']['FactStatusCount'];

/** A page of entities matched by a fact query. */
export type FactEntityPage =
  operations['listEntitiesByFact']['responses'][200]['content']['application/json'];
