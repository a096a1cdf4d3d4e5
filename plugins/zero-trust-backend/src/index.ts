/**
 * Zero-trust posture scanner for the maturity plugin: scans a service's source
 * tree and manifests, and registers as a fact collector.
 *
 * @packageDocumentation
 */
export { maturityModuleZeroTrust as default } from './module';
export * from './collector';
export * from './scanner';
