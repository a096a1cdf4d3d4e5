/**
 * Zero-trust posture UI: an entity card and tab, and the organization page.
 * This entry point serves the legacy frontend system; the new one imports
 * the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export {
  zeroTrustPlugin,
  ZeroTrustPage,
  EntityZeroTrustCard,
  EntityZeroTrustContent,
} from './plugin';
export { zeroTrustApiRef } from './api/ZeroTrustApi';
export type { ZeroTrustApi } from './api/ZeroTrustApi';
export { ZeroTrustClient, ZeroTrustRequestError } from './api/ZeroTrustClient';
export { postureFromFactSet } from './api/posture';
export * from './api/types';
