import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { maturityApiRef } from '../../api';
import type { FactSummary } from '../../api';
import { entityPagePath, RequestState, shortRef } from '../common';
import {
  DORA_GAP_RULE,
  DORA_SOURCE,
  formatOutcome,
  OUTCOMES,
} from './outcomes';
import { ClusterChip, NotMeasured } from './parts';

/** Services listed per outcome; a team with more is linked to the scorecards. */
const SERVICE_LIMIT = 100;

interface ServiceRow {
  entityRef: string;
  title?: string;
  values: Record<string, number>;
}

/**
 * A team's delivery outcomes on its Group page: the server's roll-up of each
 * outcome over the team's services (its sub-teams' included), and each
 * service's own value.
 */
export function TeamDeliveryOutcomesCard() {
  const { entity } = useEntity();
  const groupRef = stringifyEntityRef(entity);
  const api = useApi(maturityApiRef);
  const state = useAsync(async () => {
    const filters = { owner: groupRef };
    const perOutcome = await Promise.all(
      OUTCOMES.map(async outcome => {
        const query = {
          collector: outcome.collector,
          fact: outcome.fact,
          filters,
        };
        const [summary, entities] = await Promise.all([
          api.getFactSummary({ ...query, groupBy: 'owner' }),
          api.listEntitiesByFact(query, { limit: SERVICE_LIMIT, offset: 0 }),
        ]);
        return {
          outcome,
          summary: summary.items.find(s => s.key === groupRef),
          entities: entities.items,
        };
      }),
    );
    const services = new Map<string, ServiceRow>();
    for (const { outcome, entities } of perOutcome) {
      for (const e of entities) {
        if (typeof e.value !== 'number') continue;
        const row = services.get(e.entityRef) ?? {
          entityRef: e.entityRef,
          title: e.title,
          values: {},
        };
        row.values[outcome.fact] = e.value;
        services.set(e.entityRef, row);
      }
    }
    return {
      perOutcome,
      services: [...services.values()].sort((a, b) =>
        (a.title ?? shortRef(a.entityRef)).localeCompare(
          b.title ?? shortRef(b.entityRef),
        ),
      ),
    };
  }, [api, groupRef]);

  return (
    <InfoCard
      title="Delivery outcomes"
      subheader="The team's services, its sub-teams included"
    >
      <RequestState loading={state.loading} error={state.error}>
        {state.value && (
          <>
            <Table size="small" aria-label="Team delivery outcomes">
              <TableHead>
                <TableRow>
                  <TableCell>Outcome</TableCell>
                  <TableCell>Team median</TableCell>
                  <TableCell>DORA cluster</TableCell>
                  <TableCell>Range</TableCell>
                  <TableCell style={{ whiteSpace: 'nowrap' }}>
                    Services
                  </TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {state.value.perOutcome.map(({ outcome, summary }) => (
                  <SummaryRow
                    key={outcome.id}
                    outcome={outcome}
                    summary={summary}
                  />
                ))}
              </TableBody>
            </Table>
            <Typography variant="caption" color="textSecondary" component="p">
              The team median is the median of its services' own values; a
              service without a value says on its Maturity tab what its evidence
              lacks. DORA clusters: {DORA_SOURCE}. {DORA_GAP_RULE}
            </Typography>
            {state.value.services.length > 0 && (
              <>
                <Typography
                  variant="subtitle2"
                  component="h3"
                  style={{ marginTop: 16 }}
                >
                  Per service
                </Typography>
                <Table size="small" aria-label="Delivery outcomes per service">
                  <TableHead>
                    <TableRow>
                      <TableCell>Service</TableCell>
                      {OUTCOMES.map(o => (
                        <TableCell key={o.id}>{o.title}</TableCell>
                      ))}
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {state.value.services.map(s => (
                      <TableRow key={s.entityRef}>
                        <TableCell component="th" scope="row">
                          <Link to={entityPagePath(s.entityRef)}>
                            {s.title ?? shortRef(s.entityRef)}
                          </Link>
                        </TableCell>
                        {OUTCOMES.map(o => (
                          <TableCell key={o.id}>
                            {o.fact in s.values
                              ? formatOutcome(o, s.values[o.fact])
                              : '-'}
                          </TableCell>
                        ))}
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </>
            )}
          </>
        )}
      </RequestState>
    </InfoCard>
  );
}

function SummaryRow(props: {
  outcome: (typeof OUTCOMES)[number];
  summary?: FactSummary;
}) {
  const { outcome, summary } = props;
  return (
    <TableRow data-testid={`team-outcome-${outcome.id}`}>
      <TableCell component="th" scope="row">
        {outcome.title}
      </TableCell>
      {summary ? (
        <>
          <TableCell>
            <Typography variant="body2" style={{ fontWeight: 600 }}>
              {formatOutcome(outcome, summary.median)}
            </Typography>
          </TableCell>
          <TableCell>
            <ClusterChip outcome={outcome} value={summary.median} />
          </TableCell>
          <TableCell>
            {summary.min === summary.max
              ? formatOutcome(outcome, summary.min)
              : `${formatOutcome(outcome, summary.min)} to ${formatOutcome(
                  outcome,
                  summary.max,
                )}`}
          </TableCell>
          <TableCell>{summary.entityCount}</TableCell>
        </>
      ) : (
        <TableCell colSpan={4}>
          <NotMeasured
            // The services may lack evidence for reasons of their own (no
            // deployment yet, no annotation, no source connected): each
            // service's Maturity tab says which (see the caption).
            reason="No service of this team has a value yet."
          />
        </TableCell>
      )}
    </TableRow>
  );
}
