import { ControlResult } from '@cloud-native-portal/plugin-zero-trust-common';
import { fileEvidence, ScanContext } from '../context';
import { result } from '../util';
import { GitHubRepository, checkRequiredReview } from '../github';

/** dependency-updates: Dependabot or Renovate is configured. */
export function checkDependencyUpdates(context: ScanContext): ControlResult {
  const found = context.policyFiles.dependencyUpdates;
  return found.length
    ? result(
        'dependency-updates',
        'pass',
        found.map(p => fileEvidence(p)),
      )
    : result(
        'dependency-updates',
        'fail',
        [],
        'no Dependabot or Renovate configuration',
      );
}

/** security-policy: SECURITY.md in the root, .github/ or docs/. */
export function checkSecurityPolicy(context: ScanContext): ControlResult {
  const path = context.policyFiles.securityPolicy;
  return path
    ? result('security-policy', 'pass', [fileEvidence(path)])
    : result(
        'security-policy',
        'fail',
        [],
        'no SECURITY.md in the root, .github/ or docs/',
      );
}

/** The reason given when CODEOWNERS exists but branch protection could not be read. */
export const NO_GITHUB_TOKEN_REASON =
  'no GitHub credentials: branch protection not checked; add a token or a GitHub App under integrations.github';

/**
 * code-owners: CODEOWNERS exists and, through the GitHub API, the default
 * branch requires review. Without API access the review half is unknown, so
 * the control is unknown rather than failed.
 */
export async function checkCodeOwners(
  context: ScanContext,
  github?: GitHubRepository,
  githubUnknown: string = NO_GITHUB_TOKEN_REASON,
): Promise<ControlResult> {
  const id = 'code-owners';
  const codeowners = context.codeowners;
  if (!codeowners)
    return result(
      id,
      'fail',
      [],
      'no CODEOWNERS in the root, .github/ or docs/',
    );
  const evidence = [
    fileEvidence(
      codeowners.path,
      `CODEOWNERS: ${codeowners.rules.length} rule(s)${
        codeowners.errors.length
          ? `, ${codeowners.errors.length} line(s) GitHub skips`
          : ''
      }`,
    ),
  ];
  if (!github) return result(id, 'unknown', evidence, githubUnknown);
  const review = await checkRequiredReview(github);
  return result(
    id,
    review.status,
    [...evidence, review.evidence],
    review.reason,
  );
}
