import { Composer, isMap, isSeq, LineCounter, Node, Parser } from 'yaml';
import {
  RepositoryTree,
  RepositoryTreeLimits,
  SkippedFile,
  TreeBound,
  TreeBoundReached,
  YamlDocument,
  YamlError,
} from './repository';

/**
 * Default bounds for reading a source tree. Kubernetes manifests get 8 MiB
 * instead of the general 1 MiB per file, because install manifests (CRDs,
 * operators, `kubectl apply -f install.yaml`) are often several MiB and
 * skipping them would leave the workloads in them unjudged.
 */
export const DEFAULT_TREE_LIMITS: Required<RepositoryTreeLimits> = {
  maxFileBytes: 1024 * 1024,
  maxManifestBytes: 8 * 1024 * 1024,
  maxFiles: 5000,
  maxYamlDocuments: 5000,
  maxTotalBytes: 50 * 1024 * 1024,
  maxWalkEntries: 20000,
  maxDepth: 32,
};

/** How many leading bytes of a YAML file are read to tell a Kubernetes manifest by its content. */
export const MANIFEST_SNIFF_BYTES = 4096;

/** One raw file handed to {@link createRepositoryTree}. */
export interface RawTreeFile {
  /** Path relative to the tree root, `/`-separated. */
  path: string;
  content: Buffer;
}

const YAML_FILE = /\.ya?ml$/i;

/** Helm chart templates are Go templates, not YAML, until rendered. */
export function isHelmTemplatePath(path: string, chartDirs: string[]): boolean {
  return chartDirs.some(dir =>
    path.startsWith(dir ? `${dir}/templates/` : 'templates/'),
  );
}

/** Folder names under which YAML files are taken for Kubernetes manifests. */
const MANIFEST_DIRS = new Set([
  'base',
  'bases',
  'deploy',
  'deployment',
  'deployments',
  'install',
  'k8s',
  'kube',
  'kubernetes',
  'kustomize',
  'manifest',
  'manifests',
  'overlay',
  'overlays',
]);

/**
 * Whether a YAML file looks like a Kubernetes manifest, and so gets the
 * higher `maxManifestBytes` bound: it sits in a deployment folder (see
 * `MANIFEST_DIRS`), or its first bytes (`head`) hold top-level `apiVersion:`
 * and `kind:` lines.
 */
export function looksLikeKubernetesManifest(
  path: string,
  head?: string,
): boolean {
  if (!YAML_FILE.test(path)) return false;
  const dirs = path.split('/').slice(0, -1);
  if (dirs.some(dir => MANIFEST_DIRS.has(dir.toLocaleLowerCase('en-US')))) {
    return true;
  }
  if (head === undefined) return false;
  return /^apiVersion:[ \t]*\S/m.test(head) && /^kind:[ \t]*\S/m.test(head);
}

/** The per-file byte bound that applies to a file, by its path and first bytes. */
export function fileByteBound(
  limits: Pick<RepositoryTreeLimits, 'maxFileBytes' | 'maxManifestBytes'>,
  path: string,
  head?: string,
): { bound: TreeBound; limit: number } {
  const manifestLimit =
    limits.maxManifestBytes ?? DEFAULT_TREE_LIMITS.maxManifestBytes;
  if (
    manifestLimit > limits.maxFileBytes &&
    looksLikeKubernetesManifest(path, head)
  ) {
    return { bound: 'maxManifestBytes', limit: manifestLimit };
  }
  return { bound: 'maxFileBytes', limit: limits.maxFileBytes };
}

/** A `too-large` skip entry for a file over its byte bound. */
export function tooLargeFile(
  path: string,
  size: number,
  fileBound: { bound: TreeBound; limit: number },
): SkippedFile {
  return {
    path,
    reason: 'too-large',
    detail: `${size} bytes, over ${fileBound.limit}${
      fileBound.bound === 'maxManifestBytes' ? ' (manifest bound)' : ''
    }`,
    size,
    bound: fileBound.bound,
    limit: fileBound.limit,
  };
}

