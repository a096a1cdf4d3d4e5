import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { RepositoryTree } from '@cloud-native-portal/plugin-maturity-node';
import { ControlResult } from '@cloud-native-portal/plugin-zero-trust-common';
import { Dockerfile, readDockerfiles } from './dockerfile';
import { ManifestView, readManifests, Workload } from './manifests';
import { CiView, readCi } from './workflows';
import { Findings, notesOf, result } from './util';

/** Everything the controls read, parsed once per scan. */
export interface ScanContext {
  tree: RepositoryTree;
  manifests: ManifestView;
  ci: CiView;
  dockerfiles: Dockerfile[];
}

/** Parses a tree into a scan context. */
export function createScanContext(tree: RepositoryTree): ScanContext {
  return {
    tree,
    manifests: readManifests(tree),
    ci: readCi(tree),
    dockerfiles: readDockerfiles(tree),
  };
}

/** The reason given when a Helm chart is the only source of workloads. */
export const HELM_UNRENDERED_REASON =
  'Helm templates are not rendered; commit a rendered manifest to scan them';

/**
 * Runs a pod-level control over every workload. No workloads: unknown when a
 * Helm chart or an unreadable manifest may hold them, else not applicable.
 * With workloads, any failure fails; a pass is only a pass when no manifest
 * was left unread.
 */
export function podControl(
  context: ScanContext,
  controlId: string,
  evaluate: (workload: Workload, findings: Findings) => void,
): ControlResult {
  const { workloads, helmCharts, gaps } = context.manifests;
  if (workloads.length === 0) {
    if (helmCharts.length > 0) {
      return result(
        controlId,
        'unknown',
        helmCharts.map(dir => ({
          path: `${dir ? `${dir}/` : ''}templates`,
          note: HELM_UNRENDERED_REASON,
        })),
        HELM_UNRENDERED_REASON,
      );
    }
    if (gaps.length > 0) {
      return result(
        controlId,
        'unknown',
        gaps,
        `no workload could be read: ${notesOf(gaps)}`,
      );
    }
    return result(
      controlId,
      'not-applicable',
      [],
      'no workloads (pod templates) in the tree',
    );
  }
  const found: Findings = { fail: [], pass: [], unknown: [] };
  for (const workload of workloads) evaluate(workload, found);
  if (found.fail.length > 0)
    return result(controlId, 'fail', found.fail, notesOf(found.fail));
  if (found.unknown.length > 0)
    return result(controlId, 'unknown', found.unknown, notesOf(found.unknown));
  if (gaps.length > 0) {
    return result(
      controlId,
      'unknown',
      [...found.pass, ...gaps],
      `the workloads read pass, but some manifests were not read: ${notesOf(
        gaps,
      )}`,
    );
  }
  return result(controlId, 'pass', found.pass);
}

/** Whether the tree ships container images (Dockerfiles, workloads or a Helm chart). */
export function hasImages(context: ScanContext): boolean {
  return (
    context.dockerfiles.length > 0 ||
    context.manifests.workloads.length > 0 ||
    context.manifests.helmCharts.length > 0
  );
}

/** Evidence for a file that exists. */
export function fileEvidence(path: string, note?: string): Evidence {
  return { path, line: 1, ...(note ? { note } : {}) };
}
