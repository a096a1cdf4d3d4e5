import { promises as fs } from 'fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'path';
import { isChildPath, RootConfigService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import { unknownReasons } from '@cloud-native-portal/plugin-maturity-common';

/** Where an entity's source tree can be read from, or why it cannot. */
export type SourceLocation =
  | { type: 'local'; path: string }
  | { type: 'url'; url: string }
  | { type: 'error'; reason: string };

/** Options for {@link resolveSourceLocation}. */
export interface ResolveSourceLocationOptions {
  /**
   * Directories that local (`dir:`) source trees must lie within, after
   * symlinks and `..` are resolved. Empty means no local reading.
   */
  allowedLocalRoots: string[];
}

function parseRef(ref: string): { type: string; target: string } | undefined {
  try {
    return parseLocationRef(ref);
  } catch {
    return undefined;
  }
}

function isWithin(roots: string[], path: string): boolean {
  return roots.some(root => isChildPath(root, path));
}

/**
 * Resolves the `backstage.io/source-location` annotation of an entity into a
 * local directory or a URL for the UrlReaderService. A relative `dir:` target
 * is resolved against the entity's `file:` managed-by location. Never throws.
 */
export async function resolveSourceLocation(
  entity: Entity,
  options: ResolveSourceLocationOptions,
): Promise<SourceLocation> {
  const annotations = entity.metadata.annotations ?? {};
  const raw = annotations[ANNOTATION_SOURCE_LOCATION];
  if (!raw) {
    return {
      type: 'error',
      reason: unknownReasons.missingSourceLocation(),
    };
  }
  const ref = parseRef(raw);
  if (!ref) {
    return {
      type: 'error',
      reason: `malformed ${ANNOTATION_SOURCE_LOCATION} "${raw}": expected <type>:<target>`,
    };
  }
  if (ref.type === 'url') {
    return { type: 'url', url: ref.target };
  }
  if (ref.type !== 'dir') {
    return {
      type: 'error',
      reason: `unsupported ${ANNOTATION_SOURCE_LOCATION} scheme "${ref.type}:" in "${raw}"; use dir: or url:`,
    };
  }

  let lexical: string;
  if (isAbsolute(ref.target)) {
    lexical = resolve(ref.target);
  } else {
    const managedBy = annotations[ANNOTATION_LOCATION];
    const base = managedBy ? parseRef(managedBy) : undefined;
    if (!base || base.type !== 'file' || !isAbsolute(base.target)) {
      return {
        type: 'error',
        reason: `relative "${raw}" needs a file: ${ANNOTATION_LOCATION} to resolve against, got ${
          managedBy ? `"${managedBy}"` : 'none'
        }`,
      };
    }
    lexical = resolve(dirname(base.target), ref.target);
  }

  const roots: string[] = [];
  for (const root of options.allowedLocalRoots) {
    try {
      roots.push(await fs.realpath(resolve(root)));
    } catch {
      // A root that does not exist allows nothing.
    }
  }
  if (roots.length === 0) {
    return {
      type: 'error',
      reason: `local source trees are not allowed: no existing allowedLocalRoots configured (wanted ${lexical})`,
    };
  }

  let real: string;
  try {
    real = await fs.realpath(lexical);
  } catch {
    // Do not reveal whether paths outside the roots exist.
    if (!isWithin(roots, lexical)) {
      return {
        type: 'error',
        reason: `source tree ${lexical} is outside the allowed local roots`,
      };
    }
    return {
      type: 'error',
      reason: `source tree directory ${lexical} does not exist`,
    };
  }
  if (!isWithin(roots, real)) {
    return {
      type: 'error',
      reason: `source tree ${lexical} resolves to ${real}, outside the allowed local roots`,
    };
  }
  const stat = await fs.stat(real).catch(() => undefined);
  if (!stat?.isDirectory()) {
    return {
      type: 'error',
      reason: `source tree ${lexical} is not a directory`,
    };
  }
  return { type: 'local', path: real };
}

/** The annotation naming an entity's GitHub repository (`owner/repo`). */
export const GITHUB_PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/**
 * The GitHub repository an entity names in `github.com/project-slug`
 * (`owner/repo`), or undefined when it names none or a malformed one.
 */
export function githubProjectOf(
  entity: Entity,
): { owner: string; repo: string } | undefined {
  const slug =
    entity.metadata.annotations?.[GITHUB_PROJECT_SLUG_ANNOTATION]?.trim();
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(slug ?? '');
  return match ? { owner: match[1], repo: match[2] } : undefined;
}

/**
 * The directory `publish:local` creates repositories in
 * (`scaffolder.localPublish.directory`, resolved against the backend's
 * working directory), when one is configured.
 */
export function localPublishDirectory(
  config: RootConfigService,
): string | undefined {
  const dir = config.getOptionalString('scaffolder.localPublish.directory');
  return dir ? resolve(dir) : undefined;
}

/**
 * The local roots source trees may be read from: `maturity.allowedLocalRoots`
 * and the local publish directory.
 */
export function localSourceRoots(config: RootConfigService): string[] {
  const roots = (
    config.getOptionalStringArray('maturity.allowedLocalRoots') ?? []
  ).map(root => resolve(root));
  const published = localPublishDirectory(config);
  return published ? [...roots, published] : roots;
}

/**
 * Where a proposed change to an entity's repository can go: a branch of a
 * local repository (a git repository directly under the local publish
 * directory), a pull request on GitHub (the `github.com/project-slug`
 * annotation), or nowhere, with the reason.
 */
export type ChangeDestination =
  | { type: 'local'; repository: string }
  | { type: 'github'; owner: string; repo: string }
  | { type: 'none'; reason: string };

/**
 * Where a change to an entity's repository can be proposed, given where its
 * source tree was found: the local repository first, then GitHub. The rule
 * `gitops:fetch-entity-source` answers the templates with, and fleet fixes
 * show before a run.
 */
export async function changeDestinationOf(
  entity: Entity,
  location: SourceLocation,
  options: { localPublishDirectory?: string },
): Promise<ChangeDestination> {
  if (location.type === 'local' && options.localPublishDirectory) {
    const base = await fs
      .realpath(options.localPublishDirectory)
      .catch(() => undefined);
    const rel = base ? relative(base, location.path) : '';
    if (rel && !rel.startsWith('..') && !rel.includes(sep)) {
      const gitDir = await fs
        .stat(join(location.path, '.git'))
        .catch(() => undefined);
      if (gitDir?.isDirectory()) return { type: 'local', repository: rel };
    }
  }
  const github = githubProjectOf(entity);
  if (github) return { type: 'github', ...github };
  if (location.type === 'error') {
    return { type: 'none', reason: location.reason };
  }
  return {
    type: 'none',
    reason:
      location.type === 'local'
        ? 'the repository is a folder the portal reads, not a git repository it can branch'
        : `no ${GITHUB_PROJECT_SLUG_ANNOTATION} annotation naming the GitHub repository to open a pull request on`,
  };
}
