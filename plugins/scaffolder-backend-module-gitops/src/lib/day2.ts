import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { promises as fs } from 'fs';
import { dirname, join } from 'path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { listFiles } from './files';

/** Where generated repositories keep their template record. */
const RECORD_PATH = '.platform/template.yaml';

/** A tree of files read into memory, by `/`-separated relative path. */
export type FileTree = Map<string, Buffer>;

/** Reads every file under a directory (skipping .git and node_modules). */
export async function readFileTree(root: string): Promise<FileTree> {
  const tree: FileTree = new Map();
  for (const path of await listFiles(root)) {
    tree.set(path, await fs.readFile(join(root, path)));
  }
  return tree;
}

/** Writes some files of a tree under a directory. */
export async function writeFiles(
  root: string,
  tree: FileTree,
  paths: string[],
): Promise<void> {
  await fs.mkdir(root, { recursive: true });
  for (const path of paths) {
    const target = resolveSafeChildPath(root, path);
    await fs.mkdir(dirname(target), { recursive: true });
    await fs.writeFile(target, tree.get(path)!);
  }
}

/** A file the plan left as the repository has it, and why. */
export interface KeptFile {
  path: string;
  reason: string;
}

/** What `adopt-gitops` proposes for a repository. */
export interface AdoptionPlan {
  /** Files the change adds, with their content. */
  files: FileTree;
  /** The repository's own files that stay as they are. */
  kept: KeptFile[];
  /** Things a reviewer should know: gaps the change cannot fill. */
  notes: string[];
}

const GITOPS_API = /^(argoproj\.io|[a-z]+\.toolkit\.fluxcd\.io)\//;
const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Rollout',
  'Service',
]);

function yamlObjects(
  tree: FileTree,
): Array<{ path: string; apiVersion: string; kind: string }> {
  const out = [];
  for (const [path, content] of tree) {
    if (!/\.ya?ml$/.test(path) || /(^|\/)templates\//.test(path)) continue;
    for (const doc of parseAllDocuments(content.toString('utf8'))) {
      if ('errors' in doc && doc.errors.length) continue;
      const value = doc.toJS?.();
      if (value && typeof value.apiVersion === 'string' && value.kind) {
        out.push({ path, apiVersion: value.apiVersion, kind: value.kind });
      }
    }
  }
  return out;
}

// A CI file that builds a container image.
const IMAGE_BUILD =
  /docker\/build-push-action|docker (?:buildx )?build|docker push|buildah|ko build|jib|kaniko/;

function isCiFile(path: string) {
  return (
    (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) &&
      !/codeql/.test(path)) ||
    path === 'Jenkinsfile' ||
    path === '.gitlab-ci.yml' ||
    path === 'azure-pipelines.yml'
  );
}

/**
 * The golden path's workflow without its language-specific `test` job, for
 * repositories that already test in their own CI: it builds, signs and
 * attests the image and proposes its digest to the dev overlay.
 */
export function deliveryWorkflow(ciYaml: string): string {
  const doc = parseDocument(ciYaml);
  const jobs = doc.get('jobs') as any;
  if (!jobs?.has?.('test')) return ciYaml;
  jobs.delete('test');
  for (const pair of jobs.items) {
    const job = pair.value;
    const needs = job?.get?.('needs');
    if (needs === 'test') job.delete('needs');
    else if (needs?.items) {
      needs.items = needs.items.filter((n: any) => (n.value ?? n) !== 'test');
      if (needs.items.length === 0) job.delete('needs');
    }
  }
  doc.set('name', 'delivery');
  doc.commentBefore =
    ' Image build, signature and dev rollout from the portal. Tests stay in\n the repository’s own CI workflow.';
  return doc.toString({ lineWidth: 0 });
}

/**
 * Plans the adoption of the golden path's GitOps parts by an existing
 * repository. Only adds files: the Kustomize base and overlays, the Argo CD
 * or Flux objects, the delivery workflow, CODEOWNERS when there is none and
 * the template record. Whatever the repository already has of these stays,
 * and is reported as kept; the golden path's service code is not proposed.
 */
