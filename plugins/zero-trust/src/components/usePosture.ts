import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { zeroTrustApiRef } from '../api/ZeroTrustApi';

/** Loads the posture of the entity in context. */
export function useEntityPosture() {
  const { entity } = useEntity();
  const api = useApi(zeroTrustApiRef);
  const ref = getCompoundEntityRef(entity);
  const key = `${ref.kind}:${ref.namespace}/${ref.name}`;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsync(() => api.getEntityPosture(ref), [api, key]);
}
