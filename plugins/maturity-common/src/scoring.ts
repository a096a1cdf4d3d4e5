/**
 * Turns a model and an entity's facts into check results, levels, scores and
 * next steps. Pure functions: the backend stores what they return, and the
 * CLI scan and tests call them directly.
 */
import { Evidence } from './facts';
import {
  CheckDefinition,
  CheckResult,
  CheckStatus,
  DimensionScore,
  Effort,
  EntityScore,
  FixTemplate,
  LevelNumber,
  MaturityModel,
} from './model';
import { evaluateRule, FactLookup } from './rules';

/** Options of evaluateChecks. */
export interface EvaluateChecksOptions {
  /** Ids of checks with an active waiver for this entity. */
  waivers?: Set<string>;
}

/** The reason recorded on a waived check. */
export const WAIVED_REASON = 'waived';

/** Evaluates every check of the model for one entity, in model order. */
export function evaluateChecks(
  model: MaturityModel,
  lookup: FactLookup,
  options: EvaluateChecksOptions = {},
): CheckResult[] {
  return model.checks.map(check => evaluateCheck(check, lookup, options));
}

function evaluateCheck(
  check: CheckDefinition,
  lookup: FactLookup,
  { waivers }: EvaluateChecksOptions,
): CheckResult {
  let applicabilityEvidence: Evidence[] = [];
  if (check.applicableWhen) {
    const applicable = evaluateRule(check.applicableWhen, lookup);
    applicabilityEvidence = applicable.evidence;
    if (applicable.status === 'fail') {
      return {
        checkId: check.id,
        status: 'not-applicable',
        reason: 'applicableWhen is false for this entity',
        evidence: applicable.evidence,
      };
    }
    // Unknown applicability: evaluate anyway rather than hide a failure.
  }
  const outcome = evaluateRule(check.rule, lookup);
  // What decided applicability was looked at too; list it after the rule's own.
  const evidence = mergeEvidence(outcome.evidence, applicabilityEvidence);
  if (outcome.status !== 'pass' && waivers?.has(check.id)) {
    return {
      checkId: check.id,
      status: 'waived',
      reason: WAIVED_REASON,
      evidence,
    };
  }
  return {
    checkId: check.id,
    status: outcome.status,
    ...(outcome.status === 'unknown' && {
      reason: outcome.unknownReasons.join('; '),
    }),
    evidence,
  };
}

function mergeEvidence(first: Evidence[], second: Evidence[]): Evidence[] {
  const key = (e: Evidence) =>
    JSON.stringify([e.path, e.line, e.annotation, e.note]);
  const seen = new Set(first.map(key));
  return [...first, ...second.filter(e => !seen.has(key(e)))];
}

const OK_FOR_LEVEL: ReadonlySet<CheckStatus> = new Set([
  'pass',
  'waived',
  'not-applicable',
]);
const OUT_OF_SCORE: ReadonlySet<CheckStatus> = new Set([
  'waived',
  'not-applicable',
]);

/** Rounds to one decimal, as scores are shown. */
export function roundScore(value: number): number {
  return Math.round(value * 10) / 10;
}

function statusOf(results: Map<string, CheckResult>, id: string): CheckStatus {
  // A check with no stored result has not been evaluated: treat it as unknown.
  return results.get(id)?.status ?? 'unknown';
}

/**
 * Scores one entity. A dimension is at level N when every check of levels
 * 2..N is pass, waived or not-applicable, capped at the highest level the
 * dimension defines checks for (a level without checks cannot be
 * demonstrated). The dimension score is 100 × passing weight ÷ applicable
 * weight (100 when nothing applies); unknown counts as applicable and not
 * passing. The entity level is the lowest dimension level, and its score the
 * dimension-weighted mean. Dimensions without checks are listed but left out
 * of the entity's level and score.
 */
