import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
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

/** Posture of one owner or system: the score across its entities. */
export interface PostureSummaryRow {
  /** Entity ref of the owner group or system. */
  key: string;
  entityCount: number;
  average: number | null;
  min: number | null;
  max: number | null;
}

/** How many entities pass, fail, or cannot be judged on one control. */
export interface ControlStatusCount {
  /** Fact name, e.g. `zeroTrust.mtlsStrict`. */
  fact: string;
  pass: number;
  fail: number;
  unknown: number;
  notApplicable: number;
}

/** An entity matched by a fact query, with the fact's value. */
export interface FactEntity {
  entityRef: string;
  title?: string;
  ownerRef?: string;
  systemRef?: string;
  value: number | string | boolean | null;
}

/** A page of entities matched by a fact query. */
export interface FactEntityPage {
  items: FactEntity[];
  totalCount: number;
}
