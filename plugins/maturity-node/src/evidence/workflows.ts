import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { RepositoryTree, YamlDocument } from '../repository';
import { arr, basename, get, isObj, Obj, str } from './values';

/** One step of a workflow job, with its key path. */
export interface WorkflowStep {
  step: Obj;
  path: Array<string | number>;
}

/** One job of a workflow. */
export interface WorkflowJob {
  id: string;
  job: Obj;
  steps: WorkflowStep[];
}

/** A parsed GitHub Actions workflow. */
export interface Workflow {
  doc: YamlDocument;
  path: string;
  value: Obj;
  triggers: string[];
  jobs: WorkflowJob[];
}

/** A command or action a CI definition runs, with where it is. */
export interface CiStep {
  /** `run` for shell commands, `uses` for actions and reusable workflows. */
  type: 'run' | 'uses';
  text: string;
  path: string;
  line: number;
}

/** The CI evidence of a tree: GitHub workflows, other pipelines, their steps. */
export interface CiEvidence {
  workflows: Workflow[];
  /** Workflow files that could not be read or parsed, as evidence with a note. */
  unreadable: Evidence[];
  /** Other pipeline files (Jenkinsfile, GitLab CI, ...) as path and text. */
  otherPipelines: Array<{ path: string; text: string }>;
  /** Every CI definition file (workflows and other pipelines), sorted. */
  files: string[];
  /** Commands and actions of GitHub workflows, GitLab CI and Jenkinsfiles. */
  steps: CiStep[];
  /** OIDC: `id-token: write` (workflow or job), or GitLab `id_tokens`. */
  oidc: Evidence[];
  /** Workflow and pipeline texts, for searches of tools and credentials. */
  texts: Array<{ path: string; text: string }>;
}

const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/i;
const OTHER_PIPELINE =
  /(^|\/)(Jenkinsfile|\.gitlab-ci\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml)$|^\.circleci\/config\.ya?ml$/;

function triggersOf(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on))
    return on.filter((t): t is string => typeof t === 'string');
  if (isObj(on)) return Object.keys(on);
  return [];
}

function lineOf(doc: YamlDocument, path: Array<string | number>): number {
  return doc.lineOf(path) ?? doc.line;
}

function hasIdTokenWrite(permissions: unknown): boolean {
  return isObj(permissions) && permissions['id-token'] === 'write';
}

function githubSteps(workflow: Workflow, out: CiEvidence): void {
  const { doc, path, value } = workflow;
  if (hasIdTokenWrite(value.permissions))
    out.oidc.push({ path, line: lineOf(doc, ['permissions', 'id-token']) });
  for (const job of workflow.jobs) {
    if (hasIdTokenWrite(job.job.permissions)) {
      out.oidc.push({
        path,
        line: lineOf(doc, ['jobs', job.id, 'permissions', 'id-token']),
        note: `job ${job.id}`,
      });
    }
    const jobUses = str(job.job.uses);
    if (jobUses)
      out.steps.push({
        type: 'uses',
        text: jobUses,
        path,
        line: lineOf(doc, ['jobs', job.id, 'uses']),
      });
    for (const { step, path: stepPath } of job.steps) {
      for (const type of ['run', 'uses'] as const) {
        const text = str(step[type]);
        if (text)
          out.steps.push({
            type,
            text,
            path,
            line: lineOf(doc, [...stepPath, type]),
          });
      }
    }
  }
}

function gitlabSteps(doc: YamlDocument, out: CiEvidence): void {
  if (!isObj(doc.value)) return;
  const path = doc.path;
  for (const [key, job] of Object.entries(doc.value)) {
    if (key === 'include') {
      // Templates such as Security/SAST.gitlab-ci.yml bring whole jobs.
      out.steps.push({
        type: 'uses',
        text: JSON.stringify(job),
        path,
        line: lineOf(doc, ['include']),
      });
      continue;
    }
    if (!isObj(job)) continue;
    if (isObj(job.id_tokens))
      out.oidc.push({
        path,
        line: lineOf(doc, [key, 'id_tokens']),
        note: `job ${key}`,
      });
    for (const field of ['before_script', 'script', 'after_script']) {
      const script = job[field];
      const items = Array.isArray(script) ? script : [script];
      items.forEach((item, i) => {
        if (typeof item !== 'string') return;
        out.steps.push({
          type: 'run',
          text: item,
          path,
          line: lineOf(
            doc,
            Array.isArray(script) ? [key, field, i] : [key, field],
          ),
        });
      });
    }
  }
}

