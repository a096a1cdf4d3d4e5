import { RepositoryTree } from '@cloud-native-portal/plugin-maturity-node';
import { FixPart } from './fixPlan';

/** Placeholder until the CODEOWNERS fix lands. */
export function planCodeowners(
  _tree: RepositoryTree,
  _skippedPaths: string[],
  _owners: string[] | undefined,
): FixPart {
  throw new Error('not implemented');
}
