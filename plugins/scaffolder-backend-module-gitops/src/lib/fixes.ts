import { DEFAULT_MATURITY_MODEL } from '@cloud-native-portal/plugin-maturity-common';
import {
  arr,
  basename,
  dirname,
  get,
  isDefaultDenyNetworkPolicy,
  isObj,
  K8sObject,
  KubernetesEvidence,
  objectsOf,
  readKubernetes,
  RepositoryTree,
  resolveInTree,
  str,
  Workload,
} from '@cloud-native-portal/plugin-maturity-node';
import { createTwoFilesPatch } from 'diff';
import { isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';

/** The fixes `gitops:plan-fix` knows, each the piece of one maturity check. */
export const FIX_KINDS = [
  'pod-disruption-budget',
  'default-deny-network-policy',
] as const;

/** One fix `gitops:plan-fix` can plan. */
export type FixKind = (typeof FIX_KINDS)[number];

/** The maturity check each fix makes pass. */
export const FIX_CHECKS: Record<FixKind, string> = {
  'pod-disruption-budget': 'scale-pdb',
  'default-deny-network-policy': 'sec-network-default-deny',
};

/** Why a plan changes nothing. */
export type UnchangedReason =
  | 'already fixed'
  | 'no workloads'
  | 'needs a change by hand';

/** What a fix adds to and changes in a repository. */
export interface FixPlan {
  fix: FixKind;
  checkId: string;
  /** Path → the full new content of each added or modified file. */
  files: Map<string, string>;
  added: string[];
  modified: string[];
  /** What the plan could not do, or what a reviewer should know. */
  notes: string[];
  /** One line per added or modified file, for the summary. */
  changes: Array<{ path: string; what: string }>;
  /** When nothing changes, why. */
  reason?: UnchangedReason;
  /** A sentence saying why nothing changes. */
  unchanged?: string;
}

const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;

function inDir(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

function label(object: K8sObject): string {
  return `${object.kind} ${object.name || '(unnamed)'} (${object.doc.path})`;
}

function ownNamespace(object: K8sObject): string | undefined {
  return str(get(object.value, 'metadata', 'namespace'));
}

function isUnder(path: string, dirs: string[]): boolean {
  return dirs.some(d => path === d || path.startsWith(`${d}/`));
}

/** Whether a label selector (matchLabels and matchExpressions) selects labels. */
function selectorSelects(
  selector: unknown,
  labels: Record<string, string>,
): boolean {
  // policy/v1: a null selector selects no pods, an empty one every pod.
  if (!isObj(selector)) return false;
  const matchLabels = get(selector, 'matchLabels');
  if (isObj(matchLabels)) {
    for (const [k, v] of Object.entries(matchLabels)) {
      if (labels[k] !== String(v)) return false;
    }
  }
  for (const expr of arr(get(selector, 'matchExpressions'))) {
    const key = str(get(expr, 'key'));
    if (!key) return false;
    const values = arr(get(expr, 'values')).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (str(get(expr, 'operator'))) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * Edits of kustomization files: each is parsed once with the YAML Document
 * API and printed once, so comments and layout stay.
 */
class KustomizationEdits {
  private readonly docs = new Map<string, ReturnType<typeof parseDocument>>();
  constructor(private readonly tree: RepositoryTree) {}

  /** Kustomization file paths of a directory, as the tree has them. */
  kustomizationsIn(dir: string): string[] {
    return this.tree
      .files()
      .filter(p => dirname(p) === dir && KUSTOMIZATION.test(basename(p)));
  }

  /**
   * The kustomization files listing `file` (in resources, bases or
   * components), as parsed by the repository evidence.
   */
  listing(file: string): string[] {
    const out: string[] = [];
    for (const doc of this.tree.yamlDocuments()) {
      if (!KUSTOMIZATION.test(basename(doc.path))) continue;
      const dir = dirname(doc.path);
      const refs = ['resources', 'bases', 'components'].flatMap(key =>
        arr(get(doc.value, key)).map(str),
      );
      if (
        refs.some(ref => ref !== undefined && resolveInTree(dir, ref) === file)
      ) {
        out.push(doc.path);
      }
    }
    return out;
  }

  /**
   * Why a kustomization cannot be edited (unparsable, not read), or
   * undefined when it can.
   */
  problem(path: string): string | undefined {
    const text = this.tree.readText(path);
    if (text === undefined) {
      const skipped = this.tree.skipped().find(s => s.path === path);
      return `${path} was not read${skipped ? ` (${skipped.reason})` : ''}`;
    }
    const doc = this.docs.get(path) ?? parseDocument(text);
    if (doc.errors.length > 0) {
      return `${path} could not be parsed as YAML: ${
        doc.errors[0].message.split('\n')[0]
      }`;
    }
    const resources = doc.get('resources', true);
    if (!isMap(doc.contents) || (resources && !isSeq(resources))) {
      return `${path} has no resources list the portal can add to`;
    }
    return undefined;
  }

  /** Appends a resource entry (relative to the kustomization's directory). */
  add(path: string, entry: string) {
    let doc = this.docs.get(path);
    if (!doc) {
      doc = parseDocument(this.tree.readText(path) ?? '');
      this.docs.set(path, doc);
    }
    const resources = doc.get('resources', true);
    if (isSeq(resources)) {
      if (
        !resources.items.some(i => isScalar(i) && String(i.value) === entry)
      ) {
        resources.add(doc.createNode(entry));
      }
    } else {
      doc.set('resources', doc.createNode([entry]));
    }
  }

  /** The edited files, path → new text. */
  edited(): Map<string, string> {
    return new Map([...this.docs].map(([p, d]) => [p, d.toString()]));
  }
}

/** Where a new manifest beside a workload goes, and which kustomizations list it. */
interface Placement {
  dir: string;
  kustomizations: string[];
}

/**
 * The kustomizations a file added beside `workload` must be listed in: the
 * ones that list the workload's file. A blocking reason when one of them
 * cannot be edited.
 */
function placementOf(
  edits: KustomizationEdits,
  workload: K8sObject,
  skippedPaths: string[],
): Placement | { problem: string } {
  const dir = dirname(workload.doc.path);
  // A kustomization the portal did not copy may list the workload.
  const notCopied = skippedPaths.find(
    p => dirname(p) === dir && KUSTOMIZATION.test(basename(p)),
  );
  if (notCopied) return { problem: `${notCopied} was not copied` };
  const listing = edits.listing(workload.doc.path);
  // A kustomization beside the workload that could not be parsed may list it.
  for (const path of [
    ...new Set([...listing, ...edits.kustomizationsIn(dir)]),
  ]) {
    const problem = edits.problem(path);
    if (problem) return { problem };
  }
  return { dir, kustomizations: listing };
}

function relativeTo(fromDir: string, path: string): string {
  if (!fromDir) return path;
  const from = fromDir.split('/');
  const to = path.split('/');
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  return [...from.slice(i).map(() => '..'), ...to.slice(i)].join('/');
}

/** A file the plan must not write: present, not read, or kept by the caller. */
function blocked(
  tree: RepositoryTree,
  path: string,
  skippedPaths: string[],
  planned: Map<string, string>,
): string | undefined {
  if (planned.has(path)) return `${path} is planned already`;
  if (tree.has(path)) return `${path} exists already`;
  if (tree.skipped().some(s => s.path === path)) {
    return `${path} exists and was not read`;
  }
  if (isUnder(path, skippedPaths)) return `${path} was not copied`;
  return undefined;
}

function header(comment: string): string {
  return `# ${comment}\n`;
}

function helmNotes(kubernetes: KubernetesEvidence, what: string): string[] {
  return kubernetes.helmCharts.map(
    dir =>
      `Helm chart ${
        dir || '(repository root)'
      }: add the ${what} to the chart's templates by hand`,
  );
}

function gapNotes(kubernetes: KubernetesEvidence): string[] {
  return kubernetes.gaps.map(g => `Not read: ${g.note ?? g.path}`);
}

function planPodDisruptionBudgets(
  tree: RepositoryTree,
  kubernetes: KubernetesEvidence,
  skippedPaths: string[],
): Omit<FixPlan, 'fix' | 'checkId' | 'added' | 'modified'> {
  const files = new Map<string, string>();
  const changes: FixPlan['changes'] = [];
  const notes: string[] = [];
  const edits = new KustomizationEdits(tree);
  const pdbs = objectsOf(kubernetes, 'policy', 'PodDisruptionBudget');
  const workloads = kubernetes.workloads.filter(
    w =>
      w.object.group === 'apps' &&
      ['Deployment', 'StatefulSet'].includes(w.object.kind),
  );
  let covered = 0;
  for (const w of workloads) {
    const o = w.object;
    if (
      pdbs.some(
        p =>
          p.namespaces.some(ns => o.namespaces.includes(ns)) &&
          selectorSelects(get(p.value, 'spec', 'selector'), w.podLabels),
      )
    ) {
      covered++;
      continue;
    }
    if (!o.name) {
      notes.push(
        `${label(o)} has no metadata.name; add its PodDisruptionBudget by hand`,
      );
      continue;
    }
    const selector = get(o.value, 'spec', 'selector');
    const matchLabels = get(selector, 'matchLabels');
    const matchExpressions = arr(get(selector, 'matchExpressions'));
    if (
      !(isObj(matchLabels) && Object.keys(matchLabels).length > 0) &&
      matchExpressions.length === 0
    ) {
      notes.push(
        `${label(
          o,
        )} has no spec.selector.matchLabels, so a PodDisruptionBudget cannot select its pods; give it a selector, then run the fix again`,
      );
      continue;
    }
    const placement = placementOf(edits, o, skippedPaths);
    if ('problem' in placement) {
      notes.push(
        `${label(o)}: ${
          placement.problem
        }; add its PodDisruptionBudget by hand`,
      );
      continue;
    }
    const path = inDir(placement.dir, `${o.name}-pdb.yaml`);
    const why = blocked(tree, path, skippedPaths, files);
    if (why) {
      notes.push(`${label(o)}: ${why}; add its PodDisruptionBudget by hand`);
      continue;
    }
    const namespace = ownNamespace(o);
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: {
        name: `${o.name}-pdb`,
        ...(namespace ? { namespace } : {}),
      },
      spec: {
        minAvailable: 1,
        selector: {
          ...(isObj(matchLabels) && Object.keys(matchLabels).length > 0
            ? { matchLabels }
            : {}),
          ...(matchExpressions.length ? { matchExpressions } : {}),
        },
      },
    };
    files.set(
      path,
      header(
        `Keeps at least one pod of ${o.kind} ${o.name} running through node drains and cluster upgrades.`,
      ) + stringify(pdb),
    );
    changes.push({
      path,
      what: `PodDisruptionBudget ${o.name}-pdb (minAvailable: 1) for ${o.kind} ${o.name}`,
    });
    for (const k of placement.kustomizations) {
      edits.add(k, relativeTo(dirname(k), path));
    }
    const replicas = get(o.value, 'spec', 'replicas');
    if (typeof replicas === 'number' && replicas < 2) {
      notes.push(
        `${o.kind} ${o.name} runs ${replicas} replica(s): with minAvailable 1, a node drain waits until another pod runs; consider 2 or more replicas or an autoscaler`,
      );
    }
  }
  notes.push(...helmNotes(kubernetes, 'PodDisruptionBudget'));
  for (const [path, text] of edits.edited()) {
    files.set(path, text);
    changes.push({
      path,
      what: 'lists the new PodDisruptionBudget(s) in resources',
    });
  }
  let reason: UnchangedReason | undefined;
  let unchanged: string | undefined;
  if (files.size === 0) {
    if (workloads.length === 0 && kubernetes.helmCharts.length === 0) {
      reason = 'no workloads';
      unchanged =
        'The repository has no Deployment or StatefulSet the portal can read, so there is nothing to protect.';
    } else if (
      covered === workloads.length &&
      kubernetes.helmCharts.length === 0
    ) {
      reason = 'already fixed';
      unchanged = `Every Deployment and StatefulSet (${covered}) has a PodDisruptionBudget selecting its pods already.`;
    } else {
      reason = 'needs a change by hand';
      unchanged =
        'Nothing the portal can add safely; the notes say what to do by hand.';
    }
  }
  notes.push(...gapNotes(kubernetes));
  return { files, changes, notes, reason, unchanged };
}

function planDefaultDeny(
  tree: RepositoryTree,
  kubernetes: KubernetesEvidence,
  skippedPaths: string[],
): Omit<FixPlan, 'fix' | 'checkId' | 'added' | 'modified'> {
  const files = new Map<string, string>();
  const changes: FixPlan['changes'] = [];
  const notes: string[] = [];
  const edits = new KustomizationEdits(tree);
  const policies = objectsOf(kubernetes, 'networking.k8s.io', 'NetworkPolicy');
  // Namespaces (effective, as the zero-trust control reads them) that have
  // a default-deny NetworkPolicy, or will have one with this plan. Manifests
  // that set no namespace are applied wherever they are pointed: those are
  // covered per directory.
  const denied = new Set<string>();
  const deniedUnset = new Set<string>();
  const deny = (ns: string, dir: string) =>
    ns === '' ? deniedUnset.add(dir) : denied.add(ns);
  const isDenied = (ns: string, dir: string) =>
    ns === '' ? deniedUnset.has(dir) : denied.has(ns);
  for (const p of policies.filter(x => isDefaultDenyNetworkPolicy(x))) {
    for (const ns of p.namespaces) deny(ns, dirname(p.doc.path));
  }
  const workloads: Workload[] = kubernetes.podTemplates;
  const seen = new Set<string>();
  for (const w of workloads) {
    const o = w.object;
    const dir = dirname(o.doc.path);
    const missing = o.namespaces.filter(ns => !isDenied(ns, dir));
    if (missing.length === 0) continue;
    const placement = placementOf(edits, o, skippedPaths);
    if ('problem' in placement) {
      notes.push(
        `${label(o)}: ${
          placement.problem
        }; add a default-deny NetworkPolicy for it by hand`,
      );
      continue;
    }
    const namespace = ownNamespace(o);
    const key = `${placement.dir}\0${namespace ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const clash = policies.find(
      p =>
        p.name === 'default-deny' &&
        p.namespaces.some(
          ns =>
            missing.includes(ns) && (ns !== '' || dirname(p.doc.path) === dir),
        ),
    );
    if (clash) {
      notes.push(
        `${label(
          clash,
        )} is named default-deny but does not deny all ingress and egress (podSelector {} with policyTypes Ingress and Egress and no allow-all rule); change it by hand`,
      );
      continue;
    }
    const taken = [...files.keys()].some(
      p =>
        dirname(p) === placement.dir &&
        basename(p).startsWith('default-deny-network-policy'),
    );
    const path = inDir(
      placement.dir,
      taken && namespace
        ? `default-deny-network-policy-${namespace}.yaml`
        : 'default-deny-network-policy.yaml',
    );
    const why = blocked(tree, path, skippedPaths, files);
    if (why) {
      notes.push(
        `${label(o)}: ${why}; add a default-deny NetworkPolicy for it by hand`,
      );
      continue;
    }
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'default-deny',
        ...(namespace ? { namespace } : {}),
      },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    };
    files.set(
      path,
      header(
        'Denies all ingress and egress of every pod in the namespace; add NetworkPolicies that allow the traffic the service needs (DNS egress included).',
      ) + stringify(policy),
    );
    const where = o.namespaces.filter(Boolean);
    changes.push({
      path,
      what: `NetworkPolicy default-deny${
        where.length ? ` in ${where.join(', ')}` : ''
      } (all ingress and egress denied)`,
    });
    for (const k of placement.kustomizations) {
      edits.add(k, relativeTo(dirname(k), path));
    }
    // Listed beside the workload, it gets the workload's namespaces.
    for (const ns of o.namespaces) deny(ns, placement.dir);
  }
  if (files.size > 0) {
    notes.push(
      'Default deny blocks all traffic, DNS included, until allow rules exist: add NetworkPolicies for the traffic the service needs before merging',
    );
  }
  notes.push(...helmNotes(kubernetes, 'default-deny NetworkPolicy'));
  for (const [path, text] of edits.edited()) {
    files.set(path, text);
    changes.push({ path, what: 'lists the new NetworkPolicy in resources' });
  }
  let reason: UnchangedReason | undefined;
  let unchanged: string | undefined;
  if (files.size === 0) {
    if (workloads.length === 0 && kubernetes.helmCharts.length === 0) {
      reason = 'no workloads';
      unchanged =
        'The repository has no workloads the portal can read, so there is no namespace to protect.';
    } else if (
      workloads.every(w =>
        w.object.namespaces.every(ns =>
          isDenied(ns, dirname(w.object.doc.path)),
        ),
      ) &&
      kubernetes.helmCharts.length === 0
    ) {
      reason = 'already fixed';
      unchanged =
        'Every namespace of the workloads has a default-deny NetworkPolicy already.';
    } else {
      reason = 'needs a change by hand';
      unchanged =
        'Nothing the portal can add safely; the notes say what to do by hand.';
    }
  }
  notes.push(...gapNotes(kubernetes));
  return { files, changes, notes, reason, unchanged };
}

/**
 * Plans one fix over a repository tree, from the same repository evidence
 * the maturity and zero-trust checks read: the files to add (a manifest
 * beside each workload that lacks it) and the kustomizations to list them
 * in. Never changes a file that could not be read or parsed, nor one under
 * `skippedPaths`; what it cannot do is in the notes.
 */
export function planFix(
  tree: RepositoryTree,
  fix: FixKind,
  options: { skippedPaths?: string[] } = {},
): FixPlan {
  const kubernetes = readKubernetes(tree);
  const skippedPaths = (options.skippedPaths ?? []).map(p =>
    p.replace(/^\/+|\/+$/g, ''),
  );
  const part =
    fix === 'pod-disruption-budget'
      ? planPodDisruptionBudgets(tree, kubernetes, skippedPaths)
      : planDefaultDeny(tree, kubernetes, skippedPaths);
  // A kustomization under skippedPaths is never written either.
  for (const path of [...part.files.keys()]) {
    if (isUnder(path, skippedPaths)) {
      part.files.delete(path);
      part.notes.push(`${path} was not copied; change it by hand`);
    }
  }
  const paths = [...part.files.keys()].sort();
  return {
    fix,
    checkId: FIX_CHECKS[fix],
    ...part,
    added: paths.filter(p => !tree.has(p)),
    modified: paths.filter(p => tree.has(p)),
  };
}

/** A unified diff of every added or modified file against the repository. */
export function planDiff(tree: RepositoryTree, plan: FixPlan): string {
  return [...plan.added, ...plan.modified]
    .sort()
    .map(path => {
      const before = tree.readText(path);
      return createTwoFilesPatch(
        before === undefined ? '/dev/null' : `a/${path}`,
        `b/${path}`,
        before ?? '',
        plan.files.get(path)!,
        undefined,
        undefined,
        { context: 3 },
      );
    })
    .join('');
}

/**
 * Notes the summary lists; the rest are in the task log. Keeps the summary
 * well under GitHub's 65,536-character limit on a pull request body.
 */
const MAX_SUMMARY_NOTES = 50;

/** The plan in Markdown, for a pull request body. */
export function planSummary(plan: FixPlan): string {
  const check = DEFAULT_MATURITY_MODEL.checks.find(c => c.id === plan.checkId);
  const title = check?.title ?? plan.checkId;
  const lines = [
    `Fixes the maturity check **${title}** (\`${plan.checkId}\`).${
      check?.why ? ` ${check.why}` : ''
    }`,
    '',
  ];
  if (plan.files.size === 0) {
    lines.push(`Nothing to change: ${plan.unchanged ?? plan.reason}`);
  } else {
    if (plan.added.length) {
      lines.push('### Adds');
      for (const c of plan.changes.filter(x => plan.added.includes(x.path))) {
        lines.push(`- \`${c.path}\`: ${c.what}`);
      }
      lines.push('');
    }
    if (plan.modified.length) {
      lines.push('### Changes');
      for (const c of plan.changes.filter(x =>
        plan.modified.includes(x.path),
      )) {
        lines.push(`- \`${c.path}\`: ${c.what}`);
      }
      lines.push('');
    }
  }
  if (plan.notes.length) {
    const shown = plan.notes.slice(0, MAX_SUMMARY_NOTES);
    lines.push('', '### Notes', ...shown.map(n => `- ${n.slice(0, 500)}`));
    if (plan.notes.length > shown.length) {
      lines.push(
        `- … and ${plan.notes.length - shown.length} more, in the task log`,
      );
    }
  }
  return `${lines.join('\n').trim()}\n`;
}
