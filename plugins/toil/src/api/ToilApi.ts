import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  CsvImportPreview,
  CsvImportResult,
  EntityToilSummary,
  TeamToilRanking,
  UnownedToil,
  TeamToilReport,
  ToilTask,
  ToilTaskInput,
} from '@cloud-native-portal/plugin-toil-common';

/**
 * The columns a person chose for an import: register field to CSV header;
 * a field left unmapped is undefined (and not sent).
 */
export type ColumnChoice = Record<string, string | undefined>;

/** A failed toil API request; the message names the request. */
export class ToilRequestError extends Error {
  /** The request that failed, e.g. `PUT /api/toil/tasks/123`. */
  readonly request: string;
  readonly status: number;
  constructor(request: string, status: number, message: string) {
    super(`${request} failed (${status}): ${message}`);
    this.name = 'ToilRequestError';
    this.request = request;
    this.status = status;
  }
}

/**
 * The toil register's REST API, as the frontend uses it. Its types are
 * generated from the API's definition (toil-backend's openapi.yaml).
 */
export interface ToilApi {
  listTasks(entityRef: string): Promise<ToilTask[]>;
  createTask(input: ToilTaskInput): Promise<ToilTask>;
  updateTask(
    id: string,
    input: ToilTaskInput & { version: number },
  ): Promise<ToilTask>;
  deleteTask(id: string, version: number): Promise<void>;
  getEntitySummary(entityRef: string): Promise<EntityToilSummary>;
  getTeamReport(groupRef: string): Promise<TeamToilReport>;
  getTeamRanking(): Promise<TeamToilRanking[]>;
  /** Toil of entities whose owner does not resolve to a team. */
  getUnownedToil(): Promise<UnownedToil>;
  previewImport(file: Blob, mapping?: ColumnChoice): Promise<CsvImportPreview>;
  applyImport(file: Blob, mapping?: ColumnChoice): Promise<CsvImportResult>;
  /** The register as CSV (optionally of one entity), formulas escaped. */
  exportCsv(entityRef?: string): Promise<string>;
}

/** Reference to the {@link ToilApi}. */
export const toilApiRef = createApiRef<ToilApi>({ id: 'plugin.toil.api' });
