import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  maturityCampaignManagePermission,
  maturityFleetFixPermission,
} from '@cloud-native-portal/plugin-maturity-common';
import { FleetFixButton, FleetFixCampaign } from '../FleetFix';
import { FleetStateChip } from '../FleetFix/chips';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Chip from '@material-ui/core/Chip';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { maturityApiRef } from '../../api';
import type { Campaign, NewCampaign } from '../../api';
import { entityPagePath, LevelChip, RequestState, shortRef } from '../common';
import { CampaignProgressChart } from './CampaignProgressChart';
import { EntityRefPicker } from './EntityRefPicker';

type Dimension = { id: string; title: string };

function CampaignProgress(props: { campaign: Campaign }) {
  const { total, met, percent, notEvaluated } = props.campaign.progress;
  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Box flex={1}>
          <LinearProgress
            variant="determinate"
            value={percent}
            aria-label={`${props.campaign.title} progress`}
          />
        </Box>
        <Typography variant="body2" style={{ whiteSpace: 'nowrap' }}>
          {met}/{total} ({Math.round(percent)}%)
        </Typography>
      </Box>
      {notEvaluated > 0 && (
        <Typography variant="caption" color="textSecondary">
          {notEvaluated} not evaluated
        </Typography>
      )}
    </Box>
  );
}

const DUE_STYLE: Record<
  Campaign['due']['state'],
  { color: string; text: string }
> = {
  met: { color: '#2e7d32', text: '#ffffff' },
  open: { color: '#e0e0e0', text: '#000000' },
  'due-soon': { color: '#f9a825', text: '#000000' },
  overdue: { color: '#c62828', text: '#ffffff' },
};

/** Where a campaign stands against its deadline: met, open, due soon or overdue. */
export function DueChip(props: { due: Campaign['due'] }) {
  const { state, daysLeft } = props.due;
  let label: string;
  if (state === 'met') label = 'Met';
  else if (state === 'overdue') {
    label = `Overdue by ${-daysLeft} day${daysLeft === -1 ? '' : 's'}`;
  } else if (daysLeft === 0) label = 'Due today';
  else label = `Due in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`;
  const style = DUE_STYLE[state];
  return (
    <Chip
      size="small"
      label={label}
      style={{ backgroundColor: style.color, color: style.text }}
    />
  );
}

const EMPTY_FORM = {
  title: '',
  description: '',
  dimension: '',
  targetLevel: '3',
  deadline: '',
  lifecycle: '',
  tag: '',
  system: '',
  owner: '',
};

