import {
  Evidence,
  FactSet,
  FactValue,
} from '@cloud-native-portal/plugin-maturity-common';

/** Collects one collector's facts, evidence and unknowns into a FactSet. */
export class FactBuilder {
  readonly facts: Record<string, FactValue> = {};
  readonly evidence: Record<string, Evidence[]> = {};
  readonly unknown: Record<string, string> = {};

  set(name: string, value: FactValue, evidence?: Evidence | Evidence[]) {
    this.facts[name] = value;
    if (evidence) {
      this.evidence[name] = Array.isArray(evidence) ? evidence : [evidence];
    }
  }

  markUnknown(name: string, reason: string) {
    this.unknown[name] = reason;
  }

  build(collector: string, version: number): FactSet {
    return {
      collector,
      version,
      collectedAt: new Date().toISOString(),
      status: 'ok',
      facts: this.facts,
      evidence: this.evidence,
      unknown: Object.keys(this.unknown).length ? this.unknown : undefined,
    };
  }
}
