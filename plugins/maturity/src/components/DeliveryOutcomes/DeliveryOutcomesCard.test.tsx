import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { maturityApiRef, MaturityRequestError } from '../../api';
import type { FactSet } from '../../api';
import { mockMaturityApi, serviceEntity } from '../../__testUtils__/fixtures';
import { EntityDeliveryOutcomesCard } from './DeliveryOutcomesCard';

const delivery: FactSet = {
  collector: 'delivery',
  version: 1,
  collectedAt: '2026-12-01T00:00:00.000Z',
  status: 'ok',
  facts: {
    'delivery.productionDeployments': 91,
    'delivery.productionDeploymentsPerWeek': 7,
    'delivery.leadTimeHours': 5.25,
    'delivery.changeFailureRate': 0.1,
  },
  evidence: {
    'delivery.productionDeploymentsPerWeek': [
      { note: '91 production deployment(s) of course-catalog-service' },
    ],
    'delivery.productionDeployments': [
      {
        note: 'a1b2c3d "Promote course-catalog-service 1.4.2 to production"',
      },
    ],
    'delivery.changeFailureRate': [
      { note: '9 of 90 production change(s) were reverted or rolled back' },
    ],
  },
};

const incidentsNotConfigured: FactSet = {
  collector: 'incidents',
  version: 1,
  collectedAt: '2026-12-01T00:00:00.000Z',
  status: 'unknown',
  reason:
    'no incident source is configured: set maturity.outcomes.incidents.file or maturity.outcomes.incidents.url',
  facts: {},
};

