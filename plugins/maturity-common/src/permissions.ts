/**
 * Permissions of the maturity plugins. Entity-scoped ones use the catalog's
 * resource type so policies can use catalog conditions (for example "is
 * entity owner") to decide them.
 */
import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of entity-scoped maturity permissions (the catalog's). */
export const MATURITY_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/** Read an entity's maturity results, scores and next steps. */
export const maturityEntityReadPermission = createPermission({
  name: 'maturity.entity.read',
  attributes: { action: 'read' },
  resourceType: MATURITY_ENTITY_RESOURCE_TYPE,
});

/** Waive a check for an entity. */
export const maturityWaiverCreatePermission = createPermission({
  name: 'maturity.waiver.create',
  attributes: { action: 'create' },
  resourceType: MATURITY_ENTITY_RESOURCE_TYPE,
});

/** Revoke a waiver on an entity. */
export const maturityWaiverRevokePermission = createPermission({
  name: 'maturity.waiver.revoke',
  attributes: { action: 'delete' },
  resourceType: MATURITY_ENTITY_RESOURCE_TYPE,
});

/** Re-collect facts and re-evaluate an entity now. */
export const maturityRefreshPermission = createPermission({
  name: 'maturity.entity.refresh',
  attributes: { action: 'update' },
  resourceType: MATURITY_ENTITY_RESOURCE_TYPE,
});

/** Create, change and close campaigns (organization-wide, so not entity-scoped). */
export const maturityCampaignManagePermission = createPermission({
  name: 'maturity.campaign.manage',
  attributes: { action: 'update' },
});

/** Start a whole evaluation cycle now (organization-wide, so not entity-scoped). */
export const maturityCycleRunPermission = createPermission({
  name: 'maturity.cycle.run',
  attributes: { action: 'update' },
});

/**
 * Open (or preview) fix pull requests across many services' repositories at
 * once (organization-wide, so not entity-scoped).
 */
export const maturityFleetFixPermission = createPermission({
  name: 'maturity.fleet.fix',
  attributes: { action: 'create' },
});

/** Every maturity permission, for registering with the permission framework. */
export const maturityPermissions = [
  maturityEntityReadPermission,
  maturityWaiverCreatePermission,
  maturityWaiverRevokePermission,
  maturityRefreshPermission,
  maturityCampaignManagePermission,
  maturityCycleRunPermission,
  maturityFleetFixPermission,
];
