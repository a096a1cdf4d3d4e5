import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * `entity-card:zero-trust/posture`: the grade and the failing controls, short,
 * beside the overview's main column; the Zero trust tab has the details.
 */
export const zeroTrustPostureCard = EntityCardBlueprint.make({
  name: 'posture',
  params: {
    type: 'info',
    filter: { kind: 'component' },
    loader: () =>
      import('../components/ZeroTrustPostureCard').then(m => (
        <m.ZeroTrustPostureCard compact />
      )),
  },
});

/** `entity-card:zero-trust/team`: a team's posture on its Group page. */
export const zeroTrustTeamCard = EntityCardBlueprint.make({
  name: 'team',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('../components/TeamPostureCard').then(m => <m.TeamPostureCard />),
  },
});
