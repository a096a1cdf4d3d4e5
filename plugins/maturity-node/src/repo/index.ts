export * from './collectRepoFacts';
export * from './createRepoFactCollector';
export * from './ci';
export * from './dependencies';
export * from './dockerfile';
export * from './kubernetes';
