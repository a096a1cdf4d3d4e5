/**
 * Turns a model and an entity's facts into check results, levels, scores and
 * next steps. Pure functions: the backend stores what they return, and the
 * CLI scan and tests call them directly.
 */
import { ANNOTATION_SOURCE_LOCATION } from '@backstage/catalog-model';
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
import {
  addFactNames,
  CompiledRule,
  compileRule,
  EvidenceAccumulator,
  FactReader,
  FAIL,
  PASS,
  runRule,
  STATUS_NAMES,
  uniqueReasons,
  UNKNOWN,
} from './compiledRules';
import { FactLookup } from './rules';
import { unknownReasonKind } from './unknownReasons';

/** Options of evaluateChecks. */
export interface EvaluateChecksOptions {
  /** Ids of checks with an active waiver for this entity. */
  waivers?: Set<string>;
}

/** The reason recorded on a waived check. */
export const WAIVED_REASON = 'waived';

/** A check with its rules compiled (see compiledRules.ts). */
interface CompiledCheck {
  check: CheckDefinition;
  rule: CompiledRule;
  applicableWhen: CompiledRule | undefined;
  /** The facts its rules read; found on first use (see factNamesOf). */
  factNames?: Set<string>;
}

// Per model: a cycle evaluates one model for every entity, so its rules are
// compiled once. Models are data and are not changed once evaluated; a model
// whose checks were replaced is compiled anew.
const compiledChecks = new WeakMap<
  MaturityModel,
  { checks: CheckDefinition[]; compiled: CompiledCheck[] }
>();

function checksOf(model: MaturityModel): CompiledCheck[] {
  const cached = compiledChecks.get(model);
  if (cached && cached.checks === model.checks) return cached.compiled;
  const compiled = model.checks.map(check => ({
    check,
    rule: compileRule(check.rule),
    applicableWhen: check.applicableWhen
      ? compileRule(check.applicableWhen)
      : undefined,
  }));
  compiledChecks.set(model, { checks: model.checks, compiled });
  return compiled;
}

/**
 * Evaluates every check of the model for one entity, in model order. The
 * lookup is asked about each fact once, however many checks read it, so it
 * must answer the same for the same name throughout the call.
 */
export function evaluateChecks(
  model: MaturityModel,
  lookup: FactLookup,
  options: EvaluateChecksOptions = {},
): CheckResult[] {
  const checks = checksOf(model);
  const { waivers } = options;
  // One entity: each fact is looked up once, however many checks read it.
  const facts = new FactReader(lookup);
  const results: CheckResult[] = new Array(checks.length);
  for (let i = 0; i < checks.length; i++) {
    results[i] = evaluateCheck(checks[i], facts, waivers);
  }
  return results;
}

