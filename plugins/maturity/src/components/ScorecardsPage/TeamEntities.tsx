import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { maturityApiRef } from '../../api';
import type { MaturityFilters } from '../../api';
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
  isNotEvaluated,
  NOT_EVALUATED_LABEL,
  NOT_EVALUATED_STYLE,
  notEvaluatedHint,
} from '../evidence';

const PAGE_SIZE = 20;

/** A team's entities with their levels, one page at a time (GET /entities?owner=). */
export function TeamEntities(props: {
  ownerRef: string;
  filters: MaturityFilters;
  dimensions: Array<{ id: string; title: string }>;
}) {
  const { ownerRef, filters, dimensions } = props;
  const api = useApi(maturityApiRef);
  const [page, setPage] = useState(0);
  const { value, loading, error } = useAsync(
    () =>
      api.listEntities(
        { ...filters, owner: ownerRef },
        { limit: PAGE_SIZE, offset: page * PAGE_SIZE },
      ),
    [api, ownerRef, filters, page],
  );
  return (
    <RequestState
      loading={loading}
      error={error}
      empty={value?.items.length === 0}
      emptyTitle={`No scored entities owned by ${shortRef(ownerRef)}`}
    >
      <Table size="small" aria-label={`Entities of ${shortRef(ownerRef)}`}>
        <TableHead>
          <TableRow>
            <TableCell>Entity</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>Level</TableCell>
            <TableCell align="right">Score</TableCell>
            {dimensions.map(d => (
              <TableCell key={d.id} align="center">
                {d.title}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {value?.items.map(e => (
            <TableRow key={e.entityRef}>
              <TableCell>
                <Link to={`${entityPagePath(e.entityRef)}/maturity`}>
                  {e.title ?? shortRef(e.entityRef)}
                </Link>
              </TableCell>
              <TableCell>{shortRef(e.ownerRef)}</TableCell>
              <TableCell>
                <EntityLevelChip level={e.level} dimensions={e.dimensions} />
              </TableCell>
              <TableCell align="right">{entityScoreText(e)}</TableCell>
              {dimensions.map(d => {
                const dimension = e.dimensions.find(x => x.dimension === d.id);
                const level = dimension?.level;
                if (dimension && isNotEvaluated(dimension)) {
                  return (
                    <TableCell
                      key={d.id}
                      align="center"
                      title={`${
                        d.title
                      }: ${NOT_EVALUATED_LABEL.toLocaleLowerCase(
                        'en-US',
                      )}. ${notEvaluatedHint(dimension)}`}
                      aria-label={`${d.title}: ${NOT_EVALUATED_LABEL}`}
                      style={NOT_EVALUATED_STYLE}
                    >
                      n/e
                    </TableCell>
                  );
                }
                return (
                  <TableCell
                    key={d.id}
                    align="center"
                    style={
                      level
                        ? {
                            backgroundColor: levelColor(level),
                            color: levelTextColor(level),
                          }
                        : undefined
                    }
                  >
                    {level ?? '-'}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={value?.totalCount ?? 0}
        page={page}
        rowsPerPage={PAGE_SIZE}
        rowsPerPageOptions={[PAGE_SIZE]}
        onPageChange={(_e, p) => setPage(p)}
      />
    </RequestState>
  );
}
