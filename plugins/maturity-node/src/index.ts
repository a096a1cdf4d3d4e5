/**
 * Node.js library for the maturity plugin: the extension points through which
 * backend modules add fact collectors, and the bounded source-tree reading
 * that collectors share.
 *
 * @packageDocumentation
 */
export * from './collectors';
export * from './repository';
export * from './createRepositoryTree';
export * from './extensions';
export * from './sourceLocation';
export * from './readers';
export * from './evidence';
export * from './templateRecord';
export * from './codeownersOwner';
export * from './repo';
export * from './engine';
export * from './http';
export * from './network';
export * from './github';
export * from './githubClients';
export * from './catalogEntityEvents';
