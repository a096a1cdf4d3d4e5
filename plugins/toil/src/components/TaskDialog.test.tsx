import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ToilRequestError, toilApiRef } from '../api';
import { mockToilApi, task } from '../__testUtils__/fixtures';
import { TaskDialog } from './TaskDialog';

function renderDialog(
  api = mockToilApi(),
  props: Partial<Parameters<typeof TaskDialog>[0]> = {},
) {
  const handlers = {
    onClose: jest.fn(),
    onSaved: jest.fn(),
    onReload: jest.fn(),
  };
  renderInTestApp(
    <TestApiProvider apis={[[toilApiRef, api]]}>
      <TaskDialog
        entityRef="component:default/payments-gateway"
        {...handlers}
        {...props}
      />
    </TestApiProvider>,
  );
  return handlers;
}

describe('TaskDialog', () => {
  it('validates as the person types: 0 people and 10,000 a week are refused', async () => {
    renderDialog();
    const people = await screen.findByLabelText('People');
    await userEvent.clear(people);
    await userEvent.type(people, '0');
    expect(await screen.findByText('must be at least 1')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Frequency'), '10000');
    expect(
      await screen.findByText(/must be at most 2000 occurrences a week/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
  });

  it('creates a valid task', async () => {
    const api = mockToilApi({ createTask: jest.fn(async () => task) });
    const handlers = renderDialog(api);
    await userEvent.type(
      await screen.findByLabelText('Task'),
      'Patch base images',
    );
    await userEvent.type(screen.getByLabelText('Frequency'), '1');
    await userEvent.type(
      screen.getByLabelText('Minutes per occurrence'),
      '120',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(handlers.onSaved).toHaveBeenCalled());
    expect(api.createTask).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRef: 'component:default/payments-gateway',
        task: 'Patch base images',
        frequency: 1,
        minutesPerOccurrence: 120,
        people: 1,
      }),
    );
  });

  it('tells the person to reload on a 409', async () => {
    const api = mockToilApi({
      updateTask: jest.fn(async () => {
        throw new ToilRequestError('PUT /api/toil/tasks/t1', 409, 'stale');
      }),
    });
    const handlers = renderDialog(api, { task });
    await userEvent.click(await screen.findByRole('button', { name: 'Save' }));
    expect(
      await screen.findByText(
        /Someone else changed this task after you opened it/,
      ),
    ).toBeInTheDocument();
    expect(api.updateTask).toHaveBeenCalledWith(
      't1',
      expect.objectContaining({ version: 3 }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(handlers.onReload).toHaveBeenCalled();
  });
});
