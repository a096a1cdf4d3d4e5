import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { LevelChip } from '../common';
import {
  formatRecordLevel,
  formatRecordMetric,
  MigrationRecord,
  MigrationRecordRow,
  MigrationRecordState,
} from './migrationRecordFormat';

function StateCell(props: {
  row: MigrationRecordRow;
  state: MigrationRecordState;
}) {
  const { row, state } = props;
  return (
    <TableCell style={{ verticalAlign: 'top' }}>
      {row.dimension && (
        <Box mb={0.5}>
          {state.level !== null && state.level !== undefined ? (
            <LevelChip level={state.level} name={state.levelName} />
          ) : (
            <Typography variant="body2" color="textSecondary">
              {formatRecordLevel(state)}
            </Typography>
          )}
        </Box>
      )}
      {state.metrics.map(m => (
        <Typography
          key={m.fact}
          variant="body2"
          color={m.value === null ? 'textSecondary' : 'textPrimary'}
        >
          {m.label}: <strong>{formatRecordMetric(m)}</strong>
        </Typography>
      ))}
      {state.evidence.map(line => (
        <Typography
          key={line}
          variant="caption"
          color="textSecondary"
          component="div"
        >
          {line}
        </Typography>
      ))}
    </TableCell>
  );
}

/**
 * The system's "traditional → future-ready" record: each aspect at the
 * first snapshot and now, each with its evidence.
 */
export function MigrationRecordTable(props: { record: MigrationRecord }) {
  const { record } = props;
  if (!record.firstSnapshotAt) {
    return (
      <Typography variant="body2" color="textSecondary">
        No history yet: the record starts with the first evaluation.
      </Typography>
    );
  }
  const first = record.firstSnapshotAt.slice(0, 10);
  return (
    <Table size="small" aria-label="Migration record">
      <TableHead>
        <TableRow>
          <TableCell>Aspect</TableCell>
          <TableCell>First snapshot ({first})</TableCell>
          <TableCell>Now</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {record.rows.map(row => (
          <TableRow key={row.aspect}>
            <TableCell style={{ verticalAlign: 'top', whiteSpace: 'nowrap' }}>
              <Typography variant="body2">
                <strong>{row.title}</strong>
              </Typography>
              <Typography variant="caption" color="textSecondary">
                {row.then.components} → {row.now.components}{' '}
                {row.now.components === 1 ? 'component' : 'components'}
              </Typography>
            </TableCell>
            <StateCell row={row} state={row.then} />
            <StateCell row={row} state={row.now} />
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
