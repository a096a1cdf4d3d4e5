import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CsvImportPreview } from '@cloud-native-portal/plugin-toil-common';
import { toilApiRef } from '../api';
import { mockToilApi, task } from '../__testUtils__/fixtures';
import { ImportDialog } from './ImportDialog';

const preview: CsvImportPreview = {
  headers: ['service', 'task'],
  mapping: { entityRef: 'service', task: 'task' },
  ignoredColumns: [],
  missingFields: [],
  accepted: [{ line: 2, task }],
  rejected: [{ line: 3, reasons: ['people must be at least 1'], raw: {} }],
  warnings: [],
};

describe('ImportDialog', () => {
  it('uploads, previews accepted and rejected rows with reasons, then applies on confirm', async () => {
    const api = mockToilApi({
      previewImport: jest.fn(async () => preview),
      applyImport: jest.fn(async () => ({
        applied: 1,
        taskIds: ['t1'],
        rejected: preview.rejected,
      })),
    });
    const onImported = jest.fn();
    renderInTestApp(
      <TestApiProvider apis={[[toilApiRef, api]]}>
        <ImportDialog onClose={jest.fn()} onImported={onImported} />
      </TestApiProvider>,
    );
    const file = new File(['service,task\n'], 'register.csv', {
      type: 'text/csv',
    });
    await userEvent.upload(await screen.findByLabelText('CSV file'), file);
    expect(
      await screen.findByText('people must be at least 1'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Reconcile failed payouts by hand'),
    ).toBeInTheDocument();
    expect(api.applyImport).not.toHaveBeenCalled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Import 1 rows' }),
    );
    await waitFor(() => expect(onImported).toHaveBeenCalled());
    expect(
      screen.getByText(/Imported 1 rows; 1 rejected rows were not written/),
    ).toBeInTheDocument();
  });

  it('shows the server refusal of a bad file', async () => {
    const api = mockToilApi({
      previewImport: jest.fn(async () => {
        throw new Error(
          'POST /api/toil/import/preview failed (400): file: the file is UTF-16 encoded',
        );
      }),
    });
    renderInTestApp(
      <TestApiProvider apis={[[toilApiRef, api]]}>
        <ImportDialog onClose={jest.fn()} onImported={jest.fn()} />
      </TestApiProvider>,
    );
    await userEvent.upload(
      await screen.findByLabelText('CSV file'),
      new File(['x'], 'bad.csv', { type: 'text/csv' }),
    );
    expect(await screen.findByText(/UTF-16 encoded/)).toBeInTheDocument();
  });
});
