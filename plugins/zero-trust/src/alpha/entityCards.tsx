import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** `entity-card:zero-trust/posture`: the grade and failing controls. */
export const zeroTrustPostureCard = EntityCardBlueprint.make({
  name: 'posture',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/ZeroTrustPostureCard').then(m => (
        <m.ZeroTrustPostureCard />
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
