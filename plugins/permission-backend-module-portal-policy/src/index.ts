/**
 * The portal's permission policy module.
 *
 * @packageDocumentation
 */
export { permissionModulePortalPolicy as default } from './module';
export { PortalPermissionPolicy } from './PortalPermissionPolicy';
export type { PortalPermissionPolicyOptions } from './PortalPermissionPolicy';
