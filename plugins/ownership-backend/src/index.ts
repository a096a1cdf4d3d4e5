/**
 * The ownership backend: ownership coverage and per-entity ownership reports
 * over REST, and a scaffolder module with the action that fixes spec.owner.
 *
 * @packageDocumentation
 */
export { ownershipPlugin as default } from './plugin';
export { scaffolderModuleOwnership } from './module';
export {
  createSetCatalogOwnerAction,
  setOwnerInCatalogFile,
} from './actions/setCatalogOwner';
export {
  computeOwnershipReport,
  computeEntityOwnership,
  rollUpTeams,
  DEFAULT_FIX_TEMPLATE_REF,
  DEFAULT_OWNED_KINDS,
} from './service/computeOwnership';
export type { ComputeOwnershipOptions } from './service/computeOwnership';
export { OwnershipService } from './service/OwnershipService';
export type { OwnershipServiceOptions } from './service/OwnershipService';
export { coverageToCsv } from './service/csv';
export {
  ownershipCoverageReadPermission,
  ownershipPermissions,
} from './permissions';
export * from './service/types';
