import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  maturityRefreshPermission,
  maturityWaiverCreatePermission,
  maturityWaiverRevokePermission,
} from '@cloud-native-portal/plugin-maturity-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { maturityApiRef, MaturityRequestError } from '../../api';
import type { EntityReport } from '../../api';
import { NotScoredYet } from '../NotScoredYet/NotScoredYet';
import { RequestState } from '../common';
import {
  ConnectEvidenceStep,
  CoverageNote,
  EntityLevelChip,
  entityScoreText,
} from '../evidence';
import { DimensionLevelsChart } from '../EntityMaturityCard/EntityMaturityCard';
import { DeliveryOutcomes } from '../DeliveryOutcomes/DeliveryOutcomesCard';
import { ChecksByDimension } from './ChecksByDimension';
import { HistoryChart } from './HistoryChart';
import { WaiverDialog } from './WaiverDialog';
import { WaiversList } from './WaiversList';

/** The "Maturity" tab: every check with evidence, history, waivers and refresh. */
export function EntityMaturityContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(maturityApiRef);
  const [report, setReport] = useState<EntityReport>();
  const [reloadKey, setReloadKey] = useState(0);
  const loaded = useAsyncRetry(
    () => api.getEntityReport(entityRef),
    [api, entityRef, reloadKey],
  );
  useEffect(() => setReport(loaded.value), [loaded.value]);

  const canWaive = usePermission({
    permission: maturityWaiverCreatePermission,
    resourceRef: entityRef,
  });
  const canRevoke = usePermission({
    permission: maturityWaiverRevokePermission,
    resourceRef: entityRef,
  });
  const canRefresh = usePermission({
    permission: maturityRefreshPermission,
    resourceRef: entityRef,
  });

  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<Error>();
  const [dialogCheck, setDialogCheck] = useState<string>();
  const [dialogOpen, setDialogOpen] = useState(false);
  const [notice, setNotice] = useState<string>();

  const refresh = async () => {
    setRefreshing(true);
    setRefreshError(undefined);
    try {
      setReport(await api.refreshEntity(entityRef));
      setReloadKey(k => k + 1);
      setNotice('Collected and evaluated just now.');
    } catch (e) {
      setRefreshError(e as Error);
    } finally {
      setRefreshing(false);
    }
  };

  const openWaiver = (checkId?: string) => {
    setDialogCheck(checkId);
    setDialogOpen(true);
  };

  const notScored =
    loaded.error instanceof MaturityRequestError && loaded.error.status === 404;
  if (!report) {
    return (
      <InfoCard title="Maturity">
        {notScored ? (
          <NotScoredYet
            entity={entity}
            onScored={scored => {
              setReport(scored);
              setReloadKey(k => k + 1);
              setNotice('Collected and evaluated just now.');
            }}
          />
        ) : (
          <RequestState
            loading={loaded.loading}
            error={loaded.error}
            onRetry={loaded.retry}
          />
        )}
      </InfoCard>
    );
  }

  const waivable = report.checks.filter(
    c => c.status === 'fail' || c.status === 'unknown',
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="Maturity scorecard">
          <Box
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            style={{ gap: 16 }}
          >
            <EntityLevelChip
              level={report.level}
              name={report.levelName}
              dimensions={report.dimensions}
            />
            <Typography variant="h4" component="span" aria-label="score">
              {entityScoreText(report)}
              <Typography
                variant="body2"
                component="span"
                color="textSecondary"
              >
                {' '}
                / 100
              </Typography>
            </Typography>
            <CoverageNote report={report} />
            <Typography variant="body2" color="textSecondary">
              {report.evaluatedAt
                ? `Evaluated ${new Date(report.evaluatedAt).toLocaleString()}`
                : ''}
              {report.modelVersion ? ` · model ${report.modelVersion}` : ''}
            </Typography>
            <Box flex={1} />
            <Button
              variant="outlined"
              disabled={!canWaive.allowed || waivable.length === 0}
              onClick={() => openWaiver()}
              title={
                canWaive.allowed
                  ? undefined
                  : 'You need the maturity.waiver.create permission'
              }
            >
              Request waiver
            </Button>
            <Button
              variant="contained"
              color="primary"
              disabled={refreshing || !canRefresh.allowed}
              onClick={refresh}
            >
              {refreshing ? 'Refreshing…' : 'Refresh now'}
            </Button>
          </Box>
          <ConnectEvidenceStep report={report} />
          {refreshError && (
            <Alert severity="error" role="alert">
              {refreshError.message}
            </Alert>
          )}
          {notice && !refreshError && (
            <Alert severity="success" onClose={() => setNotice(undefined)}>
              {notice}
            </Alert>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Level per dimension">
          <DimensionLevelsChart report={report} height={280} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="History">
          <HistoryChart entityRef={entityRef} reloadKey={reloadKey} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Delivery outcomes"
          subheader="DORA's four keys, time to restore and cost"
        >
          <DeliveryOutcomes entityRef={entityRef} reloadKey={reloadKey} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Checks">
          <ChecksByDimension
            report={report}
            onRequestWaiver={canWaive.allowed ? openWaiver : undefined}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Active waivers">
          <WaiversList
            waivers={report.waivers}
            checks={report.checks}
            canRevoke={canRevoke.allowed}
            onChanged={() => {
              setNotice('Waiver revoked.');
              setReloadKey(k => k + 1);
            }}
          />
        </InfoCard>
      </Grid>
      <WaiverDialog
        open={dialogOpen}
        entityRef={entityRef}
        checks={waivable}
        initialCheckId={dialogCheck}
        onClose={() => setDialogOpen(false)}
        onCreated={() => {
          setDialogOpen(false);
          setNotice('Waiver recorded; the scorecard is re-evaluated.');
          setReloadKey(k => k + 1);
        }}
      />
    </Grid>
  );
}
