/** Shapes of the toil REST API's responses, shared by backend and frontend. */
import { AutomationCandidate, ToilTrendPoint } from './metrics';
import { ToilBand, ToilCategory, ToilTask, ToilTaskInput } from './model';

/** Toil figures of one scope (a service, or a team). */
export interface ToilFigures {
  hoursPerWeek: number;
  taskCount: number;
  /** Members counted for capacity; absent for a service. */
  members?: number;
  /** Null when the team has no members, or the owner is not a team. */
  toilPercent: number | null;
  band: ToilBand | null;
  /** Why toilPercent is null, when it is. */
  toilPercentReason?: string;
}

/** GET /entities/:kind/:namespace/:name/summary */
export interface EntityToilSummary {
  entityRef: string;
  ownerRef: string | null;
  hoursPerWeek: number;
  taskCount: number;
  /** The owning team's figures (its own rows and members). */
  team: (ToilFigures & { groupRef: string }) | null;
  /** Why the entity has no team toil %, when it has none. */
  teamReason?: string;
  topTasks: Array<ToilTask & { hoursPerWeek: number }>;
  bestCandidate: AutomationCandidate | null;
  weeklyRepeatCount: number;
}

/** GET /teams/:namespace/:name */
export interface TeamToilReport {
  groupRef: string;
  title: string;
  /** The group's own rows and direct members. */
  direct: ToilFigures;
  /** The group and every descendant group. */
  withDescendants: ToilFigures;
  hoursPerPerson: number;
  byCategory: Array<{ category: ToilCategory; hoursPerWeek: number }>;
  backlog: AutomationCandidate[];
  trend: ToilTrendPoint[];
  entities: Array<{
    entityRef: string;
    hoursPerWeek: number;
    taskCount: number;
  }>;
}

/** One row of GET /teams */
export interface TeamToilRanking {
  groupRef: string;
  title: string;
  type?: string;
  parentRef?: string;
  direct: ToilFigures;
  withDescendants: ToilFigures;
}

/** Facts for the maturity collector, per entity ref (GET /facts). */
export interface ToilEntityFacts {
  registerExists: boolean;
  teamToilPercent: number | null;
  teamToilPercentReason?: string;
  topTaskHasAutomationPlan: boolean;
  routineRemediationAutomated: boolean;
}

/** GET /facts */
export interface ToilFactsResponse {
  generatedAt: string;
  /** Only entities with at least one row appear. */
  entities: Record<string, ToilEntityFacts>;
}

/** A column of the CSV format. */
export interface CsvColumnMapping {
  /** Register field → CSV header it is read from (absent: not mapped). */
  [field: string]: string | undefined;
}

/** One rejected CSV row. */
export interface RejectedCsvRow {
  /** 1-based line in the file, counting the header as line 1. */
  line: number;
  reasons: string[];
  raw: Record<string, string>;
}

/** POST /import/preview (and the body of /import/apply's answer). */
export interface CsvImportPreview {
  headers: string[];
  mapping: CsvColumnMapping;
  /** CSV headers that map to no field; they are ignored. */
  ignoredColumns: string[];
  /** Required fields with no column. */
  missingFields: string[];
  accepted: Array<{ line: number; task: ToilTaskInput }>;
  rejected: RejectedCsvRow[];
  warnings: string[];
}

/** POST /import/apply */
export interface CsvImportResult {
  applied: number;
  taskIds: string[];
  rejected: RejectedCsvRow[];
}
