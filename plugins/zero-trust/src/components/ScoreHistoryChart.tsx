import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Typography } from '@material-ui/core';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';

const day = (iso: string) => iso.slice(0, 10);

/** The entity's posture score over time, from the maturity snapshots. */
export const ScoreHistoryChart = () => {
  const { entity } = useEntity();
  const api = useApi(zeroTrustApiRef);
  const ref = getCompoundEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.getScoreHistory(ref),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, ref.kind, ref.namespace, ref.name],
  );
  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <WarningPanel
        severity="error"
        defaultExpanded
        title="Could not load the score history"
        message={error.message}
      />
    );
  } else if (!value?.length) {
    body = (
      <EmptyState
        missing="data"
        title="No history yet"
        description="Each maturity refresh stores the posture score; the chart appears after the first one."
      />
    );
  } else {
    body = (
      <>
        <Typography variant="body2" color="textSecondary">
          {value.length} {value.length === 1 ? 'snapshot' : 'snapshots'},{' '}
          {day(value[0].createdAt)} to {day(value[value.length - 1].createdAt)};
          latest score {value[value.length - 1].score}.
        </Typography>
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={value} margin={{ top: 16, right: 16 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="createdAt" tickFormatter={day} />
            <YAxis domain={[0, 100]} />
            <Tooltip labelFormatter={label => day(String(label))} />
            <ReferenceLine y={90} strokeDasharray="4 4" label="A" />
            <ReferenceLine y={60} strokeDasharray="4 4" label="D" />
            <Line
              type="monotone"
              dataKey="score"
              name="Score"
              stroke="#1976d2"
              dot
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </>
    );
  }
  return <InfoCard title="Posture score history">{body}</InfoCard>;
};
