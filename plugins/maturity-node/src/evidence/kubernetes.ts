import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import ignore from 'ignore';
import { RepositoryTree, YamlDocument } from '../repository';
import {
  arr,
  basename,
  dirname,
  get,
  isObj,
  KeyPath,
  Obj,
  resolveInTree,
  str,
} from './values';

/**
 * Where a manifest file sits in Kustomize: listed by a kustomization that
 * other kustomizations build on (`base`), by a kustomization that builds on
 * others (`overlay`), by a lone kustomization (`resource`), as a patch
 * (`patch`), or in no kustomization at all (`plain`).
 */
export type ManifestOrigin =
  | 'plain'
  | 'resource'
  | 'base'
  | 'overlay'
  | 'patch';

/** One Kubernetes object (apiVersion and kind) found in the tree. */
export interface K8sObject {
  doc: YamlDocument;
  apiVersion: string;
  kind: string;
  /** API group: `apps`, `serving.knative.dev`, ... ('' for the core group). */
  group: string;
  /** `metadata.name`, '' when missing. */
  name: string;
  /** Effective namespaces ('' when unspecified); several when overlays differ. */
  namespaces: string[];
  value: Obj;
  /** Where the object sits in the document ([] unless it is a `List` item). */
  base: KeyPath;
  origin: ManifestOrigin;
}

/** One container of a pod template, with its key path in the object. */
export interface ContainerRef {
  /** `name`, or `#<index>` when missing. */
  name: string;
  container: Obj;
  path: KeyPath;
  init: boolean;
}

/** A workload: an object with a pod template, or an Argo Rollout with a `workloadRef`. */
export interface Workload {
  object: K8sObject;
  /** Key path of the pod template (`metadata` + `spec`) in the object. */
  templatePath: KeyPath;
  /** The pod template; undefined for a Rollout that borrows a Deployment's. */
  template?: Obj;
  /** The pod spec; undefined when there is no template. */
  podSpec?: Obj;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  containers: ContainerRef[];
  /** False for Jobs and CronJobs, which run to completion. */
  longRunning: boolean;
  /** Knative Services are request-driven and scale by themselves. */
  knative: boolean;
  /** For an Argo Rollout that takes over an existing Deployment. */
  workloadRef?: { kind?: string; name?: string };
}

/** A workload with a pod template, which the pod-level checks read. */
export type PodTemplate = Workload & { template: Obj; podSpec: Obj };

/** A Kustomize reference that was not followed. */
export interface KustomizeProblem extends Evidence {
  ref: string;
}

/** A patch file listed by a kustomization: not a workload, never scanned as one. */
export interface KustomizePatch extends Evidence {
  /** The kustomization that lists it. */
  kustomization: string;
}

/**
 * A resource a kustomization lists that is not committed because it is
 * produced at sync time (for example `helm template` output): the file is
 * ignored by a `.gitignore`, or another file of the tree names it as output.
 */
export interface GeneratedResource extends Evidence {
  /** The path the kustomization expects. */
  resource: string;
}

/** The Kubernetes evidence of a tree. */
export interface KubernetesEvidence {
  objects: K8sObject[];
  /** Every workload (patches excluded). */
  workloads: Workload[];
  /** The workloads with a pod template. */
  podTemplates: PodTemplate[];
  /** Chart directories whose templates are not rendered (not parsed as manifests). */
  helmCharts: string[];
  /** Helm template files, marked as not parsed: they are not YAML before rendering. */
  helmTemplates: Evidence[];
  /** Every `Chart.yaml` path. */
  chartFiles: string[];
  patches: KustomizePatch[];
  generated: GeneratedResource[];
  /** Why the view may be incomplete: unread, unparsable, over a bound, unresolved references. */
  gaps: Evidence[];
  kustomizeProblems: KustomizeProblem[];
  /** Directories holding a kustomization. */
  kustomizations: string[];
}

