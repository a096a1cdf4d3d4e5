import { RepositoryTree } from '@cloud-native-portal/plugin-maturity-node';
import { DigestResolver, FixPart } from './fixPlan';

/** Placeholder until the base-image digest fix lands. */
export async function planDigestPins(
  _tree: RepositoryTree,
  _skippedPaths: string[],
  _resolveDigest: DigestResolver | undefined,
): Promise<FixPart> {
  throw new Error('not implemented');
}
