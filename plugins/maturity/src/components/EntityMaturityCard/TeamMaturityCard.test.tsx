import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { maturityApiRef } from '../../api';
import type { Rollup } from '../../api';
import { mockMaturityApi, rollups } from '../../__testUtils__/fixtures';
import { TeamMaturityCard } from './TeamMaturityCard';

const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

function renderCard(name: string, items: Rollup[] = rollups) {
  const api = mockMaturityApi({
    getRollups: jest.fn(async () => ({
      items,
      totalCount: items.length,
      limit: 500,
      offset: 0,
    })),
  });
  return renderInTestApp(
    <TestApiProvider apis={[[maturityApiRef, api]]}>
      <EntityProvider entity={group(name)}>
        <TeamMaturityCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('TeamMaturityCard', () => {
  it("shows the group's own roll-up: average score, levels and each dimension", async () => {
    await renderCard('courses-team');
    expect(await screen.findByText('58')).toBeInTheDocument();
    expect(screen.getByText(/average over 3 entities/)).toBeInTheDocument();
    expect(screen.getByText('Delivery (GitOps): 1.7')).toBeInTheDocument();
    expect(screen.getByText('Observability: 3.0')).toBeInTheDocument();
  });

  it('says how many entities its average leaves out because nothing of them was measured', async () => {
    await renderCard('courses-team', [
      { ...rollups[0], entityCount: 4, notEvaluatedCount: 1 },
    ]);
    expect(await screen.findByText('58')).toBeInTheDocument();
    expect(
      screen.getByText(
        /average over 3 evaluated entities; 1 of 4 not evaluated/,
      ),
    ).toBeInTheDocument();
  });

  it('says no check of the team could be measured rather than showing a score of 0 and level 1', async () => {
    await renderCard('courses-team', [
      {
        key: 'group:default/courses-team',
        entityCount: 2,
        notEvaluatedCount: 2,
        averageScore: null,
        levels: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
        dimensions: {},
      },
    ]);
    expect(
      await screen.findByText(
        /Not evaluated: no check of the team's 2 entities could be measured/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/\/ 100 average/)).not.toBeInTheDocument();
    expect(screen.queryByText(/Levels:/)).not.toBeInTheDocument();
  });

  it('says the team has no scored entity rather than showing zeros', async () => {
    await renderCard('no-entities-team');
    expect(await screen.findByText('No scored entity yet')).toBeInTheDocument();
  });
});
