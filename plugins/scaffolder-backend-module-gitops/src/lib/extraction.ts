import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import {
  CAPABILITIES_ANNOTATION,
  EXTRACTED_CAPABILITY_ANNOTATION,
  EXTRACTED_FROM_ANNOTATION,
} from '@cloud-native-portal/plugin-maturity-node';
import { Document, parseAllDocuments, Scalar } from 'yaml';

/** A capability name as the capabilities annotation lists it. */
export const CAPABILITY_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Splits a comma-separated annotation into trimmed, non-empty names. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
}

/** Normalises a Component ref (`name`, `component:name`, full ref). */
export function componentRef(ref: string, namespace = 'default'): string {
  return stringifyEntityRef(
    parseEntityRef(ref, {
      defaultKind: 'component',
      defaultNamespace: namespace,
    }),
  );
}

/** Today in UTC as YYYY-MM-DD. */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** True for a real calendar day written as YYYY-MM-DD. */
export function isIsoDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && today(date) === value;
}

/**
 * Checks that a monolith lists a capability and that none of the given
 * entities (those with an extracted-from annotation) already took it over.
 * Returns the monolith's capabilities and those
 * not yet extracted.
 */
export function checkCapability(
  monolith: Entity,
  capability: string,
  extracted: Entity[],
): { capabilities: string[]; remaining: string[] } {
  const ref = stringifyEntityRef(monolith);
  if (monolith.kind.toLowerCase() !== 'component') {
    throw new InputError(`${ref} is not a Component`);
  }
  if (monolith.spec?.type !== 'monolith') {
    throw new InputError(
      `${ref} is of type "${monolith.spec?.type}", not a monolith`,
    );
  }
  const capabilities = splitList(
    monolith.metadata.annotations?.[CAPABILITIES_ANNOTATION],
  );
  if (capabilities.length === 0) {
    throw new InputError(
      `${ref} lists no capabilities; add the ${CAPABILITIES_ANNOTATION} annotation to its catalog entry`,
    );
  }
  if (!capabilities.includes(capability)) {
    throw new InputError(
      `${ref} does not list the capability "${capability}"; it lists: ${capabilities.join(
        ', ',
      )}`,
    );
  }
  const taken = new Map<string, string>();
  for (const entity of extracted) {
    const annotations = entity.metadata.annotations ?? {};
    const from = annotations[EXTRACTED_FROM_ANNOTATION];
    const name = annotations[EXTRACTED_CAPABILITY_ANNOTATION];
    if (!from || !name) continue;
    let fromRef: string;
    try {
      fromRef = componentRef(from, entity.metadata.namespace);
    } catch {
      continue;
    }
    if (fromRef === ref) taken.set(name, stringifyEntityRef(entity));
  }
  const by = taken.get(capability);
  if (by) {
    throw new ConflictError(
      `${ref}'s capability "${capability}" was already extracted to ${by}`,
    );
  }
  return {
    capabilities,
    remaining: capabilities.filter(c => !taken.has(c)),
  };
}

/** Where a catalog entry lives in a GitHub repository. */
export interface GithubCatalogEntry {
  /** The repository, as host?owner=o&repo=r. */
  repoUrl: string;
  /** The file's URL, as the location gives it. */
  url: string;
  /** The file's path in the repository, `/`-separated. */
  path: string;
  /** The branch (or other ref) the file is read from. */
  branch: string;
}

const GITHUB_HOST = /^(?:[a-z0-9-]+\.)*github[a-z0-9.-]*$/i;
const REPO_SEGMENT = /^[\w.-]+$/;

/**
 * The GitHub repository, branch and path of a catalog entry, from a
 * location such as `url:https://github.com/o/r/blob/production/catalog-info.yaml`;
 * undefined for any other location (a file, another host, no YAML file).
 *
 * As the portal's URL reader does, the first segment after `blob/` or
 * `tree/` is the branch; a branch with a slash is written with `%2F`
 * (`blob/release%2F2026/catalog-info.yaml`). A `.` or `..` segment, also
 * percent-encoded, is an InputError: the file read and the file changed
 * could differ.
 */
