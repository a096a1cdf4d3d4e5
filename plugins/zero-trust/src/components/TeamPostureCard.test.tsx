import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';
import { mockZeroTrustApi } from '../__testUtils__/mockApi';
import { TeamPostureCard } from './TeamPostureCard';

const team = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'courses-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

function render(
  rows: Awaited<
    ReturnType<ReturnType<typeof mockZeroTrustApi>['getPostureSummary']>
  >,
) {
  return renderInTestApp(
    <EntityProvider entity={team}>
      <TeamPostureCard />
    </EntityProvider>,
    {
      apis: [
        [
          zeroTrustApiRef,
          mockZeroTrustApi({ getPostureSummary: jest.fn(async () => rows) }),
        ],
      ],
    },
  );
}

describe('TeamPostureCard', () => {
  it("shows the team's average posture, its grade and its range", async () => {
    await render([
      {
        key: 'group:default/courses-team',
        entityCount: 2,
        average: 70.2,
        median: 70.2,
        sum: 70.2,
        min: 40.4,
        max: 100,
      },
    ]);
    expect(await screen.findByText('Average 70 / 100')).toBeInTheDocument();
    expect(
      screen.getByText(/2 scanned services; lowest 40, highest 100/),
    ).toBeInTheDocument();
  });

  it('says why there is no posture for a team without scanned services', async () => {
    await render([]);
    expect(
      await screen.findByText(
        /No service of this team has a posture score yet/,
      ),
    ).toBeInTheDocument();
  });
});
