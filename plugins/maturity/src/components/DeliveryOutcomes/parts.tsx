import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { Line, LineChart, Tooltip as ChartTooltip, YAxis } from 'recharts';
import {
  CLUSTER_COLORS,
  DORA_GAP_RULE,
  DORA_SOURCE,
  doraCluster,
  formatOutcome,
  type Outcome,
} from './outcomes';

const CLUSTER_LABELS = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
} as const;

/** The DORA cluster of an outcome's value, with its published range as the tooltip. */
export function ClusterChip(props: { outcome: Outcome; value: number }) {
  const { outcome, value } = props;
  if (!outcome.dora) {
    return (
      <Typography variant="body2" color="textSecondary">
        -
      </Typography>
    );
  }
  const { cluster, published } = doraCluster(outcome.dora, value);
  return (
    <Tooltip
      title={`${CLUSTER_LABELS[cluster]}: ${published}. Source: ${DORA_SOURCE}. ${DORA_GAP_RULE}`}
    >
      <Chip
        size="small"
        label={CLUSTER_LABELS[cluster]}
        aria-label={`DORA cluster ${CLUSTER_LABELS[cluster]}`}
        style={{
          backgroundColor: CLUSTER_COLORS[cluster],
          color: cluster === 'medium' ? '#000000' : '#ffffff',
        }}
      />
    </Tooltip>
  );
}

// Read by screen readers, not shown: "as above" is a visual reference.
const SCREEN_READER_ONLY = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

/**
 * "Not measured", with why and how to connect it: grey, never a failure. A
 * reason that already names the config key to set is not repeated by the hint.
 * `asAbove` stands for the row above's reason and hint, when they are the
 * same: one collector's reason covers several outcomes. The reason is still
 * there for screen readers, and on hover.
 */
export function NotMeasured(props: {
  reason: string;
  connect?: string;
  asAbove?: boolean;
}) {
  const { connect, asAbove } = props;
  return (
    <>
      <Typography variant="body2" style={{ color: '#616161' }}>
        Not measured
      </Typography>
      <Typography
        variant="caption"
        color="textSecondary"
        component="p"
        title={asAbove ? props.reason : undefined}
      >
        {asAbove ? (
          <>
            For the same reason as above.
            <span style={SCREEN_READER_ONLY}> {props.reason}</span>
          </>
        ) : (
          props.reason
        )}
      </Typography>
      {connect && !asAbove && (
        <Typography variant="caption" color="textSecondary" component="p">
          {connect}
        </Typography>
      )}
    </>
  );
}

/** A small line of an outcome's values over the history's runs. */
export function TrendLine(props: {
  outcome: Outcome;
  points: Array<{ at: string; value: number }>;
}) {
  const { outcome, points } = props;
  if (points.length < 2) {
    return (
      <Typography variant="caption" color="textSecondary">
        No trend yet
      </Typography>
    );
  }
  const first = points[0];
  const last = points[points.length - 1];
  return (
    <span
      role="img"
      aria-label={`${outcome.title} trend: ${formatOutcome(
        outcome,
        first.value,
      )} on ${first.at} to ${formatOutcome(outcome, last.value)} on ${last.at}`}
    >
      <LineChart
        width={140}
        height={36}
        data={points}
        margin={{ top: 4, right: 4, bottom: 4, left: 4 }}
      >
        <YAxis hide domain={['auto', 'auto']} />
        <ChartTooltip
          formatter={(v: number) => formatOutcome(outcome, v)}
          labelFormatter={(_, payload) => payload?.[0]?.payload?.at ?? ''}
        />
        <Line
          dataKey="value"
          name={outcome.title}
          stroke="#1565c0"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </span>
  );
}
