import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { RepositoryTree, YamlDocument } from '../repository';

/** A key path inside a YAML document. */
export type KeyPath = Array<string | number>;

/** A Kubernetes-style object (apiVersion + kind) found in a YAML document. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  /** API group: `apps`, `serving.knative.dev`, ... ('' for the core group). */
  group: string;
  name?: string;
  value: Record<string, any>;
  doc: YamlDocument;
  /** Where the object sits in the document ([] unless it is a List item). */
  base: KeyPath;
}

/** Whether a value is a plain object (a YAML map). */
export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Array items of a value, or an empty array when it is not an array. */
export function asArray(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** Reads a nested value by key path. */
export function getPath(value: unknown, path: KeyPath): any {
  let node: any = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[key];
  }
  return node;
}

/** Evidence pointing at a key path of an object (1-based line). */
export function objectEvidence(
  obj: K8sObject,
  path: KeyPath,
  note?: string,
): Evidence {
  const line =
    obj.doc.lineOf([...obj.base, ...path]) ??
    (obj.base.length ? obj.doc.lineOf(obj.base) : undefined) ??
    obj.doc.line;
  return { path: obj.doc.path, line, ...(note ? { note } : {}) };
}

/** Display name of an object for evidence notes, e.g. `Deployment/api`. */
export function describe(obj: K8sObject): string {
  return `${obj.kind}/${obj.name ?? '(unnamed)'}`;
}

function toObject(
  value: unknown,
  doc: YamlDocument,
  base: KeyPath,
): K8sObject | undefined {
  if (!isObject(value)) return undefined;
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return undefined;
  }
  const slash = apiVersion.lastIndexOf('/');
  const name = value.metadata?.name;
  return {
    apiVersion,
    kind,
    group: slash === -1 ? '' : apiVersion.slice(0, slash),
    name: typeof name === 'string' ? name : undefined,
    value,
    doc,
    base,
  };
}

/**
 * Every object with apiVersion and kind in the tree's YAML documents; items
 * of a `kind: List` are expanded. Documents without both are skipped.
 */
export function findK8sObjects(tree: RepositoryTree): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of tree.yamlDocuments()) {
    const obj = toObject(doc.value, doc, []);
    if (!obj) continue;
    if (obj.kind === 'List' && Array.isArray(obj.value.items)) {
      obj.value.items.forEach((item: unknown, i: number) => {
        const child = toObject(item, doc, ['items', i]);
        if (child) objects.push(child);
      });
      continue;
    }
    objects.push(obj);
  }
  return objects;
}

/** Whether an object is of one of the kinds in a group (`''` = core). */
export function isKind(
  obj: K8sObject,
  groups: string | string[],
  ...kinds: string[]
): boolean {
  const groupList = Array.isArray(groups) ? groups : [groups];
  return groupList.includes(obj.group) && kinds.includes(obj.kind);
}

/** Where the pod template sits in each pod-template kind. */
const POD_TEMPLATE_PATHS: Array<{
  groups: string[];
  kinds: string[];
  path: KeyPath;
}> = [
  {
    groups: ['apps', 'extensions'],
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
    path: ['spec', 'template'],
  },
  { groups: ['batch'], kinds: ['Job'], path: ['spec', 'template'] },
  {
    groups: ['batch'],
    kinds: ['CronJob'],
    path: ['spec', 'jobTemplate', 'spec', 'template'],
  },
  {
    groups: ['serving.knative.dev'],
    kinds: ['Service'],
    path: ['spec', 'template'],
  },
  { groups: ['argoproj.io'], kinds: ['Rollout'], path: ['spec', 'template'] },
];

/** One container of a pod template, with its key path in the owner object. */
export interface ContainerRef {
  name: string;
  value: Record<string, any>;
  path: KeyPath;
  init: boolean;
}

/** A workload: an object with a pod template (or an Argo `workloadRef`). */
export interface Workload {
  obj: K8sObject;
  /** Key path of the pod template within the object. */
  templatePath: KeyPath;
  /** The pod template, when the object has one. */
  template?: Record<string, any>;
  /** False for Jobs and CronJobs, which run to completion. */
  longRunning: boolean;
  /** Knative Services are request-driven and scale by themselves. */
  knative: boolean;
  /** For an Argo Rollout that takes over an existing Deployment. */
  workloadRef?: { kind?: string; name?: string };
}

/** Finds the pod-template workloads among the objects. */
export function findWorkloads(objects: K8sObject[]): Workload[] {
  const workloads: Workload[] = [];
  for (const obj of objects) {
    const entry = POD_TEMPLATE_PATHS.find(e =>
      isKind(obj, e.groups, ...e.kinds),
    );
    if (!entry) continue;
    const template = getPath(obj.value, entry.path);
    const ref = getPath(obj.value, ['spec', 'workloadRef']);
    workloads.push({
      obj,
      templatePath: entry.path,
      template: isObject(template) ? template : undefined,
      longRunning: obj.group !== 'batch',
      knative: obj.group === 'serving.knative.dev',
      workloadRef:
        obj.kind === 'Rollout' && isObject(ref)
          ? { kind: ref.kind, name: ref.name }
          : undefined,
    });
  }
  return workloads;
}

/** Containers of a workload's pod template (init containers flagged). */
export function containersOf(workload: Workload): ContainerRef[] {
  const spec = workload.template?.spec;
  if (!isObject(spec)) return [];
  const result: ContainerRef[] = [];
  for (const [key, init] of [
    ['containers', false],
    ['initContainers', true],
  ] as const) {
    asArray(spec[key]).forEach((value, i) => {
      if (!isObject(value)) return;
      result.push({
        name: typeof value.name === 'string' ? value.name : `#${i}`,
        value,
        path: [...workload.templatePath, 'spec', key, i],
        init,
      });
    });
  }
  return result;
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
): Record<string, any> {
  const pod = isObject(podSecurityContext) ? podSecurityContext : {};
  const container = isObject(containerSecurityContext)
    ? containerSecurityContext
    : {};
  const result: Record<string, any> = {};
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

/** Annotations of a workload's pod template. */
export function templateAnnotations(workload: Workload): Record<string, any> {
  const annotations = workload.template?.metadata?.annotations;
  return isObject(annotations) ? annotations : {};
}
