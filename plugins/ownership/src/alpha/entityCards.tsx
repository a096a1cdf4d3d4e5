import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * `entity-card:ownership/owner`: the owner, its chain, contacts and problems,
 * in the overview's info column beside the main one, so it shows in the
 * first screen.
 */
export const ownershipOwnerCard = EntityCardBlueprint.make({
  name: 'owner',
  params: {
    type: 'info',
    filter: {
      kind: { $in: ['component', 'api', 'resource', 'system', 'domain'] },
    },
    loader: () =>
      import('../components/OwnershipCard').then(m => <m.OwnershipCard />),
  },
});
