import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ToilClient, toilApiRef } from './api';
import { legacyToilPageRouteRef } from './routes';

/** The toil plugin for the legacy frontend system. */
export const toilPlugin = createPlugin({
  id: 'toil',
  apis: [
    createApiFactory({
      api: toilApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ToilClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: legacyToilPageRouteRef },
});

/** The toil card for an entity's overview (legacy system). */
export const EntityToilCard = toilPlugin.provide(
  createComponentExtension({
    name: 'EntityToilCard',
    component: {
      lazy: () =>
        import('./components/EntityToilCard').then(m => m.EntityToilCard),
    },
  }),
);

/** The register tab of a Component or Resource (legacy system). */
export const EntityToilContent = toilPlugin.provide(
  createComponentExtension({
    name: 'EntityToilContent',
    component: {
      lazy: () =>
        import('./components/EntityToilContent').then(m => m.EntityToilContent),
    },
  }),
);

/** The team toil tab of a Group (legacy system). */
export const TeamToilContent = toilPlugin.provide(
  createComponentExtension({
    name: 'TeamToilContent',
    component: {
      lazy: () =>
        import('./components/TeamToilContent').then(m => m.TeamToilContent),
    },
  }),
);

/** The organization toil page; mount it at /toil (legacy system). */
export const ToilPage = toilPlugin.provide(
  createRoutableExtension({
    name: 'ToilPage',
    component: () => import('./components/ToilPage').then(m => m.ToilPage),
    mountPoint: legacyToilPageRouteRef,
  }),
);
