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
  const optional = new Set(model.optionalCollectors ?? []);
  const missing = (fact: string) => {
    const namespace = fact.split('.')[0];
    return optional.has(namespace) && !installedCollectors.has(namespace);
  };
  const skipped: CheckResult[] = [];
  const active = model.checks.filter(check => {
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
  const evaluated = evaluateChecks({ ...model, checks: active }, lookup, {
    waivers,
  });
  const order = new Map(model.checks.map((c, i) => [c.id, i]));
  const results = [...evaluated, ...skipped].sort(
    (a, b) => order.get(a.checkId)! - order.get(b.checkId)!,
  );
  // A dimension whose every check was skipped is not assessed: leave it out
  // of the levels and the score instead of showing it as complete.
  const assessed = new Set(active.map(c => c.dimension));
  const scored: MaturityModel = {
    ...model,
    dimensions: model.dimensions.filter(d => assessed.has(d.id)),
    checks: active,
  };
  return {
    results,
    score: computeEntityScore(
      scored,
      results.filter(r => !skipped.includes(r)),
    ),
  };
}
