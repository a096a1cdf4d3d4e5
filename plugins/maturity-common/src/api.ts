import type * as MaturityApiSchema from './schema/openapi/generated/types';

/**
 * The maturity REST API's paths, operations and schemas, generated from its
 * one definition, maturity-backend's `src/schema/openapi.yaml`; the frontends
 * that call the API (maturity, zero-trust) type their clients with it.
 */
export type { MaturityApiSchema };
