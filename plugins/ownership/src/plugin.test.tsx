import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { OwnershipRequestError } from './api/OwnershipClient';
import { ownershipApiRef } from './api/OwnershipApi';
import {
  certificateOwnership,
  component,
  mockOwnershipApi,
} from './__testUtils__/fixtures';
import { OwnershipPage } from './components/OwnershipPage';
import {
  EntityOwnershipCard,
  OwnershipPage as LegacyPage,
  ownershipPlugin,
} from './plugin';

// The page renders several material tables, slow under jsdom.
jest.setTimeout(30_000);

/** The entity card of certificate-service, on `api`. */
function renderEntityCard(api: ReturnType<typeof mockOwnershipApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[ownershipApiRef, api]]}>
      <EntityProvider entity={component('certificate-service')}>
        <EntityOwnershipCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('ownership plugin (legacy frontend system)', () => {
  it('is the ownership plugin', () => {
    expect(ownershipPlugin.getId()).toBe('ownership');
    expect(ownershipPlugin.routes.root).toBeDefined();
    expect(LegacyPage).toBeDefined();
  });

  it('renders the coverage page: percentage, per-team counts and lists', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[ownershipApiRef, mockOwnershipApi()]]}>
        <OwnershipPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByLabelText(
        'coverage percentage',
        {},
        { timeout: 20_000 },
      ),
    ).toHaveTextContent('75%');
    expect(
      screen.getByText(
        '3 of 4 entities are owned by a Group that exists in the catalog.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('No owner (1)')).toBeInTheDocument();
    expect(screen.getByText('Per team')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /Download CSV/ }),
    ).toBeInTheDocument();
  });

  it('names the failing request when the coverage cannot be loaded', async () => {
    const api = mockOwnershipApi({
      getCoverage: jest.fn(async () => {
        throw new OwnershipRequestError(
          'GET /api/ownership/coverage',
          500,
          '500 boom',
        );
      }),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[ownershipApiRef, api]]}>
        <OwnershipPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByText(
        /Could not load the ownership coverage/,
        {},
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/GET \/api\/ownership\/coverage failed: 500 boom/),
    ).toBeInTheDocument();
  });

  it('renders the entity card', async () => {
    await renderEntityCard(mockOwnershipApi());
    expect(
      await screen.findByText(/The owning group Data Team has no members/),
    ).toBeInTheDocument();
    expect(screen.getByText('data@brightpath.example')).toBeInTheDocument();
  });

  it('says CODEOWNERS was not checked, and why, instead of calling an unchecked entity fine', async () => {
    const unchecked = {
      ...certificateOwnership,
      problems: [],
      codeowners: {
        status: 'unknown' as const,
        defaultOwners: [],
        errors: [],
        reason:
          'source tree unavailable: missing annotation backstage.io/source-location',
      },
    };
    await renderEntityCard(
      mockOwnershipApi({
        getEntityOwnership: jest.fn(async () => unchecked),
      }),
    );
    expect(
      await screen.findByText(
        'No ownership problems found: a staffed group owns this.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'CODEOWNERS not checked: source tree unavailable: missing annotation backstage.io/source-location.',
      ),
    ).toBeInTheDocument();
  });
});
