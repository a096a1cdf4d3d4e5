import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { Box, Grid, Typography } from '@material-ui/core';
import {
  gradeFor,
  ZeroTrustControl,
  ZERO_TRUST_CONTROLS,
} from '@cloud-native-portal/plugin-zero-trust-common';
import { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { controlFactName } from '../api/posture';
import {
  ControlStatusCount,
  FactEntity,
  PostureSummaryRow,
} from '../api/types';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';
import { RiskChip } from './ControlDetails';
import { GradeBadge } from './GradeBadge';

/** Renders loading, error (naming the request) and empty states for a section. */
/** Why a posture view is empty, and what fills it. */
const EMPTY_POSTURE_HINT =
  'Services are scanned from their source tree. A service without the backstage.io/source-location annotation (or whose repository host has no integration configured) has nothing to scan: add the annotation to its catalog-info.yaml, and the next maturity refresh scans it.';

function Section<T>(props: {
  title: string;
  subheader: string;
  state: { loading: boolean; error?: Error; value?: T[] };
  empty: string;
  /** Why it is empty and what fills it, when emptiness means nothing was scanned. */
  emptyHint?: string;
  children: (items: T[]) => ReactNode;
}) {
  const { loading, error, value } = props.state;
  let body: ReactNode;
  if (loading) body = <Progress />;
  else if (error)
    body = (
      <WarningPanel
        severity="error"
        defaultExpanded
        title={`Could not load ${props.title.toLocaleLowerCase('en-US')}`}
        message={error.message}
      />
    );
  else if (!value?.length)
    body = (
      <EmptyState
        missing="data"
        title={props.empty}
        description={props.emptyHint}
      />
    );
  else body = props.children(value);
  return (
    <Box data-testid={`section-${props.title}`} height="100%">
      <InfoCard title={props.title} subheader={props.subheader}>
        {body}
      </InfoCard>
    </Box>
  );
}

/**
 * Names wrap between words only, never inside one ("Assess-ments"), and take
 * the room they need; the number columns give way.
 */
const NAME_CELL = {
  wordBreak: 'normal',
  overflowWrap: 'normal',
  minWidth: 180,
} as const;

const scoreText = (n: number | null) =>
  n === null || n === undefined ? '–' : String(Math.round(n * 10) / 10);

/**
 * Why a posture owner is not a team, or undefined when it is one. Posture is
 * grouped by the owner the catalog names; an owner ref that points to no
 * Group (a missing group, a person, no owner at all) is a problem to fix, not
 * a team. Without the catalog's groups nothing can be told, so nothing is
 * flagged.
 */
export function ownerProblem(
  key: string,
  groups: ReadonlySet<string> | undefined,
): string | undefined {
  if (!groups) return undefined;
  if (key === 'none' || !key) return 'Problem: no owner';
  if (key.startsWith('user:')) return 'Problem: a person, not a team';
  if (!groups.has(key.toLocaleLowerCase('en-US'))) {
    return 'Problem: owner not in the catalog';
  }
  return undefined;
}

/** The catalog's groups as lower-case refs; undefined without a catalog. */
function useCatalogGroups(): ReadonlySet<string> | undefined {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value } = useAsync(async () => {
    if (!catalogApi) return undefined;
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    });
    return new Set(
      items.map(g => stringifyEntityRef(g).toLocaleLowerCase('en-US')),
    );
  }, [catalogApi]);
  return value;
}

function summaryColumns(
  label: string,
  groups?: ReadonlySet<string>,
): TableColumn<PostureSummaryRow>[] {
  return [
    {
      title: label,
      field: 'key',
      cellStyle: NAME_CELL,
      render: row => {
        const problem = groups ? ownerProblem(row.key, groups) : undefined;
        return (
          <>
            {row.key && row.key !== 'none' ? (
              <EntityRefLink entityRef={row.key} />
            ) : (
              '–'
            )}
            {problem && (
              <Typography
                variant="caption"
                display="block"
                style={{ color: '#c62828' }}
              >
                {problem}
              </Typography>
            )}
          </>
        );
      },
    },
    { title: 'Scanned services', field: 'entityCount', type: 'numeric' },
    {
      title: 'Average',
      field: 'average',
      type: 'numeric',
      render: row => scoreText(row.average),
    },
    {
      title: 'Grade',
      field: 'average',
      sorting: false,
      render: row => (
        <GradeBadge
          size="small"
          grade={row.average === null ? null : gradeFor(row.average)}
        />
      ),
    },
    {
      title: 'Lowest',
      field: 'min',
      type: 'numeric',
      render: row => scoreText(row.min),
    },
    {
      title: 'Highest',
      field: 'max',
      type: 'numeric',
      render: row => scoreText(row.max),
    },
  ];
}

type ControlCountRow = ControlStatusCount & { control: ZeroTrustControl };

const controlColumns: TableColumn<ControlCountRow>[] = [
  {
    title: 'Control',
    field: 'control.title',
    cellStyle: { ...NAME_CELL, minWidth: 320, width: '45%' },
    render: row => (
      <>
        <Typography variant="subtitle2">{row.control.title}</Typography>
        <Typography variant="caption" color="textSecondary">
          {row.control.fix}
        </Typography>
      </>
    ),
  },
  {
    title: 'Risk',
    field: 'control.risk',
    render: row => <RiskChip risk={row.control.risk} />,
  },
  { title: 'Failing', field: 'fail', type: 'numeric' },
  { title: 'Unknown', field: 'unknown', type: 'numeric' },
  { title: 'Passing', field: 'pass', type: 'numeric' },
  { title: 'Not applicable', field: 'notApplicable', type: 'numeric' },
];

