import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { maturityApiRef } from '../../api';
import { levelColor, levelTextColor, RequestState } from '../common';
import { entitiesWord, evaluatedText } from '../evidence';
import { averageLevel, distributionText } from '../ScorecardsPage/levels';

/** Roll-ups read to find the team's own; the demo and most orgs have fewer groups. */
const ROLLUP_LIMIT = 500;

/**
 * The team's scorecard on its Group page: the roll-up of its entities (its
 * sub-teams' included), with the average level per dimension.
 */
export function TeamMaturityCard() {
  const { entity } = useEntity();
  const groupRef = stringifyEntityRef(entity);
  const api = useApi(maturityApiRef);
  const state = useAsync(async () => {
    const [rollups, model] = await Promise.all([
      api.getRollups('owner', {}, { limit: ROLLUP_LIMIT, offset: 0 }),
      api.getModel(),
    ]);
    return {
      rollup: rollups.items.find(r => r.key === groupRef),
      dimensions: model.model.dimensions,
    };
  }, [api, groupRef]);
  const rollup = state.value?.rollup;
  return (
    <InfoCard
      title="Team scorecard"
      subheader="Maturity of the team's entities, its sub-teams included"
      deepLink={{ title: 'All teams', link: '/maturity' }}
    >
      <RequestState
        loading={state.loading}
        error={state.error}
        empty={!!state.value && !rollup}
        emptyTitle="No scored entity yet"
        emptyDescription="The team owns no entity the maturity engine has scored yet."
      >
        {rollup && (
          <>
            {rollup.averageScore === null ? (
              <Typography variant="body1" component="p" gutterBottom>
                Not evaluated: no check of the team's {rollup.entityCount}{' '}
                {entitiesWord(rollup.entityCount)} could be measured. Each one's
                Maturity tab says what evidence to connect.
              </Typography>
            ) : (
              <>
                <Typography variant="h5" component="p">
                  {Math.round(rollup.averageScore)}
                  <Typography
                    component="span"
                    variant="body2"
                    color="textSecondary"
                  >
                    {' '}
                    / 100 average over{' '}
                    {evaluatedText(
                      rollup.entityCount,
                      rollup.notEvaluatedCount,
                    )}
                  </Typography>
                </Typography>
                <Typography variant="body2" color="textSecondary" gutterBottom>
                  Levels: {distributionText(rollup.levels)}
                </Typography>
              </>
            )}
            <Box
              display="flex"
              flexWrap="wrap"
              style={{ gap: 6 }}
              aria-label="Average level per dimension"
            >
              {(state.value?.dimensions ?? []).map(d => {
                const avg = averageLevel(rollup.dimensions[d.id]?.levels);
                return (
                  <Chip
                    key={d.id}
                    size="small"
                    label={`${d.title}: ${
                      avg ? avg.toFixed(1) : 'not evaluated'
                    }`}
                    style={
                      avg
                        ? {
                            backgroundColor: levelColor(avg),
                            color: levelTextColor(avg),
                          }
                        : undefined
                    }
                  />
                );
              })}
            </Box>
          </>
        )}
      </RequestState>
    </InfoCard>
  );
}
