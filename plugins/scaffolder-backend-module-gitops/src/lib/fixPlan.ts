import {
  arr,
  basename,
  dirname,
  get,
  K8sObject,
  KubernetesEvidence,
  RepositoryTree,
  resolveInTree,
  str,
} from '@cloud-native-portal/plugin-maturity-node';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

/** The fixes `gitops:plan-fix` knows, each the piece of one maturity check. */
export const FIX_KINDS = [
  'pod-disruption-budget',
  'default-deny-network-policy',
  'codeowners',
  'opentelemetry',
  'base-image-digests',
] as const;

/** One fix `gitops:plan-fix` can plan. */
export type FixKind = (typeof FIX_KINDS)[number];

/** The maturity check each fix makes pass. */
export const FIX_CHECKS: Record<FixKind, string> = {
  'pod-disruption-budget': 'scale-pdb',
  'default-deny-network-policy': 'sec-network-default-deny',
  codeowners: 'owner-codeowners-match',
  opentelemetry: 'obs-tracing',
  'base-image-digests': 'delivery-base-images-pinned',
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

/** Why a plan changes nothing when every change it found needs a person. */
export const BY_HAND =
  'Nothing the portal can add safely; the notes say what to do by hand.';

/** What one fix plans, before planFix adds the kind and sorts the paths. */
export type FixPart = Omit<FixPlan, 'fix' | 'checkId' | 'added' | 'modified'>;

/** A registry manifest digest (sha256:…) for an image reference. */
export type DigestResolver = (image: string) => Promise<string>;

/** What some fixes need beyond the repository. */
export interface FixInputs {
  /** Paths the repository has but that were not copied; never written. */
  skippedPaths?: string[];
  /**
   * codeowners: the owner tokens (e.g. `@org/team`) the default CODEOWNERS
   * rule must name for the catalog owner.
   */
  codeowners?: string[];
  /** opentelemetry: the OTLP endpoint the workloads export traces to. */
  otlpEndpoint?: string;
  /** base-image-digests: looks up the digest an image tag points at. */
  resolveDigest?: DigestResolver;
}

export const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;

export function inDir(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

export function label(object: K8sObject): string {
  return `${object.kind} ${object.name || '(unnamed)'} (${object.doc.path})`;
}

export function isUnder(path: string, dirs: string[]): boolean {
  return dirs.some(d => path === d || path.startsWith(`${d}/`));
}

/**
 * Edits of kustomization files: each is parsed once with the YAML Document
 * API and printed once, so comments and layout stay.
 */
export class KustomizationEdits {
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
export interface Placement {
  dir: string;
  kustomizations: string[];
}

/**
 * The kustomizations a file added beside `workload` must be listed in: the
 * ones that list the workload's file. A blocking reason when one of them
 * cannot be edited.
 */
export function placementOf(
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

export function relativeTo(fromDir: string, path: string): string {
  if (!fromDir) return path;
  const from = fromDir.split('/');
  const to = path.split('/');
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  return [...from.slice(i).map(() => '..'), ...to.slice(i)].join('/');
}

/** A file the plan must not write: present, not read, or kept by the caller. */
export function blocked(
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

export function header(comment: string): string {
  return `# ${comment}\n`;
}

export function helmNotes(
  kubernetes: KubernetesEvidence,
  what: string,
): string[] {
  return kubernetes.helmCharts.map(
    dir =>
      `Helm chart ${
        dir || '(repository root)'
      }: add the ${what} to the chart's templates by hand`,
  );
}

export function gapNotes(kubernetes: KubernetesEvidence): string[] {
  return kubernetes.gaps.map(g => `Not read: ${g.note ?? g.path}`);
}
