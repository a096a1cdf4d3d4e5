import Typography from '@material-ui/core/Typography';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { CampaignDetail } from '../../api';

const DAY = 86400_000;

function day(ms: number) {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * A campaign's progress over time toward its deadline, from the stored
 * history: the share of targeted services meeting the target per period,
 * the share not evaluated, and the straight pace from the campaign's start
 * to every service at the target on the deadline.
 */
export function CampaignProgressChart(props: { campaign: CampaignDetail }) {
  const { history, deadline, createdAt } = props.campaign;
  const points = history.points.map(p => ({
    t: Date.parse(`${p.period}T00:00:00Z`),
    met: p.percent,
    notEvaluated: p.total
      ? Math.round((p.notEvaluated / p.total) * 1000) / 10
      : 0,
    label: `${p.met} of ${p.total} met, ${p.short} short, ${p.notEvaluated} not evaluated`,
  }));
  if (points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No history yet: each evaluation run stores a snapshot, and the progress
        over time appears as they accumulate.
      </Typography>
    );
  }
  const deadlineMs = Date.parse(`${deadline}T00:00:00Z`);
  const startMs = Date.parse(createdAt);
  // The percentage when the campaign started: the last period at or before it.
  const atStart = [...points].reverse().find(p => p.t <= startMs) ?? points[0];
  const pace = [
    { t: Math.max(startMs, points[0].t), pace: atStart.met },
    { t: deadlineMs, pace: 100 },
  ];
  const domain = [
    Math.min(points[0].t, startMs),
    Math.max(deadlineMs, points[points.length - 1].t) + DAY,
  ];
  return (
    <div
      role="img"
      aria-label={`Progress over time: ${
        points[points.length - 1].met
      }% of targeted services meet the target now, deadline ${deadline}`}
    >
      <ResponsiveContainer width="100%" height={220}>
        <LineChart margin={{ left: 0, right: 24, top: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="t"
            domain={domain}
            scale="time"
            tickFormatter={day}
            allowDuplicatedCategory={false}
          />
          <YAxis domain={[0, 100]} unit="%" />
          <Tooltip
            labelFormatter={t => day(Number(t))}
            formatter={(value: number, name: string) => [`${value}%`, name]}
          />
          <Legend />
          <ReferenceLine
            x={deadlineMs}
            stroke="#c62828"
            label={{
              value: `Deadline ${deadline}`,
              position: 'insideTopRight',
            }}
          />
          <ReferenceLine x={startMs} stroke="#9e9e9e" label="Started" />
          <Line
            data={points}
            dataKey="met"
            name="Meeting the target"
            stroke="#2e7d32"
            strokeWidth={2}
            isAnimationActive={false}
          />
          <Line
            data={points}
            dataKey="notEvaluated"
            name="Not evaluated"
            stroke="#757575"
            strokeDasharray="2 2"
            isAnimationActive={false}
          />
          <Line
            data={pace}
            dataKey="pace"
            name="Pace to the deadline"
            stroke="#1565c0"
            strokeDasharray="6 4"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
