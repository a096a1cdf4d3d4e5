import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { maturityApiRef } from '../../api';
import type { CheckReport, Waiver } from '../../api';
import { shortRef } from '../common';
import { waiverErrorText } from './WaiverDialog';

/** The entity's active waivers, each with a revoke button. */
export function WaiversList(props: {
  waivers: Waiver[];
  checks: CheckReport[];
  canRevoke: boolean;
  onChanged: () => void;
}) {
  const { waivers, checks, canRevoke, onChanged } = props;
  const api = useApi(maturityApiRef);
  const [error, setError] = useState<Error>();
  const active = waivers.filter(w => w.active);
  const titleOf = (id: string) =>
    checks.find(c => c.checkId === id)?.title ?? id;

  const revoke = async (id: string) => {
    setError(undefined);
    try {
      await api.revokeWaiver(id);
      onChanged();
    } catch (e) {
      setError(e as Error);
    }
  };

  if (active.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No active waivers.
      </Typography>
    );
  }
  return (
    <>
      {error && (
        <Alert severity="error" role="alert">
          {waiverErrorText(error)}
        </Alert>
      )}
      <Table size="small" aria-label="Active waivers">
        <TableHead>
          <TableRow>
            <TableCell>Check</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>By</TableCell>
            <TableCell>Expires</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {active.map(w => (
            <TableRow key={w.id}>
              <TableCell>{titleOf(w.checkId)}</TableCell>
              <TableCell>{w.reason}</TableCell>
              <TableCell>{shortRef(w.createdBy)}</TableCell>
              <TableCell>{w.expiresAt.slice(0, 10)}</TableCell>
              <TableCell>
                <Button
                  size="small"
                  disabled={!canRevoke}
                  onClick={() => revoke(w.id)}
                  aria-label={`Revoke waiver of ${titleOf(w.checkId)}`}
                >
                  Revoke
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
