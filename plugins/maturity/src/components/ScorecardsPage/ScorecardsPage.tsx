import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { maturityApiRef } from '../../api';
import type { MaturityFilters } from '../../api';
import { RequestState } from '../common';
import { Campaigns } from './Campaigns';
import { FailingChecks, LevelDistribution, TrendChart } from './Charts';
import { EvaluateAllButton } from './EvaluateAllButton';
import { Filters } from './Filters';
import { HeatMapTable } from './HeatMapTable';
import { GroupTree } from './levels';

function useGroupTree(): GroupTree {
  const catalogApi = useApi(catalogApiRef);
  const { value } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.parent',
        'spec.profile.displayName',
      ],
    });
    const parentOf = new Map<string, string>();
    const titleOf = new Map<string, string>();
    for (const g of items) {
      const ref = stringifyEntityRef(g);
      const spec = (g.spec ?? {}) as {
        parent?: string;
        profile?: { displayName?: string };
      };
      if (spec.parent) {
        const parent = spec.parent.includes(':')
          ? spec.parent
          : `group:${g.metadata.namespace ?? 'default'}/${spec.parent}`;
        parentOf.set(ref, parent.toLocaleLowerCase('en-US'));
      }
      titleOf.set(
        ref,
        spec.profile?.displayName ?? g.metadata.title ?? g.metadata.name,
      );
    }
    return { parentOf, titleOf };
  }, [catalogApi]);
  // Without the catalog the table still renders, flat and by ref.
  return useMemo(
    () => value ?? { parentOf: new Map(), titleOf: new Map() },
    [value],
  );
}

/** The platform team's scorecards: teams × dimensions, distribution, trend, failing checks and campaigns. */
export function ScorecardsPage() {
  const api = useApi(maturityApiRef);
  const model = useAsync(() => api.getModel(), [api]);
  const tree = useGroupTree();
  // The tab is in the address (?tab=campaigns), so that a campaign's
  // notification, a bookmark or a shared link opens it.
  const [searchParams, setSearchParams] = useSearchParams();
  const tab = searchParams.get('tab') === 'campaigns' ? 1 : 0;
  const setTab = (value: number) =>
    setSearchParams(value === 1 ? { tab: 'campaigns' } : {});
  const [filterInput, setFilterInput] = useState<MaturityFilters>({});
  const [filters, setFilters] = useState<MaturityFilters>({});
  // Keeps the same object while the filters are unchanged: a new one would
  // make every card request its data again, the first render included.
  useDebounce(
    () =>
      setFilters(current =>
        JSON.stringify(current) === JSON.stringify(filterInput)
          ? current
          : filterInput,
      ),
    300,
    [filterInput],
  );

  const dimensions = useMemo(
    () =>
      (model.value?.model.dimensions ?? []).map(d => ({
        id: d.id,
        title: d.title,
      })),
    [model.value],
  );
  const fixableChecks = useMemo(
    () =>
      new Set(
        (model.value?.model.checks ?? [])
          .filter(c => c.fixTemplate)
          .map(c => c.id),
      ),
    [model.value],
  );
  // After a cycle started here ends: a new filters object makes every card
  // read its data again.
  const reload = useCallback(() => setFilters(current => ({ ...current })), []);
  const dimensionTitle = (id?: string) =>
    dimensions.find(d => d.id === id)?.title ?? id ?? '-';

  return (
    <Page themeId="tool">
      <Header
        title="Scorecards"
        subtitle="How far each team's services have come on the way to cloud-native"
      >
        <EvaluateAllButton onFinished={reload} />
      </Header>
      <Content>
        <Tabs
          value={tab}
          onChange={(_e, v) => setTab(v)}
          indicatorColor="primary"
          aria-label="Scorecards sections"
        >
          <Tab label="Teams" />
          <Tab label="Campaigns" />
        </Tabs>
        {tab === 0 && (
          <>
            <ContentHeader title="Teams by dimension" />
            <Filters value={filterInput} onChange={setFilterInput} />
            {/* The cards request their data while the model loads; only
                the heat map's columns wait for it. */}
            <Grid container spacing={3}>
              <Grid item xs={12}>
                <InfoCard title="Teams × dimensions" noPadding>
                  <HeatMapTable
                    key={JSON.stringify(filters)}
                    filters={filters}
                    dimensions={model.value ? dimensions : undefined}
                    dimensionsError={model.error}
                    tree={tree}
                  />
                </InfoCard>
              </Grid>
              <Grid item xs={12} md={6}>
                <InfoCard title="Level distribution">
                  <LevelDistribution filters={filters} />
                </InfoCard>
              </Grid>
              <Grid item xs={12} md={6}>
                <InfoCard title="Trend (weekly, last 6 months)">
                  <TrendChart filters={filters} />
                </InfoCard>
              </Grid>
              <Grid item xs={12}>
                <InfoCard
                  title="Checks that fail most"
                  subheader="Ranked by how many services' next level each check blocks"
                >
                  <FailingChecks
                    filters={filters}
                    dimensionTitle={dimensionTitle}
                    fixableChecks={fixableChecks}
                  />
                </InfoCard>
              </Grid>
            </Grid>
          </>
        )}
        {tab === 1 && (
          <RequestState loading={model.loading} error={model.error}>
            <Campaigns dimensions={dimensions} fixableChecks={fixableChecks} />
          </RequestState>
        )}
      </Content>
    </Page>
  );
}
