/**
 * Permissions of the toil register. Writes are resource permissions on the
 * catalog entity a row belongs to, so a policy can decide them with the
 * catalog's ownership conditions.
 */
import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of entity-scoped toil permissions (the catalog's). */
export const TOIL_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/** Read the register and its metrics. */
export const toilTaskReadPermission = createPermission({
  name: 'toil.task.read',
  attributes: { action: 'read' },
});

/** Add a task to an entity's register. */
export const toilTaskCreatePermission = createPermission({
  name: 'toil.task.create',
  attributes: { action: 'create' },
  resourceType: TOIL_ENTITY_RESOURCE_TYPE,
});

/** Change a task of an entity's register. */
export const toilTaskUpdatePermission = createPermission({
  name: 'toil.task.update',
  attributes: { action: 'update' },
  resourceType: TOIL_ENTITY_RESOURCE_TYPE,
});

/** Remove a task from an entity's register. */
export const toilTaskDeletePermission = createPermission({
  name: 'toil.task.delete',
  attributes: { action: 'delete' },
  resourceType: TOIL_ENTITY_RESOURCE_TYPE,
});

/** The write permissions, which a policy makes conditional on ownership. */
export const toilWritePermissions = [
  toilTaskCreatePermission,
  toilTaskUpdatePermission,
  toilTaskDeletePermission,
];

/** Every toil permission, for registering with the permission framework. */
export const toilPermissions = [
  toilTaskReadPermission,
  ...toilWritePermissions,
];
