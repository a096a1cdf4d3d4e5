/**
 * The ownership plugin for Backstage's new frontend system.
 *
 * @packageDocumentation
 */
export { ownershipFrontendPlugin as default } from './alpha/plugin';
