import {
  Content,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Box, Button } from '@material-ui/core';
import { TeamToilRanking } from '@cloud-native-portal/plugin-toil-common';
import useAsync from 'react-use/esm/useAsync';
import { toilApiRef } from '../api';
import { ToilPercentChip, downloadText, formatHours } from './common';
import { UnownedToilCard } from './UnownedToilCard';

/** The organization view: teams ranked by toil %. */
export function ToilPage() {
  const api = useApi(toilApiRef);
  const { value, loading, error } = useAsync(() => api.getTeamRanking(), [api]);
  return (
    <Page themeId="tool">
      <Header
        title="Toil"
        subtitle="Operations toil per team, ranked by share of capacity"
      />
      <Content>
        {loading && <Progress />}
        {error && (
          <ResponseErrorPanel title="Could not load the teams" error={error} />
        )}
        {value && (
          <Table<TeamToilRanking>
            title="Teams by toil %"
            options={{ paging: false }}
            data={value}
            actions={[
              {
                icon: () => <Button variant="outlined">Export register</Button>,
                isFreeAction: true,
                tooltip: 'Export the whole register as CSV',
                onClick: async () =>
                  downloadText('toil-register.csv', await api.exportCsv()),
              },
            ]}
            columns={[
              {
                title: 'Team',
                render: r => {
                  const { namespace, name } = parseEntityRef(r.groupRef);
                  return (
                    <Link to={`/catalog/${namespace}/group/${name}/toil`}>
                      {r.title}
                    </Link>
                  );
                },
              },
              { title: 'Type', field: 'type' },
              {
                title: 'Toil %',
                render: r => (
                  <ToilPercentChip
                    percent={r.direct.toilPercent}
                    band={r.direct.band}
                    reason={r.direct.toilPercentReason}
                    taskCount={r.direct.taskCount}
                  />
                ),
              },
              {
                title: 'Hours/week',
                render: r => formatHours(r.direct.hoursPerWeek),
              },
              { title: 'Members', render: r => r.direct.members },
              {
                title: 'Incl. sub-teams',
                render: r =>
                  r.withDescendants.toilPercent === null ||
                  r.withDescendants.taskCount === 0
                    ? '—'
                    : `${r.withDescendants.toilPercent.toFixed(
                        0,
                      )}% of ${formatHours(r.withDescendants.hoursPerWeek)}`,
              },
            ]}
            emptyContent={
              <div style={{ padding: 16 }}>No groups in the catalog.</div>
            }
          />
        )}
        <Box mt={3}>
          <UnownedToilCard />
        </Box>
      </Content>
    </Page>
  );
}
