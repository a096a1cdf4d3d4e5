import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { RepositoryTree, YamlDocument } from '../repository';
import { asArray, isObject } from './kubernetes';

const GITHUB_WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;

/** A command or action a CI definition runs, with where it is. */
export interface CiStep {
  /** `run` for shell commands, `uses` for actions and reusable workflows. */
  type: 'run' | 'uses';
  text: string;
  path: string;
  line: number;
}

/** The permission blocks of one GitHub workflow. */
export interface GithubWorkflowPermissions {
  path: string;
  /** Parsed workflow, or undefined when its YAML is invalid. */
  doc?: YamlDocument;
  topLevel: unknown;
  jobs: Array<{ job: string; permissions: unknown }>;
}

/** What the CI definitions of a tree contain. */
export interface CiScan {
  /** GitHub workflows, `.gitlab-ci.yml` and `Jenkinsfile`, sorted. */
  files: string[];
  githubWorkflows: GithubWorkflowPermissions[];
  steps: CiStep[];
  /** Evidence of OIDC: `id-token: write`, or GitLab `id_tokens`. */
  oidc: Evidence[];
}

function firstDoc(
  tree: RepositoryTree,
  path: string,
): YamlDocument | undefined {
  return tree.yamlDocuments().find(d => d.path === path && d.index === 0);
}

function line(doc: YamlDocument, path: Array<string | number>): number {
  return doc.lineOf(path) ?? doc.line;
}

function hasIdTokenWrite(permissions: unknown): boolean {
  return isObject(permissions) && permissions['id-token'] === 'write';
}

function scanGithub(tree: RepositoryTree, path: string, scan: CiScan): void {
  const doc = firstDoc(tree, path);
  const value = isObject(doc?.value) ? doc!.value : undefined;
  const entry: GithubWorkflowPermissions = {
    path,
    doc: value ? doc : undefined,
    topLevel: value?.permissions,
    jobs: [],
  };
  scan.githubWorkflows.push(entry);
  if (!doc || !value) return;
  if (hasIdTokenWrite(value.permissions)) {
    scan.oidc.push({ path, line: line(doc, ['permissions', 'id-token']) });
  }
  const jobs = isObject(value.jobs) ? value.jobs : {};
  for (const [jobName, job] of Object.entries(jobs)) {
    if (!isObject(job)) continue;
    entry.jobs.push({ job: jobName, permissions: job.permissions });
    if (hasIdTokenWrite(job.permissions)) {
      scan.oidc.push({
        path,
        line: line(doc, ['jobs', jobName, 'permissions', 'id-token']),
        note: `job ${jobName}`,
      });
    }
    if (typeof job.uses === 'string') {
      scan.steps.push({
        type: 'uses',
        text: job.uses,
        path,
        line: line(doc, ['jobs', jobName, 'uses']),
      });
    }
    asArray(job.steps).forEach((step, i) => {
      if (!isObject(step)) return;
      for (const type of ['run', 'uses'] as const) {
        if (typeof step[type] === 'string') {
          scan.steps.push({
            type,
            text: step[type],
            path,
            line: line(doc, ['jobs', jobName, 'steps', i, type]),
          });
        }
      }
    });
  }
}

function scanGitlab(tree: RepositoryTree, path: string, scan: CiScan): void {
  const doc = firstDoc(tree, path);
  if (!doc || !isObject(doc.value)) return;
  for (const [key, job] of Object.entries(doc.value)) {
    if (key === 'include') {
      // Templates such as Security/SAST.gitlab-ci.yml bring whole jobs.
      scan.steps.push({
        type: 'uses',
        text: JSON.stringify(job),
        path,
        line: line(doc, ['include']),
      });
      continue;
    }
    if (!isObject(job)) continue;
    if (isObject(job.id_tokens)) {
      scan.oidc.push({
        path,
        line: line(doc, [key, 'id_tokens']),
        note: `job ${key}`,
      });
    }
    for (const field of ['before_script', 'script', 'after_script']) {
      const script = job[field];
      const items = Array.isArray(script) ? script : [script];
      items.forEach((item, i) => {
        if (typeof item !== 'string') return;
        scan.steps.push({
          type: 'run',
          text: item,
          path,
          line: line(
            doc,
            Array.isArray(script) ? [key, field, i] : [key, field],
          ),
        });
      });
    }
  }
}

function scanJenkinsfile(text: string, path: string, scan: CiScan): void {
  text.split(/\r?\n/).forEach((l, i) => {
    if (/^\s*\/\//.test(l)) return;
    if (/\b(sh|bat|powershell)\b\s*[('"]/.test(l)) {
      scan.steps.push({ type: 'run', text: l.trim(), path, line: i + 1 });
    }
  });
}

/** Reads the tree's CI definitions: GitHub workflows, GitLab CI and Jenkinsfiles. */
export function scanCi(tree: RepositoryTree): CiScan {
  const files = tree
    .files()
    .filter(
      p =>
        GITHUB_WORKFLOW.test(p) ||
        p === '.gitlab-ci.yml' ||
        p === 'Jenkinsfile',
    )
    .sort();
  const scan: CiScan = { files, githubWorkflows: [], steps: [], oidc: [] };
  for (const path of files) {
    if (GITHUB_WORKFLOW.test(path)) scanGithub(tree, path, scan);
    else if (path === '.gitlab-ci.yml') scanGitlab(tree, path, scan);
    else scanJenkinsfile(tree.readText(path) ?? '', path, scan);
  }
  return scan;
}

/**
 * Whether a permissions value is read-only: `read-all`, `{}`, or a map whose
 * values are all `read` or `none`.
 */
export function isReadOnlyPermissions(permissions: unknown): boolean {
  if (permissions === 'read-all') return true;
  if (!isObject(permissions)) return false;
  return Object.values(permissions).every(v => v === 'read' || v === 'none');
}

/** Commands that run tests (test runners, or build phases that include tests). */
export const TEST_COMMAND =
  /\b(test|tests|pytest|jest|vitest|mocha|tox|nox|rspec|phpunit|ctest)\b|\bmvnw?\b.*\b(verify|package|install)\b|\bgradlew?\b.*\b(check|build)\b/i;

/** SBOM generators. */
export const SBOM_STEP = /\bsyft\b|cyclonedx|anchore\/sbom-action/i;

/** Image signing and provenance. */
export const SIGN_STEP =
  /\bcosign\b.*\b(sign|attest)\b|slsa-framework\/slsa-github-generator|slsa-github-generator/i;

/** Static analysis tools. */
export const SAST_STEP =
  /github\/codeql-action|\bcodeql\b|\bsemgrep\b|\bgosec\b|\bbandit\b|sonarsource|sonar-scanner|\bsnyk\s+code\b|SAST\.gitlab-ci\.yml/i;
