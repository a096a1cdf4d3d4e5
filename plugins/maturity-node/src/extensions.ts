import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { FactCollector } from './collectors';

/** Lets backend modules add fact collectors to the maturity plugin. */
export interface MaturityCollectorsExtensionPoint {
  /** Registers collectors; each owns the fact namespace named by its `id`. */
  addFactCollector(...collectors: FactCollector[]): void;
}

/**
 * Extension point through which backend modules (toil, zero trust, ...) add
 * fact collectors to the maturity plugin.
 */
export const maturityCollectorsExtensionPoint =
  createExtensionPoint<MaturityCollectorsExtensionPoint>({
    id: 'maturity.collectors',
  });