const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;
const REMOTE_REF =
  /^(https?:|git@|ssh:|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\?ref=|\/\/.+\.git/;
const MANIFEST_HINT = /^\s*(kind|apiVersion):\s*\S/m;
const YAML_FILE = /\.ya?ml$/i;
const CHART = /(^|\/)Chart\.ya?ml$/;

/** Pod template key paths, by kind (a Knative Service is told apart by its API group). */
function templatePathOf(object: K8sObject): KeyPath | undefined {
  const { group, kind } = object;
  switch (kind) {
    case 'Pod':
      return group === '' ? [] : undefined;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return ['apps', 'extensions'].includes(group)
        ? ['spec', 'template']
        : undefined;
    case 'ReplicationController':
      return group === '' ? ['spec', 'template'] : undefined;
    case 'Job':
      return group === 'batch' ? ['spec', 'template'] : undefined;
    case 'CronJob':
      return group === 'batch'
        ? ['spec', 'jobTemplate', 'spec', 'template']
        : undefined;
    case 'Service':
      return group === 'serving.knative.dev' ? ['spec', 'template'] : undefined;
    case 'Rollout':
      return group === 'argoproj.io' ? ['spec', 'template'] : undefined;
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

interface KustomizeResolution {
  namespacesByFile: Map<string, Set<string | undefined>>;
  originByFile: Map<string, ManifestOrigin>;
  patches: KustomizePatch[];
  generated: GeneratedResource[];
  problems: KustomizeProblem[];
  dirs: string[];
}

/** The patch files a kustomization lists (`patches`, `patchesStrategicMerge`, `patchesJson6902`). */
function patchRefs(value: Obj): Array<{ ref: string; path: KeyPath }> {
  const out: Array<{ ref: string; path: KeyPath }> = [];
  for (const key of ['patches', 'patchesStrategicMerge', 'patchesJson6902']) {
    arr(value[key]).forEach((entry, i) => {
      const ref = typeof entry === 'string' ? entry : str(get(entry, 'path'));
      // An inline patch (a YAML string with a newline) is not a file.
      if (ref && !ref.includes('\n'))
        out.push({
          ref,
          path: typeof entry === 'string' ? [key, i] : [key, i, 'path'],
        });
    });
  }
  return out;
}

/**
 * Whether a missing resource is produced at sync time: ignored by a
 * `.gitignore` of the tree, or named as output by another file of the tree
 * (a Makefile, a script, a workflow, an Argo CD plugin).
 */
function generatedAtSync(
  tree: RepositoryTree,
  target: string,
  ignored: (path: string) => boolean,
  kustomizationPaths: Set<string>,
): string | undefined {
  if (ignored(target)) return 'ignored by .gitignore';
  const name = basename(target);
  for (const path of tree.files()) {
    if (kustomizationPaths.has(path)) continue;
    const text = tree.readText(path);
    if (!text || !text.includes(name)) continue;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const at = lines[i].indexOf(name);
      if (at === -1) continue;
      // The name follows a redirection or an output flag on the same line.
      if (/(>|--output(-dir)?[= ]?|\s-o)\s*[^\s]*$/.test(lines[i].slice(0, at)))
        return `written by ${path}:${i + 1}`;
    }
  }
  return undefined;
}

function gitignoreMatcher(tree: RepositoryTree): (path: string) => boolean {
  const matchers = tree
    .files()
    .filter(p => basename(p) === '.gitignore')
    .map(p => ({
      dir: dirname(p),
      matcher: ignore().add(tree.readText(p) ?? ''),
    }));
  return (path: string) =>
    matchers.some(({ dir, matcher }) => {
      if (dir && !path.startsWith(`${dir}/`)) return false;
      const relative = dir ? path.slice(dir.length + 1) : path;
      return relative !== '' && matcher.ignores(relative);
    });
}

/**
 * Resolves Kustomize `resources`/`bases`/`components` within the tree, to
 * give each file its namespaces and origin, and lists patches and resources
 * generated at sync time. References outside the tree, remote ones and
 * missing ones are reported and never read.
 */
function resolveKustomize(
  tree: RepositoryTree,
  docs: YamlDocument[],
): KustomizeResolution {
  const kustomizations = new Map<string, YamlDocument>();
  for (const doc of docs) {
    if (KUSTOMIZATION.test(basename(doc.path)) && isObj(doc.value)) {
      kustomizations.set(dirname(doc.path), doc);
    }
  }
  const problems: KustomizeProblem[] = [];
  const patches: KustomizePatch[] = [];
  const generated: GeneratedResource[] = [];
  const namespacesByFile = new Map<string, Set<string | undefined>>();
  const originByFile = new Map<string, ManifestOrigin>();
  const referenced = new Set<string>();
  const refsOf = new Map<string, Array<{ dir?: string; file?: string }>>();
  if (kustomizations.size === 0) {
    return {
      namespacesByFile,
      originByFile,
      patches,
      generated,
      problems,
      dirs: [],
    };
  }
  let matcher: ((path: string) => boolean) | undefined;
  const ignored = (path: string) => {
    matcher ??= gitignoreMatcher(tree);
    return matcher(path);
  };
  const kustomizationPaths = new Set(
    [...kustomizations.values()].map(d => d.path),
  );

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
        } else if (
          tree.has(target) ||
          tree.skipped().some(s => s.path === target)
        ) {
          // A skipped file is listed among the gaps by the tree's own report.
          refs.push({ file: target });
        } else {
          const why = generatedAtSync(
            tree,
            target,
            ignored,
            kustomizationPaths,
          );
          if (why) {
            generated.push({
              path: doc.path,
              line,
              resource: target,
              note: `${target} is generated at sync time (${why}); not committed`,
            });
          } else {
            problems.push({
              path: doc.path,
              line,
              ref,
              note: `Kustomize resource '${ref}' in ${doc.path} is missing from the tree`,
            });
          }
        }
      });
    }
    for (const { ref, path } of patchRefs(doc.value as Obj)) {
      const target = resolveInTree(dir, ref);
      if (target === undefined || !tree.has(target)) continue;
      patches.push({
        path: target,
        line: 1,
        kustomization: doc.path,
        note: `${target} is a Kustomize patch listed in ${doc.path}:${
          doc.lineOf(path) ?? doc.line
        }`,
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
    const refs = refsOf.get(dir) ?? [];
    let origin: ManifestOrigin = 'resource';
    if (referenced.has(dir)) origin = 'base';
    else if (refs.some(r => r.dir !== undefined)) origin = 'overlay';
    for (const ref of refs) {
      if (ref.dir !== undefined) visit(ref.dir, ns, next);
      else if (ref.file) {
        const set = namespacesByFile.get(ref.file) ?? new Set();
        set.add(ns);
        namespacesByFile.set(ref.file, set);
        if (!originByFile.has(ref.file) || origin === 'base')
          originByFile.set(ref.file, origin);
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
  for (const patch of patches) originByFile.set(patch.path!, 'patch');
  return {
    namespacesByFile,
    originByFile,
    patches,
    generated,
    problems,
    dirs: [...kustomizations.keys()].sort(),
  };
}

function toObject(
  value: unknown,
  doc: YamlDocument,
  base: KeyPath,
  namespacesOf: (own: string | undefined) => string[],
  origin: ManifestOrigin,
): K8sObject | undefined {
  if (!isObj(value)) return undefined;
  const apiVersion = str(value.apiVersion);
  const kind = str(value.kind);
  if (!apiVersion || !kind) return undefined;
  const slash = apiVersion.lastIndexOf('/');
  return {
    doc,
    apiVersion,
    kind,
    group: slash === -1 ? '' : apiVersion.slice(0, slash),
    name: str(get(value, 'metadata', 'name')) ?? '',
    namespaces: namespacesOf(str(get(value, 'metadata', 'namespace'))),
    value,
    base,
    origin,
  };
}

function workloadOf(object: K8sObject): Workload | undefined {
  const templatePath = templatePathOf(object);
  if (!templatePath) return undefined;
  const template = templatePath.length
    ? get(object.value, ...templatePath)
    : object.value;
  const workloadRef = get(object.value, 'spec', 'workloadRef');
  const hasTemplate = isObj(template) && isObj(get(template, 'spec'));
  if (!hasTemplate && !(object.kind === 'Rollout' && isObj(workloadRef)))
    return undefined;
  const podSpec = hasTemplate ? (get(template, 'spec') as Obj) : undefined;
  const containers: ContainerRef[] = [];
  for (const [key, init] of [
    ['initContainers', true],
    ['containers', false],
  ] as const) {
    arr(podSpec?.[key]).forEach((container, i) => {
      if (isObj(container)) {
        containers.push({
          name: str(container.name) ?? `#${i}`,
          container,
          path: [...templatePath, 'spec', key, i],
          init,
        });
      }
    });
  }
  return {
    object,
    templatePath,
    ...(hasTemplate ? { template: template as Obj, podSpec } : {}),
    podLabels: stringMap(get(template, 'metadata', 'labels')),
    podAnnotations: stringMap(get(template, 'metadata', 'annotations')),
    containers,
    longRunning: object.group !== 'batch',
    knative: object.group === 'serving.knative.dev',
    ...(object.kind === 'Rollout' && isObj(workloadRef)
      ? {
          workloadRef: {
            kind: str(workloadRef.kind),
            name: str(workloadRef.name),
          },
        }
      : {}),
  };
}

/**
 * Reads the Kubernetes evidence of a tree: objects (items of a `List`
 * expanded), workloads and pod templates, Helm charts, Kustomize patches and
 * generated resources, and the gaps. Files under `.github/` are not manifests.
 */
export function readKubernetes(tree: RepositoryTree): KubernetesEvidence {
  const docs = tree.yamlDocuments().filter(d => !d.path.startsWith('.github/'));
  const kustomize = resolveKustomize(tree, docs);

  const objects: K8sObject[] = [];
  for (const doc of docs) {
    const origin = kustomize.originByFile.get(doc.path) ?? 'plain';
    // A patch is a fragment applied to another object: not an object itself.
    if (origin === 'patch') continue;
    const fromKustomize = kustomize.namespacesByFile.get(doc.path);
    const namespacesOf = (own: string | undefined) =>
      fromKustomize
        ? [...new Set([...fromKustomize].map(ns => ns ?? own ?? ''))]
        : [own ?? ''];
    const object = toObject(doc.value, doc, [], namespacesOf, origin);
    if (!object) continue;
    if (object.kind === 'List' && Array.isArray(object.value.items)) {
      object.value.items.forEach((item: unknown, i: number) => {
        const child = toObject(item, doc, ['items', i], namespacesOf, origin);
        if (child) objects.push(child);
      });
      continue;
    }
    objects.push(object);
  }

  const workloads = objects
    .map(workloadOf)
    .filter((w): w is Workload => w !== undefined);
  const podTemplates = workloads.filter(
    (w): w is PodTemplate =>
      w.template !== undefined && w.podSpec !== undefined,
  );

  const chartFiles = tree
    .files()
    .filter(p => CHART.test(p))
    .sort();
  const helmCharts = chartFiles
    .map(dirname)
    .filter(dir =>
      tree
        .files()
        .some(
          p =>
            p.startsWith(dir ? `${dir}/templates/` : 'templates/') &&
            YAML_FILE.test(p),
        ),
    );

  const gaps: Evidence[] = kustomize.problems.map(p => ({
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

  const helmTemplates = tree
    .yamlErrors()
    .filter(e => e.message.startsWith('Helm template'))
    .map(e => ({ path: e.path, note: `${e.path}: not parsed (${e.message})` }));

  return {
    objects,
    workloads,
    podTemplates,
    helmCharts,
    helmTemplates,
    chartFiles,
    patches: kustomize.patches,
    generated: kustomize.generated,
    gaps,
    kustomizeProblems: kustomize.problems,
    kustomizations: kustomize.dirs,
  };
}

/** Objects of a kind within an API group (`''` for the core group). */
export function objectsOf(
  kubernetes: KubernetesEvidence,
  group: string,
  ...kinds: string[]
): K8sObject[] {
  return kubernetes.objects.filter(
    o => o.group === group && kinds.includes(o.kind),
  );
}

/** Whether an object is of one of the kinds in one of the groups (`''` = core). */
export function isKind(
  object: K8sObject,
  groups: string | string[],
  ...kinds: string[]
): boolean {
  const list = Array.isArray(groups) ? groups : [groups];
  return list.includes(object.group) && kinds.includes(object.kind);
}

/** Evidence at a key path of an object (1-based line), inside a `List` too. */
export function objectEvidence(
  object: K8sObject,
  path: KeyPath,
  note?: string,
): Evidence {
  const full = [...object.base, ...path];
  let line: number | undefined;
  for (let n = full.length; n > 0 && line === undefined; n--) {
    line = object.doc.lineOf(full.slice(0, n));
  }
  return {
    path: object.doc.path,
    line: line ?? object.doc.line,
    ...(note ? { note } : {}),
  };
}

/** A label for an object, e.g. `Deployment/api`. */
export function describeObject(object: K8sObject): string {
  return `${object.kind}/${object.name || '(unnamed)'}`;
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

/** Security-context fields that exist on both the pod and the container. */
const SHARED_SECURITY_FIELDS = [
  'runAsNonRoot',
  'runAsUser',
  'runAsGroup',
  'seccompProfile',
  'seLinuxOptions',
  'appArmorProfile',
  'windowsOptions',
];

/**
 * The security context that applies to a container: a field set on the
 * container overrides the same field on the pod, as Kubernetes does.
 */
export function effectiveSecurityContext(
  podSecurityContext: unknown,
  containerSecurityContext: unknown,
): Obj {
  const pod = isObj(podSecurityContext) ? podSecurityContext : {};
  const container = isObj(containerSecurityContext)
    ? containerSecurityContext
    : {};
  const result: Obj = {};
  for (const field of SHARED_SECURITY_FIELDS) {
    if (pod[field] !== undefined && pod[field] !== null) {
      result[field] = pod[field];
    }
  }
  for (const [field, value] of Object.entries(container)) {
    if (value !== undefined && value !== null) result[field] = value;
  }
  return result;
}
