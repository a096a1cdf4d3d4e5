import { useApi } from '@backstage/core-plugin-api';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import LinearProgress from '@material-ui/core/LinearProgress';
import Box from '@material-ui/core/Box';
import useAsync from 'react-use/esm/useAsync';
import {
  Bar,
  BarChart,
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
import type { FailingCheck, MaturityFilters } from '../../api';
import { LEVEL_COLORS, LEVEL_NAMES, RequestState, shortRef } from '../common';
import { NOT_EVALUATED_LABEL, NOT_EVALUATED_STYLE } from '../evidence';
import { FleetFixButton } from '../FleetFix';

const LEVELS = ['1', '2', '3', '4', '5'];
const NOT_EVALUATED_KEY = 'notEvaluated';
const NOWRAP = { whiteSpace: 'nowrap' } as const;

/**
 * The organization's level distribution: one stacked bar for everything and
 * one per domain. Domain roll-ups partition the entities, so their sum is
 * the organization (owner roll-ups would count sub-teams twice).
 */
export function LevelDistribution(props: { filters: MaturityFilters }) {
  const api = useApi(maturityApiRef);
  const { value, loading, error } = useAsync(
    () => api.getRollups('domain', props.filters, { limit: 100 }),
    [api, props.filters],
  );
  const items = value?.items ?? [];
  const all: Record<string, number | string> = { name: 'Organization' };
  for (const l of LEVELS) {
    all[l] = items.reduce((sum, r) => sum + (r.levels[l] ?? 0), 0);
  }
  // Entities of which nothing could be measured have no level: a grey
  // segment of their own, never part of level 1.
  all[NOT_EVALUATED_KEY] = items.reduce(
    (sum, r) => sum + r.notEvaluatedCount,
    0,
  );
  const data = [
    all,
    ...items.map(r => ({
      name: r.key === 'none' ? 'No domain' : shortRef(r.key),
      ...r.levels,
      [NOT_EVALUATED_KEY]: r.notEvaluatedCount,
    })),
  ];
  const anyNotEvaluated = Number(all[NOT_EVALUATED_KEY]) > 0;
  return (
    <RequestState
      loading={loading}
      error={error}
      empty={items.length === 0}
      emptyTitle="No scored entities yet"
    >
      <ResponsiveContainer width="100%" height={240}>
        <BarChart
          data={data}
          layout="vertical"
          margin={{ left: 16, right: 16 }}
        >
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="name" width={150} />
          <Tooltip />
          <Legend />
          {LEVELS.map(l => (
            <Bar
              key={l}
              dataKey={l}
              name={`L${l} ${LEVEL_NAMES[Number(l)]}`}
              stackId="levels"
              fill={LEVEL_COLORS[Number(l)]}
              isAnimationActive={false}
            />
          ))}
          {anyNotEvaluated && (
            <Bar
              dataKey={NOT_EVALUATED_KEY}
              name={NOT_EVALUATED_LABEL}
              stackId="levels"
              fill={NOT_EVALUATED_STYLE.backgroundColor}
              stroke="#757575"
              strokeDasharray="4 2"
              isAnimationActive={false}
            />
          )}
        </BarChart>
      </ResponsiveContainer>
    </RequestState>
  );
}

/** The average score and level mix over time, from the stored snapshots. */
export function TrendChart(props: { filters: MaturityFilters }) {
  const api = useApi(maturityApiRef);
  const { value, loading, error } = useAsync(
    () =>
      api.getTrends({
        filters: props.filters,
        from: new Date(Date.now() - 180 * 24 * 3600 * 1000).toISOString(),
        interval: 'week',
      }),
    [api, props.filters],
  );
  const data = (value?.items ?? []).map(p => ({
    period: p.period.slice(0, 10),
    averageScore: Math.round(p.averageScore),
    entityCount: p.entityCount,
  }));
  return (
    <RequestState
      loading={loading}
      error={error}
      empty={data.length === 0}
      emptyTitle="No trend yet"
      emptyDescription="Each evaluation run stores a snapshot; the trend appears as they accumulate."
    >
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={data} margin={{ left: 0, right: 24, top: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="period" />
          <YAxis yAxisId="score" domain={[0, 100]} />
          <YAxis yAxisId="count" orientation="right" allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Line
            yAxisId="score"
            dataKey="averageScore"
            name="Average score"
            stroke="#1565c0"
            isAnimationActive={false}
          />
          <Line
            yAxisId="count"
            dataKey="entityCount"
            name="Entities"
            stroke="#9e9e9e"
            strokeDasharray="4 4"
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </RequestState>
  );
}

/**
 * A table of the checks that hold entities back, as the server ranks them:
 * first by how many entities' next level each one blocks, then by how many
 * fail it. The bar shows the blocking count.
 */
export function FailingChecksTable(props: {
  items: FailingCheck[];
  dimensionTitle: (id?: string) => string;
  /** Checks with a fix template: they offer "Fix across services" to admins. */
  fixableChecks?: ReadonlySet<string>;
}) {
  const max = Math.max(1, ...props.items.map(i => i.blocking));
  return (
    <Table size="small" aria-label="Top failing checks">
      <TableHead>
        <TableRow>
          <TableCell>Check</TableCell>
          <TableCell>Dimension</TableCell>
          {/* Headers and counts stay on one line: 10,000 must not wrap. */}
          <TableCell align="center" style={NOWRAP}>
            Level
          </TableCell>
          <TableCell
            align="right"
            style={NOWRAP}
            title="Entities whose next level this check blocks"
          >
            Blocks next level
          </TableCell>
          <TableCell align="right" style={NOWRAP}>
            Failing
          </TableCell>
          <TableCell align="right" style={NOWRAP}>
            Unknown
          </TableCell>
          <TableCell style={{ width: '20%' }} />
        </TableRow>
      </TableHead>
      <TableBody>
        {props.items.map(c => (
          <TableRow key={c.checkId}>
            <TableCell>
              {props.fixableChecks?.has(c.checkId) ? (
                <Box
                  display="flex"
                  alignItems="center"
                  justifyContent="space-between"
                  style={{ gap: 8 }}
                >
                  <span>{c.title}</span>
                  <FleetFixButton checkId={c.checkId} checkTitle={c.title} />
                </Box>
              ) : (
                c.title
              )}
            </TableCell>
            <TableCell>{props.dimensionTitle(c.dimension)}</TableCell>
            <TableCell align="center">{c.level ?? '-'}</TableCell>
            <TableCell align="right" style={NOWRAP}>
              {c.blocking}
            </TableCell>
            <TableCell align="right" style={NOWRAP}>
              {c.failing}
            </TableCell>
            <TableCell align="right" style={NOWRAP}>
              {c.unknown}
            </TableCell>
            <TableCell>
              <Box>
                <LinearProgress
                  variant="determinate"
                  color="secondary"
                  value={(100 * c.blocking) / max}
                  aria-label={`blocks the next level of ${c.blocking}`}
                />
              </Box>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The checks that hold the filtered entities back most. */
export function FailingChecks(props: {
  filters: MaturityFilters;
  dimensionTitle: (id?: string) => string;
  fixableChecks?: ReadonlySet<string>;
}) {
  const api = useApi(maturityApiRef);
  const { value, loading, error } = useAsync(
    () => api.getFailingChecks(props.filters, 10),
    [api, props.filters],
  );
  return (
    <RequestState
      loading={loading}
      error={error}
      empty={value?.items.length === 0}
      emptyTitle="No failing checks"
    >
      <FailingChecksTable
        items={value?.items ?? []}
        dimensionTitle={props.dimensionTitle}
        fixableChecks={props.fixableChecks}
      />
    </RequestState>
  );
}
