export { scanRepository } from './scanRepository';
export type { ScanOptions } from './scanRepository';
export type { GitHubRepository } from './github';
export { HELM_UNRENDERED_REASON } from './context';
export { NO_GITHUB_TOKEN_REASON } from './controls/repo';
