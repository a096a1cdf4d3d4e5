import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import type { FleetRunSummary } from '../../api';
import { RequestState } from '../common';

/** "5 of 5 done: opened 3, reused 1, failed 1", from a run's counts. */
export function countsText(counts: FleetRunSummary['counts']): string {
  const { total, done, ...byStatus } = counts;
  const parts = Object.entries(byStatus)
    .filter(([, n]) => typeof n === 'number' && n > 0)
    .map(([status, n]) => `${status} ${n}`);
  return `${done} of ${total} done${
    parts.length ? `: ${parts.join(', ')}` : ''
  }`;
}

/** Who started a run: the name of their user ref. */
function who(ref: string): string {
  const slash = ref.lastIndexOf('/');
  return slash >= 0 ? ref.slice(slash + 1) : ref;
}

/** The check's earlier fleet actions: when, who, what, and how each went. */
export function FleetAudit(props: {
  runs?: FleetRunSummary[];
  loading: boolean;
  error?: Error;
}) {
  const { runs, loading, error } = props;
  return (
    <Accordion variant="outlined" TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="subtitle2">
          Recent fleet actions{runs ? ` (${runs.length})` : ''}
        </Typography>
      </AccordionSummary>
      <AccordionDetails style={{ display: 'block' }}>
        <RequestState
          loading={loading && !runs}
          error={error}
          empty={runs?.length === 0}
          emptyTitle="No fleet actions for this check yet"
        >
          <Table size="small" aria-label="Fleet audit">
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>Who</TableCell>
                <TableCell>What</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Results</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {(runs ?? []).map(r => (
                <TableRow key={r.id}>
                  <TableCell style={{ whiteSpace: 'nowrap' }}>
                    {new Date(r.createdAt).toLocaleString()}
                  </TableCell>
                  <TableCell title={r.createdBy}>{who(r.createdBy)}</TableCell>
                  <TableCell>
                    {r.preview ? 'Preview' : 'Pull requests'}
                  </TableCell>
                  <TableCell>{r.status}</TableCell>
                  <TableCell>{countsText(r.counts)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </RequestState>
      </AccordionDetails>
    </Accordion>
  );
}
