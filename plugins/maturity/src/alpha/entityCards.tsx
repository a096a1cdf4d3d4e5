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