export function githubCatalogEntry(
  location: string | undefined,
): GithubCatalogEntry | undefined {
  const match = /^url:(https:\/\/([^/?#@]+)(\/[^?#]*))$/.exec(location ?? '');
  if (!match) return undefined;
  const [, url, host, rawPath] = match;
  if (!GITHUB_HOST.test(host)) return undefined;
  const segments = rawPath
    .split('/')
    .slice(1)
    .map(segment => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new InputError(
          `the catalog location ${url} has a malformed segment "${segment}"`,
        );
      }
    });
  if (segments.some(segment => segment === '.' || segment === '..')) {
    throw new InputError(
      `the catalog location ${url} has a "." or ".." segment; give the file's own URL`,
    );
  }
  const [owner, repo, kind, branch, ...path] = segments;
  if (
    !owner ||
    !repo ||
    !REPO_SEGMENT.test(owner) ||
    !REPO_SEGMENT.test(repo) ||
    (kind !== 'blob' && kind !== 'tree') ||
    !branch ||
    path.length === 0 ||
    path.some(segment => segment === '' || segment.includes('/')) ||
    !/\.ya?ml$/.test(path[path.length - 1])
  ) {
    return undefined;
  }
  return {
    repoUrl: `${host}?owner=${owner}&repo=${repo}`,
    url,
    path: path.join('/'),
    branch,
  };
}

/** Which entity of a catalog-info file to annotate. */
export type EntitySelector = { kind: string; ref?: string };

/**
 * Sets annotations on one entity of a (multi-document) catalog-info file,
 * keeping the other documents, comments and formatting. `lists` entries are
 * merged into comma-separated annotations without duplicates. Returns the
 * new text and the annotated entity's ref.
 */
export function annotateCatalogInfo(
  text: string,
  selector: EntitySelector,
  changes: {
    set?: Record<string, string>;
    lists?: Record<string, string[]>;
  },
): { text: string; entityRef: string; annotations: Record<string, string> } {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) {
    throw new InputError('the catalog-info file holds no entity');
  }
  const broken = docs.find(d => d.errors.length > 0);
  if (broken) {
    throw new InputError(
      `the catalog-info file is not valid YAML: ${broken.errors[0].message}`,
    );
  }
  const matches = (doc: Document.Parsed) => {
    const entity = doc.toJS() as Entity | null;
    if (!entity?.kind || !entity.metadata?.name) return false;
    if (entity.kind.toLowerCase() !== selector.kind.toLowerCase()) return false;
    if (!selector.ref) return true;
    try {
      return (
        stringifyEntityRef(entity) ===
        stringifyEntityRef(
          parseEntityRef(selector.ref, {
            defaultKind: selector.kind,
            defaultNamespace: 'default',
          }),
        )
      );
    } catch {
      return false;
    }
  };
  const doc = docs.find(matches);
  if (!doc) {
    throw new InputError(
      `the catalog-info file has no ${selector.kind}${
        selector.ref ? ` ${selector.ref}` : ''
      }`,
    );
  }
  // Quoted, so that no YAML 1.1 reader takes a day or a number for a string.
  const quoted = (value: string) => {
    const node = new Scalar(value);
    node.type = Scalar.QUOTE_SINGLE;
    return node;
  };
  const written: Record<string, string> = {};
  for (const [key, value] of Object.entries(changes.set ?? {})) {
    doc.setIn(['metadata', 'annotations', key], quoted(value));
    written[key] = value;
  }
  for (const [key, add] of Object.entries(changes.lists ?? {})) {
    const current = doc.getIn(['metadata', 'annotations', key]);
    const list = splitList(typeof current === 'string' ? current : undefined);
    for (const item of add) if (!list.includes(item)) list.push(item);
    const value = list.join(', ');
    doc.setIn(['metadata', 'annotations', key], quoted(value));
    written[key] = value;
  }
  const entity = doc.toJS() as Entity;
  return {
    text: docs.map(d => d.toString()).join(''),
    entityRef: stringifyEntityRef(entity),
    annotations: written,
  };
}
