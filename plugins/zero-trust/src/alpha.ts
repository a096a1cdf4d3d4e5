/**
 * The zero-trust plugin for Backstage's new frontend system.
 *
 * @packageDocumentation
 */
export { zeroTrustFrontendPlugin as default } from './alpha/plugin';
