import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { maturityApiRef } from '../../api';
import { mockMaturityApi, rollups } from '../../__testUtils__/fixtures';
import { TeamMaturityCard } from './TeamMaturityCard';

const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

function renderCard(name: string) {
  const api = mockMaturityApi({
    getRollups: jest.fn(async () => ({
      items: rollups,
      totalCount: rollups.length,
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

  it('says the team has no scored entity rather than showing zeros', async () => {
    await renderCard('no-entities-team');
    expect(await screen.findByText('No scored entity yet')).toBeInTheDocument();
  });
});
