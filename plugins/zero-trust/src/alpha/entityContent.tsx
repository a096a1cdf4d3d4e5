import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** `entity-content:zero-trust`: every control and the score history. */
export const zeroTrustEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'zero-trust',
    title: 'Zero trust',
    filter: { kind: 'component' },
    loader: () =>
      import('../components/ZeroTrustEntityContent').then(m => (
        <m.ZeroTrustEntityContent />
      )),
  },
});
