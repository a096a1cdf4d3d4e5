import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { ZeroTrustClient } from '../api/ZeroTrustClient';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';

/** The maturity-API client the zero-trust views read through. */
export const zeroTrustApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: zeroTrustApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ZeroTrustClient(deps),
    }),
});
