import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { toilApiRef } from '../api';
import {
  groupEntity,
  mockToilApi,
  teamReport,
} from '../__testUtils__/fixtures';
import { TeamToilCard } from './TeamToilCard';

/** The card on the Payments Team's Group page, on `api`. */
function renderCard(api: ReturnType<typeof mockToilApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[toilApiRef, api]]}>
      <EntityProvider entity={groupEntity}>
        <TeamToilCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('TeamToilCard', () => {
  it("shows the team's toil share and hours/week on its Group page", async () => {
    const api = mockToilApi();
    await renderCard(api);
    expect(
      await screen.findByLabelText('team hours per week'),
    ).toHaveTextContent('61.6 h/week');
    expect(screen.getByText('51% toil (red)')).toBeInTheDocument();
    expect(api.getTeamReport).toHaveBeenCalledWith(
      'group:default/payments-team',
    );
  });

  it('shows an empty register as "no toil recorded", not a green 0%', async () => {
    const empty = {
      ...teamReport.withDescendants,
      hoursPerWeek: 0,
      taskCount: 0,
      toilPercent: 0,
      band: 'green' as const,
    };
    const api = mockToilApi({
      getTeamReport: jest.fn(async () => ({
        ...teamReport,
        direct: empty,
        withDescendants: empty,
        entities: [],
        backlog: [],
      })),
    });
    await renderCard(api);
    expect(await screen.findByText('no toil recorded')).toBeInTheDocument();
    expect(screen.queryByText(/0% toil/)).toBeNull();
  });
});
