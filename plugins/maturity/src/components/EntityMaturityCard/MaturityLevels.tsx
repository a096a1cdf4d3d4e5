import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import { createContext, ReactNode, useContext } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { maturityApiRef } from '../../api';
import { LEVEL_NAMES, LevelChip } from '../common';
import { noDimensionEvaluated } from '../evidence';

/** Scores requested per page: the API's largest page. */
const PAGE = 500;

type Levels = {
  loading: boolean;
  error?: Error;
  /** Overall level per entity ref; null when no dimension was evaluated. */
  levels?: Map<string, number | null>;
};

const LevelsContext = createContext<Levels | undefined>(undefined);

/**
 * Loads every scored entity's overall level once, page by page, for a list
 * of entities such as the catalog table: one request per 500 entities
 * instead of one per row.
 */
export function MaturityLevelsProvider(props: { children: ReactNode }) {
  const api = useApi(maturityApiRef);
  const state = useAsync(async () => {
    const levels = new Map<string, number | null>();
    for (let offset = 0; ; offset += PAGE) {
      const page = await api.listEntities({}, { limit: PAGE, offset });
      for (const item of page.items) {
        levels.set(
          item.entityRef.toLocaleLowerCase('en-US'),
          noDimensionEvaluated(item.dimensions) ? null : item.level,
        );
      }
      if (page.items.length < PAGE || offset + PAGE >= page.totalCount) break;
    }
    return levels;
  }, [api]);
  return (
    <LevelsContext.Provider
      value={{
        loading: state.loading,
        error: state.error,
        levels: state.value,
      }}
    >
      {props.children}
    </LevelsContext.Provider>
  );
}

/**
 * An entity's overall maturity level as a chip, for a table cell; "not
 * scored yet" for an entity the engine has not scored. Needs a
 * {@link MaturityLevelsProvider} above it.
 */
export function EntityMaturityLevel(props: { entityRef: string }) {
  const context = useContext(LevelsContext);
  if (!context) {
    throw new Error('EntityMaturityLevel needs a MaturityLevelsProvider');
  }
  if (context.loading) return null;
  if (context.error) {
    return (
      <Typography variant="caption" color="error" title={context.error.message}>
        unavailable
      </Typography>
    );
  }
  const level = context.levels?.get(props.entityRef.toLocaleLowerCase('en-US'));
  if (level === undefined) {
    return (
      <Typography variant="caption" color="textSecondary">
        not scored yet
      </Typography>
    );
  }
  if (level === null) {
    return (
      <Typography
        variant="caption"
        color="textSecondary"
        title="No check of it could be measured: its Maturity tab says what evidence to connect."
      >
        not evaluated
      </Typography>
    );
  }
  // "L3" in a narrow column; the level's name on hover.
  return (
    <span title={`Level ${level}: ${LEVEL_NAMES[level] ?? ''}`}>
      <LevelChip level={level} name="" />
    </span>
  );
}
