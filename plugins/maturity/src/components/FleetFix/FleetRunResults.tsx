import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Collapse from '@material-ui/core/Collapse';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Fragment, useState } from 'react';
import type { FleetRun, FleetRunItem } from '../../api';
import { entityPagePath, shortRef } from '../common';
import { FleetItemStatusChip, isWebUrl } from './chips';

/** How far a running fleet action has come, by repositories done. */
export function FleetRunProgress(props: { run: FleetRun }) {
  const { total, done } = props.run.counts;
  const text = `${done} of ${total} ${
    total === 1 ? 'repository' : 'repositories'
  }`;
  return (
    <Box my={2}>
      <Typography variant="body2" role="status">
        {props.run.preview ? 'Previewing changes' : 'Opening pull requests'}:{' '}
        {text}
      </Typography>
      <LinearProgress
        variant="determinate"
        value={total > 0 ? (100 * done) / total : 0}
        aria-label={text}
      />
    </Box>
  );
}

/**
 * Where a repository's change went: its pull request on the web, or, for a
 * local repository or a branch without a pull request, the branch's name.
 */
function ChangeLocation(props: { item: FleetRunItem }) {
  const { pullRequestUrl, branch } = props.item;
  if (isWebUrl(pullRequestUrl)) {
    return <Link to={pullRequestUrl}>{branch ?? 'Pull request'}</Link>;
  }
  if (!branch && !pullRequestUrl) return <>-</>;
  return (
    <Box>
      {branch && (
        <Typography variant="body2" component="div">
          branch <code>{branch}</code>
        </Typography>
      )}
      {pullRequestUrl && (
        <Typography
          variant="caption"
          component="div"
          color="textSecondary"
          style={{ wordBreak: 'break-all' }}
        >
          {pullRequestUrl}
        </Typography>
      )}
    </Box>
  );
}

/** Each repository's result of a finished fleet action, previews with their diff. */
export function FleetRunResults(props: { run: FleetRun }) {
  const { run } = props;
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (ref: string) =>
    setOpen(current => {
      const next = new Set(current);
      if (next.has(ref)) next.delete(ref);
      else next.add(ref);
      return next;
    });
  return (
    <Table size="small" aria-label="Fix results">
      <TableHead>
        <TableRow>
          <TableCell>Service</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Reason</TableCell>
          <TableCell>{run.preview ? 'Branch' : 'Pull request'}</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {run.items.map(item => {
          const expanded = open.has(item.entityRef);
          return (
            <Fragment key={item.entityRef}>
              <TableRow>
                <TableCell>
                  <Link to={entityPagePath(item.entityRef)}>
                    {shortRef(item.entityRef)}
                  </Link>
                </TableCell>
                <TableCell>
                  <FleetItemStatusChip status={item.status} />
                </TableCell>
                <TableCell style={{ wordBreak: 'break-word' }}>
                  {item.reason ?? ''}
                </TableCell>
                <TableCell>
                  <ChangeLocation item={item} />
                </TableCell>
                <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
                  {item.diff && (
                    <Button
                      size="small"
                      onClick={() => toggle(item.entityRef)}
                      aria-expanded={expanded}
                    >
                      {expanded ? 'Hide diff' : 'Show diff'}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
              {item.diff && (
                <TableRow>
                  <TableCell
                    colSpan={5}
                    style={expanded ? undefined : { padding: 0, border: 0 }}
                  >
                    <Collapse in={expanded} unmountOnExit>
                      {item.summary && (
                        <Typography
                          variant="body2"
                          component="div"
                          style={{ whiteSpace: 'pre-wrap' }}
                          gutterBottom
                        >
                          {item.summary}
                        </Typography>
                      )}
                      <Box
                        component="pre"
                        aria-label={`Diff for ${shortRef(item.entityRef)}`}
                        m={0}
                        p={1}
                        style={{
                          fontFamily: 'monospace',
                          fontSize: '0.8rem',
                          maxHeight: 320,
                          overflow: 'auto',
                          // Scrolls inside the dialog: a zero width with a
                          // full minimum keeps a long line from widening
                          // the table beyond it.
                          width: 0,
                          minWidth: '100%',
                          boxSizing: 'border-box',
                          whiteSpace: 'pre',
                          background: 'rgba(127, 127, 127, 0.08)',
                        }}
                      >
                        {item.diff}
                      </Box>
                    </Collapse>
                  </TableCell>
                </TableRow>
              )}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
}
