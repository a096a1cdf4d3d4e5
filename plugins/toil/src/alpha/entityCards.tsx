import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The toil card on Component and Resource pages. */
export const toilEntityCard = EntityCardBlueprint.make({
  name: 'summary',
  params: {
    filter: { kind: { $in: ['component', 'resource'] } },
    loader: () =>
      import('../components/EntityToilCard').then(m => <m.EntityToilCard />),
  },
});

/** The team's toil on Group pages. */
export const toilTeamCard = EntityCardBlueprint.make({
  name: 'team',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('../components/TeamToilCard').then(m => <m.TeamToilCard />),
  },
});
