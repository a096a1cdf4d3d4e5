import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import { useLocation } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { toilApiRef } from '../api';
import { formatHours, ToilPercentChip } from './common';

/**
 * Card: hours/week, team toil %, the top 3 tasks and the best candidate.
 * `compact` (the overview page) leaves out the top tasks and links to the
 * entity's Toil tab, where the register is.
 */
export function EntityToilCard(props: { compact?: boolean } = {}) {
  const { compact = false } = props;
  const { pathname } = useLocation();
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(toilApiRef);
  const { value, loading, error } = useAsync(
    () => api.getEntitySummary(entityRef),
    [api, entityRef],
  );

  if (loading) {
    return (
      <InfoCard title="Toil">
        <Progress />
      </InfoCard>
    );
  }
  if (error || !value) {
    return (
      <InfoCard title="Toil">
        <ResponseErrorPanel
          title="Could not load the toil summary"
          error={error ?? new Error('No toil summary was returned')}
        />
      </InfoCard>
    );
  }
  if (value.taskCount === 0) {
    return (
      <InfoCard title="Toil">
        <Typography variant="body2">
          No toil register yet: nobody has recorded this entity's operations
          tasks. Add them in the Toil tab, or import the team's spreadsheet.
        </Typography>
      </InfoCard>
    );
  }
  const best = value.bestCandidate;
  return (
    <InfoCard title="Toil">
      <Typography variant="h5" aria-label="hours per week">
        {formatHours(value.hoursPerWeek)}
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {value.taskCount} {value.taskCount === 1 ? 'task' : 'tasks'},{' '}
        {value.weeklyRepeatCount}{' '}
        {value.weeklyRepeatCount === 1 ? 'repeats' : 'repeat'} weekly
      </Typography>
      {value.team ? (
        <Typography variant="body2" component="div">
          Owning team:{' '}
          <ToilPercentChip
            percent={value.team.toilPercent}
            band={value.team.band}
            reason={value.team.toilPercentReason}
            taskCount={value.team.taskCount}
          />{' '}
          of {value.team.groupRef.replace(/^group:default\//, '')}'s capacity
        </Typography>
      ) : (
        <Typography variant="body2" color="textSecondary">
          Team toil % unavailable: {value.teamReason}
        </Typography>
      )}
      {!compact && (
        <>
          <Typography variant="subtitle2" style={{ marginTop: 12 }}>
            Top tasks
          </Typography>
          <List dense aria-label="top tasks">
            {value.topTasks.map(task => (
              <ListItem key={task.id} disableGutters>
                <ListItemText
                  primary={task.task}
                  secondary={`${formatHours(task.hoursPerWeek)} · ${
                    task.category
                  } · plan: ${task.automationStatus}`}
                  // Dense lists keep text on one line; long task names wrap.
                  style={{ whiteSpace: 'normal' }}
                />
              </ListItem>
            ))}
          </List>
        </>
      )}
      <Typography
        variant="subtitle2"
        style={compact ? { marginTop: 12 } : undefined}
      >
        Best automation candidate
      </Typography>
      {best ? (
        <Typography variant="body2" aria-label="best candidate">
          {best.task.task}: saves {Math.round(best.yearlyHoursSaved)} h/year
          {best.paybackMonths !== null
            ? `, pays back in ${best.paybackMonths.toFixed(1)} months`
            : ', no build estimate yet'}
        </Typography>
      ) : (
        <Typography variant="body2" color="textSecondary">
          No automatable task left.
        </Typography>
      )}
      {compact && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          <Link to={`${pathname.replace(/\/+$/, '')}/toil`}>
            Every task on the Toil tab
          </Link>
        </Typography>
      )}
    </InfoCard>
  );
}
