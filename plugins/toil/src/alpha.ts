/**
 * The toil plugin for Backstage's new frontend system.
 *
 * @packageDocumentation
 */
export { toilPlugin as default } from './alpha/plugin';
export * from './alpha/apis';
export * from './alpha/entityCards';
export * from './alpha/entityContent';
export * from './alpha/pages';
