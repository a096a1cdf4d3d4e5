import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, IconButton, Typography } from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import { Alert } from '@material-ui/lab';
import {
  ToilTask,
  isWeeklyRepeat,
  taskHoursPerWeek,
  toilTaskCreatePermission,
  toilTaskDeletePermission,
  toilTaskUpdatePermission,
} from '@cloud-native-portal/plugin-toil-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ToilRequestError, toilApiRef } from '../api';
import { downloadText, formatHours } from './common';
import { ImportDialog } from './ImportDialog';
import { TaskDialog } from './TaskDialog';

/** The entity's toil register: list, create, edit, delete, import, export. */
export function EntityToilContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(toilApiRef);
  const tasks = useAsyncRetry(() => api.listTasks(entityRef), [api, entityRef]);
  const canCreate = usePermission({
    permission: toilTaskCreatePermission,
    resourceRef: entityRef,
  });
  const canUpdate = usePermission({
    permission: toilTaskUpdatePermission,
    resourceRef: entityRef,
  });
  const canDelete = usePermission({
    permission: toilTaskDeletePermission,
    resourceRef: entityRef,
  });
  const [editing, setEditing] = useState<ToilTask | 'new'>();
  const [importing, setImporting] = useState(false);
  const [actionError, setActionError] = useState<Error>();

  async function remove(task: ToilTask) {
    setActionError(undefined);
    try {
      await api.deleteTask(task.id, task.version);
      tasks.retry();
    } catch (e) {
      setActionError(e as Error);
    }
  }

  // The row actions come first and the effort figures share one column, so
  // edit and delete stay on screen in a 1440-pixel window.
  const columns: TableColumn<ToilTask>[] = [
    {
      title: 'Actions',
      sorting: false,
      cellStyle: { whiteSpace: 'nowrap', width: 72 },
      headerStyle: { width: 72 },
      render: t => (
        <>
          <IconButton
            size="small"
            aria-label={`edit ${t.task}`}
            disabled={!canUpdate.allowed}
            onClick={() => setEditing(t)}
          >
            <EditIcon fontSize="small" />
          </IconButton>
          <IconButton
            size="small"
            aria-label={`delete ${t.task}`}
            disabled={!canDelete.allowed}
            onClick={() => remove(t)}
          >
            <DeleteIcon fontSize="small" />
          </IconButton>
        </>
      ),
    },
    { title: 'Task', field: 'task', cellStyle: { minWidth: 200 } },
    { title: 'Category', field: 'category' },
    {
      title: 'Effort',
      render: t =>
        `${t.frequency} / ${t.frequencyUnit} × ${
          t.minutesPerOccurrence
        } min × ${t.people} ${t.people === 1 ? 'person' : 'people'}`,
    },
    {
      title: 'Hours/week',
      render: t => formatHours(taskHoursPerWeek(t)),
      customSort: (a, b) => taskHoursPerWeek(a) - taskHoursPerWeek(b),
    },
    { title: 'Automatable', field: 'automatable' },
    {
      title: 'Plan',
      render: t =>
        `${t.automationStatus}${t.buildHours ? ` (${t.buildHours} h)` : ''}${
          isWeeklyRepeat(t) ? ' · weekly repeat' : ''
        }`,
    },
    {
      title: 'Recorded by',
      field: 'recordedBy',
      // The person's name, whole: "user:default/" adds nothing here.
      render: t => (
        <span title={t.recordedBy} style={{ whiteSpace: 'nowrap' }}>
          {t.recordedBy.replace(/^user:(default\/)?/, '')}
        </span>
      ),
    },
  ];

  if (tasks.loading && !tasks.value) return <Progress />;
  if (tasks.error) {
    return (
      <ResponseErrorPanel
        title="Could not load the toil register"
        error={tasks.error}
      />
    );
  }
  const conflict =
    actionError instanceof ToilRequestError && actionError.status === 409;
  return (
    <Box>
      <Box display="flex" mb={2} style={{ gap: 8 }}>
        <Button
          variant="contained"
          color="primary"
          disabled={!canCreate.allowed}
          onClick={() => setEditing('new')}
        >
          Add task
        </Button>
        <Button
          variant="outlined"
          disabled={!canCreate.allowed}
          onClick={() => setImporting(true)}
        >
          Import CSV
        </Button>
        <Button
          variant="outlined"
          onClick={async () =>
            downloadText(
              `${entity.metadata.name}-toil.csv`,
              await api.exportCsv(entityRef),
            )
          }
        >
          Export CSV
        </Button>
      </Box>
      {!canCreate.loading && !canCreate.allowed && (
        <Alert severity="info">
          Only members of the owning group, or admins, can change this register.
        </Alert>
      )}
      {actionError && (
        <Alert
          severity={conflict ? 'warning' : 'error'}
          action={
            conflict ? (
              <Button color="inherit" size="small" onClick={tasks.retry}>
                Reload
              </Button>
            ) : undefined
          }
        >
          {conflict
            ? 'Someone else changed this task after you loaded the register. Reload, then try again.'
            : actionError.message}
        </Alert>
      )}
      <Table<ToilTask>
        title="Toil register"
        options={{ paging: false, search: false }}
        columns={columns}
        data={tasks.value ?? []}
        emptyContent={
          <Typography style={{ padding: 16 }}>
            No toil register yet. Add the operations tasks of this entity, or
            import the team's spreadsheet.
          </Typography>
        }
      />
      {editing && (
        <TaskDialog
          entityRef={entityRef}
          task={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            tasks.retry();
          }}
          onReload={() => {
            setEditing(undefined);
            tasks.retry();
          }}
        />
      )}
      {importing && (
        <ImportDialog
          onClose={() => setImporting(false)}
          onImported={tasks.retry}
        />
      )}
    </Box>
  );
}
