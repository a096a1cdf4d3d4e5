import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { OwnershipClient } from '../api/OwnershipClient';
import { ownershipApiRef } from '../api/OwnershipApi';

/** `api:ownership`: the client of the ownership backend. */
export const ownershipApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: ownershipApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new OwnershipClient(deps),
    }),
});
