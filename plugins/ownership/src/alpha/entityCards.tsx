import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** `entity-card:ownership/owner`: the owner, its chain, contacts and problems. */
export const ownershipOwnerCard = EntityCardBlueprint.make({
  name: 'owner',
  params: {
    filter: {
      kind: { $in: ['component', 'api', 'resource', 'system', 'domain'] },
    },
    loader: () =>
      import('../components/OwnershipCard').then(m => <m.OwnershipCard />),
  },
});
