/**
 * Catalog backend module that tells the maturity plugin about new and
 * changed entities, so that they are scored without waiting for a scan.
 *
 * @packageDocumentation
 */

export { catalogModuleMaturity as default } from './module';
export { MaturityEntityChangeProcessor } from './MaturityEntityChangeProcessor';
