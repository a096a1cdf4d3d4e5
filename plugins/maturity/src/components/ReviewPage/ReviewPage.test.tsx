import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { maturityApiRef, MaturityRequestError } from '../../api';
import { mockMaturityApi, review } from '../../__testUtils__/fixtures';
import { ReviewPage } from './ReviewPage';

// The graph needs the catalog; its colouring is covered by the table's.
jest.mock('@backstage/plugin-catalog-graph', () => ({
  EntityRelationsGraph: (props: { rootEntityNames: { name: string } }) => (
    <div>graph of {props.rootEntityNames.name}</div>
  ),
}));

function renderReview(api: ReturnType<typeof mockMaturityApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[maturityApiRef, api]]}>
      <Routes>
        <Route
          path="/maturity/review/:namespace/:name"
          element={<ReviewPage />}
        />
      </Routes>
    </TestApiProvider>,
    { routeEntries: ['/maturity/review/default/learning-platform'] },
  );
}

describe('ReviewPage', () => {
  it('shows decomposition, levels with changes, risks, failing checks and the graph', async () => {
    const api = mockMaturityApi({ getReview: jest.fn(async () => review) });
    await renderReview(api);
    expect(
      await screen.findByText(/1 of 2 capabilities extracted \(50%\)/),
    ).toBeInTheDocument();
    expect(screen.getByText('remains in the monolith')).toBeInTheDocument();
    const table = screen.getByRole('table', {
      name: 'Components by dimension',
    });
    expect(within(table).getByText('Enrolment service')).toBeInTheDocument();
    // Level 2 -> 3 and score 60 -> 72 since the chosen date.
    expect(within(table).getAllByText('▲1').length).toBeGreaterThan(0);
    expect(within(table).getByText('▲12')).toBeInTheDocument();
    expect(
      screen.getByText('Big-bang extraction without tracing'),
    ).toBeInTheDocument();
    expect(screen.getByText('Distributed tracing')).toBeInTheDocument();
    expect(screen.getByText('graph of learning-platform')).toBeInTheDocument();
    const [ref, since] = api.getReview.mock.calls[0];
    expect(ref).toBe('system:default/learning-platform');
    // The default date is 90 days back.
    const days = (Date.now() - new Date(since).getTime()) / 86400000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThan(92);
  });

  it('names the failing request', async () => {
    await renderReview(
      mockMaturityApi({
        getReview: jest.fn(async () => {
          throw new MaturityRequestError(
            'GET /api/maturity/review',
            400,
            'Bad Request: Invalid query: system: unknown system',
          );
        }),
      }),
    );
    expect(
      await screen.findByText(/GET \/api\/maturity\/review failed: 400/),
    ).toBeInTheDocument();
  });
});
