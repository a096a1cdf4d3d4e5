import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Grid,
  MenuItem,
  TextField,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useApi } from '@backstage/core-plugin-api';
import {
  AUTOMATABLE_VALUES,
  AUTOMATION_STATUSES,
  FREQUENCY_UNITS,
  TOIL_CATEGORIES,
  ToilTask,
  ToilTaskInput,
  FrequencyUnit,
  fieldErrors,
  frequencyProblem,
  toilTaskInputSchema,
} from '@cloud-native-portal/plugin-toil-common';
import { useMemo, useState } from 'react';
import { ToilRequestError, toilApiRef } from '../api';

type Draft = Record<keyof ToilTaskInput, string>;

function toDraft(entityRef: string, task?: ToilTask): Draft {
  return {
    entityRef,
    task: task?.task ?? '',
    category: task?.category ?? 'other',
    frequency: task ? String(task.frequency) : '',
    frequencyUnit: task?.frequencyUnit ?? 'week',
    minutesPerOccurrence: task ? String(task.minutesPerOccurrence) : '',
    people: task ? String(task.people) : '1',
    automatable: task?.automatable ?? 'yes',
    link: task?.link ?? '',
    automationStatus: task?.automationStatus ?? 'none',
    buildHours:
      task?.buildHours === null || task?.buildHours === undefined
        ? ''
        : String(task.buildHours),
    automatedAt: task?.automatedAt ?? '',
  };
}

function parseDraft(draft: Draft) {
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));
  return toilTaskInputSchema.safeParse({
    ...draft,
    frequency: num(draft.frequency),
    minutesPerOccurrence: num(draft.minutesPerOccurrence),
    people: num(draft.people),
    buildHours: num(draft.buildHours) ?? null,
    link: draft.link || null,
    automatedAt: draft.automatedAt || null,
  });
}

/** Create or edit one task; validates as the person types. */
export function TaskDialog(props: {
  entityRef: string;
  task?: ToilTask;
  onClose(): void;
  onSaved(): void;
  onReload(): void;
}) {
  const { entityRef, task, onClose, onSaved, onReload } = props;
  const api = useApi(toilApiRef);
  const [draft, setDraft] = useState(() => toDraft(entityRef, task));
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ToilRequestError | Error>();
  const parsed = useMemo(() => parseDraft(draft), [draft]);
  const errors: Record<string, string> = parsed.success
    ? {}
    : fieldErrors(parsed.error);
  // The weekly bound needs both fields; check it even while others are empty.
  const frequency = Number(draft.frequency);
  const frequencyError =
    draft.frequency.trim() !== '' && Number.isFinite(frequency)
      ? frequencyProblem(frequency, draft.frequencyUnit as FrequencyUnit)
      : undefined;
  if (frequencyError && !errors.frequency) errors.frequency = frequencyError;

  const field = (
    name: keyof ToilTaskInput,
    label: string,
    extra: Partial<React.ComponentProps<typeof TextField>> = {},
    options?: readonly string[],
  ) => (
    <TextField
      fullWidth
      label={label}
      value={draft[name]}
      select={Boolean(options)}
      error={touched.has(name) && Boolean(errors[name])}
      helperText={touched.has(name) ? errors[name] ?? ' ' : ' '}
      onChange={e => {
        setDraft(d => ({ ...d, [name]: e.target.value }));
        setTouched(t => new Set(t).add(name));
      }}
      inputProps={{ 'aria-label': label }}
      {...extra}
    >
      {options?.map(o => (
        <MenuItem key={o} value={o}>
          {o}
        </MenuItem>
      ))}
    </TextField>
  );

  async function save() {
    setTouched(new Set(Object.keys(draft)));
    if (!parsed.success) return;
    setSaving(true);
    setError(undefined);
    try {
      if (task)
        await api.updateTask(task.id, {
          ...parsed.data,
          version: task.version,
        });
      else await api.createTask(parsed.data);
      onSaved();
    } catch (e) {
      setError(e as Error);
    } finally {
      setSaving(false);
    }
  }

  const conflict = error instanceof ToilRequestError && error.status === 409;
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>{task ? 'Edit toil task' : 'Add a toil task'}</DialogTitle>
      <DialogContent>
        {conflict && (
          <Alert
            severity="warning"
            action={
              <Button color="inherit" size="small" onClick={onReload}>
                Reload
              </Button>
            }
          >
            Someone else changed this task after you opened it, so your change
            was not saved. Reload the register to see their version, then make
            your change again.
          </Alert>
        )}
        {error && !conflict && <Alert severity="error">{error.message}</Alert>}
        <Grid container spacing={2}>
          <Grid item xs={12}>
            {field('task', 'Task')}
          </Grid>
          <Grid item xs={6}>
            {field('category', 'Category', {}, TOIL_CATEGORIES)}
          </Grid>
          <Grid item xs={3}>
            {field('frequency', 'Frequency', { type: 'number' })}
          </Grid>
          <Grid item xs={3}>
            {field('frequencyUnit', 'Per', {}, FREQUENCY_UNITS)}
          </Grid>
          <Grid item xs={4}>
            {field('minutesPerOccurrence', 'Minutes per occurrence', {
              type: 'number',
            })}
          </Grid>
          <Grid item xs={4}>
            {field('people', 'People', { type: 'number' })}
          </Grid>
          <Grid item xs={4}>
            {field('automatable', 'Automatable', {}, AUTOMATABLE_VALUES)}
          </Grid>
          <Grid item xs={12}>
            {field('link', 'Link (ticket or runbook)')}
          </Grid>
          <Grid item xs={4}>
            {field(
              'automationStatus',
              'Automation status',
              {},
              AUTOMATION_STATUSES,
            )}
          </Grid>
          <Grid item xs={4}>
            {field('buildHours', 'Build hours', { type: 'number' })}
          </Grid>
          <Grid item xs={4}>
            {field('automatedAt', 'Automated on (YYYY-MM-DD)')}
          </Grid>
        </Grid>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={saving || !parsed.success || conflict}
          onClick={save}
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