/** The dialog that creates a campaign (POST /campaigns). */
export function CreateCampaignDialog(props: {
  open: boolean;
  dimensions: Dimension[];
  onClose: () => void;
  onCreated: (campaign: Campaign) => void;
}) {
  const api = useApi(maturityApiRef);
  const [form, setForm] = useState(EMPTY_FORM);
  const [error, setError] = useState<Error>();
  const set =
    (key: keyof typeof EMPTY_FORM) => (e: { target: { value: string } }) =>
      setForm(f => ({ ...f, [key]: e.target.value }));

  const submit = async () => {
    setError(undefined);
    const filters: NewCampaign['filters'] = { kind: 'Component' };
    for (const key of ['lifecycle', 'tag', 'system', 'owner'] as const) {
      if (form[key].trim()) filters[key] = form[key].trim();
    }
    try {
      const created = await api.createCampaign({
        title: form.title.trim(),
        description: form.description.trim() || undefined,
        dimension: form.dimension,
        targetLevel: Number(form.targetLevel),
        deadline: form.deadline,
        filters,
      });
      setForm(EMPTY_FORM);
      props.onCreated(created);
    } catch (e) {
      setError(e as Error);
    }
  };

  const valid = form.title.trim() && form.dimension && form.deadline;
  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>New campaign</DialogTitle>
      <DialogContent>
        <TextField
          id="campaign-title"
          fullWidth
          margin="dense"
          label="Title"
          value={form.title}
          onChange={set('title')}
          placeholder="All production services at Security level 3"
        />
        <TextField
          id="campaign-description"
          fullWidth
          margin="dense"
          label="Description"
          value={form.description}
          onChange={set('description')}
        />
        <Grid container spacing={2}>
          <Grid item xs={6}>
            <TextField
              id="campaign-dimension"
              select
              SelectProps={{ native: true }}
              InputLabelProps={{ shrink: true }}
              fullWidth
              margin="dense"
              label="Dimension"
              value={form.dimension}
              onChange={set('dimension')}
            >
              <option value="" disabled>
                Pick a dimension
              </option>
              {props.dimensions.map(d => (
                <option key={d.id} value={d.id}>
                  {d.title}
                </option>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={3}>
            <TextField
              id="campaign-target-level"
              select
              SelectProps={{ native: true }}
              fullWidth
              margin="dense"
              label="Target level"
              value={form.targetLevel}
              onChange={set('targetLevel')}
            >
              {['2', '3', '4', '5'].map(l => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={3}>
            <TextField
              id="campaign-deadline"
              fullWidth
              margin="dense"
              type="date"
              label="Deadline"
              InputLabelProps={{ shrink: true }}
              value={form.deadline}
              onChange={set('deadline')}
            />
          </Grid>
          <Grid item xs={6}>
            <TextField
              id="campaign-lifecycle"
              select
              SelectProps={{ native: true }}
              InputLabelProps={{ shrink: true }}
              fullWidth
              margin="dense"
              label="Lifecycle"
              value={form.lifecycle}
              onChange={set('lifecycle')}
            >
              <option value="">Any</option>
              {['production', 'experimental', 'deprecated'].map(l => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={6}>
            <TextField
              id="campaign-tag"
              fullWidth
              margin="dense"
              label="Tag"
              value={form.tag}
              onChange={set('tag')}
            />
          </Grid>
          <Grid item xs={6}>
            <EntityRefPicker
              id="campaign-system"
              label="System"
              kind="System"
              value={form.system}
              onChange={ref => setForm(f => ({ ...f, system: ref }))}
            />
          </Grid>
          <Grid item xs={6}>
            <EntityRefPicker
              id="campaign-owner"
              label="Owner"
              kind="Group"
              value={form.owner}
              onChange={ref => setForm(f => ({ ...f, owner: ref }))}
              helperText="Includes the groups below it"
            />
          </Grid>
        </Grid>
        {error && (
          <Alert severity="error" role="alert">
            {error.message}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!valid}
          onClick={submit}
        >
          Create campaign
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * Nudges the owners: each team with services still short gets one
 * notification (sending again updates it rather than adding another). Only
 * those who may manage campaigns see it enabled.
 */
export function NotifyOwnersSlot(props: {
  campaignId: string;
  ownerCount: number;
}) {
  const api = useApi(maturityApiRef);
  const { allowed } = usePermission({
    permission: maturityCampaignManagePermission,
  });
  const [state, setState] = useState<{
    sending?: boolean;
    told?: Array<{ owner: string; entityCount: number }>;
    unowned?: number;
    error?: Error;
  }>({});
  const notify = async () => {
    setState({ sending: true });
    try {
      const res = await api.notifyCampaignOwners(props.campaignId);
      setState({ told: res.items, unowned: res.unowned });
    } catch (e) {
      setState({ error: e as Error });
    }
  };
  let status: string;
  if (!allowed) {
    status = 'Only those who manage campaigns can notify the owners.';
  } else if (state.told) {
    status = state.told.length
      ? `Notified ${state.told.length} team${
          state.told.length === 1 ? '' : 's'
        }: ${state.told
          .map(t => `${shortRef(t.owner)} (${t.entityCount})`)
          .join(', ')}.${
          state.unowned
            ? ` ${state.unowned} service${
                state.unowned === 1 ? ' has' : 's have'
              } no owner to tell.`
            : ''
        }`
      : 'No team to notify: no service short of the goal has an owner.';
  } else {
    status = `Each of the ${props.ownerCount} owner${
      props.ownerCount === 1 ? '' : 's'
    } listed here was told when the campaign started, in one notification with its services; notifying again updates it.`;
  }
  return (
    <Box mt={1}>
      <Button
        variant="outlined"
        size="small"
        disabled={!allowed || state.sending || props.ownerCount === 0}
        onClick={notify}
        aria-describedby="notify-owners-status"
      >
        {state.sending ? 'Notifying…' : 'Notify owners'}
      </Button>
      <Typography
        id="notify-owners-status"
        variant="caption"
        color="textSecondary"
        component="p"
        role="status"
      >
        {status}
      </Typography>
      {state.error && <Alert severity="error">{state.error.message}</Alert>}
    </Box>
  );
}

/**
 * The checks holding the campaign's services back that a fleet fix can
 * propose, most services first, each with "Fix across services" for those
 * allowed to open fleet fix pull requests.
 */
function CampaignFixes(props: {
  campaign: FleetFixCampaign;
  entitiesShort: Array<{
    blockingChecks: Array<{ checkId: string; title: string }>;
  }>;
  fixableChecks?: ReadonlySet<string>;
}) {
  const { allowed } = usePermission({ permission: maturityFleetFixPermission });
  const counts = new Map<string, { title: string; count: number }>();
  for (const e of props.entitiesShort) {
    for (const c of e.blockingChecks) {
      if (!props.fixableChecks?.has(c.checkId)) continue;
      const entry = counts.get(c.checkId) ?? { title: c.title, count: 0 };
      entry.count += 1;
      counts.set(c.checkId, entry);
    }
  }
  if (!allowed || counts.size === 0) return null;
  return (
    <Box mt={2}>
      <Typography variant="h6">Fixes to propose</Typography>
      <Table size="small" aria-label="Fixes to propose">
        <TableBody>
          {[...counts]
            .sort((a, b) => b[1].count - a[1].count)
            .map(([checkId, { title, count }]) => (
              <TableRow key={checkId}>
                <TableCell>{title}</TableCell>
                <TableCell align="right">
                  blocks {count} service{count === 1 ? '' : 's'}
                </TableCell>
                <TableCell align="right">
                  <FleetFixButton
                    checkId={checkId}
                    checkTitle={title}
                    campaign={props.campaign}
                  />
                </TableCell>
              </TableRow>
            ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/**
 * A campaign: its deadline state, progress over time, the entities still
 * short of the target (at their level in the campaign's dimension, with the
 * checks that block the next level), those not evaluated, and the owners to
 * nudge.
 */
export function CampaignDetailView(props: {
  id: string;
  dimensionTitle: (id?: string) => string;
  /** Checks with a fix template, offered as fleet fixes for the campaign. */
  fixableChecks?: ReadonlySet<string>;
}) {
  const api = useApi(maturityApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getCampaign(props.id),
    [api, props.id],
  );
  return (
    <RequestState loading={loading} error={error} onRetry={retry}>
      {value && (
        <Grid container spacing={2}>
          <Grid item xs={12}>
            <Box display="flex" alignItems="center" style={{ gap: 8 }}>
              <DueChip due={value.due} />
              <Typography variant="body2">
                {value.description ? `${value.description} · ` : ''}
                {props.dimensionTitle(value.dimension)} at level{' '}
                {value.targetLevel} by {value.deadline}
                {Object.keys(value.filters).length
                  ? ` · ${Object.entries(value.filters)
                      .map(([k, v]) => `${k}: ${v}`)
                      .join(', ')}`
                  : ''}{' '}
                · created by {shortRef(value.createdBy)}
              </Typography>
            </Box>
            <CampaignProgress campaign={value} />
          </Grid>
          <Grid item xs={12}>
            <Typography variant="h6">Progress over time</Typography>
            <CampaignProgressChart campaign={value} />
          </Grid>
          <Grid item xs={12} md={8}>
            <Typography variant="h6">
              Still short ({value.entitiesShort.length})
            </Typography>
            {value.entitiesShort.length === 0 ? (
              <Typography variant="body2">
                Every evaluated entity meets the goal.
              </Typography>
            ) : (
              <Table size="small" aria-label="Entities still short">
                <TableHead>
                  <TableRow>
                    <TableCell>Entity</TableCell>
                    <TableCell>Owner</TableCell>
                    <TableCell style={{ whiteSpace: 'nowrap' }}>
                      {props.dimensionTitle(value.dimension)} level
                    </TableCell>
                    <TableCell>Blocking the next level</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {value.entitiesShort.map(e => (
                    <TableRow key={e.entityRef}>
                      <TableCell>
                        <Link to={`${entityPagePath(e.entityRef)}/maturity`}>
                          {e.title ?? shortRef(e.entityRef)}
                        </Link>
                      </TableCell>
                      <TableCell>{shortRef(e.ownerRef)}</TableCell>
                      <TableCell>
                        <LevelChip level={e.level} />
                      </TableCell>
                      <TableCell>
                        {e.blockingChecks.length
                          ? e.blockingChecks.map((c, i) => (
                              <span key={c.checkId}>
                                {i > 0 ? ', ' : ''}
                                {c.title}
                                {c.fix && (
                                  <>
                                    {' '}
                                    <FleetStateChip
                                      state={c.fix.state}
                                      pullRequestUrl={c.fix.pullRequestUrl}
                                    />
                                  </>
                                )}
                              </span>
                            ))
                          : '-'}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
            <CampaignFixes
              campaign={{
                id: value.id,
                title: value.title,
                filters: {
                  owner: value.filters.owner,
                  system: value.filters.system,
                  domain: value.filters.domain,
                },
              }}
              entitiesShort={value.entitiesShort}
              fixableChecks={props.fixableChecks}
            />
            {value.entitiesNotEvaluated.length > 0 && (
              <Box mt={2}>
                <Typography variant="h6">
                  Not evaluated ({value.entitiesNotEvaluated.length})
                </Typography>
                <Typography variant="body2" color="textSecondary">
                  No check of {props.dimensionTitle(value.dimension)} could be
                  measured for these, so they have no level yet. Connect their
                  evidence first (see each entity&apos;s maturity tab).
                </Typography>
                <Table size="small" aria-label="Entities not evaluated">
                  <TableBody>
                    {value.entitiesNotEvaluated.map(e => (
                      <TableRow key={e.entityRef}>
                        <TableCell>
                          <Link to={`${entityPagePath(e.entityRef)}/maturity`}>
                            {e.title ?? shortRef(e.entityRef)}
                          </Link>
                        </TableCell>
                        <TableCell>{shortRef(e.ownerRef)}</TableCell>
                        <TableCell>Not evaluated</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </Box>
            )}
          </Grid>
          <Grid item xs={12} md={4}>
            <Typography variant="h6">Owners to nudge</Typography>
            <Table size="small" aria-label="Owners to nudge">
              <TableBody>
                {value.owners.map(o => (
                  <TableRow key={o.ownerRef}>
                    <TableCell>
                      {o.ownerRef === 'none' ? (
                        'No owner'
                      ) : (
                        <Link to={entityPagePath(o.ownerRef)}>
                          {shortRef(o.ownerRef)}
                        </Link>
                      )}
                    </TableCell>
                    <TableCell align="right">{o.count} to go</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <NotifyOwnersSlot
              campaignId={props.id}
              ownerCount={value.owners.length}
            />
          </Grid>
        </Grid>
      )}
    </RequestState>
  );
}

/** Campaigns: the list with progress, the create dialog and the detail view. */
export function Campaigns(props: {
  dimensions: Dimension[];
  /** Checks with a fix template (see CampaignDetailView). */
  fixableChecks?: ReadonlySet<string>;
}) {
  const api = useApi(maturityApiRef);
  const { allowed: canManage } = usePermission({
    permission: maturityCampaignManagePermission,
  });
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listCampaigns(),
    [api],
  );
  const [creating, setCreating] = useState(false);
  // The selected campaign is in the address (&campaign=<id>), as a
  // campaign's notification links to it.
  const [searchParams, setSearchParams] = useSearchParams();
  const selected = searchParams.get('campaign') ?? undefined;
  const setSelected = (id: string | undefined) => {
    const next = new URLSearchParams(searchParams);
    if (id) next.set('campaign', id);
    else next.delete('campaign');
    setSearchParams(next);
  };
  const [actionError, setActionError] = useState<Error>();
  const dimensionTitle = (id?: string) =>
    props.dimensions.find(d => d.id === id)?.title ?? id ?? '-';

  const remove = async (id: string) => {
    setActionError(undefined);
    try {
      await api.deleteCampaign(id);
      if (selected === id) setSelected(undefined);
      retry();
    } catch (e) {
      setActionError(e as Error);
    }
  };

  const selectedCampaign = value?.items.find(c => c.id === selected);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title="Campaigns"
          subheader="Named goals with a deadline, and how far along they are"
          action={
            <Box mt={1} mr={1}>
              <Button
                variant="contained"
                color="primary"
                disabled={!canManage}
                onClick={() => setCreating(true)}
                title={
                  canManage
                    ? undefined
                    : 'You need the maturity.campaign.manage permission'
                }
              >
                New campaign
              </Button>
            </Box>
          }
        >
          {actionError && (
            <Alert severity="error" role="alert">
              {actionError.message}
            </Alert>
          )}
          <RequestState
            loading={loading}
            error={error}
            onRetry={retry}
            empty={value?.items.length === 0}
            emptyTitle="No campaigns yet"
            emptyDescription="Create one, e.g. all production services at Security level 3 by a date."
          >
            <Table size="small" aria-label="Campaigns">
              <TableHead>
                <TableRow>
                  <TableCell>Campaign</TableCell>
                  <TableCell>Goal</TableCell>
                  <TableCell>Deadline</TableCell>
                  <TableCell style={{ width: '30%' }}>Progress</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {value?.items.map(c => (
                  <TableRow key={c.id} selected={c.id === selected}>
                    <TableCell>
                      <Button size="small" onClick={() => setSelected(c.id)}>
                        {c.title}
                      </Button>
                    </TableCell>
                    <TableCell>
                      {dimensionTitle(c.dimension)} ≥ L{c.targetLevel}
                    </TableCell>
                    <TableCell>
                      <Box
                        display="flex"
                        alignItems="center"
                        style={{ gap: 8 }}
                      >
                        <span style={{ whiteSpace: 'nowrap' }}>
                          {c.deadline}
                        </span>
                        <DueChip due={c.due} />
                      </Box>
                    </TableCell>
                    <TableCell>
                      <CampaignProgress campaign={c} />
                    </TableCell>
                    <TableCell>
                      <Button
                        size="small"
                        disabled={!canManage}
                        onClick={() => remove(c.id)}
                        aria-label={`Delete campaign ${c.title}`}
                      >
                        Delete
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </RequestState>
        </InfoCard>
      </Grid>
      {selected && (
        <Grid item xs={12}>
          <InfoCard title={selectedCampaign?.title ?? 'Campaign'}>
            <CampaignDetailView
              id={selected}
              dimensionTitle={dimensionTitle}
              fixableChecks={props.fixableChecks}
            />
          </InfoCard>
        </Grid>
      )}
      <CreateCampaignDialog
        open={creating}
        dimensions={props.dimensions}
        onClose={() => setCreating(false)}
        onCreated={c => {
          setCreating(false);
          setSelected(c.id);
          retry();
        }}
      />
    </Grid>
  );
}
