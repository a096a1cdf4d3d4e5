/**
 * The maturity scorecard backend: facts, checks, levels, stored history,
 * roll-ups and next steps.
 *
 * @packageDocumentation
 */
export { maturityPlugin as default } from './plugin';
export { maturityModuleDemoHistory } from './demo/module';
export { maturityModuleDeliveryOutcomes } from './outcomes/module';
export { maturityModuleCostOutcomes } from './outcomes/opencostModule';
export { DatabaseMaturityStore } from './database/DatabaseMaturityStore';
export type * from './database/MaturityStore';
export { MaturityEngine } from './engine/MaturityEngine';
export type {
  MaturityEngineOptions,
  CycleSummary,
  CyclePhases,
} from './engine/MaturityEngine';
export { findRisks, DEFAULT_RISK_THRESHOLDS } from './engine/risks';
export type { Risk, RiskThresholds } from './engine/risks';
