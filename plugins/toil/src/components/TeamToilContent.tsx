import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { Grid, Typography } from '@material-ui/core';
import {
  AMBER_THRESHOLD_PERCENT,
  AutomationCandidate,
  RED_THRESHOLD_PERCENT,
  TeamToilReport,
} from '@cloud-native-portal/plugin-toil-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  Legend,
  Line,
  Pie,
  PieChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { toilApiRef } from '../api';
import { BAND_COLORS, ToilPercentChip, formatHours } from './common';

/** A half-circle gauge: the threshold bands, and the team's toil % over them. */
export function ToilGauge(props: { percent: number | null }) {
  const value = Math.min(props.percent ?? 0, 100);
  const bands = [
    { name: 'green', value: AMBER_THRESHOLD_PERCENT },
    { name: 'amber', value: RED_THRESHOLD_PERCENT - AMBER_THRESHOLD_PERCENT },
    { name: 'red', value: 100 - RED_THRESHOLD_PERCENT },
  ] as const;
  return (
    <ResponsiveContainer width="100%" height={180}>
      <PieChart>
        <Pie
          data={[...bands]}
          dataKey="value"
          startAngle={180}
          endAngle={0}
          cy="90%"
          innerRadius="95%"
          outerRadius="110%"
          isAnimationActive={false}
        >
          {bands.map(b => (
            <Cell key={b.name} fill={BAND_COLORS[b.name]} />
          ))}
        </Pie>
        <Pie
          data={[{ value }, { value: 100 - value }]}
          dataKey="value"
          startAngle={180}
          endAngle={0}
          cy="90%"
          innerRadius="55%"
          outerRadius="88%"
          isAnimationActive={false}
        >
          <Cell fill="#37474f" />
          <Cell fill="#eceff1" />
        </Pie>
      </PieChart>
    </ResponsiveContainer>
  );
}

/**
 * Hours/week at the end of each month, with the tasks first written down in
 * that month as bars: a rise that comes with a bar is toil being recorded,
 * not new toil. Months before the register's first row have no point.
 */
