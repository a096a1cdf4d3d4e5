export { CatalogSnapshot, queryAllEntities, toRef } from './CatalogSnapshot';
export {
  CAPABILITIES_ANNOTATION,
  EXTRACTED_AT_ANNOTATION,
  EXTRACTED_CAPABILITY_ANNOTATION,
  EXTRACTED_FROM_ANNOTATION,
  ROUTED_CAPABILITIES_ANNOTATION,
} from './extractionAnnotations';
export { withSpecRelations } from './specRelations';
export {
  createCatalogFactCollector,
  createOwnershipFactCollector,
  DEFAULT_PLACEHOLDER_OWNERS,
} from './catalogCollectors';
export { createTemplateFactCollector } from './templateCollector';
export { createFactLookup } from './factLookup';
export { evaluateEntity, ruleFacts } from './evaluate';
export {
  BUILTIN_COLLECTOR_IDS,
  collectEntityFacts,
  entityCollectors,
  evaluateCheckout,
  evaluateFactSets,
  installedCollectorIds,
} from './collectEntityFacts';
export type { EvaluateCheckoutOptions } from './collectEntityFacts';
