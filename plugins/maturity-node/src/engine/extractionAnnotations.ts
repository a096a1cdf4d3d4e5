/**
 * The annotations that record a monolith's decomposition. The scaffolder's
 * extraction actions write them; the catalog facts and the review read them.
 */

/** On a monolith: the capabilities it still serves, comma-separated. */
export const CAPABILITIES_ANNOTATION = 'cloud-native-portal/capabilities';
/** On an extracted service: the monolith it came from. */
export const EXTRACTED_FROM_ANNOTATION = 'cloud-native-portal/extracted-from';
/** On an extracted service: the capability it took over. */
export const EXTRACTED_CAPABILITY_ANNOTATION =
  'cloud-native-portal/extracted-capability';
/** On an extracted service: the day of the extraction, YYYY-MM-DD. */
export const EXTRACTED_AT_ANNOTATION = 'cloud-native-portal/extracted-at';
/** On a monolith: the capabilities whose traffic is routed elsewhere. */
export const ROUTED_CAPABILITIES_ANNOTATION =
  'cloud-native-portal/routed-capabilities';
