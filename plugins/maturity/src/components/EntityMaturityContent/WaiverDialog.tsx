import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import { maturityApiRef, MaturityRequestError } from '../../api';
import type { CheckReport, Waiver } from '../../api';

const DAY = 24 * 60 * 60 * 1000;

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Explains a failed waiver request by its status, keeping the request name. */
export function waiverErrorText(error: Error): string {
  if (!(error instanceof MaturityRequestError)) return error.message;
  const lead: Record<number, string> = {
    400: 'The waiver was rejected as invalid.',
    403: 'You are not allowed to waive checks on this entity.',
    404: 'This entity has no maturity score yet.',
    409: 'An active waiver already exists for this check.',
  };
  return lead[error.status]
    ? `${lead[error.status]} ${error.message}`
    : error.message;
}

/** A dialog that requests a waiver of one check, with a reason and an expiry date. */
export function WaiverDialog(props: {
  open: boolean;
  entityRef: string;
  checks: CheckReport[];
  initialCheckId?: string;
  onClose: () => void;
  onCreated: (waiver: Waiver) => void;
}) {
  const { open, entityRef, checks, initialCheckId, onClose, onCreated } = props;
  const api = useApi(maturityApiRef);
  const [checkId, setCheckId] = useState(initialCheckId ?? '');
  const [reason, setReason] = useState('');
  const [expiry, setExpiry] = useState(
    isoDate(new Date(Date.now() + 90 * DAY)),
  );
  const [error, setError] = useState<Error>();
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    if (open) {
      setCheckId(initialCheckId ?? '');
      setError(undefined);
    }
  }, [open, initialCheckId]);

  const submit = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      const waiver = await api.createWaiver({
        entityRef,
        checkId,
        reason,
        // The end of the chosen day, so a waiver lasts through its expiry date.
        expiresAt: new Date(`${expiry}T23:59:59Z`).toISOString(),
      });
      setReason('');
      onCreated(waiver);
    } catch (e) {
      setError(e as Error);
    } finally {
      setSubmitting(false);
    }
  };

  const valid = checkId !== '' && reason.trim().length >= 3 && expiry !== '';

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Request waiver</DialogTitle>
      <DialogContent>
        <TextField
          select
          fullWidth
          margin="normal"
          id="maturity-waiver-check"
          label="Check"
          value={checkId}
          onChange={e => setCheckId(e.target.value)}
          SelectProps={{ inputProps: { 'aria-label': 'Check' } }}
        >
          {checks.map(c => (
            <MenuItem key={c.checkId} value={c.checkId}>
              {c.title} (L{c.level})
            </MenuItem>
          ))}
        </TextField>
        <TextField
          fullWidth
          multiline
          minRows={3}
          margin="normal"
          id="maturity-waiver-reason"
          label="Reason"
          helperText="Why this check does not apply for now (at least 3 characters)"
          value={reason}
          onChange={e => setReason(e.target.value)}
        />
        <TextField
          fullWidth
          margin="normal"
          type="date"
          id="maturity-waiver-expiry"
          label="Expires on"
          InputLabelProps={{ shrink: true }}
          value={expiry}
          onChange={e => setExpiry(e.target.value)}
        />
        {error && (
          <Alert severity="error" role="alert">
            {waiverErrorText(error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!valid || submitting}
          onClick={submit}
        >
          Request waiver
        </Button>
      </DialogActions>
    </Dialog>
  );
}
