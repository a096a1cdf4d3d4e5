import { promises as fs } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { listFiles } from './files';
import {
  isNonClusterApiVersion,
  validateKubernetesObject,
} from './kubernetesSchemas';

/** One problem found in a tree, with the file it is in. */
export interface TreeProblem {
  path: string;
  message: string;
}

/** What {@link validateTree} found. */
export interface TreeValidation {
  yamlFiles: number;
  /** Kubernetes objects checked against a packaged schema. */
  validatedObjects: number;
  /** Objects with no packaged schema, as `path: apiVersion kind`. */
  unvalidatedObjects: string[];
  workflows: number;
  problems: TreeProblem[];
}

const YAML_FILE = /\.ya?ml$/i;
const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/i;

// A GitHub workflow is a map with `on` and `jobs`; each job runs a reusable
// workflow (`uses`) or has `runs-on` and steps that each `uses` or `run`.
function workflowProblems(doc: any): string[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return ['a workflow must be a mapping'];
  }
  const problems: string[] = [];
  if (!('on' in doc) && !('true' in doc)) problems.push('no `on:` trigger');
  const jobs = doc.jobs;
  if (!jobs || typeof jobs !== 'object' || Object.keys(jobs).length === 0) {
    return [...problems, 'no `jobs:`'];
  }
  for (const [id, job] of Object.entries<any>(jobs)) {
    if (!job || typeof job !== 'object') {
      problems.push(`job ${id} is not a mapping`);
      continue;
    }
    if (job.uses) continue;
    if (!job['runs-on']) problems.push(`job ${id} has no runs-on`);
    if (!Array.isArray(job.steps) || job.steps.length === 0) {
      problems.push(`job ${id} has no steps`);
      continue;
    }
    job.steps.forEach((step: any, i: number) => {
      if (!step || (!step.uses && !step.run)) {
        problems.push(`job ${id} step ${i + 1} has neither uses nor run`);
      }
    });
  }
  return problems;
}

/**
 * Parses every YAML file of a tree, validates its Kubernetes objects against
 * their schemas and checks its GitHub workflows.
 */
export async function validateTree(root: string): Promise<TreeValidation> {
  const result: TreeValidation = {
    yamlFiles: 0,
    validatedObjects: 0,
    unvalidatedObjects: [],
    workflows: 0,
    problems: [],
  };
  for (const path of await listFiles(root)) {
    if (!YAML_FILE.test(path)) continue;
    result.yamlFiles += 1;
    const text = await fs.readFile(join(root, path), 'utf8');
    const docs = parseAllDocuments(text);
    const parsed = Array.isArray(docs) ? docs : [docs];
    const errors = parsed.flatMap(d => d.errors);
    if (errors.length) {
      result.problems.push({
        path,
        message: `not valid YAML: ${errors[0].message}`,
      });
      continue;
    }
    if (WORKFLOW_FILE.test(path)) {
      result.workflows += 1;
      for (const message of workflowProblems(parsed[0]?.toJS())) {
        result.problems.push({ path, message: `workflow: ${message}` });
      }
      continue;
    }
    for (const doc of parsed) {
      const object = doc.toJS();
      if (
        !object ||
        typeof object !== 'object' ||
        typeof object.apiVersion !== 'string' ||
        typeof object.kind !== 'string' ||
        isNonClusterApiVersion(object.apiVersion)
      ) {
        continue;
      }
      const outcome = await validateKubernetesObject(object);
      const name = `${object.apiVersion} ${object.kind} ${
        object.metadata?.name ?? '(unnamed)'
      }`;
      if (outcome.status === 'valid') {
        result.validatedObjects += 1;
      } else if (outcome.status === 'invalid') {
        result.problems.push({ path, message: `${name}: ${outcome.message}` });
      } else {
        result.unvalidatedObjects.push(`${path}: ${name}`);
      }
    }
  }
  return result;
}
