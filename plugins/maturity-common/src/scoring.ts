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
  ScoreCoverage,
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

/** Statuses that count as evidence about a dimension. */
const EVIDENCE: ReadonlySet<CheckStatus> = new Set(['pass', 'fail', 'waived']);

/** Rounds to one decimal, as scores are shown. */
export function roundScore(value: number): number {
  return Math.round(value * 10) / 10;
}

function statusOf(results: Map<string, CheckResult>, id: string): CheckStatus {
  // A check with no stored result has not been evaluated: treat it as unknown.
  return results.get(id)?.status ?? 'unknown';
}

/**
 * Scores one entity. Unknown is not failure: a check whose evidence could not
 * be read neither blocks a level nor counts towards one.
 *
 * - A dimension is `not-evaluated` (level and score null) when none of its
 *   checks was measured: every one is unknown or not applicable.
 * - Otherwise it is at level N when, for every level 2..N, no check of that
 *   level fails and at least one passes or is waived, or every one is not
 *   applicable (a level whose checks are all unknown cannot be demonstrated,
 *   and stops the climb).
 *   A level whose checks are unknown or not applicable, but not all not
 *   applicable, has demonstrated nothing and stops the climb too. It is
 *   capped at the highest level the dimension defines checks for.
 * - Its blocking checks are the failing checks of level + 1.
 * - Its score is 100 × passing weight ÷ measured weight (pass or fail);
 *   waived, not-applicable and unknown checks are left out; 100 when only
 *   waived checks were measured.
 * - The entity level is the lowest level of its evaluated dimensions (1 when
 *   none is), its score their dimension-weighted mean (0 when none is), and
 *   its coverage counts the checks whose result is not unknown.
 */
export function computeEntityScore(
  model: MaturityModel,
  results: CheckResult[],
): EntityScore {
  const byId = new Map(results.map(r => [r.checkId, r]));
  const dimensions: DimensionScore[] = [];
  const counted: Array<{ weight: number; level: LevelNumber; raw: number }> =
    [];
  let measured = 0;

  for (const dimension of model.dimensions) {
    const checks = model.checks.filter(c => c.dimension === dimension.id);
    const statuses = new Map(checks.map(c => [c.id, statusOf(byId, c.id)]));
    const measuredChecks = checks.filter(
      c => statuses.get(c.id) !== 'unknown',
    ).length;
    measured += measuredChecks;
    if (!checks.some(c => EVIDENCE.has(statuses.get(c.id)!))) {
      dimensions.push({
        dimension: dimension.id,
        level: null,
        status: 'not-evaluated',
        score: null,
        blockingChecks: [],
        measuredChecks,
        totalChecks: checks.length,
      });
      continue;
    }

    const maxLevel = checks.reduce<number>((m, c) => Math.max(m, c.level), 1);
    let level = 1;
    for (let n = 2; n <= maxLevel; n++) {
      const atLevel = checks
        .filter(c => c.level === n)
        .map(c => statuses.get(c.id)!);
      // Reached when nothing measured fails and something was demonstrated:
      // a pass or waiver, or every check not applicable. Unknown checks
      // neither block the level nor count towards it.
      const reached =
        !atLevel.includes('fail') &&
        (atLevel.some(status => status === 'pass' || status === 'waived') ||
          atLevel.every(status => status === 'not-applicable'));
      if (!reached) break;
      level = n;
    }
    const blockingChecks =
      level < maxLevel
        ? checks
            .filter(c => c.level === level + 1)
            .filter(c => statuses.get(c.id) === 'fail')
            .map(c => c.id)
        : [];

    let measuredWeight = 0;
    let passingWeight = 0;
    for (const c of checks) {
      const status = statuses.get(c.id);
      if (status !== 'pass' && status !== 'fail') continue;
      measuredWeight += c.weight;
      if (status === 'pass') passingWeight += c.weight;
    }
    const raw =
      measuredWeight === 0 ? 100 : (100 * passingWeight) / measuredWeight;

    dimensions.push({
      dimension: dimension.id,
      level: level as LevelNumber,
      status: 'evaluated',
      score: roundScore(raw),
      blockingChecks,
      measuredChecks,
      totalChecks: checks.length,
    });
    counted.push({
      weight: dimension.weight,
      level: level as LevelNumber,
      raw,
    });
  }

  const totalWeight = counted.reduce((s, d) => s + d.weight, 0);
  const score =
    totalWeight === 0
      ? 0
      : counted.reduce((s, d) => s + d.weight * d.raw, 0) / totalWeight;
  const level =
    counted.length === 0
      ? 1
      : (Math.min(...counted.map(d => d.level)) as LevelNumber);
  return {
    level,
    score: roundScore(score),
    dimensions,
    coverage: { measured, total: model.checks.length },
  };
}

/**
 * How many of the model's checks an entity's results measured: those whose
 * result is not unknown. A check without a result counts as unknown.
 */
export function scoreCoverage(
  model: MaturityModel,
  results: CheckResult[],
): ScoreCoverage {
  const byId = new Map(results.map(r => [r.checkId, r]));
  return {
    measured: model.checks.filter(c => statusOf(byId, c.id) !== 'unknown')
      .length,
    total: model.checks.length,
  };
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
  /** Next steps are measured failures only. */
  status: 'fail';
}

