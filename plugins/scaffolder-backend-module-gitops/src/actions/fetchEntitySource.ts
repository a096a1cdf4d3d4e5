import {
  resolveSafeChildPath,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_HAS_MEMBER,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { workspacePath } from '../lib/files';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  codeownersTokensFor,
  codeownersTokenToWrite,
  readLocalTree,
  readUrlTree,
  resolveSourceLocation,
  TEAM_SLUG_ANNOTATION,
  changeDestinationOf,
  GITHUB_PROJECT_SLUG_ANNOTATION,
  githubProjectOf,
  localSourceRoots,
} from '@cloud-native-portal/plugin-maturity-node';
import { promises as fs } from 'fs';
import { dirname, relative, resolve, sep } from 'path';
import { localPublishDirectory } from './publishLocal';
import { examples } from './fetchEntitySource.examples';

/** The annotation the portal keeps a service's tier in. */
const TIER_ANNOTATION = 'cloud-native-portal/tier';
const SLUG_ANNOTATION = GITHUB_PROJECT_SLUG_ANNOTATION;
const MANAGED_BY_ANNOTATION = 'backstage.io/managed-by-location';

/**
 * The path of the entity's catalog file inside its copied source tree, or
 * undefined when the file is elsewhere (e.g. a shared entities.yaml) or was
 * not copied. `file:` locations are compared as paths, `url:` ones as URLs
 * of the same repository (`…/blob/<ref>/` or `…/tree/<ref>/`).
 */
function catalogFileIn(
  managedBy: string | undefined,
  source: string,
  copied: string[],
): string | undefined {
  if (!managedBy) return undefined;
  let rel: string | undefined;
  if (managedBy.startsWith('file:') && !/^[a-z]+:/i.test(source)) {
    const file = resolve(managedBy.slice('file:'.length));
    rel = relative(resolve(source), file).split(sep).join('/');
  } else if (managedBy.startsWith('url:')) {
    const base = source.replace(/\/tree\//, '/blob/').replace(/\/?$/, '/');
    const file = managedBy.slice('url:'.length).replace(/\/tree\//, '/blob/');
    rel = file.startsWith(base) ? file.slice(base.length) : undefined;
  }
  if (!rel || rel.startsWith('../') || rel === '..') return undefined;
  return copied.includes(rel) ? rel : undefined;
}

/**
 * The directories a `dir:` source location may point into: the maturity
 * engine's `maturity.allowedLocalRoots` and the local publish directory.
 */
export const allowedSourceRoots: (config: RootConfigService) => string[] =
  localSourceRoots;

function fullRef(ref: string | undefined, kind: string, namespace: string) {
  if (!ref) return undefined;
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind: kind, defaultNamespace: namespace }),
  );
}

/**
 * The CODEOWNERS tokens of the entity's owner (codeownersTokensFor, the
 * check's own): the owner Group or User and the group's members, read from
 * the catalog. Empty when the owner is not in the catalog.
 */
async function ownerCodeowners(
  catalog: CatalogService,
  ownerRef: string | undefined,
  org: string | undefined,
  credentials: Parameters<CatalogService['getEntityByRef']>[1],
): Promise<{ tokens: string[]; owner?: Entity }> {
  if (!ownerRef) return { tokens: [] };
  const owner = await catalog.getEntityByRef(ownerRef, credentials);
  if (!owner) return { tokens: [] };
  const memberRefs = (owner.relations ?? [])
    .filter(r => r.type === RELATION_HAS_MEMBER)
    .map(r => r.targetRef);
  const members = memberRefs.length
    ? (
        await catalog.getEntitiesByRefs({ entityRefs: memberRefs }, credentials)
      ).items.filter((e): e is Entity => !!e)
    : [];
  return { tokens: codeownersTokensFor(owner, { members, org }), owner };
}

/**
 * `gitops:fetch-entity-source`: copies a catalog entity's source tree (its
 * `backstage.io/source-location`) into the workspace, and outputs what the
 * catalog knows of it. `url:` locations are read with the UrlReaderService;
 * `dir:` locations only inside the allowed roots, as the maturity engine
 * reads them. Read-only, so it runs in dry runs too.
 */
