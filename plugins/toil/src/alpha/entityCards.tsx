import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * The toil card on Component and Resource pages: short, beside the
 * overview's main column; the Toil tab has the register.
 */
export const toilEntityCard = EntityCardBlueprint.make({
  name: 'summary',
  params: {
    type: 'info',
    filter: { kind: { $in: ['component', 'resource'] } },
    loader: () =>
      import('../components/EntityToilCard').then(m => (
        <m.EntityToilCard compact />
      )),
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