const criticalColumns: TableColumn<FactEntity>[] = [
  {
    title: 'Service',
    field: 'entityRef',
    cellStyle: NAME_CELL,
    render: row => <EntityRefLink entityRef={row.entityRef} />,
  },
  {
    title: 'Owner',
    field: 'ownerRef',
    cellStyle: NAME_CELL,
    render: row =>
      row.ownerRef ? <EntityRefLink entityRef={row.ownerRef} /> : '–',
  },
  {
    title: 'System',
    field: 'systemRef',
    cellStyle: NAME_CELL,
    render: row =>
      row.systemRef ? <EntityRefLink entityRef={row.systemRef} /> : '–',
  },
  { title: 'Critical failures', field: 'value', type: 'numeric' },
];

// The section's card gives the title; a table without search or title
// would show an empty toolbar above its header.
const tableOptions = {
  paging: false,
  search: false,
  toolbar: false,
  padding: 'dense' as const,
};

/** Organization page: posture by team and system, top failing controls, Critical failures. */
export const ZeroTrustPage = () => {
  const api = useApi(zeroTrustApiRef);
  const byOwner = useAsync(() => api.getPostureSummary('owner'), [api]);
  const bySystem = useAsync(() => api.getPostureSummary('system'), [api]);
  const groups = useCatalogGroups();
  const counts = useAsync(async () => {
    const byFact = new Map(
      (await api.getControlStatusCounts()).map(c => [c.fact, c]),
    );
    return ZERO_TRUST_CONTROLS.flatMap(control => {
      const count = byFact.get(controlFactName(control.id));
      return count ? [{ ...count, control }] : [];
    }).sort((a, b) => b.fail - a.fail || b.unknown - a.unknown);
  }, [api]);
  const critical = useAsync(
    async () => (await api.getEntitiesWithCriticalFailures()).items,
    [api],
  );

  return (
    <Page themeId="tool">
      <Header
        title="Zero trust"
        subtitle="Posture of every scanned service, by team and system"
      />
      <Content>
        <ContentHeader title="Organization posture">
          <Typography variant="body2" color="textSecondary">
            Scores are 0-100, weighted by risk. A team or system is graded by
            its average; a service with a Critical failure is capped at C.
          </Typography>
        </ContentHeader>
        <Grid container spacing={3}>
          <Grid item xs={12} xl={6}>
            <Section
              title="Posture by team"
              subheader="Average score of each owner group, including its sub-teams"
              state={byOwner}
              empty="No team has a scanned service yet"
              emptyHint={EMPTY_POSTURE_HINT}
            >
              {rows => (
                <Table<PostureSummaryRow>
                  options={tableOptions}
                  columns={summaryColumns('Team', groups)}
                  data={rows}
                />
              )}
            </Section>
          </Grid>
          <Grid item xs={12} xl={6}>
            <Section
              title="Posture by system"
              subheader="Average score of the services in each system"
              state={bySystem}
              empty="No system has a scanned service yet"
              emptyHint={EMPTY_POSTURE_HINT}
            >
              {rows => (
                <Table<PostureSummaryRow>
                  options={tableOptions}
                  columns={summaryColumns('System')}
                  data={rows}
                />
              )}
            </Section>
          </Grid>
          <Grid item xs={12}>
            <Section
              title="Services with Critical failures"
              subheader="Strict mTLS, plaintext secrets or a dangerous workflow: fix these first"
              state={critical}
              empty="No service has a failing Critical control"
            >
              {rows => (
                <Table<FactEntity>
                  options={tableOptions}
                  columns={criticalColumns}
                  data={rows}
                />
              )}
            </Section>
          </Grid>
          <Grid item xs={12}>
            <Section
              title="Controls failing most often"
              subheader="Services per status, most failures first"
              state={counts}
              empty="No control has been scanned yet"
              emptyHint={EMPTY_POSTURE_HINT}
            >
              {rows => (
                <>
                  <Box height={320}>
                    <ResponsiveContainer width="100%" height="100%">
                      <BarChart
                        data={rows
                          .filter(r => r.fail > 0)
                          .slice(0, 10)
                          .map(r => ({
                            name: r.control.id,
                            Failing: r.fail,
                            Unknown: r.unknown,
                          }))}
                        margin={{ top: 8, right: 16, bottom: 64 }}
                      >
                        <CartesianGrid strokeDasharray="3 3" />
                        <XAxis
                          dataKey="name"
                          angle={-30}
                          textAnchor="end"
                          interval={0}
                        />
                        <YAxis allowDecimals={false} />
                        <Tooltip />
                        <Legend verticalAlign="top" />
                        <Bar
                          dataKey="Failing"
                          stackId="s"
                          fill="#c62828"
                          isAnimationActive={false}
                        />
                        <Bar
                          dataKey="Unknown"
                          stackId="s"
                          fill="#9e9e9e"
                          isAnimationActive={false}
                        />
                      </BarChart>
                    </ResponsiveContainer>
                  </Box>
                  <Table<ControlCountRow>
                    options={tableOptions}
                    columns={controlColumns}
                    data={rows}
                  />
                </>
              )}
            </Section>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};
