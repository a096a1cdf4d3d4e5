import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Fragment, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { maturityApiRef, MaturityRequestError } from '../../api';
import type { FactSet, HistoryPoint } from '../../api';
import { RequestState } from '../common';
import { evidenceText } from '../EntityMaturityContent/ChecksByDimension';
import {
  DORA_GAP_RULE,
  DORA_SOURCE,
  formatOutcome,
  OUTCOME_COLLECTORS,
  OUTCOMES,
  type Outcome,
} from './outcomes';
import { ClusterChip, NotMeasured, TrendLine } from './parts';

/** What the entity's fact sets say about one outcome. */
export type OutcomeReading =
  | { measured: true; value: number; evidence: Evidence[] }
  | {
      measured: false;
      reason: string;
      connect?: string;
      evidence: Evidence[];
    };

/**
 * Reads one outcome from an entity's fact sets (undefined when the entity
 * has none yet). A collector that is missing, or that could not read its
 * source, leaves the outcome "not measured" with the reason and how to
 * connect it; it is never a failure.
 */
export function readOutcome(
  outcome: Outcome,
  sets: FactSet[] | undefined,
): OutcomeReading {
  const connect = OUTCOME_COLLECTORS[outcome.collector]?.connect;
  if (!sets) {
    return {
      measured: false,
      reason: 'No facts were collected for this entity yet.',
      evidence: [],
    };
  }
  const set = sets.find(s => s.collector === outcome.collector);
  if (!set) {
    return {
      measured: false,
      reason: `No ${outcome.collector} collector reported for this entity.`,
      connect,
      evidence: [],
    };
  }
  const evidence = [outcome.fact, ...outcome.evidenceFacts].flatMap(
    f => set.evidence?.[f] ?? [],
  );
  if (set.status === 'unknown') {
    // The collector's reason says what to connect or fix; a fixed hint
    // beside it could contradict it (a source that is connected but failing).
    return {
      measured: false,
      reason:
        set.reason ??
        `The ${outcome.collector} collector could not read its source.`,
      connect: set.reason ? undefined : connect,
      evidence,
    };
  }
  const value = set.facts[outcome.fact];
  if (typeof value !== 'number') {
    return {
      measured: false,
      reason:
        set.unknown?.[outcome.fact] ??
        `The ${outcome.collector} collector reported no value.`,
      evidence,
    };
  }
  return { measured: true, value, evidence };
}

/** The history's values of one outcome, oldest first. */
export function trendOf(outcome: Outcome, history: HistoryPoint[]) {
  return [...history]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .flatMap(p => {
      const value = p.metrics?.[outcome.fact];
      return typeof value === 'number'
        ? [{ at: new Date(p.createdAt).toLocaleDateString('en-CA'), value }]
        : [];
    });
}

/** Whether two readings are not measured for the same reason and hint. */
function sameReason(a: OutcomeReading | undefined, b: OutcomeReading) {
  return (
    a !== undefined &&
    !a.measured &&
    !b.measured &&
    a.reason === b.reason &&
    a.connect === b.connect
  );
}

// Headers and outcome names keep to one line: a long reason in the value
// column must not squeeze them into broken words.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Monthly cost times idle share, when the cost collector measured both. */
function idleCostOf(sets: FactSet[] | undefined): number | undefined {
  const read = (id: string) =>
    readOutcome(OUTCOMES.find(o => o.id === id)!, sets);
  const cost = read('monthly-cost');
  const idle = read('idle-share');
  return cost.measured && idle.measured ? cost.value * idle.value : undefined;
}

