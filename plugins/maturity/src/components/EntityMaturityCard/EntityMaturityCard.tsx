import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Link, LinkButton } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { maturityApiRef, MaturityRequestError } from '../../api';
import type { EntityReport } from '../../api';
import { NotScoredYet } from '../NotScoredYet/NotScoredYet';
import {
  entityPagePath,
  fixTemplateHref,
  LEVEL_NAMES,
  levelColor,
  RequestState,
} from '../common';
import {
  ConnectEvidenceStep,
  CoverageNote,
  EntityLevelChip,
  entityScoreText,
  isNotEvaluated,
  noDimensionEvaluated,
  NOT_EVALUATED_LABEL,
  NOT_EVALUATED_STYLE,
} from '../evidence';

/** The checks that keep the entity from its next overall level. */
export function blockersOf(report: EntityReport) {
  const titles = new Map(report.checks.map(c => [c.checkId, c.title]));
  return report.dimensions
    .filter(d => d.level === report.level && d.blockingChecks.length > 0)
    .map(d => ({
      dimension: d.title ?? d.dimension,
      checks: d.blockingChecks.map(id => titles.get(id) ?? id),
    }));
}

/** The per-dimension level bars of a scorecard. */
export function DimensionLevelsChart(props: {
  report: EntityReport;
  height?: number;
}) {
  // A dimension that was not evaluated gets no bar (no level to draw) and
  // says so in its label: it must not read as level 1.
  const data = props.report.dimensions.map(d => {
    const notEvaluated = isNotEvaluated(d);
    return {
      name: notEvaluated
        ? `${d.title ?? d.dimension} (${NOT_EVALUATED_LABEL.toLocaleLowerCase(
            'en-US',
          )})`
        : d.title ?? d.dimension,
      level: notEvaluated ? null : d.level,
      score: d.score,
    };
  });
  return (
    <ResponsiveContainer width="100%" height={props.height ?? 240}>
      <BarChart data={data} layout="vertical" margin={{ left: 16, right: 16 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" domain={[0, 5]} ticks={[1, 2, 3, 4, 5]} />
        <YAxis type="category" dataKey="name" width={170} />
        <Tooltip
          formatter={(value: unknown) => [
            typeof value !== 'number'
              ? NOT_EVALUATED_LABEL
              : `L${value} ${LEVEL_NAMES[value] ?? ''}`,
            'Level',
          ]}
        />
        <Bar dataKey="level" isAnimationActive={false}>
          {data.map(d => (
            <Cell
              key={d.name}
              fill={
                d.level === null
                  ? NOT_EVALUATED_STYLE.backgroundColor
                  : levelColor(d.level)
              }
            />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}

/** The summary card: level, score, levels per dimension, blockers and next steps. */
export function EntityMaturityCard() {
  const { entity } = useEntity();
  const api = useApi(maturityApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntityReport(entityRef),
    [api, entityRef],
  );
  const notScored =
    error instanceof MaturityRequestError && error.status === 404;

  return (
    <InfoCard
      title="Maturity"
      subheader="Where this service stands on the way to cloud-native"
      deepLink={
        value
          ? {
              title: 'All checks',
              link: `${entityPagePath(entityRef)}/maturity`,
            }
          : undefined
      }
    >
      {notScored ? (
        <NotScoredYet entity={entity} onScored={retry} />
      ) : (
        <RequestState loading={loading} error={error} onRetry={retry}>
          {value && <SummaryBody report={value} />}
        </RequestState>
      )}
    </InfoCard>
  );
}

function SummaryBody(props: { report: EntityReport }) {
  const { report } = props;
  const { entity } = useEntity();
  const blockers = blockersOf(report);
  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 16 }} mb={1}>
        <EntityLevelChip
          level={report.level}
          name={report.levelName}
          dimensions={report.dimensions}
        />
        <Typography variant="h4" component="span" aria-label="score">
          {entityScoreText(report)}
          <Typography variant="body2" component="span" color="textSecondary">
            {' '}
            / 100
          </Typography>
        </Typography>
      </Box>
      <CoverageNote report={report} />
      <Typography variant="subtitle2">Level per dimension</Typography>
      <DimensionLevelsChart report={report} />
      {noDimensionEvaluated(report.dimensions) ? (
        <Typography variant="body2" color="textSecondary">
          Nothing of this entity could be measured yet, so it has no level. See
          "Connect the evidence" below.
        </Typography>
      ) : (
        <Typography variant="subtitle2">
          {report.level < 5
            ? `What blocks level ${report.level + 1} (${
                LEVEL_NAMES[report.level + 1]
              })`
            : 'Every dimension is at the top level'}
        </Typography>
      )}
      {!noDimensionEvaluated(report.dimensions) &&
        report.level < 5 &&
        blockers.length === 0 && (
          <Typography variant="body2" color="textSecondary">
            {report.connectEvidence
              ? // Unknown checks hold the level: not measured, not failed.
                'No measured check fails: what holds the level was not measured. See "Connect the evidence" below.'
              : 'No blocking checks are recorded.'}
          </Typography>
        )}
      <List dense disablePadding>
        {blockers.map(b => (
          <ListItem key={b.dimension} disableGutters>
            <ListItemText
              primary={b.dimension}
              secondary={b.checks.join(', ')}
              // Dense lists keep text on one line; every check must show.
              style={{ whiteSpace: 'normal' }}
            />
          </ListItem>
        ))}
      </List>
      <Typography variant="subtitle2">Next steps</Typography>
      <ConnectEvidenceStep report={report} />
      {report.nextSteps.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          {report.connectEvidence
            ? 'No measured check fails.'
            : 'No next steps: nothing fails.'}
        </Typography>
      ) : (
        <List dense disablePadding>
          {report.nextSteps.slice(0, 3).map(step => (
            <ListItem key={step.checkId} disableGutters>
              <ListItemText
                primary={`${step.title} (L${step.level}, ${
                  step.effort ?? 'effort unknown'
                })`}
                secondary={step.why}
                // Dense lists keep text on one line; the why must show whole.
                style={{ whiteSpace: 'normal' }}
              />
              {step.fixTemplate ? (
                <LinkButton
                  to={fixTemplateHref(step.fixTemplate, entity)}
                  variant="outlined"
                  color="primary"
                  size="small"
                  aria-label={`Fix it: ${step.title}`}
                >
                  Fix it
                </LinkButton>
              ) : (
                step.guide && (
                  <Link to={step.guide} aria-label={`Guide: ${step.title}`}>
                    Guide
                  </Link>
                )
              )}
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
}
