import { Box, Typography } from '@material-ui/core';
import { EntityPosture } from '../api/types';
import { GradeBadge } from './GradeBadge';

/** The grade badge with the score and counts of an entity's posture. */
export const PostureSummary = (props: { posture: EntityPosture }) => {
  const { posture } = props;
  const count = (status: string) =>
    posture.controls.filter(c => c.status === status).length;
  return (
    <Box display="flex" alignItems="center" style={{ gap: 16 }} mb={2}>
      <GradeBadge grade={posture.grade} />
      <Box>
        <Typography variant="h5" component="p">
          {posture.score === null ? 'No score' : `Score ${posture.score} / 100`}
        </Typography>
        {posture.criticalFailures > 0 && (
          <Typography variant="body2" style={{ color: '#c62828' }}>
            {posture.criticalFailures} Critical{' '}
            {posture.criticalFailures === 1 ? 'failure' : 'failures'}: grade
            capped at C
          </Typography>
        )}
        <Typography variant="body2" color="textSecondary">
          {count('fail')} failing, {count('pass')} passing, {count('unknown')}{' '}
          unknown, {count('not-applicable')} not applicable. Scanned{' '}
          {new Date(posture.collectedAt).toLocaleString()}.
        </Typography>
        {posture.status === 'unknown' && (
          <Typography variant="body2" color="textSecondary">
            The source tree could not be read: {posture.reason}
          </Typography>
        )}
      </Box>
    </Box>
  );
};
