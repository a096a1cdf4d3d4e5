import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { maturityApiRef, MaturityRequestError } from '../../api';
import { mockMaturityApi, review } from '../../__testUtils__/fixtures';
import { ReviewPage } from './ReviewPage';
import { migrationRecord } from './migrationRecord.fixture';

// The graph needs the catalog; its colouring is covered by the table's.
jest.mock('@backstage/plugin-catalog-graph', () => ({
  EntityRelationsGraph: (props: { rootEntityNames: { name: string } }) => (
    <div>graph of {props.rootEntityNames.name}</div>
  ),
}));

/** The catalog of these tests holds the system under review. */
const learningPlatform = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'learning-platform', namespace: 'default' },
  spec: { owner: 'group:default/platform-team' },
};

function renderReview(
  api: ReturnType<typeof mockMaturityApi>,
  path = '/maturity/review/default/learning-platform',
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [maturityApiRef, api],
        [catalogApiRef, catalogApiMock({ entities: [learningPlatform] })],
      ]}
    >
      <Routes>
        <Route
          path="/maturity/review/:namespace/:name"
          element={<ReviewPage />}
        />
      </Routes>
    </TestApiProvider>,
    { routeEntries: [path] },
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

  it('says "not evaluated yet", never "No monolith" or "No anti-patterns", before the first evaluation', async () => {
    await renderReview(
      mockMaturityApi({
        getReview: jest.fn(async () => ({
          ...review,
          components: [],
          decomposition: [],
          risks: [],
          topFailingChecks: [],
        })),
      }),
    );
    expect(
      (await screen.findAllByText(/^Not evaluated yet/)).length,
    ).toBeGreaterThanOrEqual(2);
    expect(screen.queryByText(/No monolith/)).not.toBeInTheDocument();
    expect(screen.queryByText(/No anti-patterns/)).not.toBeInTheDocument();
    expect(screen.queryByText(/No failing checks/)).not.toBeInTheDocument();
  });

  it('labels each dimension column with its first word and keeps the full title on hover, so the table fits 1440 px', async () => {
    await renderReview(
      mockMaturityApi({ getReview: jest.fn(async () => review) }),
    );
    const table = await screen.findByRole('table', {
      name: 'Components by dimension',
    });
    const header = within(table).getByTitle('Delivery (GitOps)');
    expect(header).toHaveTextContent(/^Delivery$/);
  });

  it('shows the migration record: each aspect at the first snapshot and now, with its evidence, and "not measured" with the reason', async () => {
    await renderReview(
      mockMaturityApi({
        getReview: jest.fn(async () => ({ ...review, migrationRecord })),
      }),
    );
    const table = await screen.findByRole('table', {
      name: 'Migration record',
    });
    expect(
      within(table).getByText('First snapshot (2026-06-01)'),
    ).toBeInTheDocument();
    const deployment = within(table).getByText('Deployment').closest('tr')!;
    const [, then, now] = within(deployment).getAllByRole('cell');
    expect(then).toHaveTextContent('L1 Traditional');
    expect(then).toHaveTextContent(
      'Production deployments per week: 0.1 / week (one every 13 weeks)',
    );
    expect(then).toHaveTextContent('Lead time for changes: 21 days');
    expect(now).toHaveTextContent('L2 Foundational');
    expect(now).toHaveTextContent(
      'Production deployments per week: 9.5 / week',
    );
    expect(now).toHaveTextContent('Lead time for changes: 30 min');
    expect(now).toHaveTextContent(
      'Blocking the next level: GitOps sync (2 components)',
    );
    const cost = within(table).getByText('Cost').closest('tr')!;
    expect(cost).toHaveTextContent('Cost per month: not measured');
    expect(cost).toHaveTextContent('set maturity.outcomes.opencost.baseUrl');
    expect(cost).toHaveTextContent('1 → 2 components');
  });

  it('says "not found" for a system the catalog does not hold', async () => {
    const api = mockMaturityApi({
      getReview: jest.fn(async () => ({
        ...review,
        components: [],
        decomposition: [],
        risks: [],
        topFailingChecks: [],
      })),
    });
    await renderReview(api, '/maturity/review/default/no-such-system');
    expect(
      await screen.findByText('System no-such-system not found'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/No monolith/)).not.toBeInTheDocument();
    expect(screen.queryByText(/No anti-patterns/)).not.toBeInTheDocument();
    expect(screen.queryByText(/Not evaluated yet/)).not.toBeInTheDocument();
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
