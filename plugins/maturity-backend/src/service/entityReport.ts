import { NotFoundError } from '@backstage/errors';
import {
  CheckDefinition,
  CheckResult,
  connectEvidenceStep,
  EntityScore,
  scoreCoverage,
} from '@cloud-native-portal/plugin-maturity-common';
import { MaturityStore } from '../database/MaturityStore';
import { MaturityEngine } from '../engine/MaturityEngine';

/** A check's result joined with its definition, as the API returns it. */
export interface CheckReport extends CheckResult {
  title: string;
  dimension: string;
  level: number;
  why: string;
  how: string;
  weight: number;
  effort: CheckDefinition['effort'];
  fixTemplate?: CheckDefinition['fixTemplate'];
  guide?: string;
}

/**
 * An entity's scorecard: overall level and score, levels per dimension,
 * every check with evidence and guidance, and the next steps.
 */
export async function buildEntityReport(
  entityRef: string,
  engine: MaturityEngine,
  store: MaturityStore,
) {
  const stored = await store.getEntityScore(entityRef);
  if (!stored) {
    throw new NotFoundError(
      `No maturity score for ${entityRef} yet: it is not in the catalog, not a scored kind, or not evaluated yet`,
    );
  }
  const [results, waivers] = await Promise.all([
    store.getCheckResults(entityRef),
    store.listWaivers({ entityRef }),
  ]);
  const model = engine.model;
  const definitions = new Map(model.checks.map(c => [c.id, c]));
  const checks: CheckReport[] = results
    .filter(r => definitions.has(r.checkId))
    .map(r => {
      const d = definitions.get(r.checkId)!;
      return {
        ...r,
        title: d.title,
        dimension: d.dimension,
        level: d.level,
        why: d.why,
        how: d.how,
        weight: d.weight,
        effort: d.effort,
        fixTemplate: d.fixTemplate,
        guide: d.guide,
      };
    })
    .sort(
      (a, b) =>
        a.dimension.localeCompare(b.dimension) ||
        a.level - b.level ||
        a.checkId.localeCompare(b.checkId),
    );
  const score: EntityScore = {
    level: stored.level,
    score: stored.score,
    dimensions: stored.dimensions,
  };
  const levelName = (level: number) =>
    model.levels.find(l => l.level === level)?.name ?? `Level ${level}`;
  return {
    entityRef,
    title: stored.title,
    modelId: model.id,
    modelVersion: stored.modelVersion,
    evaluatedAt: stored.evaluatedAt,
    level: stored.level,
    levelName: levelName(stored.level),
    score: stored.score,
    dimensions: stored.dimensions.map(d => ({
      ...d,
      title: model.dimensions.find(m => m.id === d.dimension)?.title,
      levelName:
        d.level === null || d.status === 'not-evaluated'
          ? 'Not evaluated'
          : levelName(d.level),
    })),
    checks,
    // Measured failures only; unknown checks become the one step below.
    nextSteps: engine.nextSteps(results, score, 3),
    coverage: scoreCoverage(model, results),
    connectEvidence: connectEvidenceStep(model, results),
    waivers,
  };
}
