import {
  FactSet,
  REPO_FACTS,
  unknownReasons,
} from '@cloud-native-portal/plugin-maturity-common';
import { FactCollector } from '../collectors';
import { collectRepoFacts } from './collectRepoFacts';

/** Version of the `repo` fact schema; bump when a fact's meaning changes. */
export const REPO_COLLECTOR_VERSION = 1;

/**
 * The built-in `repo` collector: derives every fact in REPO_FACTS from the
 * entity's source tree, with file-and-line evidence. Never throws.
 */
export function createRepoFactCollector(): FactCollector {
  return {
    id: 'repo',
    version: REPO_COLLECTOR_VERSION,
    facts: REPO_FACTS,
    // Reads the source tree only.
    sourceTreeOnly: true,
    async collect({ sourceTree, sourceTreeError }): Promise<FactSet> {
      const base = {
        collector: 'repo',
        version: REPO_COLLECTOR_VERSION,
        collectedAt: new Date().toISOString(),
      };
      if (!sourceTree) {
        return {
          ...base,
          status: 'unknown',
          reason: sourceTreeError ?? unknownReasons.noSourceTree(),
          facts: {},
        };
      }
      try {
        const { facts, evidence, unknown } = collectRepoFacts(sourceTree);
        return {
          ...base,
          status: 'ok',
          facts,
          evidence,
          ...(Object.keys(unknown).length > 0 ? { unknown } : {}),
        };
      } catch (e) {
        return {
          ...base,
          status: 'unknown',
          reason: `repo collector failed on ${sourceTree.source}: ${
            (e as Error)?.message ?? String(e)
          }`,
          facts: {},
        };
      }
    },
  };
}
