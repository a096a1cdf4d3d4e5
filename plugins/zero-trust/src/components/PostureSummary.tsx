import { Box, Typography } from '@material-ui/core';
import { gradeFor } from '@cloud-native-portal/plugin-zero-trust-common';
import { EntityPosture } from '../api/types';
import { GradeBadge } from './GradeBadge';

/**
 * The grade the score alone would give, when a Critical failure capped it
 * lower; undefined when the cap changed nothing (the score already earns C
 * or worse), so "capped at C" is never printed next to a D or an F.
 */
export function uncappedGrade(posture: EntityPosture) {
  if (posture.score === null || posture.grade === null) return undefined;
  const banded = gradeFor(posture.score);
  return banded !== posture.grade ? banded : undefined;
}

/** The grade badge with the score and counts of an entity's posture. */
export const PostureSummary = (props: { posture: EntityPosture }) => {
  const { posture } = props;
  const uncapped = uncappedGrade(posture);
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
            {posture.criticalFailures === 1 ? 'failure' : 'failures'}
            {uncapped
              ? `: grade capped at ${posture.grade} (the score alone earns ${uncapped})`
              : ''}
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
