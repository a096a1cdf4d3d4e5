import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { OwnershipClient } from './api/OwnershipClient';
import { ownershipApiRef } from './api/OwnershipApi';
import { rootRouteRef } from './routes';

/** The ownership plugin for the legacy frontend system. */
export const ownershipPlugin = createPlugin({
  id: 'ownership',
  apis: [
    createApiFactory({
      api: ownershipApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new OwnershipClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The coverage page (legacy frontend system). */
export const OwnershipPage = ownershipPlugin.provide(
  createRoutableExtension({
    name: 'OwnershipPage',
    component: () =>
      import('./components/OwnershipPage').then(m => m.OwnershipPage),
    mountPoint: rootRouteRef,
  }),
);

/** The owner card for entity pages (legacy frontend system). */
export const EntityOwnershipCard = ownershipPlugin.provide(
  createComponentExtension({
    name: 'EntityOwnershipCard',
    component: {
      lazy: () =>
        import('./components/OwnershipCard').then(m => m.OwnershipCard),
    },
  }),
);
