import {
  RepositoryTree,
  YamlDocument,
} from '@cloud-native-portal/plugin-maturity-node';
import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import {
  arr,
  basename,
  dirname,
  get,
  isObj,
  Obj,
  resolveInTree,
  str,
} from './util';

/** One Kubernetes object found in the tree. */
export interface K8sObject {
  doc: YamlDocument;
  apiVersion: string;
  kind: string;
  name: string;
  /** Effective namespaces ('' when unspecified); several when overlays differ. */
  namespaces: string[];
  value: Obj;
}

/** One container of a pod template, with its key path in the document. */
export interface ContainerRef {
  container: Obj;
  path: Array<string | number>;
}

/** A pod template found in a workload object. */
export interface Workload {
  object: K8sObject;
  /** Key path of the pod template (`metadata` + `spec`) in the document. */
  templatePath: Array<string | number>;
  podSpec: Obj;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  containers: ContainerRef[];
}

/** A Kustomize reference that was not followed. */
export interface KustomizeProblem extends Evidence {
  ref: string;
}

/** The Kubernetes view of a tree. */
export interface ManifestView {
  objects: K8sObject[];
  workloads: Workload[];
  /** Chart directories whose templates are not rendered. */
  helmCharts: string[];
  /** Reasons the manifest view may be incomplete (never read, unparsable, over a bound). */
  gaps: Evidence[];
  kustomizeProblems: KustomizeProblem[];
}

const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;
const REMOTE_REF =
  /^(https?:|git@|ssh:|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\?ref=|\/\/.+\.git/;
const MANIFEST_HINT = /^\s*(kind|apiVersion):\s*\S/m;
const YAML_FILE = /\.ya?ml$/i;

/** Pod template key paths, by kind (a Knative Service is told apart by its API group). */
function templatePathOf(
  apiVersion: string,
  kind: string,
  value: Obj,
): Array<string> | undefined {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  switch (kind) {
    case 'Pod':
      return group === '' ? [] : undefined;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return ['spec', 'template'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template'];
    case 'Service':
      return group === 'serving.knative.dev' ? ['spec', 'template'] : undefined;
    case 'Rollout':
      // A Rollout with workloadRef borrows the Deployment's template, scanned there.
      return group === 'argoproj.io' && isObj(get(value, 'spec', 'template'))
        ? ['spec', 'template']
        : undefined;
    default:
      return undefined;
  }
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) out[k] = String(v);
    }
  }
  return out;
}

/**
 * Resolves Kustomize `resources:`/`bases:`/`components:` within the tree to
 * learn each file's effective namespaces. References outside the tree, remote
 * ones and missing ones are reported and never read.
 */
function resolveKustomize(
  tree: RepositoryTree,
  docs: YamlDocument[],
): {
  namespacesByFile: Map<string, Set<string | undefined>>;
  problems: KustomizeProblem[];
} {
  const kustomizations = new Map<string, YamlDocument>();
  for (const doc of docs) {
    if (KUSTOMIZATION.test(basename(doc.path)) && isObj(doc.value)) {
      kustomizations.set(dirname(doc.path), doc);
    }
  }
  const problems: KustomizeProblem[] = [];
  const namespacesByFile = new Map<string, Set<string | undefined>>();
  const referenced = new Set<string>();
  const refsOf = new Map<string, Array<{ dir?: string; file?: string }>>();

  for (const [dir, doc] of kustomizations) {
    const refs: Array<{ dir?: string; file?: string }> = [];
    for (const key of ['resources', 'bases', 'components']) {
      arr(get(doc.value, key)).forEach((entry, i) => {
        const ref = str(entry);
        if (!ref) return;
        const line = doc.lineOf([key, i]) ?? doc.line;
        if (REMOTE_REF.test(ref)) {
          problems.push({
            path: doc.path,
            line,
            ref,
            note: `Kustomize resource '${ref}' in ${doc.path} is remote; not read`,
          });
          return;
        }
        const target = resolveInTree(dir, ref);
        if (target === undefined) {
          problems.push({
            path: doc.path,
            line,
            ref,
            note: `Kustomize resource '${ref}' in ${doc.path} resolves outside the tree; not read`,
          });
        } else if (kustomizations.has(target)) {
          refs.push({ dir: target });
          referenced.add(target);
        } else if (tree.has(target)) {
          refs.push({ file: target });
        } else {
          problems.push({
            path: doc.path,
            line,
            ref,
            note: `Kustomize resource '${ref}' in ${doc.path} is missing from the tree`,
          });
        }
      });
    }
    refsOf.set(dir, refs);
  }

  // The outermost kustomization's namespace wins, as kustomize applies it last.
  const visited = new Set<string>();
  const visit = (dir: string, outer: string | undefined, path: Set<string>) => {
    if (path.has(dir)) return;
    visited.add(dir);
    const next = new Set(path).add(dir);
    const ns = outer ?? str(get(kustomizations.get(dir)!.value, 'namespace'));
    for (const ref of refsOf.get(dir) ?? []) {
      if (ref.dir !== undefined) visit(ref.dir, ns, next);
      else if (ref.file) {
        const set = namespacesByFile.get(ref.file) ?? new Set();
        set.add(ns);
        namespacesByFile.set(ref.file, set);
      }
    }
  };
  for (const dir of kustomizations.keys()) {
    if (!referenced.has(dir)) visit(dir, undefined, new Set());
  }
  // Kustomizations only reachable through a cycle have no root; visit them too.
  for (const dir of kustomizations.keys()) {
    if (!visited.has(dir)) visit(dir, undefined, new Set());
  }
  return { namespacesByFile, problems };
}

