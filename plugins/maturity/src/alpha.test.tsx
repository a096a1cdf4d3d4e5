import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider, catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { screen } from '@testing-library/react';
import maturityPlugin, {
  maturityEntityContent,
  maturitySummaryCard,
  maturityTeamDeliveryOutcomesCard,
  scorecardsPage,
} from './alpha';
import { maturityApiRef } from './api';
import {
  mockMaturityApi,
  report,
  rollups,
  serviceEntity,
} from './__testUtils__/fixtures';

jest.setTimeout(20000);

describe('new frontend system plugin', () => {
  it('is the default export with the maturity id and its extensions', () => {
    expect(maturityPlugin.id).toBe('maturity');
    for (const id of [
      'api:maturity',
      'entity-card:maturity/summary',
      'entity-card:maturity/review',
      'entity-card:maturity/team-delivery-outcomes',
      'entity-card:maturity/delivery-outcomes',
      'entity-content:maturity',
      'page:maturity/scorecards',
      'page:maturity/review',
    ] as const) {
      expect(maturityPlugin.getExtension(id)).toBeDefined();
    }
    expect(String(maturityEntityContent)).toContain('kind=entity-content');
  });

  it('renders the summary card extension', async () => {
    const tester = createExtensionTester(maturitySummaryCard);
    renderInTestApp(
      <EntityProvider entity={serviceEntity}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [
          [
            maturityApiRef,
            mockMaturityApi({ getEntityReport: jest.fn(async () => report) }),
          ],
        ],
      },
    );
    expect(
      await screen.findByText('L2 Foundational', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
  });

  it("renders the team delivery outcomes card extension on a group's page", async () => {
    const tester = createExtensionTester(maturityTeamDeliveryOutcomesCard);
    renderInTestApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'courses-team', namespace: 'default' },
          spec: { type: 'team', children: [] },
        }}
      >
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[maturityApiRef, mockMaturityApi()]] },
    );
    expect(
      await screen.findByRole(
        'table',
        { name: 'Team delivery outcomes' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
  });

  it('renders the scorecards page extension', async () => {
    const tester = createExtensionTester(scorecardsPage);
    renderInTestApp(tester.reactElement(), {
      apis: [
        [
          maturityApiRef,
          mockMaturityApi({
            getRollups: jest.fn(async () => ({
              items: rollups,
              totalCount: 2,
            })),
          }),
        ],
        [catalogApiRef, catalogApiMock()],
        [permissionApiRef, mockApis.permission()],
      ],
    });
    expect(
      await screen.findByRole(
        'table',
        { name: 'Teams by dimension' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
  });
});
