import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { maturityApiRef } from '../../api';
import { mockMaturityApi } from '../../__testUtils__/fixtures';
import { TeamDeliveryOutcomesCard } from './TeamDeliveryOutcomesCard';

const team = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'courses-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

/** What the demo's server answers: delivery facts, no incidents, no cost. */
const summaries: Record<string, object[]> = {
  'delivery.productionDeploymentsPerWeek': [
    // The parent group's roll-up comes too; the card takes the team's own.
    {
      key: 'group:default/learning',
      entityCount: 5,
      average: 2,
      median: 1,
      sum: 10,
      min: 0.5,
      max: 7,
    },
    {
      key: 'group:default/courses-team',
      entityCount: 3,
      // One on-demand service pulls the mean up; the median stays put.
      average: 3,
      median: 1,
      sum: 9,
      min: 1,
      max: 7,
    },
  ],
  'delivery.leadTimeHours': [
    {
      key: 'group:default/courses-team',
      entityCount: 2,
      average: 30,
      median: 30,
      sum: 60,
      min: 12,
      max: 48,
    },
  ],
  'delivery.changeFailureRate': [
    {
      key: 'group:default/courses-team',
      entityCount: 2,
      average: 0.15,
      median: 0.15,
      sum: 0.3,
      min: 0.1,
      max: 0.2,
    },
  ],
};

const values: Record<string, Array<[string, string, number]>> = {
  'delivery.productionDeploymentsPerWeek': [
    ['component:default/course-catalog-service', 'Course catalog service', 7],
    ['component:default/enrolment-service', 'Enrolment service', 1],
  ],
};

async function renderCard() {
  const api = mockMaturityApi({
    getFactSummary: jest.fn(async ({ fact }) => ({
      items: summaries[fact] ?? [],
    })),
    listEntitiesByFact: jest.fn(async ({ fact }) => {
      const items = (values[fact] ?? []).map(([entityRef, title, value]) => ({
        entityRef,
        title,
        value,
      }));
      return { items, totalCount: items.length, limit: 100, offset: 0 };
    }),
  });
  await renderInTestApp(
    <TestApiProvider apis={[[maturityApiRef, api]]}>
      <EntityProvider entity={team}>
        <TeamDeliveryOutcomesCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return api;
}

describe('TeamDeliveryOutcomesCard', () => {
  it("shows the team's own roll-up per key with its range and DORA cluster, not its parent group's", async () => {
    const api = await renderCard();
    const frequency = await screen.findByTestId(
      'team-outcome-deployment-frequency',
    );
    expect(within(frequency).getByText('1 / week')).toBeInTheDocument();
    expect(
      within(frequency).getByText('1 / week to On demand (7 / week)'),
    ).toBeInTheDocument();
    expect(
      within(frequency).getByLabelText('DORA cluster High'),
    ).toBeInTheDocument();
    expect(
      within(
        screen.getByTestId('team-outcome-change-failure-rate'),
      ).getByLabelText('DORA cluster Elite'),
    ).toBeInTheDocument();
    expect(api.getFactSummary).toHaveBeenCalledWith({
      collector: 'delivery',
      fact: 'delivery.productionDeploymentsPerWeek',
      groupBy: 'owner',
      filters: { owner: 'group:default/courses-team' },
    });
  });

  it('shows an outcome none of its services measures as "Not measured", pointing to the services\' own reasons', async () => {
    await renderCard();
    const restore = await screen.findByTestId('team-outcome-time-to-restore');
    expect(within(restore).getByText('Not measured')).toBeInTheDocument();
    expect(
      within(restore).getByText('No service of this team has a value yet.'),
    ).toBeInTheDocument();
    // A fixed hint could be wrong (the source may be connected, the service
    // not deployed yet): the services' own tabs say what is missing.
    expect(
      within(restore).queryByText(/Connect an incident source/),
    ).toBeNull();
    expect(
      screen.getByText(/says on its Maturity tab what its evidence lacks/),
    ).toBeInTheDocument();
  });

  it("lists the team's services with their values and links to their pages", async () => {
    await renderCard();
    const services = await screen.findByRole('table', {
      name: 'Delivery outcomes per service',
    });
    const link = within(services).getByRole('link', {
      name: 'Course catalog service',
    });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/component/course-catalog-service',
    );
    expect(
      within(services).getByText('On demand (7 / week)'),
    ).toBeInTheDocument();
    expect(within(services).getByText('Enrolment service')).toBeInTheDocument();
  });
});
