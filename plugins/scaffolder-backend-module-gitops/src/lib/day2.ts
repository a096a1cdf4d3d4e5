import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import { dirname, join, relative, isAbsolute } from 'path';
import { parseAllDocuments, parseDocument } from 'yaml';
import {
  compareTemplateVersions,
  parseTemplateVersion,
  readTemplateRecordRef,
  TEMPLATE_RECORD_PATH,
} from '@cloud-native-portal/plugin-maturity-node';
import { listFiles } from './files';
import {
  ConflictRange,
  describeRanges,
  mergeText,
  packGenerated,
  unmergeable,
  unpackGenerated,
} from './merge';
import {
  AnswerPathSegment,
  parseAnswerPath,
  SECRET_PLACEHOLDER,
} from './secrets';

/** Where generated repositories keep their template record. */
const RECORD_PATH = TEMPLATE_RECORD_PATH;

/** One file of a tree: its content and whether it is executable. */
export interface FileEntry {
  content: Buffer;
  executable: boolean;
}

/** A tree of files read into memory, by `/`-separated relative path. */
export type FileTree = Map<string, FileEntry>;

/** The sha256 of a file's content, as template records list them. */
export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Reads every file under a directory (skipping .git and node_modules). */
export async function readFileTree(root: string): Promise<FileTree> {
  const tree: FileTree = new Map();
  for (const path of await listFiles(root)) {
    const file = join(root, path);
    const [content, stat] = await Promise.all([
      fs.readFile(file),
      fs.stat(file),
    ]);
    tree.set(path, { content, executable: (stat.mode & 0o111) !== 0 });
  }
  return tree;
}

/** Writes some files of a tree under a directory, with their modes. */
export async function writeFiles(
  root: string,
  tree: FileTree,
  paths: string[],
): Promise<void> {
  await fs.mkdir(root, { recursive: true });
  for (const path of paths) {
    const target = resolveSafeChildPath(root, path);
    const entry = tree.get(path)!;
    await fs.mkdir(dirname(target), { recursive: true });
    await fs.writeFile(target, entry.content);
    // writeFile keeps the mode of a file that exists; set it either way.
    await fs.chmod(target, entry.executable ? 0o755 : 0o644);
  }
}

/**
 * Refuses an output directory that is, holds or lies inside one of the
 * input directories: the output is emptied first, which would delete them.
 */
