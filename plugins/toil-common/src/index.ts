/**
 * Common types, schemas, metrics and permissions of the toil register.
 *
 * @packageDocumentation
 */
export * from './model';
export * from './schema';
export * from './metrics';
export * from './permissions';
export * from './csv';
export * from './api';
export * from './validation';
