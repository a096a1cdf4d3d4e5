import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { zeroTrustApiRef } from './api/ZeroTrustApi';
import { postureFromFactSet } from './api/posture';
import { component, factSet } from './__testUtils__/fixtures';
import { mockZeroTrustApi } from './__testUtils__/mockApi';
import {
  EntityZeroTrustCard,
  EntityZeroTrustContent,
  zeroTrustPlugin,
} from './plugin';

describe('zero-trust plugin (legacy frontend system)', () => {
  it('registers the API factory and the page route', () => {
    expect(zeroTrustPlugin.getId()).toBe('zero-trust');
    expect([...zeroTrustPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.zero-trust.api',
    ]);
    expect(zeroTrustPlugin.routes.root).toBeDefined();
  });

  it('renders the card and the tab extensions', async () => {
    const api = mockZeroTrustApi({
      getEntityPosture: jest.fn(async () => postureFromFactSet(factSet())),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[zeroTrustApiRef, api]]}>
        <EntityProvider entity={component('course-catalog-service')}>
          <EntityZeroTrustCard />
          <EntityZeroTrustContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findAllByRole('img', { name: 'Grade A' })).toHaveLength(
      2,
    );
    expect(screen.getByText('Controls')).toBeInTheDocument();
  });
});
