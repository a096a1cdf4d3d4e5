import { useEntity } from '@backstage/plugin-catalog-react';
import {
  EmptyState,
  InfoCard,
  Progress,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { Grid, Typography } from '@material-ui/core';
import { ControlView } from '../api/types';
import {
  EvidenceList,
  FixSnippetView,
  RiskChip,
  StatusChip,
} from './ControlDetails';
import { PostureSummary } from './PostureSummary';
import { ConnectSource } from './ConnectSource';
import { ScoreHistoryChart } from './ScoreHistoryChart';
import { useEntityPosture } from './usePosture';

const columns: TableColumn<ControlView>[] = [
  {
    title: 'Control',
    field: 'control.title',
    render: row => (
      <>
        <Typography variant="subtitle2">{row.control.title}</Typography>
        <Typography variant="caption" color="textSecondary">
          {row.control.id}: {row.control.verifies}
        </Typography>
      </>
    ),
  },
  {
    title: 'Risk',
    field: 'control.risk',
    render: row => <RiskChip risk={row.control.risk} />,
  },
  {
    title: 'Status',
    field: 'status',
    render: row => <StatusChip status={row.status} />,
  },
  {
    title: 'Evidence',
    sorting: false,
    render: row =>
      row.locations.length ? (
        <EvidenceList evidence={row.locations} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          none
        </Typography>
      ),
  },
  {
    title: 'Reason and fix',
    sorting: false,
    render: row => (
      <>
        {row.reason && <Typography variant="body2">{row.reason}</Typography>}
        {row.status === 'fail' && (
          <>
            <Typography variant="body2">
              <strong>Fix:</strong> {row.control.fix}
            </Typography>
            <FixSnippetView snippet={row.control.fixSnippet} />
          </>
        )}
      </>
    ),
  },
];

/** Entity tab: every zero-trust control, and the score history. */
export const ZeroTrustEntityContent = () => {
  const { entity } = useEntity();
  const { value: posture, loading, error } = useEntityPosture();
  let main;
  if (loading) {
    main = <Progress />;
  } else if (error) {
    main = (
      <WarningPanel
        severity="error"
        defaultExpanded
        title="Could not load the zero-trust posture"
        message={error.message}
      />
    );
  } else if (!posture) {
    main = (
      <>
        <EmptyState
          missing="data"
          title="Not scanned yet"
          description="This entity has no zero-trust scan. Scans run with the maturity refresh; an entity needs a readable source location."
        />
        <ConnectSource entity={entity} />
      </>
    );
  } else {
    main = (
      <>
        <InfoCard title="Zero-trust posture">
          <PostureSummary posture={posture} />
          {posture.status === 'unknown' && (
            <ConnectSource entity={entity} reason={posture.reason} />
          )}
        </InfoCard>
        <Table<ControlView>
          title="Controls"
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={posture.controls}
        />
      </>
    );
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {main}
      </Grid>
      <Grid item xs={12}>
        <ScoreHistoryChart />
      </Grid>
    </Grid>
  );
};
