import { Link } from '@backstage/core-components';
import Checkbox from '@material-ui/core/Checkbox';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { FleetCandidate } from '../../api';
import { entityPagePath, shortRef } from '../common';
import { FleetStateChip } from './chips';
import { isFailing, isSelectable } from './selection';

const DESTINATION_LABEL = {
  local: 'Local branch',
  github: 'GitHub pull request',
  none: 'Preview only',
} as const;

/** Where a fix to a service would go; why, when only a preview can. */
function DestinationLabel(props: { candidate: FleetCandidate }) {
  const { destination, destinationNote } = props.candidate;
  if (!destination) return <>-</>;
  return (
    <Typography variant="body2" component="span" title={destinationNote}>
      {DESTINATION_LABEL[destination]}
      {destinationNote && (
        <Typography variant="caption" display="block" color="textSecondary">
          {destinationNote}
        </Typography>
      )}
    </Typography>
  );
}

/**
 * The services failing a check, each with where its fix stands, and a
 * checkbox per service that a fix can be proposed to.
 */
export function FleetCandidatesTable(props: {
  items: FleetCandidate[];
  selected: ReadonlySet<string>;
  onChange: (selected: Set<string>) => void;
  disabled?: boolean;
}) {
  const { items, selected, onChange, disabled } = props;
  const failing = items.filter(isFailing);
  const selectedFailing = failing.filter(c => selected.has(c.entityRef));
  const all = failing.length > 0 && selectedFailing.length === failing.length;
  const some = selectedFailing.length > 0 && !all;

  const toggle = (ref: string) => {
    const next = new Set(selected);
    if (next.has(ref)) next.delete(ref);
    else next.add(ref);
    onChange(next);
  };
  const toggleAll = () => {
    const next = new Set(selected);
    for (const c of failing) {
      if (all) next.delete(c.entityRef);
      else next.add(c.entityRef);
    }
    onChange(next);
  };

  return (
    <Table size="small" aria-label="Services failing this check">
      <TableHead>
        <TableRow>
          <TableCell padding="checkbox">
            <Checkbox
              checked={all}
              indeterminate={some}
              onChange={toggleAll}
              disabled={disabled || failing.length === 0}
              inputProps={{ 'aria-label': 'select all failing' }}
            />
          </TableCell>
          <TableCell>Service</TableCell>
          <TableCell>Owner</TableCell>
          <TableCell>Fix goes to</TableCell>
          <TableCell>State</TableCell>
          <TableCell>Reason</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map(c => {
          const selectable = isSelectable(c);
          const name = c.title ?? shortRef(c.entityRef);
          return (
            <TableRow key={c.entityRef} hover={selectable}>
              <TableCell padding="checkbox">
                <Checkbox
                  checked={selectable && selected.has(c.entityRef)}
                  onChange={() => toggle(c.entityRef)}
                  disabled={disabled || !selectable}
                  inputProps={{ 'aria-label': `select ${name}` }}
                />
              </TableCell>
              <TableCell>
                <Link to={entityPagePath(c.entityRef)}>{name}</Link>
              </TableCell>
              <TableCell>
                {c.owner ? (
                  <Link to={entityPagePath(c.owner)}>{shortRef(c.owner)}</Link>
                ) : (
                  '-'
                )}
              </TableCell>
              <TableCell>
                <DestinationLabel candidate={c} />
              </TableCell>
              <TableCell>
                <FleetStateChip
                  state={c.state}
                  pullRequestUrl={c.pullRequestUrl}
                />
              </TableCell>
              <TableCell style={{ wordBreak: 'break-word' }}>
                {c.reason ?? ''}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
