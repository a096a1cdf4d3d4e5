import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, LinkButton } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { maturityApiRef } from '../../api';
import { reviewPagePath } from '../../routes';
import { LEVEL_COLORS, RequestState } from '../common';
import { entitiesWord, evaluatedText } from '../evidence';

/** A System's or Domain's maturity at a glance, with the link to its review. */
export function EntityMaturityReviewCard() {
  const { entity } = useEntity();
  const api = useApi(maturityApiRef);
  const ref = stringifyEntityRef(entity);
  const kind =
    entity.kind.toLocaleLowerCase('en-US') === 'domain' ? 'domain' : 'system';
  const { value, loading, error } = useAsync(
    () =>
      api.getRollups(
        kind,
        kind === 'domain' ? { domain: ref } : { system: ref },
        {
          limit: 1,
        },
      ),
    [api, ref, kind],
  );
  const rollup = value?.items.find(r => r.key === ref) ?? value?.items[0];
  const path = reviewPagePath(
    entity.metadata.namespace ?? 'default',
    entity.metadata.name,
    kind,
  );
  return (
    <InfoCard title="Maturity review">
      <RequestState
        loading={loading}
        error={error}
        empty={!rollup}
        emptyTitle="No scored components yet"
      >
        {rollup && (
          <Box mb={2}>
            <Typography variant="body1">
              {rollup.entityCount} scored {entitiesWord(rollup.entityCount)}
              {rollup.averageScore === null
                ? ', none evaluated: no check of theirs could be measured'
                : `, average score ${Math.round(rollup.averageScore)}${
                    rollup.notEvaluatedCount > 0
                      ? ` over ${evaluatedText(
                          rollup.entityCount,
                          rollup.notEvaluatedCount,
                        )}`
                      : ''
                  }`}
            </Typography>
            <Box display="flex" style={{ gap: 4 }} mt={1} aria-label="Levels">
              {['1', '2', '3', '4', '5'].map(l => (
                <Box
                  key={l}
                  px={1}
                  style={{
                    backgroundColor: LEVEL_COLORS[Number(l)],
                    color: l === '3' ? '#000' : '#fff',
                    borderRadius: 4,
                  }}
                >
                  L{l}: {rollup.levels[l] ?? 0}
                </Box>
              ))}
            </Box>
          </Box>
        )}
      </RequestState>
      <LinkButton to={path} variant="contained" color="primary">
        Open architecture review
      </LinkButton>
    </InfoCard>
  );
}
