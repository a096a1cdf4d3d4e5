jest.setTimeout(30000);

import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { maturityApiRef } from '../../api';
import type { CampaignDetail } from '../../api';
import { mockMaturityApi } from '../../__testUtils__/fixtures';
import { Campaigns } from './Campaigns';

const catalogApi = catalogApiMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: {
        name: 'learning-platform',
        namespace: 'default',
        title: 'Learning Platform',
      },
      spec: { owner: 'group:default/engineering' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: 'courses-team',
        namespace: 'default',
        title: 'Courses Team',
      },
      spec: { type: 'team', children: [] },
    },
  ],
});

const dimensions = [
  { id: 'security', title: 'Security' },
  { id: 'observability', title: 'Observability' },
];

const campaign: CampaignDetail = {
  id: 'c1',
  title: 'Production services at Security level 3',
  dimension: 'security',
  targetLevel: 3,
  deadline: '2026-11-30',
  filters: { lifecycle: 'production' },
  createdBy: 'user:default/marcus.lee',
  createdAt: '2026-10-01T00:00:00Z',
  progress: { total: 3, met: 1, short: 1, notEvaluated: 1, percent: 33.3 },
  due: { state: 'overdue', daysLeft: -2 },
  entitiesShort: [
    {
      entityRef: 'component:default/legacy-reports',
      title: 'Legacy reports',
      ownerRef: 'group:default/data-team',
      level: 2,
      blockingChecks: [
        {
          checkId: 'sec-mtls-strict',
          title: 'mTLS is STRICT between services',
        },
      ],
    },
  ],
  entitiesNotEvaluated: [
    {
      entityRef: 'component:default/search-indexer',
      title: 'Search indexer',
      ownerRef: 'group:default/search-guild',
    },
  ],
  owners: [
    { ownerRef: 'group:default/data-team', count: 1 },
    { ownerRef: 'group:default/search-guild', count: 1 },
  ],
  history: {
    interval: 'week',
    points: [
      {
        period: '2026-09-28',
        met: 0,
        short: 2,
        notEvaluated: 1,
        total: 3,
        percent: 0,
      },
      {
        period: '2026-10-05',
        met: 1,
        short: 1,
        notEvaluated: 1,
        total: 3,
        percent: 33.3,
      },
    ],
  },
};

function renderCampaigns(
  api: ReturnType<typeof mockMaturityApi>,
  fixableChecks?: ReadonlySet<string>,
  routeEntries?: string[],
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [maturityApiRef, api],
        [catalogApiRef, catalogApi],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <Campaigns dimensions={dimensions} fixableChecks={fixableChecks} />
    </TestApiProvider>,
    { routeEntries },
  );
}

