import type {
  EntityOwnership,
  OwnershipCoverage,
} from '@cloud-native-portal/plugin-ownership-common';

export * from '@cloud-native-portal/plugin-ownership-common';

/** The cached result of one refresh. */
export interface OwnershipReport {
  coverage: OwnershipCoverage;
  entities: Map<string, EntityOwnership>;
}
