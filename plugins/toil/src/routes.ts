import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';
import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The organization toil page (new frontend system). */
export const toilPageRouteRef = createRouteRef();

/** The organization toil page (legacy frontend system). */
export const legacyToilPageRouteRef = createLegacyRouteRef({ id: 'toil:page' });
