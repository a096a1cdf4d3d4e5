import { RepositoryTree } from '@cloud-native-portal/plugin-maturity-node';
import {
  computePostureScore,
  ControlResult,
  PostureReport,
  ZERO_TRUST_CONTROLS,
} from '@cloud-native-portal/plugin-zero-trust-common';
import { createScanContext, ScanContext } from './context';
import {
  checkAuthzDefaultDeny,
  checkMtlsStrict,
  checkNetworkDefaultDeny,
} from './controls/mesh';
import {
  checkImagePinned,
  checkNoHostAccess,
  checkNoPrivilege,
  checkReadOnlyRootfs,
  checkRunAsNonRoot,
  checkSeccomp,
  checkWorkloadIdentity,
} from './controls/pod';
import {
  checkNoPlaintextSecrets,
  checkShortLivedCredentials,
} from './controls/secrets';
import {
  checkCiLeastPrivilege,
  checkCiNoDangerousTrigger,
  checkCiPinnedActions,
  checkSast,
  checkSbom,
  checkSignedImages,
} from './controls/ci';
import {
  checkCodeOwners,
  checkDependencyUpdates,
  checkSecurityPolicy,
} from './controls/repo';
import { GitHubRepository } from './github';
import { result } from './util';

/** Options for {@link scanRepository}. */
export interface ScanOptions {
  /** Reads branch protection through the GitHub API; without it code-owners is at most unknown. */
  github?: GitHubRepository;
  /**
   * Why branch protection could not be read, when `github` is missing: the
   * reason code-owners gives for being unknown (by default, that no GitHub
   * credentials are configured).
   */
  githubUnknown?: string;
}

const SYNC_CHECKS: Record<string, (context: ScanContext) => ControlResult> = {
  'mtls-strict': checkMtlsStrict,
  'authz-default-deny': checkAuthzDefaultDeny,
  'network-default-deny': checkNetworkDefaultDeny,
  'workload-identity': checkWorkloadIdentity,
  'short-lived-credentials': checkShortLivedCredentials,
  'no-plaintext-secrets': checkNoPlaintextSecrets,
  'run-as-non-root': checkRunAsNonRoot,
  'no-privilege': checkNoPrivilege,
  'read-only-rootfs': checkReadOnlyRootfs,
  'no-host-access': checkNoHostAccess,
  seccomp: checkSeccomp,
  'image-pinned': checkImagePinned,
  'ci-least-privilege': checkCiLeastPrivilege,
  'ci-pinned-actions': checkCiPinnedActions,
  'ci-no-dangerous-trigger': checkCiNoDangerousTrigger,
  'dependency-updates': checkDependencyUpdates,
  sast: checkSast,
  sbom: checkSbom,
  'signed-images': checkSignedImages,
  'security-policy': checkSecurityPolicy,
};

/**
 * Scans a source tree for every zero-trust control and scores it. A control
 * that throws on unexpected input is reported unknown, never propagated.
 */
export async function scanRepository(
  tree: RepositoryTree,
  options: ScanOptions = {},
): Promise<PostureReport> {
  const scannedAt = new Date().toISOString();
  let context: ScanContext | undefined;
  let contextError: string | undefined;
  try {
    context = createScanContext(tree);
  } catch (error) {
    contextError = `the tree could not be read: ${(error as Error).message}`;
  }
  const results: ControlResult[] = [];
  for (const control of ZERO_TRUST_CONTROLS) {
    if (!context) {
      results.push(result(control.id, 'unknown', [], contextError));
      continue;
    }
    try {
      results.push(
        control.id === 'code-owners'
          ? await checkCodeOwners(
              context,
              options.github,
              options.githubUnknown,
            )
          : SYNC_CHECKS[control.id](context),
      );
    } catch (error) {
      results.push(
        result(
          control.id,
          'unknown',
          [],
          `scanner error: ${(error as Error).message}`,
        ),
      );
    }
  }
  const score = computePostureScore(results);
  return {
    score: score.score,
    grade: score.grade,
    excluded: score.excluded,
    criticalFailures: score.criticalFailures,
    results,
    scannedAt,
    source: tree.source,
  };
}
