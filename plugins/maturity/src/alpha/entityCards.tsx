import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The maturity summary card on Component pages. */
export const maturitySummaryCard = EntityCardBlueprint.make({
  name: 'summary',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/EntityMaturityCard').then(m => (
        <m.EntityMaturityCard />
      )),
  },
});

/** The team's scorecard roll-up on Group pages. */
export const maturityTeamCard = EntityCardBlueprint.make({
  name: 'team',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('../components/EntityMaturityCard/TeamMaturityCard').then(m => (
        <m.TeamMaturityCard />
      )),
  },
});

/**
 * A service's delivery outcomes on Component pages. The Maturity tab shows
 * them already, so the overview card is off until the app enables it.
 */
export const maturityDeliveryOutcomesCard = EntityCardBlueprint.make({
  name: 'delivery-outcomes',
  disabled: true,
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/DeliveryOutcomes').then(m => (
        <m.EntityDeliveryOutcomesCard />
      )),
  },
});

/** The team's delivery outcomes and its services' values on Group pages. */
export const maturityTeamDeliveryOutcomesCard = EntityCardBlueprint.make({
  name: 'team-delivery-outcomes',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('../components/DeliveryOutcomes').then(m => (
        <m.TeamDeliveryOutcomesCard />
      )),
  },
});

/** The card on System and Domain pages that opens the architecture review. */
export const maturityReviewCard = EntityCardBlueprint.make({
  name: 'review',
  params: {
    filter: { kind: { $in: ['system', 'domain'] } },
    loader: () =>
      import('../components/ReviewPage').then(m => (
        <m.EntityMaturityReviewCard />
      )),
  },
});
