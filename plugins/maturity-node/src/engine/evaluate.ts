import {
  CheckResult,
  computeEntityScore,
  EntityScore,
  evaluateChecks,
  FactLookup,
  MaturityModel,
  Rule,
} from '@cloud-native-portal/plugin-maturity-common';

/** Every fact name a rule reads. */
export function ruleFacts(rule: Rule, out = new Set<string>()): Set<string> {
  const r = rule as Record<string, unknown>;
  if (Array.isArray(r.all)) (r.all as Rule[]).forEach(x => ruleFacts(x, out));
  else if (Array.isArray(r.any))
    (r.any as Rule[]).forEach(x => ruleFacts(x, out));
  else if (r.not) ruleFacts(r.not as Rule, out);
  else if (typeof r.fact === 'string') out.add(r.fact);
  else if (typeof r.count === 'string') out.add(r.count);
  return out;
}

/** What evaluating a model needs beyond an entity's facts, worked out once. */
interface PreparedModel {
  /** The checks whose facts have an installed collector. */
  active: MaturityModel;
  /** The checks skipped for a collector that is not installed. */
  skipped: CheckResult[];
  /** The assessed dimensions and the active checks, for the score. */
  scored: MaturityModel;
  /** Each check's position in the model. */
  order: Map<string, number>;
}

// Per model and set of installed collectors: a cycle evaluates one model for
// every entity, so the rule walk and filtering run once, not per entity.
const prepared = new WeakMap<
  MaturityModel,
  WeakMap<Set<string>, { key: string; value: PreparedModel }>
>();

function prepareModel(
  model: MaturityModel,
  installedCollectors: Set<string>,
): PreparedModel {
  const key = [...installedCollectors].sort().join(',');
  let byInstalled = prepared.get(model);
  if (!byInstalled) {
    byInstalled = new WeakMap();
    prepared.set(model, byInstalled);
  }
  const cached = byInstalled.get(installedCollectors);
  if (cached && cached.key === key) return cached.value;

  const optional = new Set(model.optionalCollectors ?? []);
  const missing = (fact: string) => {
    const namespace = fact.split('.')[0];
    return optional.has(namespace) && !installedCollectors.has(namespace);
  };
  const skipped: CheckResult[] = [];
  const checks = model.checks.filter(check => {
    const facts = [...ruleFacts(check.rule)].filter(missing);
    if (facts.length > 0) {
      const namespaces = [...new Set(facts.map(f => f.split('.')[0]))];
      skipped.push({
        checkId: check.id,
        status: 'not-applicable',
        reason: `needs the ${namespaces.join(
          ', ',
        )} collector, which is not installed`,
        evidence: [],
      });
      return false;
    }
    return true;
  });
  // A dimension whose every check was skipped is not assessed: leave it out
  // of the levels and the score instead of showing it as complete.
  const assessed = new Set(checks.map(c => c.dimension));
  const value: PreparedModel = {
    active: { ...model, checks },
    skipped,
    scored: {
      ...model,
      dimensions: model.dimensions.filter(d => assessed.has(d.id)),
      checks,
    },
    order: new Map(model.checks.map((c, i) => [c.id, i])),
  };
  byInstalled.set(installedCollectors, { key, value });
  return value;
}

/**
 * Evaluates the model for one entity. Checks that need facts of an optional
 * collector that is not installed (say, no toil module) are not-applicable
 * for everyone rather than blocking every entity; once the collector is
 * installed, an entity without data is unknown and blocks.
 */
export function evaluateEntity(
  model: MaturityModel,
  lookup: FactLookup,
  installedCollectors: Set<string>,
  waivers: Set<string>,
): { results: CheckResult[]; score: EntityScore } {
  const { active, skipped, scored, order } = prepareModel(
    model,
    installedCollectors,
  );
  const evaluated = evaluateChecks(active, lookup, { waivers });
  const results =
    skipped.length === 0
      ? evaluated
      : [...evaluated, ...skipped.map(r => ({ ...r, evidence: [] }))].sort(
          (a, b) => order.get(a.checkId)! - order.get(b.checkId)!,
        );
  return {
    results,
    score: computeEntityScore(scored, evaluated),
  };
}
