import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { maturityApiRef, MaturityRequestError } from '../../api';
import {
  mockMaturityApi,
  report,
  serviceEntity,
} from '../../__testUtils__/fixtures';
import { EntityMaturityContent } from './EntityMaturityContent';

function renderContent(api: ReturnType<typeof mockMaturityApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [maturityApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={serviceEntity}>
        <EntityMaturityContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

jest.setTimeout(20000);

describe('EntityMaturityContent', () => {
  it('lists every check by dimension with status, evidence, guidance and reasons', async () => {
    await renderContent(
      mockMaturityApi({ getEntityReport: jest.fn(async () => report) }),
    );
    const ci = await screen.findByTestId('check-delivery-ci');
    expect(within(ci).getByText('Pass')).toBeInTheDocument();
    expect(
      within(ci).getByText('.github/workflows/ci.yml:3'),
    ).toBeInTheDocument();
    const slo = screen.getByTestId('check-obs-slo');
    expect(within(slo).getByText('Unknown')).toBeInTheDocument();
    expect(
      within(slo).getByText(/the SLO collector is not installed/),
    ).toBeInTheDocument();
    expect(
      within(slo).getByText('annotation cloud-native-portal/slo'),
    ).toBeInTheDocument();
    const manifests = screen.getByTestId('check-delivery-manifests');
    expect(
      within(manifests).getByText('Commit manifests under deploy/.'),
    ).toBeInTheDocument();
    expect(screen.getByText('Level 3: Cloud-native')).toBeInTheDocument();
    // The active waiver is listed with its reason.
    expect(
      screen.getByText('SLO tooling arrives next quarter'),
    ).toBeInTheDocument();
  });

  it('shows a 409 from POST /waivers as an existing waiver', async () => {
    const api = mockMaturityApi({
      getEntityReport: jest.fn(async () => report),
      createWaiver: jest.fn(async () => {
        throw new MaturityRequestError(
          'POST /api/maturity/waivers',
          409,
          'Conflict: an active waiver exists',
        );
      }),
    });
    await renderContent(api);
    const manifests = await screen.findByTestId('check-delivery-manifests');
    await userEvent.click(
      within(manifests).getByRole('button', { name: 'Request waiver' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Reason'), {
      target: { value: 'Manifests land with the platform migration' },
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Request waiver' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'An active waiver already exists for this check. POST /api/maturity/waivers failed: 409',
    );
    expect(api.createWaiver).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRef: 'component:default/course-catalog-service',
        checkId: 'delivery-manifests',
        reason: 'Manifests land with the platform migration',
      }),
    );
  });

  it('keeps the submit button disabled for a reason shorter than 3 characters', async () => {
    await renderContent(
      mockMaturityApi({ getEntityReport: jest.fn(async () => report) }),
    );
    const manifests = await screen.findByTestId('check-delivery-manifests');
    await userEvent.click(
      within(manifests).getByRole('button', { name: 'Request waiver' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Reason'), {
      target: { value: 'no' },
    });
    expect(
      within(dialog).getByRole('button', { name: 'Request waiver' }),
    ).toBeDisabled();
  });

  it('revokes a waiver and refreshes on demand', async () => {
    const api = mockMaturityApi({
      getEntityReport: jest.fn(async () => report),
      revokeWaiver: jest.fn(async () => ({
        ...report.waivers[0],
        active: false,
      })),
      refreshEntity: jest.fn(async () => ({ ...report, score: 70 })),
    });
    await renderContent(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Revoke waiver of SLOs are defined',
      }),
    );
    expect(api.revokeWaiver).toHaveBeenCalledWith(report.waivers[0].id);
    await userEvent.click(screen.getByRole('button', { name: 'Refresh now' }));
    await waitFor(() =>
      expect(api.refreshEntity).toHaveBeenCalledWith(
        'component:default/course-catalog-service',
      ),
    );
    expect(await screen.findByLabelText('score')).toHaveTextContent('70');
  });

  it("shows the service's delivery outcomes card in the tab", async () => {
    await renderContent(
      mockMaturityApi({
        getEntityReport: jest.fn(async () => report),
        getEntityFacts: jest.fn(async () => ({
          items: [
            {
              collector: 'delivery',
              version: 1,
              collectedAt: '2026-12-01T00:00:00.000Z',
              status: 'ok' as const,
              facts: { 'delivery.productionDeploymentsPerWeek': 1.5 },
            },
          ],
        })),
      }),
    );
    const outcomes = await screen.findByRole('table', {
      name: 'Delivery outcomes',
    });
    expect(await within(outcomes).findByText('1.5 / week')).toBeInTheDocument();
  });

  it('names the failing request when the history cannot load', async () => {
    await renderContent(
      mockMaturityApi({
        getEntityReport: jest.fn(async () => report),
        getHistory: jest.fn(async () => {
          throw new MaturityRequestError(
            'GET /api/maturity/entity/component/default/course-catalog-service/history',
            500,
            'Internal Server Error',
          );
        }),
      }),
    );
    expect(
      await screen.findByText(/history failed: 500 Internal Server Error/),
    ).toBeInTheDocument();
  });
});
