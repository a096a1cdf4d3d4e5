import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { maturityApiRef } from '../../api';
import { RequestState } from '../common';
import { isMeasuredPoint } from '../evidence';

/** The entity's score (0-100) and overall level (1-5) over time. */
export function HistoryChart(props: { entityRef: string; reloadKey?: number }) {
  const { entityRef, reloadKey } = props;
  const api = useApi(maturityApiRef);
  const { value, loading, error } = useAsync(
    () => api.getHistory(entityRef, { limit: 500 }),
    [api, entityRef, reloadKey],
  );
  // A run that measured no dimension has no level or score: a gap, not 1
  // and 0.
  const data = (value?.items ?? []).map(p => {
    const measured = isMeasuredPoint(p);
    return {
      at: new Date(p.createdAt).toLocaleDateString('en-CA'),
      score: measured ? Math.round(p.score) : null,
      level: measured ? p.level : null,
    };
  });
  return (
    <RequestState
      loading={loading}
      error={error}
      empty={data.length === 0}
      emptyTitle="No history yet"
      emptyDescription="Each evaluation run adds a point."
    >
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data} margin={{ top: 8, right: 24, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" />
          <YAxis yAxisId="score" domain={[0, 100]} />
          <YAxis
            yAxisId="level"
            orientation="right"
            domain={[1, 5]}
            ticks={[1, 2, 3, 4, 5]}
            allowDecimals={false}
          />
          <Tooltip />
          <Legend />
          <Line
            yAxisId="score"
            dataKey="score"
            name="Score"
            stroke="#1565c0"
            dot={data.length < 40}
            isAnimationActive={false}
          />
          <Line
            yAxisId="level"
            dataKey="level"
            name="Level"
            type="stepAfter"
            stroke="#2e7d32"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </RequestState>
  );
}
