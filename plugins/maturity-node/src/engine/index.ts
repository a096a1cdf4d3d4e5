export {
  CatalogSnapshot,
  EXTRACTED_FROM_ANNOTATION,
  toRef,
} from './CatalogSnapshot';
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
