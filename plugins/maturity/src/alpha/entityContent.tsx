import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The "Maturity" tab on Component pages. */
export const maturityEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'maturity',
    title: 'Maturity',
    filter: { kind: 'component' },
    loader: () =>
      import('../components/EntityMaturityContent').then(m => (
        <m.EntityMaturityContent />
      )),
  },
});
