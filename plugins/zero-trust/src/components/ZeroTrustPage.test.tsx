import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';
import { mockZeroTrustApi } from '../__testUtils__/mockApi';
import { ZeroTrustPage } from './ZeroTrustPage';

function render(api: ReturnType<typeof mockZeroTrustApi>) {
  return renderInTestApp(<ZeroTrustPage />, {
    apis: [[zeroTrustApiRef, api]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

const card = (title: string) => screen.getByTestId(`section-${title}`);

// Rendering several material tables is slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('ZeroTrustPage', () => {
  it('shows posture by team and system, Critical failures and top failing controls', async () => {
    const api = mockZeroTrustApi({
      getPostureSummary: jest.fn(async groupBy =>
        groupBy === 'owner'
          ? [
              {
                key: 'group:default/courses-team',
                entityCount: 2,
                average: 70.2,
                median: 70.2,
                sum: 70.2,
                min: 40.4,
                max: 100,
              },
              {
                key: 'group:default/payments-team',
                entityCount: 1,
                average: 12.3,
                median: 12.3,
                sum: 12.3,
                min: 12.3,
                max: 12.3,
              },
            ]
          : [
              {
                key: 'system:default/commerce',
                entityCount: 1,
                average: 12.3,
                median: 12.3,
                sum: 12.3,
                min: 12.3,
                max: 12.3,
              },
            ],
      ),
      getControlStatusCounts: jest.fn(async () => [
        {
          fact: 'zeroTrust.sbom',
          pass: 1,
          fail: 9,
          unknown: 0,
          notApplicable: 1,
        },
        {
          fact: 'zeroTrust.mtlsStrict',
          pass: 2,
          fail: 8,
          unknown: 1,
          notApplicable: 0,
        },
        {
          fact: 'zeroTrust.securityPolicy',
          pass: 3,
          fail: 8,
          unknown: 0,
          notApplicable: 0,
        },
      ]),
      getEntitiesWithCriticalFailures: jest.fn(async () => ({
        items: [
          {
            entityRef: 'component:default/payments-gateway',
            ownerRef: 'group:default/payments-team',
            systemRef: 'system:default/commerce',
            value: 3,
          },
        ],
        totalCount: 1,
        limit: 100,
        offset: 0,
      })),
    });
    await render(api);

    expect(await screen.findByText('courses-team')).toBeInTheDocument();
    const team = within(card('Posture by team'));
    expect(team.getByText('70.2')).toBeInTheDocument();
    expect(team.getByRole('img', { name: 'Grade C' })).toBeInTheDocument();
    expect(team.getByRole('img', { name: 'Grade F' })).toBeInTheDocument();

    const system = within(card('Posture by system'));
    expect(await system.findByText('commerce')).toBeInTheDocument();

    const critical = within(card('Services with Critical failures'));
    expect(await critical.findByText('payments-gateway')).toBeInTheDocument();
    expect(critical.getByText('3')).toBeInTheDocument();

    const controls = within(card('Controls failing most often'));
    const titles = (
      await controls.findAllByText(/^(SBOM|Strict mutual TLS|Security policy)$/)
    ).map(e => e.textContent);
    // Most failures first; ties broken by unknowns.
    expect(titles).toEqual(['SBOM', 'Strict mutual TLS', 'Security policy']);
    expect(api.getPostureSummary).toHaveBeenCalledWith('owner');
    expect(api.getPostureSummary).toHaveBeenCalledWith('system');
  });

  it('shows owners that resolve to no catalog group as problems, not as teams', async () => {
    const api = mockZeroTrustApi({
      getPostureSummary: jest.fn(async () => [
        {
          key: 'group:default/courses-team',
          entityCount: 2,
          average: 70,
          median: 70,
          sum: 70,
          min: 40,
          max: 100,
        },
        {
          key: 'group:default/disbanded-team',
          entityCount: 1,
          average: 20,
          median: 20,
          sum: 20,
          min: 20,
          max: 20,
        },
        {
          key: 'user:default/jane',
          entityCount: 1,
          average: 50,
          median: 50,
          sum: 50,
          min: 50,
          max: 50,
        },
      ]),
    });
    await renderInTestApp(<ZeroTrustPage />, {
      apis: [
        [zeroTrustApiRef, api],
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Group',
                metadata: { name: 'courses-team', namespace: 'default' },
                spec: { type: 'team', children: [] },
              },
            ],
          }),
        ],
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    const team = within(card('Posture by team'));
    expect(
      await team.findByText('Problem: owner not in the catalog'),
    ).toBeInTheDocument();
    const missing = team.getByText('disbanded-team').closest('tr')!;
    expect(missing).toHaveTextContent('Problem: owner not in the catalog');
    const person = team.getByText('jane').closest('tr')!;
    expect(person).toHaveTextContent('Problem: a person, not a team');
    const real = team.getByText('courses-team').closest('tr')!;
    expect(real).not.toHaveTextContent(/Problem/);
  });

  it('shows empty states, and an error naming the failing request', async () => {
    const api = mockZeroTrustApi({
      getControlStatusCounts: jest.fn(async () => {
        throw new Error(
          'GET /api/maturity/facts/status-counts?collector=zeroTrust failed: 404 Not Found',
        );
      }),
    });
    await render(api);
    expect(
      await screen.findByText('No team has a scanned service yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No service has a failing Critical control'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Could not load controls failing most often/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/facts\/status-counts\?collector=zeroTrust failed: 404/),
    ).toBeInTheDocument();
  });

  it('does not break team names inside a word, and gives each posture table the full width below extra-large screens', async () => {
    const api = mockZeroTrustApi({
      getPostureSummary: jest.fn(async () => [
        {
          key: 'group:default/assessments-team',
          entityCount: 2,
          average: 60,
          median: 60,
          sum: 60,
          min: 40,
          max: 80,
        },
      ]),
    });
    await render(api);
    const section = await screen.findByTestId('section-Posture by team');
    const name = await within(section).findByText('assessments-team');
    const cell = name.closest('td')!;
    expect(cell).toHaveStyle({ wordBreak: 'normal', overflowWrap: 'normal' });
    // Side by side only from the xl breakpoint (1920 px) on.
    const gridItem = section.parentElement!;
    expect(gridItem.className).toMatch(/MuiGrid-grid-xl-6/);
    expect(gridItem.className).not.toMatch(/MuiGrid-grid-lg-6/);
  });
});
