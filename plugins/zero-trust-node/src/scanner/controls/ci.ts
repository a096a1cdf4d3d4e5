import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { ControlResult } from '@cloud-native-portal/plugin-zero-trust-common';
import {
  expressionsIn,
  findLines,
  get,
  isReadOnlyPermissions,
  lineInValue,
  SAST_STEP,
  SBOM_FILE,
  SBOM_STEP,
  SIGN_STEP,
  str,
  untrustedReferences,
  usesOf,
  Workflow,
} from '@cloud-native-portal/plugin-maturity-node';
import { fileEvidence, ScanContext } from '../context';
import { notesOf, result } from '../util';

/**
 * The one rule for CI controls: a repository with no CI definition at all (no
 * GitHub workflow, GitLab CI, Jenkinsfile, ...) gives every control that
 * judges CI this reason and `not-applicable`, unless evidence outside CI
 * passes the control (a committed SBOM).
 */
export const NO_CI_REASON =
  'no CI pipeline in the repository (no GitHub workflow, GitLab CI, Jenkinsfile, ...)';

/** Whether the tree has no CI definition at all, readable or not. */
function hasNoCi(context: ScanContext): boolean {
  return context.ci.files.length === 0 && context.ci.unreadable.length === 0;
}

/** Runs a per-workflow control: not applicable without workflows, unknown if one is unreadable. */
function workflowControl(
  context: ScanContext,
  id: string,
  evaluate: (workflow: Workflow, fail: Evidence[], pass: Evidence[]) => void,
): ControlResult {
  const { workflows, unreadable } = context.ci;
  if (hasNoCi(context)) return result(id, 'not-applicable', [], NO_CI_REASON);
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
  const found = [...findLines(context.ci.texts, pattern), ...extra];
  if (found.length) return result(id, 'pass', found);
  if (hasNoCi(context)) return result(id, 'not-applicable', [], NO_CI_REASON);
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
    SAST_STEP,
    'no static analysis step (CodeQL, Semgrep, ...) in CI',
  );
}

/** sbom: a syft/CycloneDX step in CI or a committed SBOM. */
export function checkSbom(context: ScanContext): ControlResult {
  const committed = context.tree
    .files()
    .filter(p => SBOM_FILE.test(p))
    .map(p => fileEvidence(p, 'committed SBOM'));
  return ciToolControl(
    context,
    'sbom',
    SBOM_STEP,
    'no SBOM step (syft, CycloneDX) in CI and no committed SBOM',
    committed,
  );
}

/**
 * signed-images: cosign sign/attest or SLSA provenance in CI. Not applicable
 * when the repository builds no image of its own: third-party images it only
 * deploys are signed, or not, by their publishers.
 */
export function checkSignedImages(context: ScanContext): ControlResult {
  if (!context.images.buildsOwnImage) {
    return result(
      'signed-images',
      'not-applicable',
      [],
      context.images.deployed.length
        ? 'builds no image of its own (no Dockerfile, no image build in CI); it deploys third-party images only'
        : 'builds no image of its own (no Dockerfile, no image build in CI)',
    );
  }
  return ciToolControl(
    context,
    'signed-images',
    SIGN_STEP,
    'no cosign signing or provenance step in CI',
  );
}
