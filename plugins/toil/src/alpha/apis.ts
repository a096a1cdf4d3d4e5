import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { ToilClient, toilApiRef } from '../api';

/** The toil API client, over discovery and fetch. */
export const toilApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: toilApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ToilClient({ discoveryApi, fetchApi }),
    }),
});
