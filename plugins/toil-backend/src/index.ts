/**
 * The toil register backend plugin.
 *
 * @packageDocumentation
 */
export { toilPlugin as default } from './plugin';
export { DatabaseToilStore } from './database/DatabaseToilStore';
export type { ToilStore, NewToilTask } from './database/ToilStore';
export { ToilMetricsService } from './service/ToilMetricsService';
export type { ToilMetricsOptions } from './service/ToilMetricsService';
