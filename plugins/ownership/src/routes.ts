import { createRouteRef } from '@backstage/core-plugin-api';

/** Route of the coverage page (legacy frontend system). */
export const rootRouteRef = createRouteRef({ id: 'ownership' });
