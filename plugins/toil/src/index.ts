/**
 * The toil register frontend plugin (legacy frontend system exports; the
 * new frontend system's plugin is the default export of `./alpha`).
 *
 * @packageDocumentation
 */
export {
  toilPlugin,
  EntityToilCard,
  EntityToilContent,
  TeamToilContent,
  ToilPage,
} from './plugin';
export { toilApiRef, ToilClient, ToilRequestError } from './api';
export type { ToilApi } from './api';
