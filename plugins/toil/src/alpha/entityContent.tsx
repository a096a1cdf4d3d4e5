import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The "Toil" tab with the register, on Component and Resource pages. */
export const toilEntityContent = EntityContentBlueprint.make({
  name: 'register',
  params: {
    path: 'toil',
    title: 'Toil',
    filter: { kind: { $in: ['component', 'resource'] } },
    loader: () =>
      import('../components/EntityToilContent').then(m => (
        <m.EntityToilContent />
      )),
  },
});

/** The "Toil" tab on Group pages: the team view. */
export const toilTeamContent = EntityContentBlueprint.make({
  name: 'team',
  params: {
    path: 'toil',
    title: 'Toil',
    filter: { kind: 'group' },
    loader: () =>
      import('../components/TeamToilContent').then(m => <m.TeamToilContent />),
  },
});