export function planAdoption(repo: FileTree, rendered: FileTree): AdoptionPlan {
  const files: FileTree = new Map();
  const kept: KeptFile[] = [];
  const notes: string[] = [];
  const has = (path: string) => repo.has(path);
  const add = (path: string, content?: Buffer) => {
    const value = content ?? rendered.get(path);
    if (!value) return;
    if (has(path)) {
      kept.push({ path, reason: 'the repository has its own' });
    } else {
      files.set(path, value);
    }
  };
  const renderedUnder = (prefix: string) =>
    [...rendered.keys()].filter(p => p.startsWith(prefix));

  // Kustomize base: the repository's own base stays whole.
  if (has('deploy/base/kustomization.yaml')) {
    kept.push({
      path: 'deploy/base/',
      reason: 'the repository has a Kustomize base',
    });
  } else {
    for (const path of renderedUnder('deploy/base/')) add(path);
  }
  // Overlays, environment by environment.
  const envs = new Set(
    renderedUnder('deploy/overlays/').map(p => p.split('/')[2]),
  );
  for (const env of [...envs].sort()) {
    const prefix = `deploy/overlays/${env}/`;
    if (has(`${prefix}kustomization.yaml`)) {
      kept.push({
        path: prefix,
        reason: `the repository has a ${env} overlay`,
      });
    } else {
      for (const path of renderedUnder(prefix)) add(path);
    }
  }

  const objects = yamlObjects(repo);
  // Argo CD or Flux objects.
  const gitops = objects.filter(o => GITOPS_API.test(o.apiVersion));
  if (gitops.length > 0) {
    for (const path of [...new Set(gitops.map(o => o.path))]) {
      kept.push({
        path,
        reason: `has ${gitops
          .filter(o => o.path === path)
          .map(o => o.kind)
          .join(', ')} already`,
      });
    }
  } else {
    for (const path of renderedUnder('deploy/gitops/')) add(path);
  }
  const manifests = [
    ...new Set(
      objects
        .filter(
          o =>
            WORKLOAD_KINDS.has(o.kind) &&
            !o.path.startsWith('deploy/base/') &&
            !o.path.startsWith('deploy/overlays/'),
        )
        .map(o => o.path),
    ),
  ];
  if (manifests.length > 0 && files.has('deploy/base/kustomization.yaml')) {
    notes.push(
      `Existing manifests stay in place: ${manifests.join(
        ', ',
      )}. Once Argo CD or Flux syncs deploy/, retire them so the cluster has one source of truth.`,
    );
  }
  if ([...repo.keys()].some(p => /(^|\/)Chart\.yaml$/.test(p))) {
    notes.push(
      'The repository has a Helm chart; the Kustomize base is proposed beside it, not converted from it.',
    );
  }

  // The workflow: the repository's CI stays; the delivery part is added.
  const ci = [...repo.keys()].filter(isCiFile);
  const renderedCi = rendered.get('.github/workflows/ci.yml');
  if (renderedCi) {
    const buildsImage = ci.filter(path =>
      IMAGE_BUILD.test(repo.get(path)!.toString('utf8')),
    );
    if (ci.length > 0) {
      for (const path of ci) {
        kept.push({ path, reason: 'the repository’s own CI' });
      }
    }
    if (buildsImage.length > 0) {
      notes.push(
        `${buildsImage.join(
          ', ',
        )} builds the image already, so no delivery workflow is added; have it propose each new image digest to deploy/overlays/dev, as the golden path's bump-dev job does.`,
      );
    } else if (ci.length > 0) {
      add(
        '.github/workflows/delivery.yml',
        Buffer.from(deliveryWorkflow(renderedCi.toString('utf8'))),
      );
    } else if (has('package.json')) {
      add('.github/workflows/ci.yml');
    } else {
      add(
        '.github/workflows/delivery.yml',
        Buffer.from(deliveryWorkflow(renderedCi.toString('utf8'))),
      );
      notes.push(
        'The repository has no CI workflow: the delivery workflow builds and ships the image but runs no tests; add a test job for its language.',
      );
    }
  }

  // The image: the repository's own Dockerfile stays.
  if (has('Dockerfile')) {
    kept.push({ path: 'Dockerfile', reason: 'the repository’s own image' });
  } else if (has('package.json')) {
    add('Dockerfile');
    add('.dockerignore');
  } else {
    notes.push(
      'The repository has no Dockerfile, which the delivery workflow builds the image from; add one for its language.',
    );
  }

  // Ownership and the catalog.
  const codeowners = ['CODEOWNERS', '.github/CODEOWNERS', 'docs/CODEOWNERS'];
  const ownCodeowners = codeowners.find(has);
  if (ownCodeowners) {
    kept.push({ path: ownCodeowners, reason: 'the repository’s own owners' });
  } else {
    add('.github/CODEOWNERS');
  }
  const catalogInfo = ['catalog-info.yaml', 'catalog-info.yml'].find(has);
  if (catalogInfo) {
    kept.push({ path: catalogInfo, reason: 'the catalog reads it' });
  } else {
    notes.push(
      'The repository has no catalog-info.yaml; the Component stays registered where it is now.',
    );
  }

  if (has(RECORD_PATH)) {
    kept.push({
      path: RECORD_PATH,
      reason: 'records a template already; use template-upgrade',
    });
  }
  if (files.size === 0) {
    throw new InputError(
      `Nothing to adopt: the repository already has the GitOps parts of the golden path (kept ${kept
        .map(k => k.path)
        .join(', ')})`,
    );
  }
  add(RECORD_PATH);
  return { files, kept, notes };
}

