/**
 * Zero-trust library: scans a service's source tree for the zero-trust controls,
 * and the fact collector that reports the verdicts to the maturity plugin.
 *
 * @packageDocumentation
 */
export * from './collector';
export * from './scanner';
