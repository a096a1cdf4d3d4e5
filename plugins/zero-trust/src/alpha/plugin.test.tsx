import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';
import { postureFromFactSet } from '../api/posture';
import { component, failingFactSet } from '../__testUtils__/fixtures';
import { mockZeroTrustApi } from '../__testUtils__/mockApi';
import zeroTrustFrontendPlugin from '../alpha';

describe('zero-trust plugin (new frontend system)', () => {
  it('provides the card, the entity tab, the page and the API', () => {
    expect(zeroTrustFrontendPlugin.id).toBe('zero-trust');
    for (const id of [
      'entity-card:zero-trust/posture',
      'entity-content:zero-trust',
      'page:zero-trust',
      'api:zero-trust',
    ] as const) {
      expect(zeroTrustFrontendPlugin.getExtension(id)).toBeDefined();
    }
  });

  it('places the posture card in the overview info column, not below the main cards', () => {
    const tester = createExtensionTester(
      zeroTrustFrontendPlugin.getExtension('entity-card:zero-trust/posture'),
    );
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
  });

  it('renders the posture card extension short: the grade, the failing controls by title and a link to the tab', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () => postureFromFactSet(failingFactSet)),
    });
    const tester = createExtensionTester(
      zeroTrustFrontendPlugin.getExtension('entity-card:zero-trust/posture'),
    );
    await renderInTestApp(
      <EntityProvider entity={component('payments-gateway')}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[zeroTrustApiRef, api]] },
    );
    expect(await screen.findByRole('img', { name: 'Grade F' })).toBeVisible();
    expect(screen.getByLabelText('failing controls')).toHaveTextContent(
      /No plaintext secrets/,
    );
    // The overview card is the short form; the tab has the details.
    expect(
      screen.getByRole('link', {
        name: 'Evidence and fixes on the Zero trust tab',
      }),
    ).toBeInTheDocument();
  });

  it('mounts the organization page at /zero-trust', async () => {
    const tester = createExtensionTester(
      zeroTrustFrontendPlugin.getExtension('page:zero-trust'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/zero-trust');
  });
});
