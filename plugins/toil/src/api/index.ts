export { toilApiRef, ToilRequestError } from './ToilApi';
export type { ToilApi } from './ToilApi';
export { ToilClient } from './ToilClient';
