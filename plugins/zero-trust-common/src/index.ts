/**
 * Common types for the zero-trust posture scanner: the control catalogue,
 * result and report types, and the posture score and grade.
 *
 * @packageDocumentation
 */
export * from './controls';
export * from './types';
export * from './score';