export function computeEntityScore(
  model: MaturityModel,
  results: CheckResult[],
): EntityScore {
  const byId = new Map(results.map(r => [r.checkId, r]));
  const dimensions: DimensionScore[] = [];
  const counted: Array<{ weight: number; level: LevelNumber; raw: number }> =
    [];

  for (const dimension of model.dimensions) {
    const checks = model.checks.filter(c => c.dimension === dimension.id);
    const maxLevel = checks.reduce<number>((m, c) => Math.max(m, c.level), 1);
    let level = 1;
    for (let n = 2; n <= maxLevel; n++) {
      const ok = checks
        .filter(c => c.level === n)
        .every(c => OK_FOR_LEVEL.has(statusOf(byId, c.id)));
      if (!ok) break;
      level = n;
    }
    const blockingChecks =
      level < maxLevel
        ? checks
            .filter(c => c.level === level + 1)
            .filter(c => !OK_FOR_LEVEL.has(statusOf(byId, c.id)))
            .map(c => c.id)
        : [];

    let applicableWeight = 0;
    let passingWeight = 0;
    for (const c of checks) {
      const status = statusOf(byId, c.id);
      if (OUT_OF_SCORE.has(status)) continue;
      applicableWeight += c.weight;
      if (status === 'pass') passingWeight += c.weight;
    }
    const raw =
      applicableWeight === 0 ? 100 : (100 * passingWeight) / applicableWeight;

    dimensions.push({
      dimension: dimension.id,
      level: level as LevelNumber,
      score: roundScore(raw),
      blockingChecks,
    });
    if (checks.length > 0) {
      counted.push({
        weight: dimension.weight,
        level: level as LevelNumber,
        raw,
      });
    }
  }

  const totalWeight = counted.reduce((s, d) => s + d.weight, 0);
  const score =
    totalWeight === 0
      ? 100
      : counted.reduce((s, d) => s + d.weight * d.raw, 0) / totalWeight;
  const level =
    counted.length === 0
      ? 1
      : (Math.min(...counted.map(d => d.level)) as LevelNumber);
  return { level, score: roundScore(score), dimensions };
}

/** One concrete step towards a dimension's next level. */
export interface NextStep {
  checkId: string;
  dimension: string;
  /** The level this step unblocks. */
  level: LevelNumber;
  title: string;
  why: string;
  how: string;
  /** What was looked at for this check. */
  evidence: Evidence[];
  /** The kind of evidence the check reads (catalog, repo, ...). */
  evidenceKind: CheckDefinition['evidence'];
  fixTemplate?: FixTemplate;
  guide?: string;
  weight: number;
  effort: Effort;
  status: 'fail' | 'unknown';
  /** Why the check is unknown, when it is. */
  reason?: string;
}

const EFFORT_ORDER: Record<Effort, number> = { small: 0, medium: 1, large: 2 };

// Code-unit order rather than localeCompare, so the order never depends on locale.
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * The checks that block each dimension's next level, ordered by blocking
 * level, then weight (heaviest first), then effort (smallest first), then id.
 */
export function nextSteps(
  model: MaturityModel,
  results: CheckResult[],
  score: EntityScore,
  limit = 3,
): NextStep[] {
  const checks = new Map(model.checks.map(c => [c.id, c]));
  const byId = new Map(results.map(r => [r.checkId, r]));
  const steps: NextStep[] = [];
  for (const dimension of score.dimensions) {
    for (const id of dimension.blockingChecks) {
      const check = checks.get(id);
      if (!check) continue;
      const result = byId.get(id);
      const status = result?.status === 'fail' ? 'fail' : 'unknown';
      steps.push({
        checkId: check.id,
        dimension: check.dimension,
        level: check.level,
        title: check.title,
        why: check.why,
        how: check.how,
        evidence: result?.evidence ?? [],
        evidenceKind: check.evidence,
        ...(check.fixTemplate && { fixTemplate: check.fixTemplate }),
        ...(check.guide && { guide: check.guide }),
        weight: check.weight,
        effort: check.effort,
        status,
        ...(status === 'unknown' && {
          reason: result?.reason ?? 'not evaluated',
        }),
      });
    }
  }
  steps.sort(
    (a, b) =>
      a.level - b.level ||
      b.weight - a.weight ||
      EFFORT_ORDER[a.effort] - EFFORT_ORDER[b.effort] ||
      compareIds(a.checkId, b.checkId),
  );
  return steps.slice(0, Math.max(0, limit));
}
