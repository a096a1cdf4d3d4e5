import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Link,
  Page,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { maturityApiRef } from '../../api';
import type { Decomposition, ReviewComponent, Risk } from '../../api';
import {
  entityPagePath,
  levelColor,
  levelTextColor,
  RequestState,
  shortRef,
} from '../common';
import {
  EntityLevelChip,
  entityScoreText,
  measuredBefore,
  noDimensionEvaluated,
} from '../evidence';
import { FailingChecksTable } from '../ScorecardsPage/Charts';
import { DependencyGraph } from './DependencyGraph';
import { REVIEW_PRINT_CSS } from './printStyles';
import { download, reviewToCsv, reviewToMarkdown } from './exportReview';
import { MigrationRecordTable } from './MigrationRecordTable';

const DAY = 24 * 60 * 60 * 1000;

function Delta(props: { now: number; before?: number }) {
  if (props.before === undefined) {
    return (
      <Typography variant="caption" color="textSecondary">
        {' '}
        new
      </Typography>
    );
  }
  const d = Math.round(props.now - props.before);
  if (d === 0) return null;
  return (
    <Typography
      variant="caption"
      style={{ color: d > 0 ? '#2e7d32' : '#c62828', fontWeight: 700 }}
    >
      {' '}
      {d > 0 ? `▲${d}` : `▼${-d}`}
    </Typography>
  );
}

/**
 * Shown instead of a section's findings while nothing in scope has been
 * scored: no finding is not the same as "none found".
 */
export const NOT_EVALUATED_YET =
  'Not evaluated yet: no component of this scope has been scored. The maturity engine scores it on its next run.';

function NotEvaluatedYet() {
  return (
    <Typography variant="body2" color="textSecondary">
      {NOT_EVALUATED_YET}
    </Typography>
  );
}

/**
 * Words wrap whole ("Architecture", "courses-team"), never broken inside, so
 * the table reads at 1440 px; dimension headers show their first word and
 * the full title on hover, as in the scorecards' heat map.
 */
const useWholeWords = makeStyles({
  table: {
    '& th, & td': {
      wordBreak: 'normal',
      overflowWrap: 'normal',
      hyphens: 'none',
    },
  },
});

