import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { maturityApiRef, MaturityRequestError } from '../../api';
import {
  mockMaturityApi,
  report,
  serviceEntity,
} from '../../__testUtils__/fixtures';
import { EntityMaturityCard } from './EntityMaturityCard';

function renderCard(api = mockMaturityApi()) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [maturityApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={serviceEntity}>
        <EntityMaturityCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityMaturityCard', () => {
  it('shows the level, score, blockers and a prefilled "Fix it" link', async () => {
    const api = mockMaturityApi({
      getEntityReport: jest.fn(async () => report),
    });
    await renderCard(api);
    expect(await screen.findByText('L2 Foundational')).toBeInTheDocument();
    expect(screen.getByLabelText('score')).toHaveTextContent('61 / 100');
    expect(
      screen.getByText('What blocks level 3 (Cloud-native)'),
    ).toBeInTheDocument();
    // Only delivery is at the overall level, so only its blocker shows.
    expect(screen.getByText('Delivery (GitOps)')).toBeInTheDocument();
    expect(screen.queryByText('SLOs are defined')).toBeNull();

    const fix = screen.getByText('Fix it').closest('a');
    const href = fix!.getAttribute('href')!;
    expect(
      href.startsWith('/create/templates/default/adopt-gitops?formData='),
    ).toBe(true);
    const formData = JSON.parse(decodeURIComponent(href.split('formData=')[1]));
    expect(formData).toEqual({
      entityRef: 'component:default/course-catalog-service',
      branch: 'main',
    });
    expect(api.getEntityReport).toHaveBeenCalledWith(
      'component:default/course-catalog-service',
    );
  });

  it('says the level is held by what was not measured, not that nothing blocks it, when no measured check fails', async () => {
    const api = mockMaturityApi({
      getEntityReport: jest.fn(async () => ({
        ...report,
        dimensions: report.dimensions.map(d => ({ ...d, blockingChecks: [] })),
        connectEvidence: {
          title: 'Connect the evidence',
          unknownChecks: 2,
          gaps: [],
        },
      })),
    });
    await renderCard(api);
    expect(
      await screen.findByText(
        'No measured check fails: what holds the level was not measured. See "Connect the evidence" below.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('No blocking checks are recorded.')).toBeNull();
  });

  it('says the entity is not scored yet on a 404', async () => {
    await renderCard(
      mockMaturityApi({
        getEntityReport: jest.fn(async () => {
          throw new MaturityRequestError(
            'GET /api/maturity/entity/component/default/course-catalog-service',
            404,
            'Not Found',
          );
        }),
      }),
    );
    expect(await screen.findByText('Not scored yet')).toBeInTheDocument();
  });

  it('names the failing request on a server error', async () => {
    await renderCard(
      mockMaturityApi({
        getEntityReport: jest.fn(async () => {
          throw new MaturityRequestError(
            'GET /api/maturity/entity/component/default/course-catalog-service',
            500,
            'Internal Server Error',
          );
        }),
      }),
    );
    expect(
      await screen.findByText(
        /GET \/api\/maturity\/entity\/component\/default\/course-catalog-service failed: 500 Internal Server Error/,
      ),
    ).toBeInTheDocument();
  });
});
