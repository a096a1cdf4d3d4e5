import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { toilApiRef } from '../api';
import { formatHours } from './common';

function toilPath(entityRef: string) {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/toil`;
}

/**
 * Toil no team carries: register rows of entities whose owner does not
 * resolve to a team. No team's toil % counts these hours, so without this
 * card they would appear nowhere.
 */
export function UnownedToilCard() {
  const api = useApi(toilApiRef);
  const { value, loading, error } = useAsync(() => api.getUnownedToil(), [api]);
  let body;
  if (loading) body = <Progress />;
  else if (error) {
    body = (
      <ResponseErrorPanel
        title="Could not load the toil no team carries"
        error={error}
      />
    );
  } else if (!value || value.entities.length === 0) {
    body = (
      <Typography variant="body2">
        Every recorded task belongs to an entity a team owns.
      </Typography>
    );
  } else {
    body = (
      <>
        <Typography variant="body2" gutterBottom>
          {formatHours(value.hoursPerWeek)} in {value.taskCount} task
          {value.taskCount === 1 ? '' : 's'} belong to entities whose owner is
          not a team of the catalog, so no team&apos;s toil % counts them. Fix
          the owner (see the ownership page) to give the work to a team.
        </Typography>
        <Table size="small" aria-label="Toil no team carries">
          <TableHead>
            <TableRow>
              <TableCell>Entity</TableCell>
              <TableCell>Problem</TableCell>
              <TableCell align="right">Hours/week</TableCell>
              <TableCell align="right">Tasks</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.entities.map(e => (
              <TableRow key={e.entityRef}>
                <TableCell>
                  <Link to={toilPath(e.entityRef)}>
                    {e.title ?? e.entityRef}
                  </Link>
                </TableCell>
                <TableCell>{e.reason}</TableCell>
                <TableCell align="right">
                  {formatHours(e.hoursPerWeek)}
                </TableCell>
                <TableCell align="right">{e.taskCount}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </>
    );
  }
  return <InfoCard title="Toil no team carries">{body}</InfoCard>;
}