/** Builds the Kubernetes view of a tree: objects, pod templates, Helm charts and gaps. */
export function readManifests(tree: RepositoryTree): ManifestView {
  const docs = tree.yamlDocuments().filter(d => !d.path.startsWith('.github/'));
  const { namespacesByFile, problems } = resolveKustomize(tree, docs);

  const objects: K8sObject[] = [];
  for (const doc of docs) {
    const value = doc.value;
    if (!isObj(value)) continue;
    const apiVersion = str(value.apiVersion);
    const kind = str(value.kind);
    if (!apiVersion || !kind) continue;
    const own = str(get(value, 'metadata', 'namespace'));
    const fromKustomize = namespacesByFile.get(doc.path);
    const namespaces = fromKustomize
      ? [...new Set([...fromKustomize].map(ns => ns ?? own ?? ''))]
      : [own ?? ''];
    objects.push({
      doc,
      apiVersion,
      kind,
      name: str(get(value, 'metadata', 'name')) ?? '',
      namespaces,
      value,
    });
  }

  const workloads: Workload[] = [];
  for (const object of objects) {
    const templatePath = templatePathOf(
      object.apiVersion,
      object.kind,
      object.value,
    );
    if (!templatePath) continue;
    const template = templatePath.length
      ? get(object.value, ...templatePath)
      : object.value;
    const podSpec = get(template, 'spec');
    if (!isObj(podSpec)) continue;
    const containers: ContainerRef[] = [];
    for (const key of ['initContainers', 'containers']) {
      arr(podSpec[key]).forEach((container, i) => {
        if (isObj(container)) {
          containers.push({
            container,
            path: [...templatePath, 'spec', key, i],
          });
        }
      });
    }
    workloads.push({
      object,
      templatePath,
      podSpec,
      podLabels: stringMap(get(template, 'metadata', 'labels')),
      podAnnotations: stringMap(get(template, 'metadata', 'annotations')),
      containers,
    });
  }

  const chartDirs = tree
    .files()
    .filter(p => /(^|\/)Chart\.ya?ml$/.test(p))
    .map(dirname);
  const renderedTemplates = (dir: string) =>
    tree
      .files()
      .some(
        p =>
          p.startsWith(dir ? `${dir}/templates/` : 'templates/') &&
          YAML_FILE.test(p),
      );
  const helmCharts = chartDirs.filter(renderedTemplates);

  const gaps: Evidence[] = problems.map(p => ({
    path: p.path,
    line: p.line,
    note: p.note,
  }));
  for (const error of tree.yamlErrors()) {
    if (error.path.startsWith('.github/')) continue;
    if (error.message.startsWith('Helm template')) continue;
    if (error.message.includes('YAML documents')) {
      gaps.push({
        path: error.path,
        line: error.line,
        note: `${error.path}: ${error.message}`,
      });
      continue;
    }
    const text = tree.readText(error.path) ?? '';
    if (MANIFEST_HINT.test(text)) {
      gaps.push({
        path: error.path,
        line: error.line,
        note: `${error.path} could not be parsed as YAML${
          error.line ? ` (line ${error.line})` : ''
        }: ${error.message}`,
      });
    }
  }
  for (const skipped of tree.skipped()) {
    if (skipped.reason === 'too-many-files' || YAML_FILE.test(skipped.path)) {
      gaps.push({
        path: skipped.path,
        note: `${skipped.path} was not read (${skipped.reason}${
          skipped.detail ? `: ${skipped.detail}` : ''
        })`,
      });
    }
  }

  return { objects, workloads, helmCharts, gaps, kustomizeProblems: problems };
}

/** Objects of a kind within an API group (e.g. `security.istio.io`). */
export function objectsOf(
  view: ManifestView,
  group: string,
  kind: string,
): K8sObject[] {
  return view.objects.filter(
    o =>
      o.kind === kind &&
      o.apiVersion.split('/')[0] === group &&
      o.apiVersion.includes('/'),
  );
}

/** A human label for a workload, e.g. `Deployment/api`. */
export function labelOf(workload: Workload): string {
  return `${workload.object.kind}/${workload.object.name || '(unnamed)'}`;
}

/** Whether a label selector (`matchLabels` only) selects the given labels. */
export function selects(
  selector: unknown,
  labels: Record<string, string>,
): boolean {
  const matchLabels = get(selector, 'matchLabels');
  if (!isObj(matchLabels)) return false;
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === String(v));
}
