/**
 * The portal's permission policy module.
 *
 * @packageDocumentation
 */
export { permissionModulePortalPolicy as default } from './module';
export {
  DEFAULT_GUEST_USER_REF,
  PortalPermissionPolicy,
  ruleOf,
} from './PortalPermissionPolicy';
export type {
  PermissionRule,
  PortalPermissionPolicyOptions,
  PortalRole,
} from './PortalPermissionPolicy';
