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
  str,
  Workload,
} from '@cloud-native-portal/plugin-maturity-node';
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { planCodeowners } from './fixCodeowners';
import { planDigestPins } from './fixDigests';
import {
  BY_HAND,
  blocked,
  FIX_CHECKS,
  FixInputs,
  FixKind,
  FixPart,
  FixPlan,
  gapNotes,
  header,
  helmNotes,
  inDir,
  isUnder,
  KustomizationEdits,
  label,
  placementOf,
  relativeTo,
  UnchangedReason,
} from './fixPlan';
import { planTracing } from './fixTracing';

export * from './fixPlan';

function ownNamespace(object: K8sObject): string | undefined {
  return str(get(object.value, 'metadata', 'namespace'));
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

function planPodDisruptionBudgets(
  tree: RepositoryTree,
  kubernetes: KubernetesEvidence,
  skippedPaths: string[],
): FixPart {
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
      unchanged = BY_HAND;
    }
  }
  notes.push(...gapNotes(kubernetes));
  return { files, changes, notes, reason, unchanged };
}

function planDefaultDeny(
  tree: RepositoryTree,
  kubernetes: KubernetesEvidence,
  skippedPaths: string[],
): FixPart {
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
      unchanged = BY_HAND;
    }
  }
  notes.push(...gapNotes(kubernetes));
  return { files, changes, notes, reason, unchanged };
}

type FixPlanner = (
  tree: RepositoryTree,
  kubernetes: KubernetesEvidence,
  skippedPaths: string[],
  inputs: FixInputs,
) => FixPart | Promise<FixPart>;

const PLANNERS: Record<FixKind, FixPlanner> = {
  'pod-disruption-budget': (tree, kubernetes, skipped) =>
    planPodDisruptionBudgets(tree, kubernetes, skipped),
  'default-deny-network-policy': (tree, kubernetes, skipped) =>
    planDefaultDeny(tree, kubernetes, skipped),
  codeowners: (tree, _kubernetes, skipped, inputs) =>
    planCodeowners(tree, skipped, inputs.codeowners),
  opentelemetry: (tree, kubernetes, skipped, inputs) =>
    planTracing(tree, kubernetes, skipped, inputs.otlpEndpoint),
  'base-image-digests': (tree, _kubernetes, skipped, inputs) =>
    planDigestPins(tree, skipped, inputs.resolveDigest),
};

/**
 * Plans one fix over a repository tree, from the same repository evidence
 * the maturity and zero-trust checks read: the files to add (a manifest
 * beside each workload that lacks it) and the files to change. Never
 * changes a file that could not be read or parsed, nor one under
 * `skippedPaths`; what it cannot do is in the notes.
 */
export async function planFix(
  tree: RepositoryTree,
  fix: FixKind,
  inputs: FixInputs = {},
): Promise<FixPlan> {
  const kubernetes = readKubernetes(tree);
  const skippedPaths = (inputs.skippedPaths ?? []).map(p =>
    p.replace(/^\/+|\/+$/g, ''),
  );
  const part = await PLANNERS[fix](tree, kubernetes, skippedPaths, inputs);
  // A file under skippedPaths is never written either.
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
