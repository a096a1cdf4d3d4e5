import { createPermission } from '@backstage/plugin-permission-common';

/** Reading the organization-wide ownership coverage and its CSV export. */
export const ownershipCoverageReadPermission = createPermission({
  name: 'ownership.coverage.read',
  attributes: { action: 'read' },
});

/** Every permission of the ownership plugin. */
export const ownershipPermissions = [ownershipCoverageReadPermission];
