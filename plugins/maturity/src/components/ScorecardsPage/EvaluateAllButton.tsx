import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { maturityCycleRunPermission } from '@cloud-native-portal/plugin-maturity-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import { maturityApiRef } from '../../api';

/** How often the button asks whether the cycle it started has ended. */
const POLL_MS = 1000;

type State =
  | { phase: 'idle' }
  | { phase: 'running'; cycle: number; done: number; shards: number }
  | { phase: 'finished'; at: Date }
  | { phase: 'failed'; message: string };

/**
 * "Evaluate all now", for those allowed to start a whole cycle (portal
 * admins): starts it at once instead of waiting for the schedule, shows its
 * progress, and calls `onFinished` when its scores are in, so the page can
 * read them again. Hidden for everyone else.
 */
export function EvaluateAllButton(props: { onFinished: () => void }) {
  const { onFinished } = props;
  const api = useApi(maturityApiRef);
  const { allowed } = usePermission({ permission: maturityCycleRunPermission });
  const [state, setState] = useState<State>({ phase: 'idle' });

  const runningCycle = state.phase === 'running' ? state.cycle : undefined;
  useEffect(() => {
    if (runningCycle === undefined) return undefined;
    let stopped = false;
    const timer = setInterval(async () => {
      try {
        const status = await api.getCurrentCycle();
        if (stopped) return;
        if (status.cycle > runningCycle || !status.running) {
          setState({ phase: 'finished', at: new Date() });
          onFinished();
        } else {
          setState({
            phase: 'running',
            cycle: runningCycle,
            done: status.done,
            shards: status.shards,
          });
        }
      } catch (e) {
        if (!stopped) setState({ phase: 'failed', message: String(e) });
      }
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api, runningCycle, onFinished]);

  if (!allowed) return null;

  const start = async () => {
    try {
      const started = await api.startCycle();
      setState({ phase: 'running', cycle: started.cycle, done: 0, shards: 1 });
    } catch (e) {
      setState({ phase: 'failed', message: String(e) });
    }
  };

  let status = '';
  if (state.phase === 'running') {
    status =
      state.shards > 1
        ? `Evaluating every service: ${state.done} of ${state.shards} shards done…`
        : 'Evaluating every service…';
  } else if (state.phase === 'finished') {
    status = `Scores updated at ${state.at.toLocaleTimeString()}`;
  } else if (state.phase === 'failed') {
    status = `Could not start the evaluation: ${state.message}`;
  }

  return (
    <Box display="flex" alignItems="center" style={{ gap: 12 }}>
      {status && (
        <Typography variant="body2" role="status" style={{ color: 'inherit' }}>
          {status}
        </Typography>
      )}
      <Button
        variant="contained"
        color="default"
        onClick={start}
        disabled={state.phase === 'running'}
        title="Collect and score every service now, instead of at the next scheduled cycle"
      >
        Evaluate all now
      </Button>
    </Box>
  );
}
