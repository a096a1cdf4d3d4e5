/**
 * Shared types of the maturity scorecard: facts, the model, check results and
 * scores; plus the model schema, the rule evaluator, scoring, permissions and
 * the default model.
 *
 * @packageDocumentation
 */
export * from './facts';
export * from './builtinFacts';
export * from './model';
export * from './schema';
export * from './rules';
export * from './scoring';
export * from './unknownReasons';
export * from './permissions';
export * from './defaultModel';
export * from './fixTemplate';
/**
 * Shapes of the maturity REST API, generated from its one definition,
 * maturity-backend's `src/schema/openapi.yaml` (`node
 * scripts/openapi-generate.mjs plugins/maturity-backend plugins/maturity-common`).
 */
export type { MaturityApiSchema } from './api';
