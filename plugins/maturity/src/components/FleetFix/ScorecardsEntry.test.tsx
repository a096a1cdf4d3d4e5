jest.setTimeout(20000);

import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { maturityApiRef } from '../../api';
import { mockMaturityApi, rollups } from '../../__testUtils__/fixtures';
import { ScorecardsPage } from '../ScorecardsPage';

function modelCheck(id: string, title: string, fixTemplateRef?: string) {
  return {
    id,
    title,
    dimension: 'scalability',
    level: 4,
    why: 'why',
    how: 'how',
    weight: 1,
    effort: 'small' as const,
    evidence: 'repo' as const,
    rule: { fact: 'x', equals: true },
    ...(fixTemplateRef ? { fixTemplate: { ref: fixTemplateRef } } : {}),
  };
}

describe('Scorecards page, checks that fail most', () => {
  it('offers "Fix across services" on a check whose model definition has a fix template, and on no other', async () => {
    const base = mockMaturityApi();
    const model = await base.getModel();
    const api = mockMaturityApi({
      getModel: jest.fn(async () => ({
        ...model,
        model: {
          ...model.model,
          checks: [
            modelCheck(
              'scale-pdb',
              'A PodDisruptionBudget protects capacity',
              'template:default/add-pdb',
            ),
            modelCheck('obs-tracing', 'Distributed tracing'),
          ],
        },
      })),
      getRollups: jest.fn(async () => ({ items: rollups, totalCount: 2 })),
      getFailingChecks: jest.fn(async () => ({
        items: [
          {
            checkId: 'scale-pdb',
            title: 'A PodDisruptionBudget protects capacity',
            dimension: 'scalability',
            level: 4,
            blocking: 3,
            failing: 5,
            unknown: 0,
          },
          {
            checkId: 'obs-tracing',
            title: 'Distributed tracing',
            dimension: 'observability',
            level: 3,
            blocking: 2,
            failing: 4,
            unknown: 0,
          },
        ],
      })),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [maturityApiRef, api],
          [catalogApiRef, catalogApiMock()],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <ScorecardsPage />
      </TestApiProvider>,
    );
    const table = await screen.findByRole(
      'table',
      { name: 'Top failing checks' },
      { timeout: 10_000 },
    );
    const row = (text: string) =>
      within(table)
        .getAllByRole('row')
        .find(r => within(r).queryByText(text))!;
    await within(row('A PodDisruptionBudget protects capacity')).findByRole(
      'button',
      { name: 'Fix across services' },
    );
    expect(
      within(row('Distributed tracing')).queryByRole('button', {
        name: 'Fix across services',
      }),
    ).toBeNull();
  });
});