describe('Campaigns', () => {
  it('opens the campaign the address names (&campaign=<id>, where its notification links)', async () => {
    const api = mockMaturityApi({
      listCampaigns: jest.fn(async () => ({ items: [campaign] })),
      getCampaign: jest.fn(async () => campaign),
    });
    await renderCampaigns(api, undefined, [
      `/?tab=campaigns&campaign=${campaign.id}`,
    ]);
    expect(
      await screen.findByRole('table', { name: 'Entities still short' }),
    ).toBeInTheDocument();
    expect(api.getCampaign).toHaveBeenCalledWith(campaign.id);
  });

  it('attaches every form label to its input, and picks the system and owner from the catalog instead of typed-in refs', async () => {
    const api = mockMaturityApi({
      createCampaign: jest.fn(async body => ({
        ...campaign,
        ...body,
        id: 'c2',
      })),
      getCampaign: jest.fn(async () => campaign),
    });
    await renderCampaigns(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'New campaign' }),
    );
    const dialog = await screen.findByRole('dialog');
    const field = (label: string) => within(dialog).getByLabelText(label);
    await userEvent.type(field('Title'), 'Security level 3 for production');
    await userEvent.selectOptions(field('Dimension'), 'security');
    await userEvent.selectOptions(field('Target level'), '3');
    await userEvent.type(field('Deadline'), '2027-03-31');
    await userEvent.selectOptions(field('Lifecycle'), 'production');
    expect(field('Tag')).toBeInTheDocument();

    await userEvent.click(field('System'));
    await userEvent.click(
      await screen.findByRole('option', { name: /Learning Platform/ }),
    );
    await userEvent.click(field('Owner'));
    await userEvent.click(
      await screen.findByRole('option', { name: /Courses Team/ }),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Create campaign' }),
    );
    await waitFor(() =>
      expect(api.createCampaign).toHaveBeenCalledWith({
        title: 'Security level 3 for production',
        description: undefined,
        dimension: 'security',
        targetLevel: 3,
        deadline: '2027-03-31',
        filters: {
          kind: 'Component',
          lifecycle: 'production',
          system: 'system:default/learning-platform',
          owner: 'group:default/courses-team',
        },
      }),
    );
  });

  it('shows checks by title, the level in the dimension, services not evaluated apart (not as L1), the overdue state, progress over time and Notify owners, which tells each owning team once and says whom it told', async () => {
    const api = mockMaturityApi({
      listCampaigns: jest.fn(async () => ({ items: [campaign] })),
      getCampaign: jest.fn(async () => campaign),
      notifyCampaignOwners: jest.fn(async () => ({
        items: [{ owner: 'group:default/platform-team', entityCount: 2 }],
        unowned: 1,
      })),
    });
    await renderCampaigns(api);
    const list = await screen.findByRole('table', { name: 'Campaigns' });
    expect(within(list).getByText('Overdue by 2 days')).toBeInTheDocument();
    expect(within(list).getByText('1 not evaluated')).toBeInTheDocument();
    await userEvent.click(
      within(list).getByRole('button', { name: campaign.title }),
    );

    const short = await screen.findByRole('table', {
      name: 'Entities still short',
    });
    expect(
      within(short).getByRole('columnheader', { name: 'Security level' }),
    ).toBeInTheDocument();
    expect(within(short).getByText('L2 Foundational')).toBeInTheDocument();
    expect(
      within(short).getByText('mTLS is STRICT between services'),
    ).toBeInTheDocument();
    expect(within(short).queryByText('sec-mtls-strict')).toBeNull();

    const notEvaluated = screen.getByRole('table', {
      name: 'Entities not evaluated',
    });
    expect(
      within(notEvaluated).getByText('Search indexer'),
    ).toBeInTheDocument();
    expect(within(notEvaluated).queryByText(/^L1/)).toBeNull();

    expect(
      screen.getByRole('img', { name: /Progress over time: 33.3%/ }),
    ).toBeInTheDocument();
    const notify = screen.getByRole('button', { name: 'Notify owners' });
    expect(notify).toBeEnabled();
    await userEvent.click(notify);
    expect(
      await screen.findByText(
        'Notified 1 team: platform-team (2). 1 service has no owner to tell.',
      ),
    ).toBeInTheDocument();
    expect(api.notifyCampaignOwners).toHaveBeenCalledWith(campaign.id);
  });

  it('offers the fleet fix of a check blocking the campaign, shows where it stands per service, and starts it for the campaign', async () => {
    const withFix = {
      ...campaign,
      entitiesShort: campaign.entitiesShort.map(e => ({
        ...e,
        blockingChecks: e.blockingChecks.map(c => ({
          ...c,
          fix: { state: 'pr-open' as const },
        })),
      })),
    };
    const api = mockMaturityApi({
      listCampaigns: jest.fn(async () => ({ items: [campaign] })),
      getCampaign: jest.fn(async () => withFix),
      getFleetCandidates: jest.fn(async () => ({
        checkId: 'sec-mtls-strict',
        checkTitle: 'mTLS is STRICT between services',
        items: [
          {
            entityRef: campaign.entitiesShort[0].entityRef,
            result: 'fail',
            state: 'not-started',
          },
        ],
      })),
      listFleetRuns: jest.fn(async () => ({ items: [] })),
      createFleetRun: jest.fn(async body => ({
        id: 'r1',
        checkId: body.checkId,
        templateRef: 't',
        preview: true,
        createdBy: 'user:default/guest',
        createdAt: '2026-12-06T10:00:00Z',
        status: 'completed',
        counts: { total: 0, done: 0 },
        items: [],
      })),
    });
    await renderCampaigns(api, new Set(['sec-mtls-strict']));
    const list = await screen.findByRole('table', { name: 'Campaigns' });
    await userEvent.click(
      within(list).getByRole('button', { name: campaign.title }),
    );
    const short = await screen.findByRole('table', {
      name: 'Entities still short',
    });
    expect(within(short).getByText('PR open')).toBeInTheDocument();
    const fixes = await screen.findByRole('table', {
      name: 'Fixes to propose',
    });
    expect(
      within(fixes).getByText('mTLS is STRICT between services'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(fixes).getByRole('button', { name: 'Fix across services' }),
    );
    expect(await screen.findByText(/For the campaign/)).toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Preview changes' }),
    );
    expect(api.createFleetRun).toHaveBeenCalledWith(
      expect.objectContaining({
        checkId: 'sec-mtls-strict',
        campaignId: campaign.id,
        preview: true,
      }),
    );
  });

  it('offers no fleet fix when no blocking check has a fix template', async () => {
    const api = mockMaturityApi({
      listCampaigns: jest.fn(async () => ({ items: [campaign] })),
      getCampaign: jest.fn(async () => campaign),
    });
    await renderCampaigns(api, new Set(['some-other-check']));
    const list = await screen.findByRole('table', { name: 'Campaigns' });
    await userEvent.click(
      within(list).getByRole('button', { name: campaign.title }),
    );
    await screen.findByRole('table', { name: 'Entities still short' });
    expect(
      screen.queryByRole('table', { name: 'Fixes to propose' }),
    ).toBeNull();
  });
});