function DecompositionView(props: {
  items: Decomposition[];
  evaluated: boolean;
}) {
  if (!props.evaluated) return <NotEvaluatedYet />;
  if (props.items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No monolith in this scope.
      </Typography>
    );
  }
  return (
    <>
      {props.items.map(d => {
        const extracted = d.capabilities.filter(c => c.extractedTo).length;
        const total = d.capabilities.length;
        const percent = total ? (100 * extracted) / total : 0;
        return (
          <Box key={d.monolith} mb={2}>
            <Typography variant="subtitle1">
              <Link to={entityPagePath(d.monolith)}>
                {d.title ?? shortRef(d.monolith)}
              </Link>
              : {extracted} of {total} capabilities extracted (
              {Math.round(percent)}%)
            </Typography>
            <LinearProgress
              variant="determinate"
              value={percent}
              aria-label="Decomposition progress"
            />
            <Table
              size="small"
              aria-label={`Capabilities of ${shortRef(d.monolith)}`}
            >
              <TableHead>
                <TableRow>
                  <TableCell>Capability</TableCell>
                  <TableCell>Extracted to</TableCell>
                  <TableCell>When</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {d.capabilities.map(c => (
                  <TableRow key={c.name}>
                    <TableCell>{c.name}</TableCell>
                    <TableCell>
                      {c.extractedTo ? (
                        <Link to={entityPagePath(c.extractedTo)}>
                          {shortRef(c.extractedTo)}
                        </Link>
                      ) : (
                        <Chip size="small" label="remains in the monolith" />
                      )}
                    </TableCell>
                    <TableCell>{c.extractedAt?.slice(0, 10) ?? '-'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Typography variant="body2">
              <strong>Remaining:</strong>{' '}
              {d.remaining.length ? d.remaining.join(', ') : 'none'}
            </Typography>
          </Box>
        );
      })}
    </>
  );
}

function ComponentsTable(props: {
  components: ReviewComponent[];
  dimensions: Array<{ id: string; title: string }>;
}) {
  const { components, dimensions } = props;
  const classes = useWholeWords();
  return (
    <Box overflow="auto">
      <Table
        size="small"
        aria-label="Components by dimension"
        className={classes.table}
      >
        <TableHead>
          <TableRow>
            <TableCell>Component</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>Level</TableCell>
            <TableCell align="right">Score</TableCell>
            {dimensions.map(d => (
              <TableCell key={d.id} align="center" title={d.title}>
                {d.title.split(/[\s(]/)[0]}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {components.map(c => (
            <TableRow key={c.entityRef}>
              <TableCell>
                <Link to={`${entityPagePath(c.entityRef)}/maturity`}>
                  {c.title ?? shortRef(c.entityRef)}
                </Link>
                {c.type && (
                  <Typography variant="caption" color="textSecondary">
                    {' '}
                    {c.type}
                  </Typography>
                )}
              </TableCell>
              <TableCell>{shortRef(c.ownerRef)}</TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                <EntityLevelChip level={c.level} dimensions={c.dimensions} />
                {!noDimensionEvaluated(c.dimensions) && (
                  <Delta now={c.level} before={measuredBefore(c)?.level} />
                )}
              </TableCell>
              <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
                {entityScoreText(c)}
                {!noDimensionEvaluated(c.dimensions) && (
                  <Delta now={c.score} before={measuredBefore(c)?.score} />
                )}
              </TableCell>
              {dimensions.map(d => {
                const now = c.dimensions.find(x => x.dimension === d.id)?.level;
                return (
                  <TableCell
                    key={d.id}
                    align="center"
                    style={
                      now
                        ? {
                            backgroundColor: levelColor(now),
                            color: levelTextColor(now),
                            whiteSpace: 'nowrap',
                          }
                        : undefined
                    }
                  >
                    {now === null ? 'n/e' : now ?? '-'}
                    {typeof now === 'number' && c.before && (
                      <Delta now={now} before={c.before.dimensions[d.id]} />
                    )}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function RisksView(props: { risks: Risk[]; evaluated: boolean }) {
  if (!props.evaluated) return <NotEvaluatedYet />;
  if (props.risks.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No anti-patterns found.
      </Typography>
    );
  }
  return (
    <>
      {props.risks.map(r => (
        <Box key={`${r.id}-${r.entities.join(',')}`} mb={2}>
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Chip
              size="small"
              label={r.severity}
              style={{
                backgroundColor: r.severity === 'high' ? '#c62828' : '#ef6c00',
                color: '#fff',
              }}
            />
            <Typography variant="subtitle1">{r.title}</Typography>
          </Box>
          <Typography variant="body2">
            {r.entities.map(shortRef).join(', ')}
            {r.detail ? `: ${r.detail}` : ''}
          </Typography>
          {r.guidance && (
            <Typography variant="body2" color="textSecondary">
              {r.guidance}
            </Typography>
          )}
        </Box>
      ))}
    </>
  );
}

/** The architecture review of a system or domain, for one room to look at together. */
export function ReviewPage() {
  const { namespace = 'default', name = '' } = useParams();
  const [searchParams] = useSearchParams();
  const kind = searchParams.get('kind') === 'domain' ? 'domain' : 'system';
  const ref = `${kind}:${namespace}/${name}`;
  const api = useApi(maturityApiRef);
  const catalogApi = useApi(catalogApiRef);
  // Whether the catalog holds the system or domain at all: a review of a
  // name that does not exist says so, rather than "nothing found".
  const exists = useAsync(
    async () => (await catalogApi.getEntityByRef(ref)) !== undefined,
    [catalogApi, ref],
  );
  const [since, setSince] = useState(
    new Date(Date.now() - 90 * DAY).toISOString().slice(0, 10),
  );
  const model = useAsync(() => api.getModel(), [api]);
  const review = useAsync(
    () => api.getReview(ref, new Date(`${since}T00:00:00Z`).toISOString()),
    [api, ref, since],
  );
  const dimensions = useMemo(
    () =>
      (model.value?.model.dimensions ?? []).map(d => ({
        id: d.id,
        title: d.title,
      })),
    [model.value],
  );
  const levels = useMemo(
    () =>
      new Map(
        // A component none of whose dimensions was evaluated has no level
        // to colour its node with.
        (review.value?.components ?? [])
          .filter(c => !noDimensionEvaluated(c.dimensions))
          .map(c => [c.entityRef, c.level]),
      ),
    [review.value],
  );
  const dimensionTitle = (id?: string) =>
    dimensions.find(d => d.id === id)?.title ?? id ?? '-';
  const title = `${kind === 'domain' ? 'Domain' : 'System'} ${name}`;
  const evaluated = (review.value?.components.length ?? 0) > 0;

  if (exists.value === false) {
    return (
      <Page themeId="tool">
        <Header title={`Architecture review: ${name}`} subtitle={ref} />
        <Content>
          <EmptyState
            missing="info"
            title={`${title} not found`}
            description={`The catalog has no ${ref}. Check the name, or open the review from a ${kind}'s page in the catalog.`}
            action={<Link to="/catalog">Open the catalog</Link>}
          />
        </Content>
      </Page>
    );
  }

  return (
    <Page themeId="tool">
      <style>{REVIEW_PRINT_CSS}</style>
      <Header title={`Architecture review: ${name}`} subtitle={ref} />
      <Content>
        <Box
          className="maturity-no-print"
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 16 }}
          mb={2}
        >
          <TextField
            type="date"
            label="Changes since"
            InputLabelProps={{ shrink: true }}
            value={since}
            onChange={e => e.target.value && setSince(e.target.value)}
          />
          <Box flex={1} />
          <Button
            variant="outlined"
            disabled={!review.value}
            onClick={() =>
              review.value &&
              download(
                `review-${name}-${since}.md`,
                'text/markdown',
                reviewToMarkdown(review.value, dimensions, title),
              )
            }
          >
            Export Markdown
          </Button>
          <Button
            variant="outlined"
            disabled={!review.value}
            onClick={() =>
              review.value &&
              download(
                `review-${name}-${since}.csv`,
                'text/csv',
                reviewToCsv(review.value, dimensions),
              )
            }
          >
            Export CSV
          </Button>
          <Button variant="outlined" onClick={() => window.print()}>
            Print / PDF
          </Button>
        </Box>
        <RequestState
          loading={review.loading || model.loading}
          error={review.error ?? model.error}
        >
          {review.value && (
            <Grid container spacing={3}>
              <Grid item xs={12} md={6} className="maturity-review-section">
                <InfoCard title="Monolith decomposition">
                  <DecompositionView
                    items={review.value.decomposition}
                    evaluated={evaluated}
                  />
                </InfoCard>
              </Grid>
              <Grid item xs={12} md={6} className="maturity-review-section">
                <InfoCard title="Risks">
                  <RisksView risks={review.value.risks} evaluated={evaluated} />
                </InfoCard>
              </Grid>
              {review.value.migrationRecord && (
                <Grid item xs={12} className="maturity-review-section">
                  <InfoCard
                    title="Migration record: traditional → future-ready"
                    subheader="Each aspect at the first snapshot of the history and now"
                  >
                    {!evaluated ? (
                      <NotEvaluatedYet />
                    ) : (
                      <MigrationRecordTable
                        record={review.value.migrationRecord}
                      />
                    )}
                  </InfoCard>
                </Grid>
              )}
              <Grid item xs={12} className="maturity-review-section">
                <InfoCard
                  title="Components by dimension"
                  subheader={`Levels now, with the change since ${since}`}
                >
                  {!evaluated ? (
                    <NotEvaluatedYet />
                  ) : (
                    <ComponentsTable
                      components={review.value.components}
                      dimensions={dimensions}
                    />
                  )}
                </InfoCard>
              </Grid>
              <Grid item xs={12} className="maturity-review-section">
                <InfoCard title="Top failing checks">
                  {!evaluated && <NotEvaluatedYet />}
                  {evaluated && review.value.topFailingChecks.length === 0 && (
                    <Typography variant="body2" color="textSecondary">
                      No failing checks.
                    </Typography>
                  )}
                  {review.value.topFailingChecks.length > 0 && (
                    <FailingChecksTable
                      items={review.value.topFailingChecks}
                      dimensionTitle={dimensionTitle}
                    />
                  )}
                </InfoCard>
              </Grid>
              <Grid item xs={12} className="maturity-review-section">
                <InfoCard
                  title="Dependency graph"
                  subheader="Each node coloured by its overall level"
                >
                  <DependencyGraph rootRef={ref} levels={levels} />
                </InfoCard>
              </Grid>
            </Grid>
          )}
        </RequestState>
      </Content>
    </Page>
  );
}
