import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { maturityApiRef } from './api';
import {
  EntityDeliveryOutcomesCard,
  EntityMaturityCard,
  EntityMaturityContent,
  EntityTeamDeliveryOutcomesCard,
  EntityTeamMaturityCard,
  EntityMaturityReviewCard,
  MaturityReviewPage,
  MaturityScorecardsPage,
  maturityPlugin,
} from './index';
import {
  mockMaturityApi,
  report,
  serviceEntity,
} from './__testUtils__/fixtures';

describe('legacy frontend system exports', () => {
  it('exports the plugin with its API and routes', () => {
    expect(maturityPlugin.getId()).toBe('maturity');
    expect([...maturityPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.maturity.api',
    ]);
    expect(Object.keys(maturityPlugin.routes)).toEqual([
      'scorecards',
      'review',
    ]);
    for (const extension of [
      EntityDeliveryOutcomesCard,
      EntityTeamDeliveryOutcomesCard,
      EntityTeamMaturityCard,
      EntityMaturityContent,
      EntityMaturityReviewCard,
      MaturityReviewPage,
      MaturityScorecardsPage,
    ]) {
      expect(typeof extension).toBe('function');
    }
  });

  it('renders the legacy summary card', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            maturityApiRef,
            mockMaturityApi({ getEntityReport: jest.fn(async () => report) }),
          ],
        ]}
      >
        <EntityProvider entity={serviceEntity}>
          <EntityMaturityCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('L2 Foundational')).toBeInTheDocument();
  });
});
