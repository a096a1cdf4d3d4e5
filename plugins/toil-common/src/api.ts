/**
 * Shapes of the toil REST API, shared by backend and frontend. They are
 * generated from the API's one definition, toil-backend's
 * `src/schema/openapi.yaml` (`node scripts/openapi-generate.mjs
 * plugins/toil-backend plugins/toil-common`).
 */
export type {
  paths as ToilApiPaths,
  operations as ToilApiOperations,
  components as ToilApiComponents,
  ErrorBody as ToilErrorBody,
  ToilFigures,
  TeamFigures,
  RankedTask,
  EntityToilSummary,
  CategoryHours,
  EntityHours,
  TeamToilReport,
  TeamToilRanking,
  TeamToilRankingList,
  UnownedToil,
  ToilEntityFacts,
  ToilFactsResponse,
  CsvColumnMapping,
  RejectedCsvRow,
  AcceptedCsvRow,
  CsvImportPreview,
  CsvImportResult,
  ToilTaskInput,
  ToilTaskUpdate,
  ToilTask,
  ToilTaskList,
  ToilAuditEvent,
  ToilAuditList,
  ToilBand,
  ToilCategory,
  FrequencyUnit,
  Automatable,
  AutomationStatus,
  ToilTrendPoint,
} from './schema/openapi/generated/types';