function OutcomeRow(props: {
  outcome: Outcome;
  reading: OutcomeReading;
  history: HistoryPoint[];
  /** The idle share's cost a month, when both cost facts are measured. */
  idleCost?: number;
  /** Not measured for the reason of the row above, which states it. */
  reasonAsAbove?: boolean;
}) {
  const { outcome, reading, history, idleCost, reasonAsAbove } = props;
  const [open, setOpen] = useState(false);
  const evidenceId = `delivery-evidence-${outcome.id}`;
  return (
    <Fragment>
      <TableRow data-testid={`outcome-${outcome.id}`}>
        <TableCell component="th" scope="row" style={NO_WRAP}>
          {outcome.title}
        </TableCell>
        <TableCell>
          {reading.measured ? (
            <>
              <Typography variant="body2" style={{ fontWeight: 600 }}>
                {formatOutcome(outcome, reading.value)}
              </Typography>
              {idleCost !== undefined && (
                <Typography variant="caption" color="textSecondary">
                  {`About ${idleCost.toLocaleString('en-US', {
                    maximumFractionDigits: 0,
                  })} / month idle, which scaling to zero would save`}
                </Typography>
              )}
            </>
          ) : (
            <NotMeasured
              reason={reading.reason}
              connect={reading.connect}
              asAbove={reasonAsAbove}
            />
          )}
        </TableCell>
        <TableCell>
          {reading.measured && (
            <ClusterChip outcome={outcome} value={reading.value} />
          )}
        </TableCell>
        <TableCell style={NO_WRAP}>
          <TrendLine outcome={outcome} points={trendOf(outcome, history)} />
        </TableCell>
        <TableCell>
          {reading.evidence.length > 0 && (
            <Button
              size="small"
              aria-expanded={open}
              aria-controls={evidenceId}
              onClick={() => setOpen(o => !o)}
              style={{ whiteSpace: 'nowrap' }}
            >
              {open ? 'Hide' : 'Evidence'} ({reading.evidence.length})
            </Button>
          )}
        </TableCell>
      </TableRow>
      {open && (
        <TableRow>
          <TableCell colSpan={5}>
            <Box
              component="ul"
              id={evidenceId}
              aria-label={`Evidence of ${outcome.title}`}
              my={1}
              pl={2}
            >
              {reading.evidence.map((e, i) => (
                <Typography
                  component="li"
                  variant="caption"
                  key={i}
                  style={{ fontFamily: 'monospace', display: 'list-item' }}
                >
                  {evidenceText(e)}
                </Typography>
              ))}
            </Box>
          </TableCell>
        </TableRow>
      )}
    </Fragment>
  );
}

/**
 * An entity's delivery outcomes: DORA's four keys, time to restore and cost,
 * each with its value, DORA cluster, trend and evidence.
 */
export function DeliveryOutcomes(props: {
  entityRef: string;
  reloadKey?: number;
}) {
  const { entityRef, reloadKey } = props;
  const api = useApi(maturityApiRef);
  const state = useAsync(async () => {
    const [facts, history] = await Promise.all([
      api.getEntityFacts(entityRef).catch(e => {
        // No facts yet is a state to show, not an error.
        if (e instanceof MaturityRequestError && e.status === 404) {
          return undefined;
        }
        throw e;
      }),
      // Without the history the values still show, only without a trend.
      api
        .getHistory(entityRef, { limit: 500 })
        .then(h => h.items)
        .catch(() => undefined),
    ]);
    const readings = OUTCOMES.map(outcome =>
      readOutcome(outcome, facts?.items),
    );
    return { sets: facts?.items, readings, history };
  }, [api, entityRef, reloadKey]);
  return (
    <RequestState loading={state.loading} error={state.error}>
      {state.value && (
        <>
          {/* The one-line headers may not fit a narrow card: scroll. */}
          <Box overflow="auto">
            <Table size="small" aria-label="Delivery outcomes">
              <TableHead>
                <TableRow>
                  <TableCell style={NO_WRAP}>Outcome</TableCell>
                  <TableCell>Value</TableCell>
                  <TableCell style={NO_WRAP}>DORA cluster</TableCell>
                  <TableCell style={NO_WRAP}>Trend</TableCell>
                  <TableCell style={NO_WRAP}>Evidence</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {OUTCOMES.map((outcome, i) => (
                  <OutcomeRow
                    key={outcome.id}
                    outcome={outcome}
                    reading={state.value!.readings[i]}
                    reasonAsAbove={sameReason(
                      state.value!.readings[i - 1],
                      state.value!.readings[i],
                    )}
                    history={state.value!.history ?? []}
                    idleCost={
                      outcome.id === 'idle-share'
                        ? idleCostOf(state.value!.sets)
                        : undefined
                    }
                  />
                ))}
              </TableBody>
            </Table>
          </Box>
          <Typography variant="caption" color="textSecondary" component="p">
            {state.value.history
              ? ''
              : 'No trend: the history request failed. '}
            DORA clusters: {DORA_SOURCE}. {DORA_GAP_RULE}
          </Typography>
        </>
      )}
    </RequestState>
  );
}

/** The "Delivery outcomes" card of a service. */
export function EntityDeliveryOutcomesCard() {
  const { entity } = useEntity();
  return (
    <InfoCard
      title="Delivery outcomes"
      subheader="DORA's four keys, time to restore and cost"
    >
      <DeliveryOutcomes entityRef={stringifyEntityRef(entity)} />
    </InfoCard>
  );
}
