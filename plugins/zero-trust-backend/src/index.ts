/**
 * Zero-trust posture scanner for the maturity plugin: registers the zero-trust
 * fact collector of `plugin-zero-trust-node`.
 *
 * @packageDocumentation
 */
export { maturityModuleZeroTrust as default } from './module';
export * from '@cloud-native-portal/plugin-zero-trust-node';
