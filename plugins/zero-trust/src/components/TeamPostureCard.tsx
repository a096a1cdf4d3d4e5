import {
  InfoCard,
  Link,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import { gradeFor } from '@cloud-native-portal/plugin-zero-trust-common';
import useAsync from 'react-use/esm/useAsync';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';
import { GradeBadge } from './GradeBadge';

const round = (n: number | null) =>
  n === null || n === undefined ? '–' : String(Math.round(n));

/** The team's zero-trust posture on its Group page, sub-teams included. */
export function TeamPostureCard() {
  const { entity } = useEntity();
  const groupRef = stringifyEntityRef(entity);
  const api = useApi(zeroTrustApiRef);
  const { value, loading, error } = useAsync(
    async () =>
      (await api.getPostureSummary('owner')).find(r => r.key === groupRef) ??
      null,
    [api, groupRef],
  );
  let body;
  if (loading) body = <Progress />;
  else if (error) {
    body = (
      <WarningPanel
        severity="error"
        title="Could not load the team's posture"
        message={error.message}
      />
    );
  } else if (!value || value.average === null) {
    body = (
      <Typography variant="body2" color="textSecondary">
        No service of this team has a posture score yet. Each service's Zero
        trust tab says why: a scan not run yet, or a source tree that could not
        be read, with what connects it.
      </Typography>
    );
  } else {
    body = (
      <Box display="flex" alignItems="center" style={{ gap: 16 }}>
        <GradeBadge grade={gradeFor(value.average)} />
        <Box>
          <Typography variant="h6" component="p">
            Average {round(value.average)} / 100
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {value.entityCount} scanned{' '}
            {value.entityCount === 1 ? 'service' : 'services'}; lowest{' '}
            {round(value.min)}, highest {round(value.max)}.
          </Typography>
          <Link to="/zero-trust">Organization posture</Link>
        </Box>
      </Box>
    );
  }
  return (
    <InfoCard
      title="Team zero-trust posture"
      subheader="Average score of the team's services, sub-teams included"
    >
      {body}
    </InfoCard>
  );
}
