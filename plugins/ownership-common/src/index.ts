/**
 * Ownership: the report and coverage types shared by the ownership backend
 * (which computes them) and the frontend (which shows them).
 *
 * @packageDocumentation
 */
export * from './types';