function looksBinary(content: Buffer): boolean {
  const sample = content.subarray(0, 8000);
  return sample.includes(0);
}

function lineOfNode(
  root: Node | null | undefined,
  path: Array<string | number>,
  lineCounter: LineCounter,
): number | undefined {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (isMap(node)) {
      const pair = node.items.find(
        item => (item.key as any)?.value === key || item.key === key,
      );
      if (!pair) return undefined;
      // The last segment points at its key's line, which is where a reader
      // looks; compare by position, as a key may repeat along the path.
      if (i === path.length - 1 && pair.key) {
        const range = (pair.key as Node).range;
        if (range) return lineCounter.linePos(range[0]).line;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else {
      return undefined;
    }
  }
  const range = (node as Node | undefined)?.range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}

/**
 * Builds a bounded {@link RepositoryTree} from raw files: skips binary and
 * oversized files and anything past the limits, and parses YAML lazily, once,
 * with line numbers. Readers (local directory, UrlReaderService) gather the
 * raw files and hand them here.
 */
export function createRepositoryTree(options: {
  source: string;
  files: RawTreeFile[];
  skipped?: SkippedFile[];
  /** Bounds a reader reached before handing the files over (walk, depth). */
  limitsReached?: TreeBoundReached[];
  limits?: Partial<RepositoryTreeLimits>;
}): RepositoryTree {
  const limits = { ...DEFAULT_TREE_LIMITS, ...options.limits };
  const skipped: SkippedFile[] = [...(options.skipped ?? [])];
  const limitsReached: TreeBoundReached[] = (options.limitsReached ?? []).map(
    l => ({ ...l }),
  );
  const texts = new Map<string, string>();
  let totalBytes = 0;
  const pastBound = new Map<TreeBound, { at: string; count: number }>();
  const notePastBound = (bound: TreeBound, path: string) => {
    const seen = pastBound.get(bound);
    if (seen) seen.count++;
    else pastBound.set(bound, { at: path, count: 1 });
  };

  const sorted = [...options.files].sort((a, b) =>
    a.path.localeCompare(b.path),
  );
  for (const file of sorted) {
    const path = file.path.replace(/^\.?\/+/, '');
    if (texts.size >= limits.maxFiles) {
      skipped.push({
        path,
        reason: 'too-many-files',
        detail: `more than ${limits.maxFiles} files`,
        bound: 'maxFiles',
        limit: limits.maxFiles,
      });
      notePastBound('maxFiles', path);
      continue;
    }
    if (file.content.length > limits.maxFileBytes) {
      const fileBound = fileByteBound(
        limits,
        path,
        file.content.subarray(0, MANIFEST_SNIFF_BYTES).toString('utf8'),
      );
      if (file.content.length > fileBound.limit) {
        skipped.push(tooLargeFile(path, file.content.length, fileBound));
        continue;
      }
    }
    if (totalBytes + file.content.length > limits.maxTotalBytes) {
      skipped.push({
        path,
        reason: 'too-large',
        detail: `tree over ${limits.maxTotalBytes} bytes in all`,
        size: file.content.length,
        bound: 'maxTotalBytes',
        limit: limits.maxTotalBytes,
      });
      notePastBound('maxTotalBytes', path);
      continue;
    }
    if (looksBinary(file.content)) {
      skipped.push({ path, reason: 'binary' });
      continue;
    }
    totalBytes += file.content.length;
    texts.set(path, file.content.toString('utf8'));
  }
  // A reader may have reported the same bound already; count into it.
  const reached = (entry: TreeBoundReached) => {
    const earlier = limitsReached.find(l => l.bound === entry.bound);
    if (!earlier) limitsReached.push(entry);
    else if (earlier.leftOut !== undefined) {
      earlier.leftOut += entry.leftOut ?? 0;
    }
  };
  const pastFiles = pastBound.get('maxFiles');
  if (pastFiles) {
    reached({
      bound: 'maxFiles',
      limit: limits.maxFiles,
      at: pastFiles.at,
      leftOut: pastFiles.count,
      message: `stopped reading at ${pastFiles.at}: more than ${limits.maxFiles} files; ${pastFiles.count} more were not read`,
    });
  }
  const pastBytes = pastBound.get('maxTotalBytes');
  if (pastBytes) {
    reached({
      bound: 'maxTotalBytes',
      limit: limits.maxTotalBytes,
      at: pastBytes.at,
      leftOut: pastBytes.count,
      message: `stopped reading at ${pastBytes.at}: the tree is over ${limits.maxTotalBytes} bytes in all; ${pastBytes.count} more files were not read`,
    });
  }

  const chartDirs = [...texts.keys()]
    .filter(p => /(^|\/)Chart\.ya?ml$/.test(p))
    .map(p => p.split('/').slice(0, -1).join('/'));

  let parsed: { documents: YamlDocument[]; errors: YamlError[] } | undefined;
  const parseYaml = () => {
    if (parsed) return parsed;
    const documents: YamlDocument[] = [];
    const errors: YamlError[] = [];
    for (const [path, text] of texts) {
      if (!YAML_FILE.test(path)) continue;
      if (isHelmTemplatePath(path, chartDirs)) {
        errors.push({
          path,
          kind: 'helm-template',
          message: 'Helm template: not YAML until rendered',
        });
        continue;
      }
      if (documents.length >= limits.maxYamlDocuments) {
        errors.push({
          path,
          kind: 'limit',
          message: `not parsed: over ${limits.maxYamlDocuments} YAML documents in the tree`,
        });
        continue;
      }
      const lineCounter = new LineCounter();
      // Compose lazily so that a file with thousands of documents stops at
      // the limit instead of being parsed whole first.
      const composer = new Composer({ uniqueKeys: false });
      const parser = new Parser(lineCounter.addNewLine);
      let index = 0;
      try {
        for (const doc of composer.compose(parser.parse(text))) {
          if (documents.length >= limits.maxYamlDocuments) {
            errors.push({
              path,
              kind: 'limit',
              line: lineCounter.linePos(doc.range?.[0] ?? 0).line,
              message: `stopped at document ${index + 1}: over ${
                limits.maxYamlDocuments
              } YAML documents in the tree`,
            });
            break;
          }
          if (doc.errors.length > 0) {
            const err = doc.errors[0];
            errors.push({
              path,
              kind: 'invalid',
              line: lineCounter.linePos(err.pos[0]).line,
              message: err.message.split('\n')[0],
            });
            index++;
            continue;
          }
          let value: unknown;
          try {
            value = doc.toJS({ maxAliasCount: 100 });
          } catch (e) {
            errors.push({
              path,
              kind: 'invalid',
              line: lineCounter.linePos(doc.range?.[0] ?? 0).line,
              message: String((e as Error).message ?? e),
            });
            index++;
            continue;
          }
          const start = doc.range?.[0] ?? 0;
          const contents = doc.contents;
          documents.push({
            path,
            index,
            line: lineCounter.linePos(
              (contents as Node | null)?.range?.[0] ?? start,
            ).line,
            value: value ?? null,
            lineOf: keyPath =>
              lineOfNode(contents as Node | null, keyPath, lineCounter),
          });
          index++;
        }
      } catch (e) {
        errors.push({
          path,
          kind: 'invalid',
          message: String((e as Error).message ?? e),
        });
      }
    }
    parsed = { documents, errors };
    return parsed;
  };

  return {
    source: options.source,
    files: () => [...texts.keys()],
    has: path => texts.has(path),
    readText: path => texts.get(path),
    skipped: () => [...skipped],
    limitsReached: () => limitsReached.map(l => ({ ...l })),
    yamlDocuments: () => parseYaml().documents,
    yamlErrors: () => parseYaml().errors,
  };
}
