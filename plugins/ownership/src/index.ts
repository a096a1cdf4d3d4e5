/**
 * Ownership UI: the owner card and the coverage page. This entry point serves
 * the legacy frontend system; the new one imports the default export of
 * `./alpha`.
 *
 * @packageDocumentation
 */
export { ownershipPlugin, OwnershipPage, EntityOwnershipCard } from './plugin';
export { ownershipApiRef } from './api/OwnershipApi';
export type { OwnershipApi } from './api/OwnershipApi';
export { OwnershipClient, OwnershipRequestError } from './api/OwnershipClient';
export * from './api/types';
