/**
 * The maturity module of the toil register: registers the `toil` fact
 * collector with the maturity plugin.
 *
 * @packageDocumentation
 */
export { maturityModuleToil as default } from './maturity/module';
export { createToilFactCollector } from './maturity/collector';
export type { ToilFactCollectorOptions } from './maturity/collector';
