jest.setTimeout(20000);

import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { maturityApiRef, MaturityRequestError } from '../../api';
import { mockMaturityApi, rollups } from '../../__testUtils__/fixtures';
import { ScorecardsPage } from './ScorecardsPage';

const catalogApi = catalogApiMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'learning-experience', namespace: 'default' },
      spec: { type: 'product-area', parent: 'engineering', children: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'courses-team', namespace: 'default' },
      spec: {
        type: 'team',
        parent: 'learning-experience',
        children: [],
        profile: { displayName: 'Courses Team' },
      },
    },
  ],
});

function renderPage(
  api: ReturnType<typeof mockMaturityApi>,
  permission = mockApis.permission(),
  routeEntries?: string[],
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [maturityApiRef, api],
        [catalogApiRef, catalogApi],
        [permissionApiRef, permission],
      ]}
    >
      <ScorecardsPage />
    </TestApiProvider>,
    { routeEntries },
  );
}

describe('ScorecardsPage', () => {
  it('opens on the tab the address names, as a campaign notification links to it, and puts the chosen tab in the address', async () => {
    const api = mockMaturityApi({
      getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
    });
    await renderPage(api, undefined, ['/?tab=campaigns']);
    expect(
      await screen.findByRole('tab', { name: 'Campaigns', selected: true }),
    ).toBeInTheDocument();
    expect(await screen.findByText('No campaigns yet')).toBeInTheDocument();
    expect(screen.queryByText('Teams by dimension')).toBeNull();

    await userEvent.click(screen.getByRole('tab', { name: 'Teams' }));
    expect(
      await screen.findByRole('table', { name: 'Teams by dimension' }),
    ).toBeInTheDocument();
    expect(api.listCampaigns).toHaveBeenCalledTimes(1);
  });

  it('"Evaluate all now" starts a cycle, shows it running, and reads every card again when it ends', async () => {
    let status = { cycle: 7, shards: 2, done: 1, running: true };
    const api = mockMaturityApi({
      getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
      startCycle: jest.fn(async () => ({ started: true, cycle: 7 })),
      getCurrentCycle: jest.fn(async () => status),
    });
    await renderPage(api);
    await screen.findByRole('table', { name: 'Teams by dimension' });
    const owners = () =>
      api.getRollups.mock.calls.filter(c => c[0] === 'owner').length;
    const before = owners();

    await userEvent.click(
      screen.getByRole('button', { name: 'Evaluate all now' }),
    );
    expect(api.startCycle).toHaveBeenCalledTimes(1);
    expect(
      await screen.findByText(
        'Evaluating every service: 1 of 2 shards done…',
        {},
        { timeout: 5000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Evaluate all now' }),
    ).toBeDisabled();

    status = { cycle: 7, shards: 2, done: 2, running: false };
    expect(
      await screen.findByText(/^Scores updated at /, {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    await waitFor(() => expect(owners()).toBeGreaterThan(before));
    expect(
      screen.getByRole('button', { name: 'Evaluate all now' }),
    ).toBeEnabled();
  });

  it('hides "Evaluate all now" from those without maturity.cycle.run', async () => {
    const api = mockMaturityApi({
      getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
    });
    await renderPage(
      api,
      mockApis.permission({
        authorize: request =>
          request.permission.name === 'maturity.cycle.run'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }),
    );
    await screen.findByRole('table', { name: 'Teams by dimension' });
    expect(
      screen.queryByRole('button', { name: 'Evaluate all now' }),
    ).not.toBeInTheDocument();
  });

  it('shows teams × dimensions with hierarchy and drills into a team', async () => {
    const api = mockMaturityApi({
      getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
      listEntities: jest.fn(async () => ({
        items: [
          {
            entityRef: 'component:default/course-catalog-service',
            kind: 'Component',
            title: 'Course catalog service',
            ownerRef: 'group:default/courses-team',
            level: 2,
            score: 61,
            dimensions: [],
          },
        ],
        totalCount: 1,
      })),
      getFailingChecks: jest.fn(async () => ({
        items: [
          {
            checkId: 'obs-tracing',
            title: 'Distributed tracing',
            dimension: 'observability',
            level: 3,
            blocking: 5,
            failing: 7,
            unknown: 0,
          },
        ],
      })),
    });
    await renderPage(api);
    const table = await screen.findByRole('table', {
      name: 'Teams by dimension',
    });
    // The child team names its parent; cells show the average level.
    expect(await within(table).findByText('Courses Team')).toBeInTheDocument();
    expect(
      within(table).getByText('in learning-experience'),
    ).toBeInTheDocument();
    expect(within(table).getByText('1.7')).toBeInTheDocument();
    expect(api.getRollups).toHaveBeenCalledWith(
      'owner',
      {},
      { limit: 50, offset: 0 },
    );
    expect(
      await screen.findByText('Distributed tracing', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();

    await userEvent.click(
      within(table).getByRole('button', {
        name: 'Show entities of courses-team',
      }),
    );
    expect(
      await screen.findByText('Course catalog service'),
    ).toBeInTheDocument();
    expect(api.listEntities).toHaveBeenCalledWith(
      { owner: 'group:default/courses-team' },
      { limit: 20, offset: 0 },
    );
  });

  it('requests each card once on the first view, not again when the filters settle', async () => {
    const api = mockMaturityApi({
      getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
      getFailingChecks: jest.fn(async () => ({ items: [] })),
    });
    await renderPage(api);
    const table = await screen.findByRole('table', {
      name: 'Teams by dimension',
    });
    await within(table).findByText('Courses Team');
    // Past the filters' 300 ms debounce.
    await new Promise(r => setTimeout(r, 600));
    const byGroup = (groupBy: string) =>
      api.getRollups.mock.calls.filter(c => c[0] === groupBy).length;
    expect(byGroup('owner')).toBe(1);
    expect(byGroup('domain')).toBe(1);
    expect(api.getFailingChecks).toHaveBeenCalledTimes(1);
    expect(api.getTrends).toHaveBeenCalledTimes(1);
  });

  it('requests the roll-ups while the model is still loading', async () => {
    const base = mockMaturityApi({
      getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
    });
    let releaseModel: () => void = () => {};
    const modelHeld = new Promise<void>(r => {
      releaseModel = r;
    });
    const model = await base.getModel();
    const api = {
      ...base,
      getModel: jest.fn(async () => {
        await modelHeld;
        return model;
      }),
    };
    await renderPage(api);
    await waitFor(() =>
      expect(api.getRollups).toHaveBeenCalledWith(
        'owner',
        {},
        { limit: 50, offset: 0 },
      ),
    );
    expect(api.getTrends).toHaveBeenCalledTimes(1);
    expect(api.getFailingChecks).toHaveBeenCalledTimes(1);
    // The table needs the model's dimensions for its columns.
    expect(
      screen.queryByRole('table', { name: 'Teams by dimension' }),
    ).not.toBeInTheDocument();
    releaseModel();
    const table = await screen.findByRole('table', {
      name: 'Teams by dimension',
    });
    expect(await within(table).findByText('Courses Team')).toBeInTheDocument();
    // Once: the model's arrival does not request the roll-ups again.
    expect(
      api.getRollups.mock.calls.filter(c => c[0] === 'owner'),
    ).toHaveLength(1);
  });

  it('names the failing model request in the heat map', async () => {
    await renderPage(
      mockMaturityApi({
        getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
        getModel: jest.fn(async () => {
          throw new MaturityRequestError(
            'GET /api/maturity/model',
            503,
            'Service Unavailable',
          );
        }),
      }),
    );
    expect(
      await screen.findByText(/GET \/api\/maturity\/model failed: 503/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Teams by dimension' }),
    ).not.toBeInTheDocument();
  });

  it('sorts by average score', async () => {
    await renderPage(
      mockMaturityApi({
        getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
      }),
    );
    const table = await screen.findByRole('table', {
      name: 'Teams by dimension',
    });
    await within(table).findByText('Courses Team');
    await userEvent.click(within(table).getByText('Avg score'));
    const rows = within(table).getAllByRole('row').slice(1);
    // Descending on first click: 64 before 58.
    expect(rows[0]).toHaveTextContent('64');
    expect(rows[1]).toHaveTextContent('58');
  });

  it('names the failing trends request', async () => {
    await renderPage(
      mockMaturityApi({
        getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
        getTrends: jest.fn(async () => {
          throw new MaturityRequestError(
            'GET /api/maturity/trends',
            500,
            'Internal Server Error',
          );
        }),
      }),
    );
    expect(
      await screen.findByText(/GET \/api\/maturity\/trends failed: 500/),
    ).toBeInTheDocument();
  });

  it('lists campaigns with progress and opens one', async () => {
    const campaign = {
      id: 'c1',
      title: 'Production services at Observability level 3',
      dimension: 'observability',
      targetLevel: 3,
      deadline: '2027-03-31',
      filters: { lifecycle: 'production' },
      createdBy: 'user:default/marcus.lee',
      createdAt: '2026-10-01T00:00:00Z',
      progress: { total: 8, met: 6, short: 2, notEvaluated: 0, percent: 75 },
      due: { state: 'open', daysLeft: 120 },
    };
    const api = mockMaturityApi({
      getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
      listCampaigns: jest.fn(async () => ({ items: [campaign] })),
      getCampaign: jest.fn(async () => ({
        ...campaign,
        entitiesShort: [
          {
            entityRef: 'component:default/legacy-reports',
            title: 'Legacy reports',
            ownerRef: 'group:default/data-team',
            level: 2,
            blockingChecks: [
              { checkId: 'obs-tracing', title: 'Distributed tracing' },
            ],
          },
        ],
        entitiesNotEvaluated: [],
        owners: [{ ownerRef: 'group:default/data-team', count: 1 }],
        history: { interval: 'week', points: [] },
      })),
    });
    await renderPage(api);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Campaigns' }),
    );
    expect(await screen.findByText('6/8 (75%)')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: campaign.title }));
    expect(await screen.findByText('Legacy reports')).toBeInTheDocument();
    expect(screen.getByText('1 to go')).toBeInTheDocument();
    await waitFor(() => expect(api.getCampaign).toHaveBeenCalledWith('c1'));
  });
});
