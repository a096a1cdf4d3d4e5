import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ToilRequestError, toilApiRef } from '../api';
import { mockToilApi, serviceEntity, summary } from '../__testUtils__/fixtures';
import { EntityToilCard } from './EntityToilCard';

function renderCard(api = mockToilApi()) {
  return renderInTestApp(
    <TestApiProvider apis={[[toilApiRef, api]]}>
      <EntityProvider entity={serviceEntity}>
        <EntityToilCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityToilCard', () => {
  it('shows hours/week, toil %, the top 3 tasks and the best candidate', async () => {
    await renderCard();
    expect(await screen.findByLabelText('hours per week')).toHaveTextContent(
      '61.6 h/week',
    );
    expect(screen.getByText('51% toil (red)')).toBeInTheDocument();
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
    expect(screen.getByLabelText('best candidate')).toHaveTextContent(
      'Reconcile failed payouts by hand: saves 1170 h/year, pays back in 0.6 months',
    );
  });

  it('compact, on the overview: keeps hours/week, toil % and the best candidate, leaves the top tasks to the Toil tab it links to', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[toilApiRef, mockToilApi()]]}>
        <EntityProvider entity={serviceEntity}>
          <EntityToilCard compact />
        </EntityProvider>
      </TestApiProvider>,
      { routeEntries: ['/catalog/default/component/payments-gateway'] },
    );
    expect(await screen.findByLabelText('hours per week')).toHaveTextContent(
      '61.6 h/week',
    );
    expect(screen.getByText('51% toil (red)')).toBeInTheDocument();
    expect(screen.getByLabelText('best candidate')).toHaveTextContent(
      'Reconcile failed payouts by hand',
    );
    expect(screen.queryByLabelText('top tasks')).not.toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Every task on the Toil tab' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-gateway/toil',
    );
  });

  it('says there is no register yet instead of showing a blank card', async () => {
    await renderCard(
      mockToilApi({
        getEntitySummary: jest.fn(async () => ({
          ...summary,
          taskCount: 0,
          hoursPerWeek: 0,
          topTasks: [],
          bestCandidate: null,
        })),
      }),
    );
    expect(await screen.findByText(/No toil register yet/)).toBeInTheDocument();
  });

  it('names the failing request on error', async () => {
    await renderCard(
      mockToilApi({
        getEntitySummary: jest.fn(async () => {
          throw new ToilRequestError(
            'GET /api/toil/entities/component/default/payments-gateway/summary',
            503,
            'Service Unavailable',
          );
        }),
      }),
    );
    const matches = await screen.findAllByText(
      /GET \/api\/toil\/entities\/component\/default\/payments-gateway\/summary failed \(503\)/,
    );
    expect(matches.length).toBeGreaterThan(0);
  });
});