function renderCard(overrides: Parameters<typeof mockMaturityApi>[0] = {}) {
  const api = mockMaturityApi({
    getEntityFacts: jest.fn(async () => ({
      items: [delivery, incidentsNotConfigured],
    })),
    getHistory: jest.fn(async () => ({
      entityRef: 'component:default/course-catalog-service',
      items: [
        {
          level: 2,
          score: 50,
          dimensions: {},
          metrics: { 'delivery.productionDeploymentsPerWeek': 2 },
          modelVersion: '1',
          createdAt: '2026-09-01T00:00:00.000Z',
        },
        {
          level: 3,
          score: 60,
          dimensions: {},
          metrics: { 'delivery.productionDeploymentsPerWeek': 7 },
          modelVersion: '1',
          createdAt: '2026-12-01T00:00:00.000Z',
        },
      ],
    })),
    ...overrides,
  });
  return renderInTestApp(
    <TestApiProvider apis={[[maturityApiRef, api]]}>
      <EntityProvider entity={serviceEntity}>
        <EntityDeliveryOutcomesCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityDeliveryOutcomesCard', () => {
  it('shows each measured key in human units with its DORA cluster, and exactly one deploy a day as on demand and elite', async () => {
    await renderCard();
    const frequency = await screen.findByTestId('outcome-deployment-frequency');
    expect(
      within(frequency).getByText('On demand (7 / week)'),
    ).toBeInTheDocument();
    expect(
      within(frequency).getByLabelText('DORA cluster Elite'),
    ).toBeInTheDocument();
    const lead = screen.getByTestId('outcome-lead-time');
    expect(within(lead).getByText('5.3 h')).toBeInTheDocument();
    expect(
      within(lead).getByLabelText('DORA cluster Elite'),
    ).toBeInTheDocument();
    const failures = screen.getByTestId('outcome-change-failure-rate');
    expect(within(failures).getByText('10%')).toBeInTheDocument();
    expect(
      screen.getByText(/Accelerate State of DevOps Report 2019/),
    ).toBeInTheDocument();
  });

  it('shows an unknown incidents collector as "Not measured" with its reason and how to connect it, not as a failure', async () => {
    await renderCard();
    const restore = await screen.findByTestId('outcome-time-to-restore');
    expect(within(restore).getByText('Not measured')).toBeInTheDocument();
    expect(
      within(restore).getByText(/no incident source is configured/),
    ).toBeInTheDocument();
    expect(within(restore).queryByText(/DORA cluster/)).toBeNull();
    expect(within(restore).queryByText(/fail/i)).toBeNull();
  });

  it("shows a connected source that could not be read with the collector's reason alone, not a hint to connect one", async () => {
    await renderCard({
      getEntityFacts: jest.fn(async () => ({
        items: [
          {
            collector: 'delivery',
            version: 1,
            collectedAt: '2026-05-01T00:00:00.000Z',
            status: 'unknown' as const,
            reason:
              'GitHub could not be read (GitHub answered 403: Resource not accessible by integration); check its github.com/project-slug annotation and that integrations.github can read the repository',
            facts: {},
          },
        ],
      })),
    });
    const frequency = await screen.findByTestId('outcome-deployment-frequency');
    expect(
      within(frequency).getByText(/GitHub could not be read/),
    ).toBeInTheDocument();
    expect(
      within(frequency).queryByText(/Connect a delivery source/),
    ).toBeNull();
    // The one reason covers the delivery keys: stated once, then pointed to,
    // with the reason kept for screen readers and on hover.
    for (const id of ['lead-time', 'change-failure-rate']) {
      const row = screen.getByTestId(`outcome-${id}`);
      expect(within(row).getByText('Not measured')).toBeInTheDocument();
      const why = within(row).getByText(/^For the same reason as above\./);
      expect(why).toHaveAttribute(
        'title',
        expect.stringMatching(/^GitHub could not/),
      );
      expect(why).toHaveTextContent(
        /^For the same reason as above\. GitHub could not be read/,
      );
    }
    // Another collector's reason is stated in full again.
    expect(
      within(screen.getByTestId('outcome-monthly-cost')).getByText(
        'No cost collector reported for this entity.',
      ),
    ).toBeInTheDocument();
  });

  it('shows cost as "Not measured" with how to connect OpenCost when no cost collector reported', async () => {
    await renderCard();
    const cost = await screen.findByTestId('outcome-monthly-cost');
    expect(within(cost).getByText('Not measured')).toBeInTheDocument();
    expect(
      within(cost).getByText('No cost collector reported for this entity.'),
    ).toBeInTheDocument();
    expect(within(cost).getByText(/Connect OpenCost/)).toBeInTheDocument();
  });

  it('shows the monthly cost, its idle share and what scaling to zero would save', async () => {
    await renderCard({
      getEntityFacts: jest.fn(async () => ({
        items: [
          delivery,
          {
            collector: 'cost',
            version: 1,
            collectedAt: '2026-12-01T00:00:00.000Z',
            status: 'ok',
            facts: { 'cost.monthlyCost': 1200, 'cost.idleShare': 0.35 },
          },
        ],
      })),
    });
    const cost = await screen.findByTestId('outcome-monthly-cost');
    expect(within(cost).getByText('1,200 / month')).toBeInTheDocument();
    const idle = screen.getByTestId('outcome-idle-share');
    expect(within(idle).getByText('35%')).toBeInTheDocument();
    expect(
      within(idle).getByText(
        'About 420 / month idle, which scaling to zero would save',
      ),
    ).toBeInTheDocument();
  });

  it('expands the deployments it counts as evidence', async () => {
    await renderCard();
    const frequency = await screen.findByTestId('outcome-deployment-frequency');
    expect(
      screen.queryByText(/Promote course-catalog-service 1.4.2/),
    ).toBeNull();
    await userEvent.click(
      within(frequency).getByRole('button', { name: 'Evidence (2)' }),
    );
    const list = screen.getByRole('list', {
      name: 'Evidence of Deployment frequency',
    });
    expect(
      within(list).getByText(/Promote course-catalog-service 1.4.2/),
    ).toBeInTheDocument();
    expect(
      within(list).getByText(/91 production deployment/),
    ).toBeInTheDocument();
  });

  it("draws the trend from the history's metrics, oldest first", async () => {
    await renderCard();
    expect(
      await screen.findByRole('img', {
        name: 'Deployment frequency trend: 2 / week on 2026-09-01 to On demand (7 / week) on 2026-12-01',
      }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('outcome-lead-time')).getByText('No trend yet'),
    ).toBeInTheDocument();
  });

  it('shows every outcome as not collected yet when the entity has no facts (404), not an error', async () => {
    await renderCard({
      getEntityFacts: jest.fn(async () => {
        throw new MaturityRequestError(
          'GET /api/maturity/entity/component/default/course-catalog-service/facts',
          404,
          'Not Found',
        );
      }),
    });
    const first = await screen.findByTestId('outcome-deployment-frequency');
    expect(
      within(first).getByText('No facts were collected for this entity yet.'),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/^For the same reason as above\./)).toHaveLength(
      5,
    );
  });
});
