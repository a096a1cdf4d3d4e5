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
