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
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { ownershipApiRef } from '../api/OwnershipApi';
import {
  OwnershipCoverage,
  OwnershipProblemKind,
  PROBLEM_TITLES,
  ProblemEntry,
  TeamOwnership,
} from '../api/types';

const problemColumns: TableColumn<ProblemEntry>[] = [
  {
    title: 'Entity',
    field: 'entityRef',
    render: row => (
      <EntityRefLink entityRef={row.entityRef} title={row.title} />
    ),
  },
  { title: 'spec.owner', field: 'rawOwner', render: r => r.rawOwner ?? '—' },
  { title: 'Problem', field: 'message' },
];

const teamColumns: TableColumn<TeamOwnership>[] = [
  {
    title: 'Team',
    field: 'groupRef',
    render: row => (
      <Box pl={row.depth * 2}>
        <EntityRefLink entityRef={row.groupRef} title={row.title} />
      </Box>
    ),
  },
  { title: 'Members', field: 'memberCount', type: 'numeric' },
  { title: 'Owned directly', field: 'direct', type: 'numeric' },
  {
    title: 'Owned incl. child groups',
    field: 'total',
    type: 'numeric',
    defaultSort: 'desc',
  },
  { title: 'Problems (direct)', field: 'problemCount', type: 'numeric' },
];

/** Orders teams as a tree: each group followed by its children. */
function treeOrder(teams: TeamOwnership[]): TeamOwnership[] {
  const children = new Map<string | null, TeamOwnership[]>();
  const refs = new Set(teams.map(t => t.groupRef));
  for (const t of teams) {
    const parent = t.parentRef && refs.has(t.parentRef) ? t.parentRef : null;
    children.set(parent, [...(children.get(parent) ?? []), t]);
  }
  const out: TeamOwnership[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null) => {
    for (const t of children.get(parent) ?? []) {
      if (seen.has(t.groupRef)) continue; // a cyclic hierarchy
      seen.add(t.groupRef);
      out.push(t);
      visit(t.groupRef);
    }
  };
  visit(null);
  // Groups only reachable through a cycle.
  return [...out, ...teams.filter(t => !seen.has(t.groupRef))];
}

function CsvButton() {
  const api = useApi(ownershipApiRef);
  const [error, setError] = useState<Error>();
  const download = async () => {
    setError(undefined);
    try {
      const blob = await api.getCoverageCsv();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = 'ownership-coverage.csv';
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <Button
        variant="outlined"
        color="primary"
        startIcon={<GetAppIcon />}
        onClick={download}
      >
        Download CSV
      </Button>
      {error && (
        <Typography color="error" variant="body2">
          {error.message}
        </Typography>
      )}
    </Box>
  );
}

/** The coverage figures, problem lists and team roll-ups. */
export function CoverageView(props: { coverage: OwnershipCoverage }) {
  const { coverage } = props;
  const kinds = (Object.keys(PROBLEM_TITLES) as OwnershipProblemKind[]).filter(
    k => coverage.problems[k],
  );
  const chartData = kinds.map(k => ({
    problem: PROBLEM_TITLES[k],
    entities: coverage.problems[k].length,
  }));
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={4}>
        <InfoCard title="Valid group owner">
          <Typography
            variant="h2"
            component="p"
            aria-label="coverage percentage"
          >
            {coverage.percentage === null ? '—' : `${coverage.percentage}%`}
          </Typography>
          <Typography variant="body2">
            {coverage.validGroupOwner} of {coverage.total} entities are owned by
            a Group that exists in the catalog.
          </Typography>
          <Typography variant="caption">
            Computed {new Date(coverage.generatedAt).toLocaleString()}
          </Typography>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={8}>
        <InfoCard title="Entities per problem">
          <ResponsiveContainer
            width="100%"
            height={Math.max(260, chartData.length * 30)}
          >
            <BarChart data={chartData} layout="vertical" margin={{ left: 40 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" allowDecimals={false} />
              <YAxis
                type="category"
                dataKey="problem"
                width={200}
                // Label every problem, not every other one.
                interval={0}
              />
              <Tooltip />
              <Bar
                dataKey="entities"
                fill="#1f77b4"
                // Drawn at once, so a screenshot or a print shows the bars.
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Table<TeamOwnership>
          title="Per team"
          options={{ paging: false, search: false, sorting: false }}
          columns={teamColumns}
          data={treeOrder(coverage.teams)}
          emptyContent={
            <Box p={2}>
              <Typography>No groups in the catalog.</Typography>
            </Box>
          }
        />
      </Grid>
      {kinds.map(kind => (
        <Grid item xs={12} key={kind}>
          <Table<ProblemEntry>
            title={`${PROBLEM_TITLES[kind]} (${coverage.problems[kind].length})`}
            options={{ paging: false, search: false, padding: 'dense' }}
            columns={problemColumns}
            data={coverage.problems[kind]}
            emptyContent={
              <Box p={2}>
                <Typography>None.</Typography>
              </Box>
            }
          />
        </Grid>
      ))}
    </Grid>
  );
}

/** The ownership coverage page for the platform team. */
export function OwnershipPage() {
  const api = useApi(ownershipApiRef);
  const state = useAsync(() => api.getCoverage(), [api]);
  let body;
  if (state.loading) body = <Progress />;
  else if (state.error)
    body = (
      <WarningPanel
        severity="error"
        defaultExpanded
        title="Could not load the ownership coverage"
        message={state.error.message}
      />
    );
  else if (!state.value || state.value.total === 0)
    body = (
      <EmptyState
        missing="data"
        title="No owned entities yet"
        description="Register components, APIs or resources in the catalog; their ownership is checked on the next refresh."
      />
    );
  else body = <CoverageView coverage={state.value} />;
  return (
    <Page themeId="tool">
      <Header
        title="Ownership"
        subtitle="Who owns each entity, and whether they can be reached"
      />
      <Content>
        <ContentHeader title="Coverage">
          <CsvButton />
        </ContentHeader>
        {body}
      </Content>
    </Page>
  );
}
