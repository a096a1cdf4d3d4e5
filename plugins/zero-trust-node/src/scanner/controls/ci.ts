import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { ControlResult } from '@cloud-native-portal/plugin-zero-trust-common';
import { fileEvidence, hasImages, ScanContext } from '../context';
import { get, isObj, notesOf, result, str } from '../util';
import {
  ciTexts,
  expressionsIn,
  findLines,
  lineInValue,
  untrustedReferences,
  usesOf,
  Workflow,
} from '../workflows';

/** Runs a per-workflow control: not applicable without workflows, unknown if one is unreadable. */
function workflowControl(
  context: ScanContext,
  id: string,
  evaluate: (workflow: Workflow, fail: Evidence[], pass: Evidence[]) => void,
): ControlResult {
  const { workflows, unreadable } = context.ci;
  if (workflows.length === 0 && unreadable.length === 0) {
    return result(id, 'not-applicable', [], 'no GitHub workflows');
  }
  const fail: Evidence[] = [];
  const pass: Evidence[] = [];
  for (const workflow of workflows) evaluate(workflow, fail, pass);
  if (fail.length) return result(id, 'fail', fail, notesOf(fail));
  if (unreadable.length)
    return result(id, 'unknown', unreadable, notesOf(unreadable));
  return result(id, 'pass', pass);
}

function isReadOnlyPermissions(value: unknown): boolean {
  if (value === 'read-all') return true;
  if (value === null) return false;
  if (isObj(value))
    return Object.values(value).every(v => v === 'read' || v === 'none');
  return false;
}

/** ci-least-privilege: read-only top-level permissions and no write-all job. */
export function checkCiLeastPrivilege(context: ScanContext): ControlResult {
  return workflowControl(
    context,
    'ci-least-privilege',
    (workflow, fail, pass) => {
      const top = workflow.value.permissions;
      const topLine = workflow.doc.lineOf(['permissions']);
      if (top === undefined) {
        fail.push({
          path: workflow.path,
          line: workflow.doc.line,
          note: `${workflow.path}: no top-level permissions (the token gets the repository default)`,
        });
      } else if (!isReadOnlyPermissions(top)) {
        fail.push({
          path: workflow.path,
          line: topLine,
          note: `${workflow.path}: top-level permissions ${
            typeof top === 'string' ? top : 'grant write'
          }`,
        });
      } else {
        pass.push({
          path: workflow.path,
          line: topLine,
          note: `${workflow.path}: read-only top-level permissions`,
        });
      }
      for (const job of workflow.jobs) {
        if (job.job.permissions === 'write-all') {
          fail.push({
            path: workflow.path,
            line: workflow.doc.lineOf(['jobs', job.id, 'permissions']),
            note: `${workflow.path}: job ${job.id} has permissions: write-all`,
          });
        }
      }
    },
  );
}

const SHA = /^[0-9a-f]{40}$/;

/** Whether a `uses:` reference is pinned: a 40-hex SHA, a local action, or a docker digest. */
export function isPinnedUses(uses: string): boolean {
  if (uses.startsWith('./')) return true;
  if (uses.startsWith('docker://')) return /@sha256:[0-9a-f]{64}$/.test(uses);
  const i = uses.lastIndexOf('@');
  return i > 0 && SHA.test(uses.slice(i + 1));
}

/** ci-pinned-actions: every `uses:` is pinned to a full commit SHA. */
export function checkCiPinnedActions(context: ScanContext): ControlResult {
  return workflowControl(
    context,
    'ci-pinned-actions',
    (workflow, fail, pass) => {
      for (const { uses, evidence } of usesOf(workflow)) {
        (isPinnedUses(uses) ? pass : fail).push({
          ...evidence,
          note: `${uses}${
            isPinnedUses(uses) ? '' : ' is not pinned to a commit SHA'
          }`,
        });
      }
    },
  );
}

const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run'];
const PR_HEAD =
  /github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|refs\/pull\//;
const RUN_CHECKOUT_HEAD =
  /\bgh pr checkout\b|\bgit (fetch|checkout)\b.*(pull\/|pull_request\.head|head_ref)/;

