import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { maturityApiRef, MaturityRequestError } from '../../api';
import type { FleetRun } from '../../api';
import { RequestState } from '../common';
import { FleetAudit } from './FleetAudit';
import { FleetCandidatesTable } from './FleetCandidatesTable';
import { FleetRunProgress, FleetRunResults } from './FleetRunResults';
import { isSelectable, preselected } from './selection';

/** How often a running fleet action is asked for its progress. */
const POLL_MS = 1000;

/** How many of the check's earlier fleet actions the audit section lists. */
const AUDIT_LIMIT = 20;

/** Explains a failed fleet request by its status, keeping the server's message. */
export function fleetErrorText(error: Error): string {
  if (!(error instanceof MaturityRequestError)) return error.message;
  const lead: Record<number, string> = {
    400: 'The request was rejected as invalid.',
    403: 'You are not allowed to open fix pull requests across services.',
    404: 'The check or the run no longer exists.',
  };
  return lead[error.status]
    ? `${lead[error.status]} ${error.message}`
    : error.message;
}

/** A campaign a fleet fix is started from. */
export interface FleetFixCampaign {
  id: string;
  title: string;
  filters: { owner?: string; system?: string; domain?: string };
}

/**
 * Opens (or previews) one fix branch or pull request per service failing a
 * check, through the check's fix template: the services to pick, the run's
 * progress and each repository's result, and the check's earlier runs.
 */
export function FleetFixDialog(props: {
  checkId: string;
  checkTitle: string;
  /** The campaign the fix serves: its services' filters, and its record. */
  campaign?: FleetFixCampaign;
  onClose: () => void;
}) {
  const { checkId, checkTitle, campaign, onClose } = props;
  const api = useApi(maturityApiRef);
  const owner = campaign?.filters.owner;
  const system = campaign?.filters.system;
  const domain = campaign?.filters.domain;
  const candidates = useAsyncRetry(
    () =>
      api.getFleetCandidates(
        checkId,
        owner || system || domain ? { owner, system, domain } : undefined,
      ),
    [api, checkId, owner, system, domain],
  );
  const audit = useAsyncRetry(
    () => api.listFleetRuns({ checkId, limit: AUDIT_LIMIT }),
    [api, checkId],
  );
  const items = useMemo(
    () => candidates.value?.items ?? [],
    [candidates.value],
  );
  // Undefined until the reviewer changes it: the preselection of the
  // current candidates.
  const [choice, setChoice] = useState<Set<string>>();
  const selected = useMemo(() => {
    const base = choice ?? preselected(items);
    return new Set(
      items
        .filter(c => isSelectable(c) && base.has(c.entityRef))
        .map(c => c.entityRef),
    );
  }, [choice, items]);

  const [run, setRun] = useState<FleetRun>();
  const [error, setError] = useState<Error>();
  const [starting, setStarting] = useState(false);
  // A run whose progress could not be read any more is not waited for.
  const [lostId, setLostId] = useState<string>();
  const runningId =
    run?.status === 'running' && run.id !== lostId ? run.id : undefined;
  const running = starting || runningId !== undefined;

  useEffect(() => {
    if (!runningId) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const next = await api.getFleetRun(runningId);
        if (stopped) return;
        setRun(next);
        if (next.status === 'running') timer = setTimeout(poll, POLL_MS);
      } catch (e) {
        if (stopped) return;
        setError(e as Error);
        setLostId(runningId);
      }
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, runningId]);

  // When a run ends, where each service stands has changed.
  const finishedId = run && run.status !== 'running' ? run.id : undefined;
  const { retry: retryCandidates } = candidates;
  const { retry: retryAudit } = audit;
  useEffect(() => {
    if (!finishedId) return;
    retryCandidates();
    retryAudit();
  }, [finishedId, retryCandidates, retryAudit]);

  const start = async (preview: boolean) => {
    setStarting(true);
    setError(undefined);
    try {
      const started = await api.createFleetRun({
        checkId,
        entityRefs: [...selected],
        preview,
        ...(campaign ? { campaignId: campaign.id } : {}),
      });
      // After pull requests are opened, the next selection is the new
      // preselection; after a preview, the reviewer's choice stays.
      if (!preview) setChoice(undefined);
      setRun(started);
    } catch (e) {
      setError(e as Error);
    } finally {
      setStarting(false);
    }
  };

  const count = selected.size;
  const title = candidates.value?.checkTitle ?? checkTitle;
  return (
    <Dialog
      open
      onClose={onClose}
      fullWidth
      maxWidth="lg"
      aria-labelledby="fleet-fix-title"
    >
      <DialogTitle id="fleet-fix-title">Fix pull requests: {title}</DialogTitle>
      <DialogContent dividers>
        <Typography variant="body2" paragraph>
          {campaign && <>For the campaign &ldquo;{campaign.title}&rdquo;. </>}
          Each repository gets its own branch or pull request for review;
          nothing is merged automatically. Running it again reuses the same
          branch.
          {candidates.value?.fixTemplate && (
            <>
              {' '}
              The change comes from the template{' '}
              <code>{candidates.value.fixTemplate.ref}</code>.
            </>
          )}
        </Typography>
        <RequestState
          loading={candidates.loading && !candidates.value}
          error={candidates.value ? undefined : candidates.error}
          onRetry={retryCandidates}
          empty={candidates.value?.items.length === 0}
          emptyTitle="No service fails this check"
        >
          <FleetCandidatesTable
            items={items}
            selected={selected}
            onChange={setChoice}
            disabled={running}
          />
        </RequestState>
        {error && (
          <Box mt={2}>
            <Alert severity="error">{fleetErrorText(error)}</Alert>
          </Box>
        )}
        {run?.status === 'running' && <FleetRunProgress run={run} />}
        {run && run.status !== 'running' && (
          <Box mt={2}>
            <Typography variant="subtitle1" gutterBottom>
              {run.preview ? 'Preview' : 'Pull requests'}
              {run.status === 'interrupted' ? ' (interrupted)' : ''}
            </Typography>
            <FleetRunResults run={run} />
          </Box>
        )}
        <Box mt={2}>
          <FleetAudit
            runs={audit.value?.items}
            loading={audit.loading}
            error={audit.error}
          />
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
        <Button
          variant="outlined"
          color="primary"
          disabled={count === 0 || running}
          onClick={() => start(true)}
        >
          Preview changes
        </Button>
        <Button
          variant="contained"
          color="primary"
          disabled={count === 0 || running}
          onClick={() => start(false)}
        >
          {`Open ${count} pull ${count === 1 ? 'request' : 'requests'}`}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
