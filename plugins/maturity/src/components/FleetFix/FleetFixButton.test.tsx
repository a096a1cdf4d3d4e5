jest.setTimeout(20000);

import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import { maturityApiRef } from '../../api';
import { mockMaturityApi } from '../../__testUtils__/fixtures';
import { FailingChecksTable } from '../ScorecardsPage/Charts';

const check = {
  checkId: 'scale-pdb',
  title: 'A PodDisruptionBudget protects capacity',
  dimension: 'scalability',
  level: 4,
  blocking: 3,
  failing: 3,
  unknown: 0,
};

const denyFleetFix = mockApis.permission({
  authorize: request =>
    request.permission.name === 'maturity.fleet.fix'
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
});

async function renderTable(
  permission: ReturnType<typeof mockApis.permission>,
  fixable: ReadonlySet<string>,
) {
  const authorize = jest.spyOn(permission, 'authorize');
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [maturityApiRef, mockMaturityApi()],
        [permissionApiRef, permission],
      ]}
    >
      <FailingChecksTable
        items={[check]}
        dimensionTitle={id => id ?? '-'}
        fixableChecks={fixable}
      />
    </TestApiProvider>,
  );
  await screen.findByRole('table', { name: 'Top failing checks' });
  return authorize;
}

// Apart from the other fleet tests: usePermission caches its answer for the
// test file's life, so a denial would leak into tests that need the button.
describe('FleetFixButton', () => {
  it('is hidden from those without maturity.fleet.fix', async () => {
    const authorize = await renderTable(denyFleetFix, new Set(['scale-pdb']));
    // The permission is answered asynchronously: wait for the answer.
    await waitFor(() => expect(authorize).toHaveBeenCalled());
    await new Promise(r => setTimeout(r, 100));
    expect(
      screen.queryByRole('button', { name: 'Fix across services' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('A PodDisruptionBudget protects capacity'),
    ).toBeInTheDocument();
  });

  it('is not offered on a check without a fix template', async () => {
    await renderTable(mockApis.permission(), new Set());
    await new Promise(r => setTimeout(r, 100));
    expect(
      screen.queryByRole('button', { name: 'Fix across services' }),
    ).not.toBeInTheDocument();
  });
});
