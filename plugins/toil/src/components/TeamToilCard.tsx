import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { toilApiRef } from '../api';
import { ToilPercentChip, formatHours } from './common';

/** The team's toil on its Group page: share of capacity and hours/week. */
export function TeamToilCard() {
  const { entity } = useEntity();
  const groupRef = stringifyEntityRef(entity);
  const api = useApi(toilApiRef);
  const { value, loading, error } = useAsync(
    () => api.getTeamReport(groupRef),
    [api, groupRef],
  );
  let body;
  if (loading) body = <Progress />;
  else if (error || !value) {
    body = (
      <ResponseErrorPanel
        title="Could not load the team's toil"
        error={error ?? new Error('No report was returned')}
      />
    );
  } else {
    const figures = value.withDescendants;
    body = (
      <>
        <Typography variant="h5" component="p" aria-label="team hours per week">
          {formatHours(figures.hoursPerWeek)}
        </Typography>
        <Box my={1}>
          <ToilPercentChip
            percent={figures.toilPercent}
            band={figures.band}
            reason={figures.toilPercentReason}
            // An empty register measured nothing: no green 0%.
            taskCount={figures.taskCount}
          />
        </Box>
        <Typography variant="body2" color="textSecondary">
          {value.entities.length} of the team's entities{' '}
          {value.entities.length === 1 ? 'has' : 'have'} toil rows;{' '}
          {value.backlog.length} automation{' '}
          {value.backlog.length === 1 ? 'candidate' : 'candidates'} in the
          backlog.
        </Typography>
        <Box mt={1}>
          <Link to="toil">Trend and automation backlog</Link>
        </Box>
      </>
    );
  }
  return (
    <InfoCard
      title="Team toil"
      subheader="Operations toil as a share of the team's capacity, sub-teams included"
    >
      {body}
    </InfoCard>
  );
}
