import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { maturityApiRef } from '../../api';
import { mockMaturityApi, rollups } from '../../__testUtils__/fixtures';
import { HeatMapTable } from './HeatMapTable';

const EIGHT_DIMENSIONS = [
  { id: 'architecture', title: 'Architecture and decomposition' },
  { id: 'delivery', title: 'Delivery (GitOps)' },
  { id: 'scalability', title: 'Scalability and elasticity' },
  { id: 'observability', title: 'Observability' },
  { id: 'security', title: 'Security (zero trust)' },
  { id: 'operations', title: 'Operations and toil' },
  { id: 'reliability', title: 'Reliability and recovery' },
  { id: 'ownership', title: 'Ownership' },
];

describe('HeatMapTable', () => {
  it('lays out all eight dimension columns within the page width: a fixed layout sized to the table, and labels that may wrap', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            maturityApiRef,
            mockMaturityApi({
              getRollups: jest.fn(async () => ({
                items: rollups,
                totalCount: rollups.length,
                limit: 50,
                offset: 0,
              })),
            }),
          ],
        ]}
      >
        <HeatMapTable
          filters={{}}
          dimensions={EIGHT_DIMENSIONS}
          tree={{ parentOf: new Map(), titleOf: new Map() }}
        />
      </TestApiProvider>,
    );
    const table = await screen.findByRole('table', {
      name: 'Teams by dimension',
    });
    // The table never grows past its container, so no column scrolls out of
    // view: the eight dimensions share the width left by the team column.
    expect(table).toHaveStyle({ tableLayout: 'fixed', width: '100%' });
    for (const d of EIGHT_DIMENSIONS) {
      const header = within(table).getByTitle(d.title);
      expect(header).not.toHaveStyle({ whiteSpace: 'nowrap' });
    }
    expect(table.querySelectorAll('col')).toHaveLength(
      4 + EIGHT_DIMENSIONS.length,
    );
  });

  it('shows owners that are not teams (an unresolved group ref, a person) as problems, not as teams', async () => {
    const team = rollups[0];
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            maturityApiRef,
            mockMaturityApi({
              getRollups: jest.fn(async () => ({
                items: [
                  team,
                  { ...team, key: 'group:default/search-guild' },
                  { ...team, key: 'user:default/dana.okafor' },
                ],
                totalCount: 3,
                limit: 50,
                offset: 0,
              })),
            }),
          ],
        ]}
      >
        <HeatMapTable
          filters={{}}
          dimensions={EIGHT_DIMENSIONS}
          tree={{
            parentOf: new Map(),
            titleOf: new Map([[team.key, 'Courses Team']]),
          }}
        />
      </TestApiProvider>,
    );
    const table = await screen.findByRole('table', {
      name: 'Teams by dimension',
    });
    const row = (name: string) => within(table).getByText(name).closest('tr')!;
    expect(
      within(row('search-guild')).getByText(
        'Problem: owner not in the catalog',
      ),
    ).toBeInTheDocument();
    expect(
      within(row('user:dana.okafor')).getByText(
        'Problem: a person, not a team',
      ),
    ).toBeInTheDocument();
    expect(within(row('Courses Team')).queryByText(/^Problem/)).toBeNull();
  });
});
