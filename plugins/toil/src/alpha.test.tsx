import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import toilPlugin, { toilEntityCard, toilTeamContent } from './alpha';
import { toilApiRef } from './api';
import {
  groupEntity,
  mockToilApi,
  serviceEntity,
} from './__testUtils__/fixtures';

jest.setTimeout(20000);

describe('new frontend system plugin', () => {
  it('is the default export with the toil id and its extensions', () => {
    expect(toilPlugin.id).toBe('toil');
    for (const id of [
      'api:toil',
      'entity-card:toil/summary',
      'entity-content:toil/register',
      'entity-content:toil/team',
      'page:toil',
    ] as const) {
      expect(toilPlugin.getExtension(id)).toBeDefined();
    }
  });

  it('places the toil card in the overview info column, not below the main cards', () => {
    const tester = createExtensionTester(toilEntityCard);
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
  });

  it('renders the entity card extension', async () => {
    const tester = createExtensionTester(toilEntityCard);
    renderInTestApp(
      <EntityProvider entity={serviceEntity}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[toilApiRef, mockToilApi()]] },
    );
    expect(
      await screen.findByText('61.6 h/week', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
  });

  it('renders the team tab extension with the gauge and the backlog', async () => {
    const tester = createExtensionTester(toilTeamContent);
    renderInTestApp(
      <EntityProvider entity={groupEntity}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [[toilApiRef, mockToilApi()]],
        // The backlog links each task's entity.
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByLabelText('toil percent', {}, { timeout: 10000 }),
    ).toHaveTextContent('51%');
    expect(screen.getByText(/Automation backlog/)).toBeInTheDocument();
  });
});
