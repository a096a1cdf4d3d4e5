import { coreExtensionData } from '@backstage/frontend-plugin-api';
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
import { ownershipApiRef } from '../api/OwnershipApi';
import { component, mockOwnershipApi } from '../__testUtils__/fixtures';
import ownershipFrontendPlugin from '../alpha';

describe('ownership plugin (new frontend system)', () => {
  it('provides the card, the page and the API', () => {
    expect(ownershipFrontendPlugin.id).toBe('ownership');
    for (const id of [
      'entity-card:ownership/owner',
      'page:ownership',
      'api:ownership',
    ] as const) {
      expect(ownershipFrontendPlugin.getExtension(id)).toBeDefined();
    }
  });

  it('renders the owner card with the parent chain and the problem fix', async () => {
    const tester = createExtensionTester(
      ownershipFrontendPlugin.getExtension('entity-card:ownership/owner'),
    );
    await renderInTestApp(
      <EntityProvider entity={component('certificate-service')}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [[ownershipApiRef, mockOwnershipApi()]],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('This group has no members.'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('parent chain')).toHaveTextContent(
      'Part of Growth › Engineering',
    );
    expect(
      screen.getByRole('link', { name: 'Open a pull request' }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining(
        '/create/templates/default/fix-catalog-owner?formData=',
      ),
    );
  });

  it('places the owner card in the overview info column, not below the main cards', () => {
    const tester = createExtensionTester(
      ownershipFrontendPlugin.getExtension('entity-card:ownership/owner'),
    );
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
  });

  it('mounts the coverage page at /ownership', () => {
    const tester = createExtensionTester(
      ownershipFrontendPlugin.getExtension('page:ownership'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/ownership');
  });
});
