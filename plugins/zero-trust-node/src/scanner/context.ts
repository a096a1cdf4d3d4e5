import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import {
  PodTemplate,
  readRepositoryEvidence,
  RepositoryEvidence,
  RepositoryTree,
} from '@cloud-native-portal/plugin-maturity-node';
import { ControlResult } from '@cloud-native-portal/plugin-zero-trust-common';
import { Findings, notesOf, result } from './util';

/**
 * Everything the controls read: the repository evidence of
 * `plugin-maturity-node`, parsed once per tree and shared with the maturity
 * repository facts.
 */
export type ScanContext = RepositoryEvidence;

/** Reads a tree's evidence for the controls. */
export function createScanContext(tree: RepositoryTree): ScanContext {
  return readRepositoryEvidence(tree);
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
  evaluate: (workload: PodTemplate, findings: Findings) => void,
): ControlResult {
  const {
    podTemplates: workloads,
    helmCharts,
    gaps,
    generated,
  } = context.kubernetes;
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
      generated,
      generated.length
        ? `no committed workloads; ${notesOf(generated)}`
        : 'no workloads (pod templates) in the tree',
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
  // Resources generated at sync time are not gaps: they are named, not judged.
  return result(
    controlId,
    'pass',
    found.pass,
    generated.length ? notesOf(generated) : undefined,
  );
}

/** Evidence for a file that exists. */
export function fileEvidence(path: string, note?: string): Evidence {
  return { path, line: 1, ...(note ? { note } : {}) };
}
