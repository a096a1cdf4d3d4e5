import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import KeyboardArrowDown from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowRight from '@material-ui/icons/KeyboardArrowRight';
import { Fragment, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { maturityApiRef } from '../../api';
import type { MaturityFilters, Rollup } from '../../api';
import { levelColor, levelTextColor, RequestState, shortRef } from '../common';
import {
  ancestorsOf,
  averageLevel,
  distributionText,
  GroupTree,
} from './levels';
import { TeamEntities } from './TeamEntities';
import {
  entitiesWord,
  notEvaluatedHint,
  NOT_EVALUATED_LABEL,
  NOT_EVALUATED_STYLE,
} from '../evidence';

/** Roll-ups requested per page; the server paginates. */
export const ROLLUP_PAGE_SIZE = 50;

const NO_DIMENSIONS: Array<{ id: string; title: string }> = [];

type SortKey = 'team' | 'averageScore' | 'entityCount' | string;

/**
 * Number and level cells: narrow padding, and labels that wrap between words
 * only, so the team column and all eight dimensions fit a 1440-pixel window
 * without scrolling sideways.
 */
const COMPACT_CELL = {
  padding: '6px 4px',
  wordBreak: 'normal',
  overflowWrap: 'normal',
  hyphens: 'none',
} as const;

/**
 * Why a roll-up's owner is not a team, or undefined when it is one: roll-ups
 * group by the owner the catalog names, and an owner ref that points to no
 * Group (a missing group, a person, no owner at all) is a problem to fix,
 * not a team. Without the catalog's groups nothing can be told, so nothing is
 * flagged.
 */
export function ownerProblem(key: string, tree: GroupTree): string | undefined {
  if (tree.titleOf.size === 0) return undefined;
  if (key === 'none') return 'Problem: no owner';
  if (key.startsWith('user:')) return 'Problem: a person, not a team';
  if (!tree.titleOf.has(key)) return 'Problem: owner not in the catalog';
  return undefined;
}

/** The teams × dimensions heat map, with drill-down into a team's entities. */
export function HeatMapTable(props: {
  filters: MaturityFilters;
  /** The model's dimensions; undefined while the model loads. */
  dimensions?: Array<{ id: string; title: string }>;
  /** Why the model could not be loaded. */
  dimensionsError?: Error;
  tree: GroupTree;
}) {
  const { filters, tree, dimensionsError } = props;
  const dimensions = props.dimensions ?? NO_DIMENSIONS;
  const api = useApi(maturityApiRef);
  const [page, setPage] = useState(0);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({
    key: 'team',
    desc: false,
  });
  const [open, setOpen] = useState<string>();
  const { value, loading, error } = useAsync(
    () =>
      api.getRollups('owner', filters, {
        limit: ROLLUP_PAGE_SIZE,
        offset: page * ROLLUP_PAGE_SIZE,
      }),
    [api, filters, page],
  );

  const rows = useMemo(() => {
    const items = [...(value?.items ?? [])];
    const pathOf = (r: Rollup) =>
      [...ancestorsOf(tree, r.key), r.key].map(k => shortRef(k)).join('/');
    const metric = (r: Rollup): number | string => {
      if (sort.key === 'team') return pathOf(r);
      if (sort.key === 'averageScore') return r.averageScore ?? -1;
      if (sort.key === 'entityCount') return r.entityCount;
      return averageLevel(r.dimensions[sort.key]?.levels) ?? -1;
    };
    items.sort((a, b) => {
      const x = metric(a);
      const y = metric(b);
      const order =
        typeof x === 'string'
          ? x.localeCompare(String(y))
          : (x as number) - (y as number);
      return sort.desc ? -order : order;
    });
    return items;
  }, [value, sort, tree]);

  const sortDirectionOf = (key: SortKey): 'asc' | 'desc' | false => {
    if (sort.key !== key) return false;
    return sort.desc ? 'desc' : 'asc';
  };

  const header = (
    key: SortKey,
    label: string,
    align?: 'right' | 'center',
    fullTitle?: string,
  ) => (
    <TableCell
      key={key}
      align={align}
      sortDirection={sortDirectionOf(key)}
      title={fullTitle}
      style={key === 'team' ? undefined : COMPACT_CELL}
    >
      <TableSortLabel
        active={sort.key === key}
        direction={sort.key === key && sort.desc ? 'desc' : 'asc'}
        onClick={() =>
          setSort(s => ({
            key,
            desc: s.key === key ? !s.desc : key !== 'team',
          }))
        }
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );

  return (
    // The roll-ups are requested at once, in parallel with the model; the
    // table waits for both.
    <RequestState
      loading={loading || (!props.dimensions && !dimensionsError)}
      error={error ?? dimensionsError}
      empty={value?.items.length === 0}
      emptyTitle="No scored entities match these filters"
      emptyDescription="Clear a filter, or wait for the maturity engine's next run."
    >
      <Box overflow="auto">
        <Table
          size="small"
          aria-label="Teams by dimension"
          style={{ tableLayout: 'fixed', width: '100%' }}
        >
          <colgroup>
            <col style={{ width: 40 }} />
            <col style={{ width: '20%' }} />
            <col style={{ width: 84 }} />
            <col style={{ width: 76 }} />
            {dimensions.map(d => (
              <col key={d.id} />
            ))}
          </colgroup>
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox" />
              {header('team', 'Team')}
              {header('entityCount', 'Entities', 'right')}
              {header('averageScore', 'Avg score', 'right')}
              {dimensions.map(d =>
                header(d.id, d.title.split(/[\s(]/)[0], 'center', d.title),
              )}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(r => {
              const ancestors = ancestorsOf(tree, r.key);
              const parent = ancestors[ancestors.length - 1];
              const isOpen = open === r.key;
              return (
                <Fragment key={r.key}>
                  <TableRow hover>
                    <TableCell padding="checkbox">
                      <IconButton
                        size="small"
                        aria-label={`${
                          isOpen ? 'Hide' : 'Show'
                        } entities of ${shortRef(r.key)}`}
                        onClick={() => setOpen(isOpen ? undefined : r.key)}
                      >
                        {isOpen ? (
                          <KeyboardArrowDown />
                        ) : (
                          <KeyboardArrowRight />
                        )}
                      </IconButton>
                    </TableCell>
                    <TableCell style={{ overflowWrap: 'anywhere' }}>
                      <Box pl={sort.key === 'team' ? ancestors.length * 2 : 0}>
                        <Typography variant="body2" style={{ fontWeight: 600 }}>
                          {tree.titleOf.get(r.key) ?? shortRef(r.key)}
                        </Typography>
                        {ownerProblem(r.key, tree) && (
                          <Typography
                            variant="caption"
                            display="block"
                            style={{ color: '#c62828' }}
                          >
                            {ownerProblem(r.key, tree)}
                          </Typography>
                        )}
                        {parent && (
                          <Typography variant="caption" color="textSecondary">
                            in {tree.titleOf.get(parent) ?? shortRef(parent)}
                          </Typography>
                        )}
                      </Box>
                    </TableCell>
                    <TableCell
                      align="right"
                      style={COMPACT_CELL}
                      title={
                        r.notEvaluatedCount > 0
                          ? `${r.notEvaluatedCount} of ${r.entityCount} not evaluated: no check of theirs could be measured`
                          : undefined
                      }
                    >
                      {r.entityCount}
                    </TableCell>
                    <TableCell
                      align="right"
                      style={COMPACT_CELL}
                      title={
                        r.averageScore === null
                          ? 'No entity of the team was evaluated'
                          : undefined
                      }
                    >
                      {r.averageScore === null
                        ? '–'
                        : Math.round(r.averageScore)}
                    </TableCell>
                    {dimensions.map(d => {
                      const cell = r.dimensions[d.id];
                      const avg = averageLevel(cell?.levels);
                      // Rollups count evaluated entities only: a team none of
                      // whose entities has evidence for the dimension has no
                      // cell, which is "not evaluated", not level 1.
                      const evaluated = Object.values(
                        cell?.levels ?? {},
                      ).reduce((sum, n) => sum + n, 0);
                      if (!avg && r.entityCount > 0) {
                        return (
                          <Tooltip
                            key={d.id}
                            title={`${d.title}: not evaluated for any of ${
                              r.entityCount
                            } ${entitiesWord(
                              r.entityCount,
                            )}. ${notEvaluatedHint()}`}
                          >
                            <TableCell
                              align="center"
                              aria-label={`${d.title}: ${NOT_EVALUATED_LABEL}`}
                              style={{
                                ...NOT_EVALUATED_STYLE,
                                ...COMPACT_CELL,
                              }}
                            >
                              n/e
                            </TableCell>
                          </Tooltip>
                        );
                      }
                      return (
                        <Tooltip
                          key={d.id}
                          title={
                            cell
                              ? `${d.title}: ${distributionText(
                                  cell.levels,
                                )}; average score ${Math.round(
                                  cell.averageScore,
                                )}${
                                  evaluated < r.entityCount
                                    ? `; ${evaluated} of ${r.entityCount} entities evaluated`
                                    : ''
                                }`
                              : 'No entities'
                          }
                        >
                          <TableCell
                            align="center"
                            style={
                              avg
                                ? {
                                    ...COMPACT_CELL,
                                    backgroundColor: levelColor(avg),
                                    color: levelTextColor(avg),
                                    fontWeight: 600,
                                  }
                                : COMPACT_CELL
                            }
                          >
                            {avg ? avg.toFixed(1) : '-'}
                          </TableCell>
                        </Tooltip>
                      );
                    })}
                  </TableRow>
                  {isOpen && (
                    <TableRow>
                      <TableCell colSpan={4 + dimensions.length}>
                        <TeamEntities
                          ownerRef={r.key}
                          filters={filters}
                          dimensions={dimensions}
                        />
                      </TableCell>
                    </TableRow>
                  )}
                </Fragment>
              );
            })}
          </TableBody>
        </Table>
      </Box>
      <TablePagination
        component="div"
        count={value?.totalCount ?? 0}
        page={page}
        rowsPerPage={ROLLUP_PAGE_SIZE}
        rowsPerPageOptions={[ROLLUP_PAGE_SIZE]}
        onPageChange={(_e, p) => setPage(p)}
      />
      <Typography variant="caption" color="textSecondary">
        Cells show the average level of the team's entities (its sub-teams
        included) over those evaluated; n/e marks a dimension none of them could
        be evaluated on. Hover for the distribution. Sorting orders the current
        page.
      </Typography>
    </RequestState>
  );
}