const EFFORT_ORDER: Record<Effort, number> = { small: 0, medium: 1, large: 2 };

// Code-unit order rather than localeCompare, so the order never depends on locale.
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * The measured, failing checks that block each dimension's next level
 * (unknown checks never are steps), ordered by blocking
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
      // Only what was measured and fails is a step: an unknown check is a
      // gap in the evidence (see connectEvidenceStep), not work for the team.
      // Scores stored before this rule listed unknown checks as blocking too.
      if (result?.status !== 'fail') continue;
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
        status: 'fail',
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

/** What kind of evidence is missing, and so what has to be connected. */
export type EvidenceGapKind =
  | 'source-location'
  | 'integration'
  | 'toil-register'
  | 'collector'
  | 'other';

/** One missing source of evidence, with the checks that wait for it. */
export interface EvidenceGap {
  kind: EvidenceGapKind;
  /** The fact namespace (collector) that could not answer, e.g. `repo`. */
  source: string;
  /** What to add, in one sentence. */
  what: string;
  /** The reason the collector recorded, as it recorded it. */
  reason: string;
  /** Ids of the unknown checks that this evidence would measure, in model order. */
  checks: string[];
}

/** The single step that replaces "fix" steps for checks that were not measured. */
export interface ConnectEvidenceStep {
  title: string;
  /** How many checks are unknown. */
  unknownChecks: number;
  /** Each missing source, the one waiting for most checks first. */
  gaps: EvidenceGap[];
}

const SOURCE_LOCATION = 'backstage.io/source-location';

function classifyGap(
  source: string,
  reason: string,
): Pick<EvidenceGap, 'kind' | 'what'> {
  if (/collector is not installed/.test(reason)) {
    return {
      kind: 'collector',
      what: `Install the ${source} fact collector in the portal backend, so its checks can be measured.`,
    };
  }
  if (source === 'toil' || /toil register/i.test(reason)) {
    return {
      kind: 'toil-register',
      what: "Record the owning team's repetitive operations work in the toil register (the Toil page), so the operations checks can be measured.",
    };
  }
  if (reason.includes(SOURCE_LOCATION) || /no source location/.test(reason)) {
    return {
      kind: 'source-location',
      what: `Add the ${SOURCE_LOCATION} annotation to the entity (url: of its repository, or dir: of a local checkout under an allowed root), so its repository can be read.`,
    };
  }
  if (
    /integration|github|gitlab|ENOTFOUND|\b40[13]\b|credentials|token/i.test(
      reason,
    )
  ) {
    return {
      kind: 'integration',
      what: 'Configure the integration for the repository host (integrations.github or integrations.gitlab in app-config, with a token that can read the repository), so the source location can be read.',
    };
  }
  return {
    kind: 'other',
    what: `Make the ${source} evidence readable: ${reason}.`,
  };
}

function gapKey(kind: EvidenceGapKind, source: string, reason: string) {
  if (kind === 'other') return `${source}|${reason}`;
  if (kind === 'collector') return `${kind}|${source}`;
  return kind;
}

/**
 * One "connect the evidence" step for an entity's unknown checks: what to add
 * (the source-location annotation, an integration, the toil register, a
 * collector) derived from the reasons the collectors recorded, with the
 * checks each addition would measure. Undefined when nothing is unknown.
 */
export function connectEvidenceStep(
  model: MaturityModel,
  results: CheckResult[],
): ConnectEvidenceStep | undefined {
  const byId = new Map(results.map(r => [r.checkId, r]));
  const gaps = new Map<string, EvidenceGap>();
  let unknownChecks = 0;
  for (const check of model.checks) {
    const result = byId.get(check.id);
    if (statusOf(byId, check.id) !== 'unknown') continue;
    unknownChecks += 1;
    // Reasons read `<fact>: <reason>`, joined with "; " (see evaluateRule).
    const parts = (result?.reason ?? '')
      .split('; ')
      .map(part => {
        const at = part.indexOf(': ');
        return at > 0
          ? { fact: part.slice(0, at), reason: part.slice(at + 2) }
          : { fact: '', reason: part };
      })
      .filter(part => part.reason);
    if (parts.length === 0) {
      parts.push({ fact: '', reason: 'not evaluated yet' });
    }
    for (const part of parts) {
      const source = part.fact.split('.')[0] || check.evidence;
      const { kind, what } = classifyGap(source, part.reason);
      // One gap per thing to add: every fact (repo or CODEOWNERS) missing
      // for want of a source location is the same gap.
      const key = gapKey(kind, source, part.reason);
      const gap = gaps.get(key) ?? {
        kind,
        source,
        what,
        reason: part.reason,
        checks: [],
      };
      if (!gap.checks.includes(check.id)) gap.checks.push(check.id);
      gaps.set(key, gap);
    }
  }
  if (unknownChecks === 0) return undefined;
  return {
    title: 'Connect the evidence',
    unknownChecks,
    gaps: [...gaps.values()].sort(
      (a, b) =>
        b.checks.length - a.checks.length || compareIds(a.source, b.source),
    ),
  };
}
