import { createRouteRef } from '@backstage/core-plugin-api';

/** Route of the organization page (legacy frontend system). */
export const rootRouteRef = createRouteRef({ id: 'zero-trust' });
