export * from './MaturityApi';
export * from './MaturityClient';
export * from './types';