/** ci-no-dangerous-trigger: no untrusted input in scripts, no PR head checkout under privileged triggers. */
export function checkCiNoDangerousTrigger(context: ScanContext): ControlResult {
  return workflowControl(
    context,
    'ci-no-dangerous-trigger',
    (workflow, fail, pass) => {
      const privileged = workflow.triggers.filter(t =>
        PRIVILEGED_TRIGGERS.includes(t),
      );
      let found = false;
      for (const job of workflow.jobs) {
        for (const { step, path } of job.steps) {
          const scripts: Array<{ key: Array<string | number>; text: string }> =
            [];
          const run = str(step.run);
          if (run) scripts.push({ key: [...path, 'run'], text: run });
          const uses = str(step.uses) ?? '';
          const script = str(get(step, 'with', 'script'));
          if (uses.startsWith('actions/github-script') && script)
            scripts.push({ key: [...path, 'with', 'script'], text: script });
          for (const { key, text } of scripts) {
            for (const { expression, offset } of expressionsIn(text)) {
              const untrusted = untrustedReferences(expression);
              if (untrusted.length) {
                found = true;
                fail.push({
                  path: workflow.path,
                  line: lineInValue(workflow.doc, key, text, offset),
                  note: `${workflow.path}: untrusted ${untrusted.join(
                    ', ',
                  )} interpolated into ${key[key.length - 1]}`,
                });
              }
            }
            if (privileged.length && RUN_CHECKOUT_HEAD.test(text)) {
              found = true;
              fail.push({
                path: workflow.path,
                line: workflow.doc.lineOf(key),
                note: `${workflow.path}: ${privileged.join(
                  '/',
                )} checks out the PR head in a script`,
              });
            }
          }
          if (privileged.length && uses.startsWith('actions/checkout')) {
            const ref = String(get(step, 'with', 'ref') ?? '');
            if (PR_HEAD.test(ref)) {
              found = true;
              fail.push({
                path: workflow.path,
                line: workflow.doc.lineOf([...path, 'with', 'ref']),
                note: `${workflow.path}: ${privileged.join(
                  '/',
                )} with a checkout of the PR head (${ref.trim()})`,
              });
            }
          }
        }
      }
      if (!found)
        pass.push({
          path: workflow.path,
          line: workflow.doc.line,
          note: `${workflow.path}: no dangerous pattern`,
        });
    },
  );
}

/** A control passed by any line of the CI texts matching a pattern. */
function ciToolControl(
  context: ScanContext,
  id: string,
  pattern: RegExp,
  missing: string,
  extra: Evidence[] = [],
): ControlResult {
  const found = [
    ...findLines(ciTexts(context.tree, context.ci), pattern),
    ...extra,
  ];
  if (found.length) return result(id, 'pass', found);
  if (context.ci.unreadable.length)
    return result(
      id,
      'unknown',
      context.ci.unreadable,
      notesOf(context.ci.unreadable),
    );
  return result(id, 'fail', [], missing);
}

/** sast: a CodeQL, Semgrep or similar step in CI. */
export function checkSast(context: ScanContext): ControlResult {
  return ciToolControl(
    context,
    'sast',
    /github\/codeql-action\/(init|analyze)|\bsemgrep\b|\bgosec\b|\bbandit\b|sonarsource\/|\bsonar-scanner\b|\bsnyk code\b|Security\/SAST\.gitlab-ci\.yml|\bbrakeman\b/i,
    'no static analysis step (CodeQL, Semgrep, ...) in CI',
  );
}

/** sbom: a syft/CycloneDX step in CI or a committed SBOM. */
export function checkSbom(context: ScanContext): ControlResult {
  const committed = context.tree
    .files()
    .filter(p => /\.(spdx\.json|cdx\.json|spdx)$/i.test(p))
    .map(p => fileEvidence(p, 'committed SBOM'));
  return ciToolControl(
    context,
    'sbom',
    /anchore\/sbom-action|\bsyft\b|cyclonedx|\bsbom:\s*true|--sbom[= ]true/i,
    'no SBOM step (syft, CycloneDX) in CI and no committed SBOM',
    committed,
  );
}

/** signed-images: cosign sign/attest or SLSA provenance in CI; not applicable without images. */
export function checkSignedImages(context: ScanContext): ControlResult {
  if (!hasImages(context)) {
    return result(
      'signed-images',
      'not-applicable',
      [],
      'no container images (no Dockerfile or workloads)',
    );
  }
  return ciToolControl(
    context,
    'signed-images',
    /\bcosign\s+(sign|attest)\b|slsa-framework\/slsa-github-generator|actions\/attest-build-provenance/i,
    'no cosign signing or provenance step in CI',
  );
}
