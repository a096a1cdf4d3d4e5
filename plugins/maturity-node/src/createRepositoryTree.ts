import { Composer, isMap, isSeq, LineCounter, Node, Parser } from 'yaml';
import {
  RepositoryTree,
  RepositoryTreeLimits,
  SkippedFile,
  YamlDocument,
  YamlError,
} from './repository';

/** Default bounds for reading a source tree. */
export const DEFAULT_TREE_LIMITS: RepositoryTreeLimits = {
  maxFileBytes: 1024 * 1024,
  maxFiles: 5000,
  maxYamlDocuments: 5000,
  maxTotalBytes: 50 * 1024 * 1024,
  maxWalkEntries: 20000,
};

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
  limits?: Partial<RepositoryTreeLimits>;
}): RepositoryTree {
  const limits = { ...DEFAULT_TREE_LIMITS, ...options.limits };
  const skipped: SkippedFile[] = [...(options.skipped ?? [])];
  const texts = new Map<string, string>();
  let totalBytes = 0;

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
      });
      continue;
    }
    if (file.content.length > limits.maxFileBytes) {
      skipped.push({
        path,
        reason: 'too-large',
        detail: `${file.content.length} bytes, over ${limits.maxFileBytes}`,
      });
      continue;
    }
    if (totalBytes + file.content.length > limits.maxTotalBytes) {
      skipped.push({
        path,
        reason: 'too-large',
        detail: `tree over ${limits.maxTotalBytes} bytes in all`,
      });
      continue;
    }
    if (looksBinary(file.content)) {
      skipped.push({ path, reason: 'binary' });
      continue;
    }
    totalBytes += file.content.length;
    texts.set(path, file.content.toString('utf8'));
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
    yamlDocuments: () => parseYaml().documents,
    yamlErrors: () => parseYaml().errors,
  };
}
