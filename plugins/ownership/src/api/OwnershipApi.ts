import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import { EntityOwnership, OwnershipCoverage } from './types';

/** Reads ownership reports from the ownership backend. */
export interface OwnershipApi {
  /** One entity's owner, contacts, on-call and problems. */
  getEntityOwnership(entity: CompoundEntityRef): Promise<EntityOwnership>;
  /** Coverage of the whole catalog. */
  getCoverage(): Promise<OwnershipCoverage>;
  /** The coverage CSV export itself. */
  getCoverageCsv(): Promise<Blob>;
}

/** The API reference of {@link OwnershipApi}. */
export const ownershipApiRef = createApiRef<OwnershipApi>({
  id: 'plugin.ownership.api',
});
