export * from './collectRepoFacts';
export * from './createRepoFactCollector';