function jenkinsSteps(path: string, text: string, out: CiEvidence): void {
  text.split(/\r?\n/).forEach((l, i) => {
    if (/^\s*\/\//.test(l)) return;
    if (/\b(sh|bat|powershell)\b\s*[('"]/.test(l))
      out.steps.push({ type: 'run', text: l.trim(), path, line: i + 1 });
  });
}

/** Reads the GitHub workflows and other pipeline files of a tree. */
export function readCi(tree: RepositoryTree): CiEvidence {
  const workflows: Workflow[] = [];
  const unreadable: Evidence[] = [];
  const docs = tree.yamlDocuments().filter(d => WORKFLOW.test(d.path));
  for (const doc of docs) {
    if (!isObj(doc.value)) continue;
    const jobs: WorkflowJob[] = [];
    const jobsValue = get(doc.value, 'jobs');
    if (isObj(jobsValue)) {
      for (const [id, job] of Object.entries(jobsValue)) {
        if (!isObj(job)) continue;
        const steps: WorkflowStep[] = [];
        arr(job.steps).forEach((step, i) => {
          if (isObj(step)) steps.push({ step, path: ['jobs', id, 'steps', i] });
        });
        jobs.push({ id, job, steps });
      }
    }
    workflows.push({
      doc,
      path: doc.path,
      value: doc.value,
      triggers: triggersOf(doc.value.on ?? doc.value.true),
      jobs,
    });
  }
  for (const error of tree.yamlErrors()) {
    if (WORKFLOW.test(error.path)) {
      unreadable.push({
        path: error.path,
        line: error.line,
        note: `${error.path} could not be parsed: ${error.message}`,
      });
    }
  }
  for (const skipped of tree.skipped()) {
    if (WORKFLOW.test(skipped.path)) {
      unreadable.push({
        path: skipped.path,
        note: `${skipped.path} was not read (${skipped.reason})`,
      });
    }
  }
  const otherPipelines = tree
    .files()
    .filter(p => OTHER_PIPELINE.test(p) || basename(p) === 'Jenkinsfile')
    .map(path => ({ path, text: tree.readText(path) ?? '' }));
  const workflowFiles = tree.files().filter(p => WORKFLOW.test(p));
  const out: CiEvidence = {
    workflows,
    unreadable,
    otherPipelines,
    files: [...workflowFiles, ...otherPipelines.map(p => p.path)].sort(),
    steps: [],
    oidc: [],
    texts: [
      ...workflowFiles.map(path => ({ path, text: tree.readText(path) ?? '' })),
      ...otherPipelines,
    ],
  };
  for (const workflow of workflows) githubSteps(workflow, out);
  for (const { path, text } of otherPipelines) {
    if (/\.gitlab-ci\.ya?ml$/.test(path)) {
      const doc = tree
        .yamlDocuments()
        .find(d => d.path === path && d.index === 0);
      if (doc) gitlabSteps(doc, out);
    } else if (basename(path) === 'Jenkinsfile') {
      jenkinsSteps(path, text, out);
    }
  }
  return out;
}

/**
 * Whether a permissions value is read-only: `read-all`, `{}`, or a map whose
 * values are all `read` or `none`.
 */
export function isReadOnlyPermissions(permissions: unknown): boolean {
  if (permissions === 'read-all') return true;
  if (!isObj(permissions)) return false;
  return Object.values(permissions).every(v => v === 'read' || v === 'none');
}

/** Commands that run tests (test runners, or build phases that include tests). */
export const TEST_COMMAND =
  /\b(test|tests|pytest|jest|vitest|mocha|tox|nox|rspec|phpunit|ctest)\b|\bmvnw?\b.*\b(verify|package|install)\b|\bgradlew?\b.*\b(check|build)\b/i;

/** SBOM generators. */
export const SBOM_STEP =
  /anchore\/sbom-action|\bsyft\b|cyclonedx|\bsbom:\s*true|--sbom[= ]true/i;

/** Image signing and provenance. */
export const SIGN_STEP =
  /\bcosign\s+(sign|attest)\b|slsa-framework\/slsa-github-generator|actions\/attest-build-provenance/i;

/** Static analysis tools. */
export const SAST_STEP =
  /github\/codeql-action\/(init|analyze)|\bsemgrep\b|\bgosec\b|\bbandit\b|sonarsource\/|\bsonar-scanner\b|\bsnyk code\b|Security\/SAST\.gitlab-ci\.yml|\bbrakeman\b/i;

/** Committed SBOM files. */
export const SBOM_FILE = /\.(spdx\.json|cdx\.json|spdx)$/i;

/** Every `${{ ... }}` expression in a text, with its character offset. */
export function expressionsIn(
  text: string,
): Array<{ expression: string; offset: number }> {
  const out: Array<{ expression: string; offset: number }> = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('${{', from);
    if (start === -1) break;
    const end = text.indexOf('}}', start + 3);
    if (end === -1) break;
    out.push({ expression: text.slice(start + 3, end).trim(), offset: start });
    from = end + 2;
  }
  return out;
}

// Event fields whose values an outside contributor cannot shape.
const SAFE_EVENT_FIELDS = new Set([
  'number',
  'id',
  'node_id',
  'sha',
  'head_sha',
  'base_sha',
  'before',
  'after',
  'run_id',
  'run_number',
  'run_attempt',
  'created_at',
  'updated_at',
  'merged',
  'draft',
  'state',
  'action',
  'size',
  'forced',
  'deleted',
  'created',
  'private',
  'fork',
  'html_url',
  'url',
  'login_id',
  'check_suite_id',
  'workflow_id',
]);
const EVENT_REF = /github\.event((?:\.[A-Za-z0-9_*-]+|\[\d+\])+|\[)/g;

/**
 * The untrusted context references in an expression: `github.head_ref` and
 * any `github.event.*` field except ids, numbers, SHAs and states.
 */
export function untrustedReferences(expression: string): string[] {
  const found: string[] = [];
  if (/\bgithub\.head_ref\b/.test(expression)) found.push('github.head_ref');
  for (const match of expression.matchAll(EVENT_REF)) {
    if (match[1] === '[') {
      found.push('github.event[...]');
      continue;
    }
    // `pull_requests[0].number`: an index selects an item, the field decides.
    const segments = match[1]
      .replace(/\[\d+\]/g, '')
      .split('.')
      .filter(Boolean);
    const last = segments[segments.length - 1];
    if (!SAFE_EVENT_FIELDS.has(last)) found.push(`github.event${match[1]}`);
  }
  return found;
}

/**
 * 1-based line of an offset within a step's string value: block scalars
 * start on the line after their key.
 */
export function lineInValue(
  doc: YamlDocument,
  path: Array<string | number>,
  value: string,
  offset: number,
): number {
  const keyLine = doc.lineOf(path) ?? doc.line;
  if (!value.includes('\n')) return keyLine;
  let line = 0;
  for (
    let i = value.indexOf('\n');
    i !== -1 && i < offset;
    i = value.indexOf('\n', i + 1)
  )
    line++;
  return keyLine + 1 + line;
}

/** The `uses:` references of a workflow: step actions and reusable workflow calls. */
export function usesOf(
  workflow: Workflow,
): Array<{ uses: string; evidence: Evidence }> {
  const out: Array<{ uses: string; evidence: Evidence }> = [];
  for (const job of workflow.jobs) {
    const jobUses = str(job.job.uses);
    if (jobUses) {
      out.push({
        uses: jobUses,
        evidence: {
          path: workflow.path,
          line: workflow.doc.lineOf(['jobs', job.id, 'uses']),
        },
      });
    }
    for (const { step, path } of job.steps) {
      const uses = str(step.uses);
      if (uses) {
        out.push({
          uses,
          evidence: {
            path: workflow.path,
            line: workflow.doc.lineOf([...path, 'uses']),
          },
        });
      }
    }
  }
  return out;
}

/** Finds lines matching a pattern in texts, skipping comment lines. */
export function findLines(
  files: Array<{ path: string; text: string }>,
  pattern: RegExp,
): Evidence[] {
  const out: Evidence[] = [];
  for (const { path, text } of files) {
    text.split('\n').forEach((line, i) => {
      const trimmed = line.trimStart();
      if (trimmed.startsWith('#') || trimmed.startsWith('//')) return;
      if (pattern.test(line))
        out.push({ path, line: i + 1, note: line.trim().slice(0, 120) });
    });
  }
  return out;
}
