import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { DigestResolver } from './fixPlan';

/** Placeholder until the registry lookups land. */
export function createRegistryDigestResolver(_options: {
  config: RootConfigService;
  logger: LoggerService;
}): DigestResolver {
  return async () => {
    throw new Error('not implemented');
  };
}