export function createFetchEntitySourceAction(options: {
  catalog: CatalogService;
  urlReader: UrlReaderService;
  config: RootConfigService;
}) {
  return createTemplateAction({
    id: 'gitops:fetch-entity-source',
    description:
      "Copies a catalog entity's source tree into the workspace and outputs its owner (and the owner's CODEOWNERS tokens), system, lifecycle, tier and repository.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z.string().min(1).describe('The entity, e.g. component:default/x'),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe('Workspace directory to copy into; default the root'),
        requireGitHub: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Fail unless the entity names its GitHub repository (github.com/project-slug)',
            ),
      },
      output: {
        entityRef: z => z.string().describe('The full ref of the entity'),
        name: z => z.string().describe("The entity's metadata.name"),
        description: z =>
          z.string().optional().describe("The entity's description"),
        owner: z =>
          z.string().optional().describe('The owner, as a full Group ref'),
        codeowners: z =>
          z
            .array(z.string())
            .describe(
              "The CODEOWNERS tokens that stand for the owner, as the check owner-codeowners-match reads them: first the team to write (the Group's github.com/team-slug, else @<org>/<group> with the org of github.com/project-slug) when one is known, then the others it accepts (an @*/<group> entry stands for the group's team in any organisation). Empty when the owner is not in the catalog. Pass to gitops:plan-fix codeowners",
            ),
        system: z =>
          z.string().optional().describe('The System, as a full ref'),
        lifecycle: z =>
          z.string().optional().describe('spec.lifecycle, e.g. production'),
        tier: z =>
          z
            .string()
            .optional()
            .describe('The cloud-native-portal/tier annotation'),
        files: z =>
          z
            .array(z.string())
            .describe('The files copied, relative to targetPath'),
        skippedPaths: z =>
          z
            .array(z.string())
            .describe(
              'Paths of the repository that were not copied (symlinks, binary or non-UTF-8 files, files over the size limit, anything past the file and byte limits), as far as the reader lists them. Pass them to gitops:open-pr as preservePaths so that a change does not overwrite them',
            ),
        truncated: z =>
          z
            .boolean()
            .optional()
            .describe(
              'true when the reader stopped at its file or byte limits: the repository has more than files and skippedPaths list',
            ),
        githubRepoUrl: z =>
          z
            .string()
            .optional()
            .describe(
              'github.com?owner=o&repo=r, from github.com/project-slug',
            ),
        localRepository: z =>
          z
            .string()
            .optional()
            .describe(
              'The local repository name when the source is one the portal published',
            ),
        catalogFilePath: z =>
          z
            .string()
            .optional()
            .describe(
              "The entity's catalog file (backstage.io/managed-by-location), relative to targetPath, when it is a file of the copied tree",
            ),
        catalogLocation: z =>
          z
            .string()
            .optional()
            .describe(
              'Where the catalog read the entity from (backstage.io/managed-by-location), e.g. file:/…/entities.yaml',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      let ref: string;
      try {
        ref = stringifyEntityRef(
          parseEntityRef(input.entityRef, { defaultKind: 'component' }),
        );
      } catch {
        throw new InputError(
          `entityRef "${input.entityRef}" is not an entity ref`,
        );
      }
      const target = workspacePath(
        ctx.workspacePath,
        input.targetPath ?? '.',
        'targetPath',
      );
      const entity: Entity | undefined = await options.catalog.getEntityByRef(
        ref,
        { credentials: await ctx.getInitiatorCredentials() },
      );
      if (!entity) {
        throw new NotFoundError(`No entity ${ref} in the catalog`);
      }
      const github = githubProjectOf(entity);
      if (input.requireGitHub && !github) {
        throw new InputError(
          `${ref} names no GitHub repository (annotation ${SLUG_ANNOTATION}), so no GitHub pull request can be opened for it`,
        );
      }
      const publishDir = localPublishDirectory(options.config);
      const location = await resolveSourceLocation(entity, {
        allowedLocalRoots: allowedSourceRoots(options.config),
      });
      if (location.type === 'error') {
        throw new InputError(
          `Cannot read the source of ${ref}: ${location.reason}`,
        );
      }
      const tree =
        location.type === 'local'
          ? await readLocalTree(location.path)
          : await readUrlTree(options.urlReader, location.url);
      const files = tree.files();
      if (files.length === 0) {
        throw new InputError(
          `The source of ${ref} (${tree.source}) has no files`,
        );
      }
      // Only files read whole as text are copied; anything else is left
      // out and named, never written as an empty or altered stand-in.
      const skipped = tree
        .skipped()
        .filter(s => s.path !== '.' && s.path !== '')
        .map(s => ({ path: s.path, why: s.detail ?? s.reason }));
      const copied: string[] = [];
      for (const path of files) {
        const text = tree.readText(path);
        if (text === undefined || text.includes('\uFFFD')) {
          // A file that is not UTF-8 would not survive the round trip.
          skipped.push({ path, why: 'not UTF-8 text' });
          continue;
        }
        const file = resolveSafeChildPath(target, path);
        await fs.mkdir(dirname(file), { recursive: true });
        await fs.writeFile(file, text);
        copied.push(path);
      }
      const skippedPaths = [...new Set(skipped.map(s => s.path))].sort();
      const truncated = tree
        .skipped()
        .some(
          s =>
            s.reason === 'too-many-files' ||
            (s.reason === 'too-large' && /in all/.test(s.detail ?? '')),
        );
      ctx.logger.info(
        `Copied ${copied.length} file(s) of ${ref} from ${tree.source}${
          skipped.length
            ? `; left out ${skippedPaths.length}: ${skipped
                .slice(0, 10)
                .map(s => `${s.path} (${s.why})`)
                .join(', ')}${skipped.length > 10 ? ', …' : ''}`
            : ''
        }`,
      );
      if (truncated) {
        ctx.logger.warn(
          `The source of ${ref} is larger than the reader's limits: only part of it was read, so the copy and skippedPaths are incomplete; a change based on it may miss files`,
        );
      }

      const namespace = entity.metadata.namespace ?? 'default';
      const annotations = entity.metadata.annotations ?? {};
      // Where a change goes: the rule fleet fixes show before a run.
      const destination = await changeDestinationOf(entity, location, {
        localPublishDirectory: publishDir,
      });
      const localRepository =
        destination.type === 'local' ? destination.repository : undefined;
      const slugOwner = github?.owner;
      const ownerRef = fullRef(
        entity.spec?.owner as string,
        'group',
        namespace,
      );
      const { tokens: codeowners, owner } = await ownerCodeowners(
        options.catalog,
        ownerRef,
        slugOwner,
        { credentials: await ctx.getInitiatorCredentials() },
      );
      if (!owner) {
        ctx.logger.warn(
          `The owner of ${ref} (${
            ownerRef ?? 'spec.owner is not set'
          }) is not in the catalog: no CODEOWNERS tokens`,
        );
      } else if (!codeownersTokenToWrite(codeowners)) {
        ctx.logger.warn(
          `${stringifyEntityRef(
            owner,
          )} names no GitHub team: set its annotation ${TEAM_SLUG_ANNOTATION} (org/team)${
            owner.kind === 'Group' && !slugOwner
              ? `, or ${SLUG_ANNOTATION} on ${ref}`
              : ''
          }, so that CODEOWNERS can name it`,
        );
      }
      ctx.output('entityRef', ref);
      ctx.output('codeowners', codeowners);
      ctx.output('name', entity.metadata.name);
      ctx.output('files', copied);
      ctx.output('skippedPaths', skippedPaths);
      if (truncated) ctx.output('truncated', true);
      const optional: Record<string, string | undefined> = {
        description: entity.metadata.description?.trim(),
        owner: ownerRef,
        system: fullRef(entity.spec?.system as string, 'system', namespace),
        lifecycle: entity.spec?.lifecycle as string | undefined,
        tier: annotations[TIER_ANNOTATION],
        githubRepoUrl: github
          ? `github.com?owner=${encodeURIComponent(
              github.owner,
            )}&repo=${encodeURIComponent(github.repo)}`
          : undefined,
        localRepository,
      };
      // The catalog file, when the copy holds it: a change to the entity's
      // own definition can then be proposed with the rest of the tree.
      const managedBy = annotations[MANAGED_BY_ANNOTATION];
      optional.catalogLocation = managedBy;
      optional.catalogFilePath = catalogFileIn(
        managedBy,
        location.type === 'local' ? location.path : location.url,
        copied,
      );
      for (const [key, value] of Object.entries(optional)) {
        if (value) ctx.output(key as any, value);
      }
    },
  });
}
