import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { toilApiRef } from '../api';
import { mockToilApi, serviceEntity } from '../__testUtils__/fixtures';
import { EntityToilContent } from './EntityToilContent';

describe('EntityToilContent', () => {
  it('puts edit and delete in the first column, where a 1440-pixel window shows them, and the effort in one column', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [toilApiRef, mockToilApi()],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={serviceEntity}>
          <EntityToilContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    const edit = await screen.findByRole('button', { name: /^edit / });
    const row = edit.closest('tr')!;
    const cells = within(row).getAllByRole('cell');
    expect(within(cells[0]).getByRole('button', { name: /^edit / })).toBe(edit);
    expect(
      within(cells[0]).getByRole('button', { name: /^delete / }),
    ).toBeInTheDocument();
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).toEqual([
      'Actions',
      'Task',
      'Category',
      'Effort',
      'Hours/week',
      'Automatable',
      'Plan',
      'Recorded by',
    ]);
  });
});