export function ToilTrendChart(props: {
  report: TeamToilReport;
  capacity: number;
}) {
  const { report, capacity } = props;
  const trend = report.trend;
  const firstRecorded = trend.find(p => p.hoursPerWeek !== null)?.month;
  const notRecorded = trend.filter(p => p.hoursPerWeek === null).length;
  return (
    <>
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart data={trend}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="month" />
          <YAxis yAxisId="hours" />
          <YAxis
            yAxisId="tasks"
            orientation="right"
            allowDecimals={false}
            hide
          />
          <Tooltip />
          <Legend verticalAlign="top" />
          {capacity > 0 && (
            <ReferenceLine
              yAxisId="hours"
              y={(capacity * RED_THRESHOLD_PERCENT) / 100}
              stroke={BAND_COLORS.red}
              label="50%"
            />
          )}
          {capacity > 0 && (
            <ReferenceLine
              yAxisId="hours"
              y={(capacity * AMBER_THRESHOLD_PERCENT) / 100}
              stroke={BAND_COLORS.amber}
              label="30%"
            />
          )}
          <Bar
            yAxisId="tasks"
            dataKey="newlyRecorded"
            name="tasks first recorded"
            fill="#cfd8dc"
            isAnimationActive={false}
          />
          <Line
            yAxisId="hours"
            dataKey="hoursPerWeek"
            name="hours/week"
            stroke="#37474f"
            connectNulls={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
      <Typography variant="body2" color="textSecondary">
        {firstRecorded === undefined &&
          'Nothing recorded in these months: the register has no rows for this team yet.'}
        {firstRecorded !== undefined &&
          notRecorded > 0 &&
          `The register starts in ${firstRecorded}; ${
            notRecorded === 1
              ? 'the month before it is'
              : `the ${notRecorded} months before it are`
          } not recorded, which is not zero toil. `}
        {firstRecorded !== undefined &&
          'Bars count the tasks written down for the first time in each month: a rise that comes with a bar is toil being recorded, not new toil.'}
      </Typography>
    </>
  );
}

function TeamReportView({ report }: { report: TeamToilReport }) {
  const figures = report.withDescendants;
  const capacity = (figures.members ?? 0) * report.hoursPerPerson;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={4}>
        <InfoCard title="Toil % of operations capacity">
          <ToilGauge
            percent={figures.taskCount === 0 ? null : figures.toilPercent}
          />
          <Typography align="center" variant="h5" aria-label="toil percent">
            {figures.taskCount === 0 && 'no toil recorded'}
            {figures.taskCount !== 0 &&
              (figures.toilPercent === null
                ? 'undefined'
                : `${figures.toilPercent.toFixed(0)}%`)}
          </Typography>
          <Typography align="center" variant="body2">
            <ToilPercentChip
              percent={figures.toilPercent}
              band={figures.band}
              reason={figures.toilPercentReason}
              taskCount={figures.taskCount}
            />
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {formatHours(figures.hoursPerWeek)} over {figures.members}{' '}
            {figures.members === 1 ? 'member' : 'members'} ×{' '}
            {report.hoursPerPerson} h. Thresholds: over{' '}
            {AMBER_THRESHOLD_PERCENT}% amber, over {RED_THRESHOLD_PERCENT}% red.
            {figures.toilPercent === null && ` ${figures.toilPercentReason}.`}
            {report.direct.hoursPerWeek !== figures.hoursPerWeek &&
              ` Own rows only: ${formatHours(report.direct.hoursPerWeek)}${
                report.direct.toilPercent !== null
                  ? `, ${report.direct.toilPercent.toFixed(0)}%`
                  : ''
              }.`}
          </Typography>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={8}>
        <InfoCard title="Tasks by category (hours/week)">
          {report.byCategory.length === 0 ? (
            <Typography>No toil recorded for this team yet.</Typography>
          ) : (
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={report.byCategory} layout="vertical">
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" />
                <YAxis type="category" dataKey="category" width={140} />
                <Tooltip />
                <Bar dataKey="hoursPerWeek" name="hours/week" fill="#1976d2" />
              </BarChart>
            </ResponsiveContainer>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Toil trend (hours/week, end of month)">
          <ToilTrendChart report={report} capacity={capacity} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Table<AutomationCandidate>
          title="Automation backlog (weekly repeats first, then by payback)"
          options={{ paging: false, search: false }}
          data={report.backlog}
          columns={[
            { title: '#', field: 'rank' },
            { title: 'Task', render: c => c.task.task },
            {
              title: 'Entity',
              render: c => (
                <EntityRefLink
                  entityRef={c.task.entityRef}
                  defaultKind="component"
                  style={{ whiteSpace: 'nowrap' }}
                />
              ),
            },
            { title: 'Hours/week', render: c => c.hoursPerWeek.toFixed(1) },
            {
              title: 'Hours/year saved',
              render: c => Math.round(c.yearlyHoursSaved),
            },
            {
              title: 'Payback',
              render: c =>
                c.paybackMonths === null
                  ? 'no estimate'
                  : `${c.paybackMonths.toFixed(1)} months`,
            },
            {
              title: 'Weekly repeat',
              render: c => (c.weeklyRepeat ? 'yes' : ''),
            },
            { title: 'Plan', render: c => c.task.automationStatus },
          ]}
          emptyContent={
            <Typography style={{ padding: 16 }}>
              No automation candidates: nothing automatable is left by hand.
            </Typography>
          }
        />
      </Grid>
    </Grid>
  );
}

/** The team toil view of a Group: gauge, categories, trend and backlog. */
export function TeamToilContent() {
  const { entity } = useEntity();
  const groupRef = stringifyEntityRef(entity);
  const api = useApi(toilApiRef);
  const { value, loading, error } = useAsync(
    () => api.getTeamReport(groupRef),
    [api, groupRef],
  );
  if (loading) return <Progress />;
  if (error || !value) {
    return (
      <ResponseErrorPanel
        title="Could not load the team's toil"
        error={error ?? new Error('No report was returned')}
      />
    );
  }
  return <TeamReportView report={value} />;
}
