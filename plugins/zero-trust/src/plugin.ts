import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ZeroTrustClient } from './api/ZeroTrustClient';
import { zeroTrustApiRef } from './api/ZeroTrustApi';
import { rootRouteRef } from './routes';

/** The zero-trust plugin for the legacy frontend system. */
export const zeroTrustPlugin = createPlugin({
  id: 'zero-trust',
  apis: [
    createApiFactory({
      api: zeroTrustApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ZeroTrustClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The organization posture page (legacy frontend system). */
export const ZeroTrustPage = zeroTrustPlugin.provide(
  createRoutableExtension({
    name: 'ZeroTrustPage',
    component: () =>
      import('./components/ZeroTrustPage').then(m => m.ZeroTrustPage),
    mountPoint: rootRouteRef,
  }),
);

/** Entity card with the grade and failing controls (legacy frontend system). */
export const EntityZeroTrustCard = zeroTrustPlugin.provide(
  createComponentExtension({
    name: 'EntityZeroTrustCard',
    component: {
      lazy: () =>
        import('./components/ZeroTrustPostureCard').then(
          m => m.ZeroTrustPostureCard,
        ),
    },
  }),
);

/** Entity tab content with every control and the history (legacy frontend system). */
export const EntityZeroTrustContent = zeroTrustPlugin.provide(
  createComponentExtension({
    name: 'EntityZeroTrustContent',
    component: {
      lazy: () =>
        import('./components/ZeroTrustEntityContent').then(
          m => m.ZeroTrustEntityContent,
        ),
    },
  }),
);