/** One file of an upgrade. */
export interface UpgradeChange {
  path: string;
  status: 'added' | 'changed' | 'removed';
}

/** What `template-upgrade` proposes for a repository. */
export interface UpgradePlan {
  /** Added and changed files with their new content. */
  files: FileTree;
  changes: UpgradeChange[];
  /** Files that differ, left as the service has them. */
  leftToService: string[];
}

/** Whether a path is one of the prefixes (`dir/`) or exact paths given. */
export function matchesPaths(path: string, paths: string[]): boolean {
  return paths.some(p => (p.endsWith('/') ? path.startsWith(p) : path === p));
}

/**
 * Compares a re-rendered template with the repository generated from an
 * older version. Files the new version renders are added or changed, except
 * in `servicePaths` (code the service has made its own after generation),
 * which are only reported. Files under `managedPaths` that the new version
 * no longer renders are removed.
 */
export function planUpgrade(
  repo: FileTree,
  rendered: FileTree,
  options: { servicePaths?: string[]; managedPaths?: string[] } = {},
): UpgradePlan {
  const servicePaths = options.servicePaths ?? [];
  const managedPaths = options.managedPaths ?? [];
  const files: FileTree = new Map();
  const changes: UpgradeChange[] = [];
  const leftToService: string[] = [];
  for (const [path, content] of rendered) {
    const current = repo.get(path);
    if (current && current.equals(content)) continue;
    if (matchesPaths(path, servicePaths)) {
      leftToService.push(path);
      continue;
    }
    files.set(path, content);
    changes.push({ path, status: current ? 'changed' : 'added' });
  }
  for (const path of repo.keys()) {
    if (
      !rendered.has(path) &&
      matchesPaths(path, managedPaths) &&
      !matchesPaths(path, servicePaths)
    ) {
      changes.push({ path, status: 'removed' });
    }
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files, changes, leftToService: leftToService.sort() };
}

/** A parsed `.platform/template.yaml`. */
export interface RecordedTemplate {
  ref: string;
  version: string;
  values: JsonObject;
  excluded: string[];
}

/** Reads and checks a repository's template record. */
export function parseTemplateRecord(
  text: string | undefined,
): RecordedTemplate {
  if (text === undefined) {
    throw new InputError(
      `The repository has no ${RECORD_PATH}; it was not generated by a portal template (adopt-gitops adds one)`,
    );
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new InputError(
      `${RECORD_PATH} is not valid YAML: ${doc.errors[0].message}`,
    );
  }
  const record = doc.toJS() as any;
  const ref = record?.template?.ref;
  const version = record?.template?.version;
  if (typeof ref !== 'string' || !ref) {
    throw new InputError(`${RECORD_PATH} names no template.ref`);
  }
  if (typeof version !== 'string' || !parseVersion(version)) {
    throw new InputError(
      `${RECORD_PATH} has no template.version of the form x.y.z (got ${JSON.stringify(
        version,
      )})`,
    );
  }
  const values = record.values ?? {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new InputError(`${RECORD_PATH}: values is not a mapping`);
  }
  const excluded = record.excluded ?? [];
  if (!Array.isArray(excluded) || excluded.some(e => typeof e !== 'string')) {
    throw new InputError(`${RECORD_PATH}: excluded is not a list of names`);
  }
  return { ref, version, values, excluded };
}

function parseVersion(v: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  return m ? m.slice(1).map(Number) : undefined;
}

/** Compares two x.y.z versions: negative when a is older than b. */
export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (!va || !vb) {
    throw new InputError(`"${va ? b : a}" is not a version of the form x.y.z`);
  }
  for (let i = 0; i < 3; i++) {
    if (va[i] !== vb[i]) return va[i] - vb[i];
  }
  return 0;
}

/** Sets a dotted answer path (as the record's `excluded` lists them). */
export function setAnswer(values: JsonObject, path: string, value: string) {
  const keys = path.split('.');
  let node: any = values;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
}
