import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { EmptyState } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { maturityRefreshPermission } from '@cloud-native-portal/plugin-maturity-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { maturityApiRef } from '../../api';
import type { EntityReport } from '../../api';
import { shortRef } from '../common';

/**
 * What an entity without a score shows: when the portal scores it, and a
 * "Score now" button for those allowed to refresh it (its owners and the
 * portal admins); the others are told who can.
 */
export function NotScoredYet(props: {
  entity: Entity;
  /** Called with the new scorecard once "Score now" succeeded. */
  onScored: (report: EntityReport) => void;
}) {
  const { entity, onScored } = props;
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(maturityApiRef);
  const canScore = usePermission({
    permission: maturityRefreshPermission,
    resourceRef: entityRef,
  });
  const [scoring, setScoring] = useState(false);
  const [error, setError] = useState<Error>();

  const scoreNow = async () => {
    setScoring(true);
    setError(undefined);
    try {
      onScored(await api.refreshEntity(entityRef));
    } catch (e) {
      setError(e as Error);
    } finally {
      setScoring(false);
    }
  };

  const owner =
    typeof entity.spec?.owner === 'string'
      ? shortRef(entity.spec.owner)
      : undefined;
  let action: JSX.Element | undefined;
  if (canScore.allowed) {
    action = (
      <Button
        variant="contained"
        color="primary"
        disabled={scoring}
        onClick={scoreNow}
      >
        {scoring ? 'Scoring…' : 'Score now'}
      </Button>
    );
  } else if (!canScore.loading) {
    action = (
      <Typography variant="body2" color="textSecondary">
        {owner
          ? `Members of ${owner} and portal admins can score it now.`
          : 'Members of its owning team and portal admins can score it now.'}
      </Typography>
    );
  }

  return (
    <Box>
      <EmptyState
        missing="data"
        title="Not scored yet"
        description="The portal scores a newly registered component within a minute, and every component on each evaluation cycle."
        action={action}
      />
      {error && (
        <Alert severity="error" role="alert">
          {error.message}
        </Alert>
      )}
    </Box>
  );
}
