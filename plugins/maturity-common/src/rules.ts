/**
 * Evaluates the model's rule language over facts. It interprets plain data
 * and never evaluates code, so models from config are safe to run.
 * Rules are compiled once, on first evaluation (see compiledRules.ts).
 */
import {
  compileRule,
  EvidenceAccumulator,
  FactReader,
  runRule,
  STATUS_NAMES,
  uniqueReasons,
  UNKNOWN,
} from './compiledRules';
import { Evidence, FactValue } from './facts';
import { Rule } from './model';

/** What a fact lookup answers: a value (possibly null) with evidence, or unknown with a reason. */
export type FactLookupResult =
  | { state: 'value'; value: FactValue; evidence?: Evidence[] }
  | { state: 'unknown'; reason: string };

/** Looks up one fact of the entity being evaluated, by fully qualified name. */
export type FactLookup = (name: string) => FactLookupResult;

/** A tri-state rule outcome. */
export type RuleStatus = 'pass' | 'fail' | 'unknown';

/** The outcome of a rule, with the evidence of the facts it read. */
export interface RuleEvaluation {
  status: RuleStatus;
  /** Evidence of every fact the rule read: deduplicated, in reading order. */
  evidence: Evidence[];
  /** Why the result is unknown (`<fact>: <reason>`); empty unless status is unknown. */
  unknownReasons: string[];
}

/**
 * Evaluates a rule. `all` fails if any child fails, else is unknown if any is
 * unknown; `any` passes if any passes, else is unknown if any is unknown;
 * `not` swaps pass and fail. Every child is evaluated (no short-circuit) so
 * the evidence is complete and independent of child order.
 */
export function evaluateRule(rule: Rule, lookup: FactLookup): RuleEvaluation {
  const acc = new EvidenceAccumulator();
  const reasons: string[] = [];
  const status = runRule(
    compileRule(rule),
    new FactReader(lookup),
    acc,
    reasons,
  );
  return {
    status: STATUS_NAMES[status],
    evidence: acc.evidence,
    unknownReasons: status === UNKNOWN ? uniqueReasons(reasons) : [],
  };
}
