/**
 * The scaffolder module with the `ownership:catalog:set-owner` action, as its
 * own entry point so a backend can `backend.add(import(...))` it directly.
 *
 * @packageDocumentation
 */
export { scaffolderModuleOwnership as default } from './module';