export function assertSeparateOutput(
  outDir: string,
  outputPath: string,
  inputs: Array<[name: string, dir: string]>,
) {
  const within = (parent: string, child: string) => {
    const rel = relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  for (const [name, dir] of inputs) {
    if (within(outDir, dir) || within(dir, outDir)) {
      throw new InputError(
        `outputPath "${outputPath}" overlaps ${name}; it is emptied before the change is written, so give it a directory of its own, e.g. ./change`,
      );
    }
  }
}

/** Whether two files have the same content and mode. */
function sameFile(a: FileEntry, b: FileEntry): boolean {
  return a.executable === b.executable && a.content.equals(b.content);
}

/** Whether a path is one of the paths given, or under one given as `dir/`. */
function isSkipped(path: string, skippedPaths: string[]): boolean {
  return skippedPaths.some(p =>
    p.endsWith('/') ? path.startsWith(p) : path === p,
  );
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
  /** Paths in the repository the plan could not read, left alone. */
  skipped: string[];
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
  for (const [path, { content }] of tree) {
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
export function planAdoption(
  repo: FileTree,
  rendered: FileTree,
  options: { skippedPaths?: string[] } = {},
): AdoptionPlan {
  const files: FileTree = new Map();
  const kept: KeptFile[] = [];
  const notes: string[] = [];
  const skippedPaths = options.skippedPaths ?? [];
  // A skipped path exists in the repository, though its content was not read.
  const has = (path: string) => repo.has(path) || isSkipped(path, skippedPaths);
  const add = (path: string, content?: Buffer) => {
    const value = content ? { content, executable: false } : rendered.get(path);
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
  const ci = [
    ...new Set([...repo.keys(), ...skippedPaths.filter(p => !p.endsWith('/'))]),
  ]
    .filter(isCiFile)
    .sort();
  const renderedCi = rendered.get('.github/workflows/ci.yml')?.content;
  if (renderedCi) {
    const buildsImage = ci.filter(path =>
      IMAGE_BUILD.test(repo.get(path)?.content.toString('utf8') ?? ''),
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
  const skipped = [...skippedPaths].sort();
  if (skippedPaths.length > 0) {
    notes.push(
      `Not read from the repository (symlinks, binary or large files): ${skippedPaths.join(
        ', ',
      )}; the change leaves them as they are.`,
    );
  }
  const record = rendered.get(RECORD_PATH);
  if (record && !has(RECORD_PATH)) {
    files.set(RECORD_PATH, {
      content: Buffer.from(adoptionRecord(record.content, files)),
      executable: false,
    });
  }
  return { files, kept, notes, skipped };
}

/**
 * The record of an adoption: the rendered template's record, but with
 * `adopted: true` and only the files the adoption added, so that an upgrade
 * never treats the repository's own files as generated.
 */
export function adoptionRecord(renderedRecord: Buffer, added: FileTree) {
  const doc = parseDocument(renderedRecord.toString('utf8'));
  if (doc.errors.length > 0) {
    throw new InputError(
      `The golden path's ${RECORD_PATH} is not valid YAML: ${doc.errors[0].message}`,
    );
  }
  doc.set('adopted', true);
  doc.set('files', recordFiles(added));
  doc.set('generated', packGenerated(generatedContents(added)));
  return doc.toString({ lineWidth: 0 });
}

/**
 * The text of each file a record keeps as the base of the next upgrade's
 * three-way merge: every text file up to the merge limit, except the record
 * and any file holding one of `secretValues` (those keep only their sha256,
 * and an upgrade does not merge them).
 */
export function generatedContents(
  tree: FileTree,
  secretValues: string[] = [],
): Record<string, string> {
  const secrets = secretValues.filter(v => v.length > 0);
  const out: Record<string, string> = {};
  for (const path of [...tree.keys()].sort()) {
    const { content } = tree.get(path)!;
    if (path === RECORD_PATH || unmergeable(content)) continue;
    const text = content.toString('utf8');
    if (secrets.some(secret => text.includes(secret))) continue;
    out[path] = text;
  }
  return out;
}

/** The `files` of a record: each path's sha256, the record itself left out. */
export function recordFiles(tree: FileTree): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of [...tree.keys()].sort()) {
    if (path !== RECORD_PATH) out[path] = sha256(tree.get(path)!.content);
  }
  return out;
}

/** One file of an upgrade. */
export interface UpgradeChange {
  path: string;
  status: 'added' | 'changed' | 'removed';
  /** For a changed file whose content is the same: what else changed. */
  detail?: string;
  /** Set when the file is a three-way merge of the service's and the template's changes. */
  merged?: boolean;
  /** Where the merge wrote conflict markers into the file. */
  conflicts?: ConflictRange[];
}

/** A file an upgrade leaves as the repository has it, and why. */
export interface LeftFile {
  path: string;
  reason: string;
  /** Both sides changed it and the change cannot hold both (e.g. deleted by the service, changed by the template). */
  conflict?: boolean;
}

/** What `template-upgrade` proposes for a repository. */
export interface UpgradePlan {
  /** Added and changed files with their new content. */
  files: FileTree;
  changes: UpgradeChange[];
  /** Files the new version renders differently, left as the service has them. */
  leftToService: LeftFile[];
  /** Files the new version no longer renders, kept because the service changed them (or the record cannot tell). */
  notRemoved: LeftFile[];
  /** Paths the repository has but the portal could not read, left alone. */
  skipped: string[];
  /** Rendered paths outside what an adoption manages, not proposed. */
  outOfScope: string[];
  /** The files the new record lists: what this version generates. */
  recordFiles: Record<string, string>;
  /** The new record's packed generated contents: the next upgrade's merge base. */
  recordGenerated: string;
  notes: string[];
}

/** Whether a path is one of the prefixes (`dir/`) or exact paths given. */
export function matchesPaths(path: string, paths: string[]): boolean {
  return paths.some(p => (p.endsWith('/') ? path.startsWith(p) : path === p));
}

/** A short description of how a file differs, for a reviewer. */
export function diffHint(current: FileEntry, next: FileEntry): string {
  if (current.content.equals(next.content)) {
    return `only the mode differs: the new version makes it ${
      next.executable ? 'executable' : 'not executable'
    }`;
  }
  const lines = (b: Buffer) => b.toString('utf8').split('\n');
  const before = lines(current.content);
  const after = lines(next.content);
  let first = 0;
  while (
    first < before.length &&
    first < after.length &&
    before[first] === after[first]
  ) {
    first++;
  }
  const count = new Map<string, number>();
  for (const line of before) count.set(line, (count.get(line) ?? 0) + 1);
  let added = 0;
  for (const line of after) {
    const n = count.get(line) ?? 0;
    if (n > 0) count.set(line, n - 1);
    else added++;
  }
  const removed = [...count.values()].reduce((a, b) => a + b, 0);
  return `the new version differs by +${added}/−${removed} line(s), from line ${
    first + 1
  }`;
}

// Top-level directories whose files an adoption manages as a whole; an
// adopted repository's .github/ holds its own CI, so only the recorded files
// count there, as for files at the root.
function adoptedDirectories(recorded: Record<string, string>): Set<string> {
  return new Set(
    Object.keys(recorded)
      .filter(p => p.includes('/'))
      .map(p => p.split('/')[0])
      .filter(dir => dir !== '.github'),
  );
}

/**
 * The part of a rendering an adopted repository takes: the recorded files,
 * with the delivery workflow derived from the rendered CI as the adoption
 * did, and new files under the directories the adoption added.
 */
function adoptedView(
  rendered: FileTree,
  recorded: Record<string, string>,
): { view: FileTree; outOfScope: string[] } {
  const view: FileTree = new Map();
  const outOfScope: string[] = [];
  const dirs = adoptedDirectories(recorded);
  for (const [path, entry] of rendered) {
    if (Object.hasOwn(recorded, path) || dirs.has(path.split('/')[0])) {
      view.set(path, entry);
    } else if (path !== RECORD_PATH) {
      outOfScope.push(path);
    }
  }
  const delivery = '.github/workflows/delivery.yml';
  const ci = rendered.get('.github/workflows/ci.yml');
  if (Object.hasOwn(recorded, delivery) && !view.has(delivery) && ci) {
    view.set(delivery, {
      content: Buffer.from(deliveryWorkflow(ci.content.toString('utf8'))),
      executable: false,
    });
  }
  return { view, outOfScope: outOfScope.sort() };
}

/**
 * Compares a re-rendered template with a repository generated from an
 * older version, three ways, using the record's `files` (the sha256 of each
 * file as generated) and `generated` (the text of each file as generated,
 * the merge base):
 *
 * - rendered and not in the repository: added (unless the service deleted a
 *   generated file, which stays deleted; a conflict when the template
 *   changed it since);
 * - rendered, in the repository as generated, and different now: changed;
 * - rendered and different, changed by the service since generation, with
 *   its generated text recorded: merged three ways (base: as generated,
 *   ours: the repository's, theirs: the new rendering) with node-diff3; the
 *   changes of both apply, and where both changed the same lines the file
 *   gets conflict markers, which `conflicts` lists with their lines. A file
 *   the merge would leave holding one of `secretValues` is not proposed;
 * - the same without a recorded base (an older record), binary or larger
 *   than the merge limit, or never generated: left to the service, with a
 *   short hint;
 * - generated, no longer rendered and as generated: removed; changed by the
 *   service: reported only.
 *
 * Records without `files` (older ones) never remove anything and change only
 * files under `managedPaths`. `servicePaths` are always left to the service
 * (the hint says whether a merge would be clean); `skippedPaths` (in the
 * repository but not read) are never touched. For an adopted repository
 * only the recorded files and new files under the directories the adoption
 * added are considered.
 */
export function planUpgrade(
  repo: FileTree,
  rendered: FileTree,
  options: {
    servicePaths?: string[];
    managedPaths?: string[];
    skippedPaths?: string[];
    /** The record's `files`; undefined for a record without them. */
    recordedFiles?: Record<string, string>;
    /** The record's packed `generated` contents; undefined in older records. */
    recordedGenerated?: string;
    adopted?: boolean;
    /** The version upgraded to, for the conflict markers. */
    toVersion?: string;
    /** Secret answers no proposed file may hold. */
    secretValues?: string[];
  } = {},
): UpgradePlan {
  const servicePaths = options.servicePaths ?? [];
  const managedPaths = options.managedPaths ?? [];
  const skippedPaths = options.skippedPaths ?? [];
  const recorded = options.recordedFiles;
  const files: FileTree = new Map();
  const changes: UpgradeChange[] = [];
  const leftToService: LeftFile[] = [];
  const notRemoved: LeftFile[] = [];
  const skipped: string[] = [];
  const notes: string[] = [];

  let view = new Map(rendered);
  view.delete(RECORD_PATH);
  let outOfScope: string[] = [];
  if (options.adopted && recorded) {
    ({ view, outOfScope } = adoptedView(view, recorded));
  }
  if (!recorded) {
    notes.push(
      `The record has no file list (it predates it), so the upgrade removes nothing and changes only files under ${
        managedPaths.join(', ') || 'no managed path'
      }; the new record lists the files, for the next upgrade.`,
    );
  }
  const secretValues = (options.secretValues ?? []).filter(v => v.length > 0);
  // The merge base: each generated file's text, checked against its sha256.
  let bases = new Map<string, string>();
  if (recorded && options.recordedGenerated === undefined) {
    notes.push(
      'The record holds no generated contents (it predates merging upgrades), so files the service changed are listed, not merged; the new record holds them, for the next upgrade.',
    );
  } else if (recorded && options.recordedGenerated !== undefined) {
    try {
      const unpacked = unpackGenerated(options.recordedGenerated, recorded);
      bases = unpacked.contents;
      if (unpacked.mismatched.length > 0) {
        notes.push(
          `The record's generated contents of ${unpacked.mismatched.join(
            ', ',
          )} do not match its sha256 list, so they are not merged.`,
        );
      }
    } catch (e) {
      notes.push(
        `The record's generated contents are unusable: ${
          (e as Error).message
        }; files the service changed are listed, not merged.`,
      );
    }
  }
  const theirsLabel = `template ${options.toVersion ?? 'new version'}`;
  const holdsSecret = (text: string) =>
    secretValues.some(secret => text.includes(secret));
  /** Merges a file three ways, or says why it cannot. */
  const merge = (
    path: string,
    current: FileEntry,
    next: FileEntry,
  ):
    | { ok: true; text: string; conflicts: ConflictRange[] }
    | { ok: false; why: string } => {
    const why = unmergeable(current.content) ?? unmergeable(next.content);
    if (why) return { ok: false, why };
    const base = bases.get(path);
    if (base === undefined) {
      return { ok: false, why: 'the record holds no generated text of it' };
    }
    const result = mergeText(
      current.content.toString('utf8'),
      base,
      next.content.toString('utf8'),
      { ours: 'repository', theirs: theirsLabel },
    );
    return { ok: true, ...result };
  };
  const wasGenerated = (path: string) =>
    recorded !== undefined && Object.hasOwn(recorded, path);
  const asGenerated = (path: string, entry: FileEntry) =>
    wasGenerated(path) && recorded![path] === sha256(entry.content);

  const paths = new Set([
    ...view.keys(),
    ...(recorded ? Object.keys(recorded) : []),
    ...(recorded ? [] : [...repo.keys()].filter(p => !view.has(p))),
  ]);
  paths.delete(RECORD_PATH);
  for (const path of [...paths].sort()) {
    const next = view.get(path);
    const current = repo.get(path);
    if (isSkipped(path, skippedPaths)) {
      if (next || wasGenerated(path)) skipped.push(path);
      continue;
    }
    const isService = matchesPaths(path, servicePaths);
    if (next) {
      if (!current) {
        const base = bases.get(path);
        if (
          wasGenerated(path) &&
          base !== undefined &&
          !next.content.equals(Buffer.from(base))
        ) {
          leftToService.push({
            path,
            reason: `generated, then deleted by the service, and changed by the template since (${diffHint(
              { content: Buffer.from(base), executable: next.executable },
              next,
            )}); stays deleted: bring it back by hand if the change matters`,
            conflict: true,
          });
        } else if (wasGenerated(path)) {
          leftToService.push({
            path,
            reason: 'generated, then deleted by the service; stays deleted',
          });
        } else if (isService) {
          leftToService.push({
            path,
            reason: 'new in this version, under the service’s own paths',
          });
        } else {
          files.set(path, next);
          changes.push({ path, status: 'added' });
        }
        continue;
      }
      if (sameFile(current, next)) continue;
      const mayChange =
        !isService &&
        (recorded
          ? asGenerated(path, current)
          : matchesPaths(path, managedPaths));
      if (mayChange) {
        files.set(path, next);
        changes.push({
          path,
          status: 'changed',
          ...(current.content.equals(next.content)
            ? { detail: diffHint(current, next) }
            : {}),
        });
        continue;
      }
      const merged = wasGenerated(path)
        ? merge(path, current, next)
        : undefined;
      if (merged?.ok && !isService) {
        if (holdsSecret(merged.text)) {
          leftToService.push({
            path,
            reason:
              'changed by the service since generation; the merge would hold a secret answer, so it is not proposed',
          });
          continue;
        }
        const content = Buffer.from(merged.text);
        // The repository has the template's change already.
        if (content.equals(current.content)) continue;
        files.set(path, { content, executable: current.executable });
        changes.push({
          path,
          status: 'changed',
          merged: true,
          ...(merged.conflicts.length ? { conflicts: merged.conflicts } : {}),
        });
        continue;
      }
      let why: string;
      if (isService) {
        why = 'the service’s own path';
        if (merged?.ok) {
          why += merged.conflicts.length
            ? `; a three-way merge would conflict at line(s) ${describeRanges(
                merged.conflicts,
              )}`
            : '; a three-way merge would apply cleanly';
        }
      } else if (!recorded) why = 'outside the managed paths';
      else if (wasGenerated(path)) {
        why = `changed by the service since generation; not merged: ${
          merged && !merged.ok ? merged.why : 'unreadable'
        }`;
      } else why = 'not generated by the template';
      leftToService.push({
        path,
        reason: `${why}; ${diffHint(current, next)}`,
      });
      continue;
    }
    // No longer rendered.
    if (!current) continue;
    if (!recorded) {
      if (matchesPaths(path, managedPaths) && !isService) {
        notRemoved.push({
          path,
          reason:
            'no longer rendered; the record has no file list to tell whether the service changed it',
        });
      }
      continue;
    }
    if (asGenerated(path, current) && !isService) {
      changes.push({ path, status: 'removed' });
    } else {
      notRemoved.push({
        path,
        reason: isService
          ? 'no longer rendered; the service’s own path'
          : 'no longer rendered; changed by the service since generation',
      });
    }
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : 1));

  // What the new record lists. An adoption keeps listing only its own files
  // and what it adds.
  const recordTree: FileTree = new Map(
    [...view].filter(
      ([path]) =>
        !(options.adopted && recorded) || wasGenerated(path) || files.has(path),
    ),
  );
  return {
    files,
    changes,
    leftToService,
    notRemoved,
    skipped,
    outOfScope,
    recordFiles: recordFiles(recordTree),
    recordGenerated: packGenerated(generatedContents(recordTree, secretValues)),
    notes,
  };
}

/**
 * The new record of an upgrade: the rendered template's record, listing the
 * files of this version the repository takes with their generated contents
 * (the next upgrade's merge base: this version's output, not the merge) and
 * `adopted: true` for an adopted repository.
 */
export function upgradedRecord(
  renderedRecord: Buffer,
  files: Record<string, string>,
  generated: string,
  adopted: boolean,
): Buffer {
  const doc = parseDocument(renderedRecord.toString('utf8'));
  if (doc.errors.length > 0) {
    throw new InputError(
      `The rendered ${RECORD_PATH} is not valid YAML: ${doc.errors[0].message}`,
    );
  }
  if (adopted) doc.set('adopted', true);
  doc.set('files', files);
  doc.set('generated', generated);
  return Buffer.from(doc.toString({ lineWidth: 0 }));
}

/** A parsed `.platform/template.yaml`. */
export interface RecordedTemplate {
  ref: string;
  version: string;
  values: JsonObject;
  excluded: string[];
  /** The sha256 of each generated file; undefined in older records. */
  files?: Record<string, string>;
  /** The packed text of the generated files (the merge base); undefined in older records. */
  generated?: string;
  /** Whether an adoption wrote the record (only `files` were generated). */
  adopted: boolean;
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
  // The template ref, version and adopted flag: the reader the maturity
  // check uses too, so both read the record alike.
  const read = readTemplateRecordRef(text);
  if ('error' in read) throw new InputError(read.error);
  const { ref, version, adopted } = read;
  const record = read.record as any;
  const values = record.values ?? {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new InputError(`${RECORD_PATH}: values is not a mapping`);
  }
  const excluded = record.excluded ?? [];
  if (!Array.isArray(excluded) || excluded.some(e => typeof e !== 'string')) {
    throw new InputError(`${RECORD_PATH}: excluded is not a list of names`);
  }
  for (const path of excluded) {
    try {
      parseAnswerPath(path);
    } catch (e) {
      throw new InputError(`${RECORD_PATH}: excluded ${(e as Error).message}`);
    }
  }
  const files = record.files;
  if (
    files !== undefined &&
    (typeof files !== 'object' ||
      files === null ||
      Array.isArray(files) ||
      Object.values(files).some(
        h => typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h),
      ))
  ) {
    throw new InputError(
      `${RECORD_PATH}: files is not a mapping of path to sha256`,
    );
  }
  const generated = record.generated;
  if (generated !== undefined && typeof generated !== 'string') {
    throw new InputError(
      `${RECORD_PATH}: generated is not the packed text of the generated files`,
    );
  }
  if (adopted && !files) {
    throw new InputError(
      `${RECORD_PATH} says the repository adopted the template but lists no files`,
    );
  }
  return { ref, version, values, excluded, files, generated, adopted };
}

/**
 * Compares two x.y.z versions (maturity-node's compareTemplateVersions, as
 * the check delivery-template-current does): negative when a is older than b.
 */
export function compareVersions(a: string, b: string): number {
  const order = compareTemplateVersions(a, b);
  if (order === undefined) {
    throw new InputError(
      `"${parseTemplateVersion(a) ? b : a}" is not a version of the form x.y.z`,
    );
  }
  return order;
}

/**
 * Puts a secret answer back at its path (as the record's `excluded` lists
 * them: `a.b`, `notify[0]`). Steps only into the answers' own mappings and
 * lists, never into a prototype; a list item must be the placeholder the
 * record left in its place.
 */
export function setAnswer(values: JsonObject, path: string, value: string) {
  const segments: AnswerPathSegment[] = parseAnswerPath(path);
  let node: any = values;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const nextIsIndex = !last && typeof segments[i + 1] === 'number';
    if (typeof segment === 'number') {
      if (!Array.isArray(node)) {
        throw new InputError(
          `The record lists "${path}" as secret, but the answer there is not a list`,
        );
      }
      if (last) {
        if (node[segment] !== SECRET_PLACEHOLDER) {
          throw new InputError(
            `The record lists "${path}" as secret, but its answers hold no placeholder at that position; the record predates list secrets, so generate it again`,
          );
        }
        node[segment] = value;
        return;
      }
      if (
        segment >= node.length ||
        node[segment] === null ||
        typeof node[segment] !== 'object'
      ) {
        throw new InputError(
          `The record lists "${path}" as secret, but the answer has no item ${segment} there`,
        );
      }
      node = node[segment];
      return;
    }
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      throw new InputError(
        `The record lists "${path}" as secret, but the answer there is not a mapping`,
      );
    }
    if (last) {
      Object.defineProperty(node, segment, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return;
    }
    if (!Object.hasOwn(node, segment)) {
      Object.defineProperty(node, segment, {
        value: nextIsIndex ? [] : {},
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    node = node[segment];
  });
}