function evaluateCheck(
  { check, rule, applicableWhen }: CompiledCheck,
  facts: FactReader,
  waivers: Set<string> | undefined,
): CheckResult {
  let applicability: EvidenceAccumulator | undefined;
  if (applicableWhen) {
    applicability = new EvidenceAccumulator();
    const applicable = runRule(applicableWhen, facts, applicability, []);
    if (applicable === FAIL) {
      return {
        checkId: check.id,
        status: 'not-applicable',
        reason: 'applicableWhen is false for this entity',
        evidence: applicability.evidence,
      };
    }
    // Unknown applicability: evaluate anyway rather than hide a failure.
  }
  const acc = new EvidenceAccumulator();
  const reasons: string[] = [];
  const status = runRule(rule, facts, acc, reasons);
  // What decided applicability was looked at too; list it after the rule's
  // own, leaving out what the rule's evidence already holds.
  if (applicability) acc.add(applicability.evidence);
  if (status !== PASS && waivers?.has(check.id)) {
    return {
      checkId: check.id,
      status: 'waived',
      reason: WAIVED_REASON,
      evidence: acc.evidence,
    };
  }
  if (status === UNKNOWN) {
    return {
      checkId: check.id,
      status: 'unknown',
      reason: uniqueReasons(reasons).join('; '),
      evidence: acc.evidence,
    };
  }
  return {
    checkId: check.id,
    status: STATUS_NAMES[status],
    evidence: acc.evidence,
  };
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
  const { dimensions: scoring, ids, uniqueIds } = scoringOf(model);
  const statuses = statusesOf(ids, uniqueIds, results);
  const dimensions: DimensionScore[] = [];
  const counted: Array<{ weight: number; level: LevelNumber; raw: number }> =
    [];
  let measured = 0;

  for (const dimension of scoring) {
    const checks = dimension.checks;
    let measuredChecks = 0;
    let evidenced = false;
    for (let i = 0; i < checks.length; i++) {
      const status = statuses[checks[i]];
      if (status !== 'unknown') measuredChecks++;
      if (EVIDENCE.has(status)) evidenced = true;
    }
    measured += measuredChecks;
    if (!evidenced) {
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

    const maxLevel = dimension.maxLevel;
    let level = 1;
    for (let n = 2; n <= maxLevel; n++) {
      // Reached when nothing measured fails and something was demonstrated:
      // a pass or waiver, or every check not applicable. Unknown checks
      // neither block the level nor count towards it.
      let fails = false;
      let demonstrated = false;
      let allNotApplicable = true;
      for (const index of dimension.atLevel.get(n) ?? []) {
        const status = statuses[index];
        if (status === 'fail') fails = true;
        else if (status === 'pass' || status === 'waived') demonstrated = true;
        if (status !== 'not-applicable') allNotApplicable = false;
      }
      const reached = !fails && (demonstrated || allNotApplicable);
      if (!reached) break;
      level = n;
    }
    const blockingChecks: string[] = [];
    if (level < maxLevel) {
      for (const index of dimension.atLevel.get(level + 1) ?? []) {
        if (statuses[index] === 'fail') blockingChecks.push(ids[index]);
      }
    }

    let measuredWeight = 0;
    let passingWeight = 0;
    for (let i = 0; i < checks.length; i++) {
      const status = statuses[checks[i]];
      if (status !== 'pass' && status !== 'fail') continue;
      measuredWeight += dimension.weights[i];
      if (status === 'pass') passingWeight += dimension.weights[i];
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

  let totalWeight = 0;
  for (const d of counted) totalWeight += d.weight;
  let weighted = 0;
  for (const d of counted) weighted += d.weight * d.raw;
  const score = totalWeight === 0 ? 0 : weighted / totalWeight;
  let level = 1;
  if (counted.length > 0) {
    level = counted[0].level;
    for (const d of counted) level = Math.min(level, d.level);
  }
  return {
    level: level as LevelNumber,
    score: roundScore(score),
    dimensions,
    coverage: { measured, total: model.checks.length },
  };
}

/**
 * True when a dimension of a score has no level: none of its checks passed,
 * failed or was waived (see {@link computeEntityScore}).
 */
export function isNotEvaluated(dimension: {
  level: number | null;
  status?: 'evaluated' | 'not-evaluated';
}): boolean {
  return dimension.level === null || dimension.status === 'not-evaluated';
}

/**
 * True when no dimension of a score was evaluated: nothing of the entity
 * could be measured, and the level 1 and score 0 that scoring gives it stand
 * for nothing. Roll-ups, trends, the digest and the cards leave such an
 * entity out of levels and averages, and say it is not evaluated.
 */
export function noDimensionEvaluated(
  dimensions: ReadonlyArray<{
    level: number | null;
    status?: 'evaluated' | 'not-evaluated';
  }>,
): boolean {
  return dimensions.every(isNotEvaluated);
}

/** What scoring needs of a model, worked out once per model. */
interface ModelScoring {
  /** The check ids, in model order. */
  ids: string[];
  /** No two checks share an id. */
  uniqueIds: boolean;
  dimensions: Array<{
    id: string;
    weight: number;
    /** Model positions of the dimension's checks, in model order. */
    checks: number[];
    /** Their weights, in the same order. */
    weights: number[];
    /** The highest level a check of the dimension gates, at least 1. */
    maxLevel: number;
    /** Model positions of the dimension's checks by the level they gate. */
    atLevel: Map<number, number[]>;
  }>;
}

const scorings = new WeakMap<
  MaturityModel,
  {
    checks: CheckDefinition[];
    dimensions: MaturityModel['dimensions'];
    scoring: ModelScoring;
  }
>();

// Per model, as evaluateChecks compiles its rules: grouping the checks by
// dimension and level depends only on the model.
function scoringOf(model: MaturityModel): ModelScoring {
  const cached = scorings.get(model);
  if (
    cached &&
    cached.checks === model.checks &&
    cached.dimensions === model.dimensions
  ) {
    return cached.scoring;
  }
  const ids = model.checks.map(c => c.id);
  const scoring: ModelScoring = {
    ids,
    uniqueIds: new Set(ids).size === ids.length,
    dimensions: model.dimensions.map(dimension => {
      const checks: number[] = [];
      model.checks.forEach((c, i) => {
        if (c.dimension === dimension.id) checks.push(i);
      });
      const atLevel = new Map<number, number[]>();
      for (const i of checks) {
        const at = atLevel.get(model.checks[i].level) ?? [];
        at.push(i);
        atLevel.set(model.checks[i].level, at);
      }
      return {
        id: dimension.id,
        weight: dimension.weight,
        checks,
        weights: checks.map(i => model.checks[i].weight),
        maxLevel: checks.reduce<number>(
          (m, i) => Math.max(m, model.checks[i].level),
          1,
        ),
        atLevel,
      };
    }),
  };
  scorings.set(model, {
    checks: model.checks,
    dimensions: model.dimensions,
    scoring,
  });
  return scoring;
}

/**
 * Each model check's status, by model position. Results usually come from
 * evaluateChecks, one per check in model order, and are read by position;
 * otherwise by id, the last result of an id winning, and a check without a
 * result is unknown.
 */
function statusesOf(
  ids: string[],
  uniqueIds: boolean,
  results: CheckResult[],
): CheckStatus[] {
  const statuses: CheckStatus[] = new Array(ids.length);
  let aligned = uniqueIds && results.length === ids.length;
  for (let i = 0; aligned && i < ids.length; i++) {
    const result = results[i];
    if (!result || result.checkId !== ids[i]) aligned = false;
    else statuses[i] = result.status ?? 'unknown';
  }
  if (aligned) return statuses;
  const byId = new Map(results.map(r => [r.checkId, r]));
  for (let i = 0; i < ids.length; i++) statuses[i] = statusOf(byId, ids[i]);
  return statuses;
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

// A reason that names a config key says itself what to set.
const NAMES_CONFIG_KEY = /\b(?:maturity|integrations|scaffolder)\.[a-zA-Z]/;
// "<what> could not be read: <error>" names a source other than the
// repository (the toil register, an incident source, OpenCost): its host's
// failure is no repository integration's.
const NAMES_WHAT_FAILED = /\bcould not be read\b/;
// Failures to reach or be let into a repository host, which no collector
// words as advice: the host's integration is what is missing.
const HOST_REFUSED =
  /configure an integration|\bE(?:NOTFOUND|AI_AGAIN|CONNREFUSED|TIMEDOUT|CONNRESET)\b|\b40[13]\b|\bUnauthorized\b|\bBad credentials\b/;

/**
 * Whether a recorded reason says the entity has no source location at all
 * (rather than one that could not be used).
 */
export function isMissingSourceLocation(reason: string): boolean {
  return unknownReasonKind(reason) === 'missing-source-location';
}

/**
 * What to add so that a collector's unknown facts can be measured, from the
 * collector (fact namespace) and the reason it recorded. The one reading of
 * recorded reasons as advice: the maturity card's "Connect the evidence"
 * and the zero-trust card's "Connect the source" both use it.
 */
export function classifyEvidenceGap(
  source: string,
  reason: string,
): Pick<EvidenceGap, 'kind' | 'what'> {
  switch (unknownReasonKind(reason)) {
    case 'collector-not-installed':
      return {
        kind: 'collector',
        what: `Install the ${source} fact collector in the portal backend, so its checks can be measured.`,
      };
    case 'no-toil-recorded':
      return {
        kind: 'toil-register',
        what: "Record the owning team's repetitive operations work in the toil register (the Toil page), so the operations checks can be measured.",
      };
    case 'missing-source-location':
      return {
        kind: 'source-location',
        what: `Add the ${ANNOTATION_SOURCE_LOCATION} annotation to the entity (url: of its repository, or dir: of a local checkout under an allowed root), so its repository can be read.`,
      };
    case 'source-location':
      // Present but unusable (a scheme other than url: or dir:, a path
      // outside the allowed roots): what is wrong is in the reason.
      return {
        kind: 'source-location',
        what: `Correct the ${ANNOTATION_SOURCE_LOCATION} annotation of the entity (url: of its repository, or dir: of a local checkout under an allowed root): ${reason}.`,
      };
    default:
      break;
  }
  // A collector that says how to connect it ("…: to connect it, A; or B"),
  // which key to set, or which of its sources failed is quoted whole: its
  // words may name an integration, but the source location is not what it
  // lacks.
  if (
    /: to connect it, /.test(reason) ||
    NAMES_CONFIG_KEY.test(reason) ||
    NAMES_WHAT_FAILED.test(reason)
  ) {
    return {
      kind: 'other',
      what: `Make the ${source} evidence readable: ${reason}.`,
    };
  }
  if (HOST_REFUSED.test(reason)) {
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

/** The facts a check reads, its applicability included; kept with it. */
function factNamesOf(compiled: CompiledCheck): Set<string> {
  if (!compiled.factNames) {
    const names = new Set<string>();
    addFactNames(compiled.rule, names);
    if (compiled.applicableWhen) addFactNames(compiled.applicableWhen, names);
    compiled.factNames = names;
  }
  return compiled.factNames;
}

/**
 * A check's unknown reason, back in its parts: `<fact>: <reason>` joined
 * with "; " (see runRule), or a rule's own reason. A fact's reason may hold
 * "; " and even "name.ext: " itself (a Dockerfile.prod, alternatives joined
 * by "; or "), so a part starts only where a fact the check reads follows.
 */
function reasonParts(
  reason: string,
  facts: Set<string>,
): Array<{ fact: string; reason: string }> {
  const factAt = (text: string) => {
    const colon = text.indexOf(': ');
    return colon > 0 && facts.has(text.slice(0, colon)) ? colon : -1;
  };
  const parts: Array<{ fact: string; reason: string }> = [];
  const push = (text: string) => {
    const colon = factAt(text);
    parts.push(
      colon > 0
        ? { fact: text.slice(0, colon), reason: text.slice(colon + 2) }
        : { fact: '', reason: text },
    );
  };
  let start = 0;
  for (
    let at = reason.indexOf('; ');
    at >= 0;
    at = reason.indexOf('; ', at + 2)
  ) {
    const next = reason.slice(at + 2);
    if (factAt(next) > 0 || next.startsWith('malformed rule')) {
      push(reason.slice(start, at));
      start = at + 2;
    }
  }
  push(reason.slice(start));
  return parts;
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
  for (const compiled of checksOf(model)) {
    const { check } = compiled;
    const result = byId.get(check.id);
    if (statusOf(byId, check.id) !== 'unknown') continue;
    unknownChecks += 1;
    const parts = reasonParts(
      result?.reason ?? '',
      factNamesOf(compiled),
    ).filter(part => part.reason);
    if (parts.length === 0) {
      parts.push({ fact: '', reason: 'not evaluated yet' });
    }
    for (const part of parts) {
      const source = part.fact.split('.')[0] || check.evidence;
      const { kind, what } = classifyEvidenceGap(source, part.reason);
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
