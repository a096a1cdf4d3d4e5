import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { MaturityClient, maturityApiRef } from './api';
import { legacyReviewRouteRef, legacyScorecardsRouteRef } from './routes';

/** The maturity plugin for the legacy frontend system. */
export const maturityPlugin = createPlugin({
  id: 'maturity',
  apis: [
    createApiFactory({
      api: maturityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MaturityClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    scorecards: legacyScorecardsRouteRef,
    review: legacyReviewRouteRef,
  },
});

/** The maturity summary card, for a Component's overview (legacy system). */
export const EntityMaturityCard = maturityPlugin.provide(
  createComponentExtension({
    name: 'EntityMaturityCard',
    component: {
      lazy: () =>
        import('./components/EntityMaturityCard').then(
          m => m.EntityMaturityCard,
        ),
    },
  }),
);

/** A service's delivery outcomes: DORA's four keys, time to restore and cost (legacy system). */
export const EntityDeliveryOutcomesCard = maturityPlugin.provide(
  createComponentExtension({
    name: 'EntityDeliveryOutcomesCard',
    component: {
      lazy: () =>
        import('./components/DeliveryOutcomes').then(
          m => m.EntityDeliveryOutcomesCard,
        ),
    },
  }),
);

/** A team's scorecard roll-up, for a Group page (legacy system). */
export const EntityTeamMaturityCard = maturityPlugin.provide(
  createComponentExtension({
    name: 'EntityTeamMaturityCard',
    component: {
      lazy: () =>
        import('./components/EntityMaturityCard/TeamMaturityCard').then(
          m => m.TeamMaturityCard,
        ),
    },
  }),
);

/** A team's delivery outcomes and its services' values, for a Group page (legacy system). */
export const EntityTeamDeliveryOutcomesCard = maturityPlugin.provide(
  createComponentExtension({
    name: 'EntityTeamDeliveryOutcomesCard',
    component: {
      lazy: () =>
        import('./components/DeliveryOutcomes').then(
          m => m.TeamDeliveryOutcomesCard,
        ),
    },
  }),
);

/** The card on a System or Domain that opens its review (legacy system). */
export const EntityMaturityReviewCard = maturityPlugin.provide(
  createComponentExtension({
    name: 'EntityMaturityReviewCard',
    component: {
      lazy: () =>
        import('./components/ReviewPage').then(m => m.EntityMaturityReviewCard),
    },
  }),
);

/** The "Maturity" tab content for a Component (legacy system). */
export const EntityMaturityContent = maturityPlugin.provide(
  createComponentExtension({
    name: 'EntityMaturityContent',
    component: {
      lazy: () =>
        import('./components/EntityMaturityContent').then(
          m => m.EntityMaturityContent,
        ),
    },
  }),
);

/** The scorecards page; mount it at /maturity (legacy system). */
export const MaturityScorecardsPage = maturityPlugin.provide(
  createRoutableExtension({
    name: 'MaturityScorecardsPage',
    component: () =>
      import('./components/ScorecardsPage').then(m => m.ScorecardsPage),
    mountPoint: legacyScorecardsRouteRef,
  }),
);

/** The review page; mount it at /maturity/review/:namespace/:name (legacy system). */
export const MaturityReviewPage = maturityPlugin.provide(
  createRoutableExtension({
    name: 'MaturityReviewPage',
    component: () => import('./components/ReviewPage').then(m => m.ReviewPage),
    mountPoint: legacyReviewRouteRef,
  }),
);
