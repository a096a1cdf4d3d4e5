import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import {
  RepositoryTree,
  YamlDocument,
} from '@cloud-native-portal/plugin-maturity-node';
import { arr, basename, get, isObj, Obj, str } from './util';

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

/** The CI view of a tree. */
export interface CiView {
  workflows: Workflow[];
  /** Workflow files that could not be read or parsed, as evidence with a note. */
  unreadable: Evidence[];
  /** Other pipeline files (Jenkinsfile, GitLab CI, ...) as path and text. */
  otherPipelines: Array<{ path: string; text: string }>;
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

/** Reads the GitHub workflows and other pipeline files of a tree. */
export function readCi(tree: RepositoryTree): CiView {
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
  return { workflows, unreadable, otherPipelines };
}

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
const EVENT_REF = /github\.event((?:\.[A-Za-z0-9_*-]+)+|\[)/g;

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
    const segments = match[1].split('.').filter(Boolean);
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

/** Workflow texts plus other pipeline files, for text searches. */
export function ciTexts(
  tree: RepositoryTree,
  ci: CiView,
): Array<{ path: string; text: string }> {
  const workflowFiles = tree.files().filter(p => WORKFLOW.test(p));
  return [
    ...workflowFiles.map(path => ({ path, text: tree.readText(path) ?? '' })),
    ...ci.otherPipelines,
  ];
}
