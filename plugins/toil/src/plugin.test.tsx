import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { EntityToilCard, toilPlugin } from './index';
import { toilApiRef } from './api';
import { mockToilApi, serviceEntity } from './__testUtils__/fixtures';

describe('legacy frontend system plugin', () => {
  it('has the toil id and renders the card extension', async () => {
    expect(toilPlugin.getId()).toBe('toil');
    await renderInTestApp(
      <TestApiProvider apis={[[toilApiRef, mockToilApi()]]}>
        <EntityProvider entity={serviceEntity}>
          <EntityToilCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('61.6 h/week')).toBeInTheDocument();
  });
});
