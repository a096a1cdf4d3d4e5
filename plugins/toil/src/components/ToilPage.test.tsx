import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import type { TeamToilRanking } from '@cloud-native-portal/plugin-toil-common';
import { toilApiRef } from '../api';
import { mockToilApi } from '../__testUtils__/fixtures';
import { ToilPage } from './ToilPage';

const figures = (hoursPerWeek: number, taskCount: number, percent: number) => ({
  hoursPerWeek,
  taskCount,
  members: 4,
  toilPercent: percent,
  band: (percent >= 50 ? 'red' : 'green') as 'red' | 'green',
});

const teams: TeamToilRanking[] = [
  {
    groupRef: 'group:default/payments-team',
    title: 'Payments Team',
    type: 'team',
    direct: figures(82, 9, 51.3),
    withDescendants: figures(82, 9, 51.3),
  },
  {
    // Members, but nobody has recorded a task: 0 h over 160 h is "0%".
    groupRef: 'group:default/data-team',
    title: 'Data Team',
    type: 'team',
    direct: figures(0, 0, 0),
    withDescendants: figures(0, 0, 0),
  },
];

function renderPage(api = mockToilApi()) {
  return renderInTestApp(
    <TestApiProvider apis={[[toilApiRef, api]]}>
      <ToilPage />
    </TestApiProvider>,
  );
}

describe('ToilPage', () => {
  it('says "no toil recorded" for a team with an empty register, not "0% toil (green)"', async () => {
    await renderPage(
      mockToilApi({ getTeamRanking: jest.fn(async () => teams) }),
    );
    expect(await screen.findByText('51% toil (red)')).toBeInTheDocument();
    const row = screen.getByText('Data Team').closest('tr')!;
    expect(within(row).getByText('no toil recorded')).toBeInTheDocument();
    expect(screen.queryByText('0% toil (green)')).toBeNull();
  });

  it('says a team without members has an unknown toil %, with why on hover', async () => {
    const noMembers = {
      hoursPerWeek: 6,
      taskCount: 2,
      members: 0,
      toilPercent: null,
      band: null,
      toilPercentReason: 'the team has no members',
    };
    await renderPage(
      mockToilApi({
        getTeamRanking: jest.fn(async () => [
          {
            groupRef: 'group:default/search-guild',
            title: 'Search Guild',
            type: 'team',
            direct: noMembers,
            withDescendants: noMembers,
          },
        ]),
      }),
    );
    const row = (await screen.findByText('Search Guild')).closest('tr')!;
    expect(within(row).getByText('toil % unknown')).toBeInTheDocument();
    expect(
      within(row).getByTitle('the team has no members'),
    ).toBeInTheDocument();
  });

  it('shows the toil no team carries, with why, instead of leaving those hours out of every roll-up', async () => {
    await renderPage(
      mockToilApi({
        getTeamRanking: jest.fn(async () => teams),
        getUnownedToil: jest.fn(async () => ({
          hoursPerWeek: 23,
          taskCount: 4,
          entities: [
            {
              entityRef: 'component:default/quiz-engine',
              title: 'Quiz engine',
              ownerRef: 'group:default/unassigned',
              reason:
                'the owner group:default/unassigned is not in the catalog',
              hoursPerWeek: 23,
              taskCount: 4,
            },
          ],
        })),
      }),
    );
    const table = await screen.findByRole('table', {
      name: 'Toil no team carries',
    });
    expect(within(table).getByText('Quiz engine')).toBeInTheDocument();
    expect(
      within(table).getByText(
        'the owner group:default/unassigned is not in the catalog',
      ),
    ).toBeInTheDocument();
    expect(within(table).getByText('23.0 h/week')).toBeInTheDocument();
    expect(screen.getByText(/23.0 h\/week in 4 tasks/)).toBeInTheDocument();
  });
});
