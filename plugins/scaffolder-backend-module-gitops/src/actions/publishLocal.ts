import {
  resolveSafeChildPath,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { isAbsolute, join, relative, sep } from 'path';
import { pathToFileURL } from 'url';
import { parseAllDocuments } from 'yaml';
import { listFiles, workspacePath } from '../lib/files';
import { examples } from './publishLocal.examples';
import { localPublishDirectory } from '@cloud-native-portal/plugin-maturity-node';

/** The names a local repository may have (its folder's name). */
export const REPO_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** The configured directory that local repositories are created in. */
export { localPublishDirectory };

/**
 * A file of the repository to be published, as a `/`-separated path relative
 * to its root. A leading `/` means the repository root (`/catalog-info.yaml`);
 * an absolute path beyond that, a `../` that leaves the published directory
 * or a symlink out of it is the caller's error, named by its input.
 */
function repositoryFile(source: string, path: string, inputName: string) {
  const relativePath = path.startsWith('/') ? path.slice(1) : path;
  const outside = () =>
    new InputError(
      `${inputName} "${path}" must be a file inside the published directory`,
    );
  if (
    !relativePath ||
    isAbsolute(relativePath) ||
    relativePath.includes('\0')
  ) {
    throw outside();
  }
  let file: string;
  try {
    file = resolveSafeChildPath(source, relativePath);
  } catch {
    throw outside();
  }
  const inRepository = relative(source, file).split(sep).join('/');
  if (!inRepository) throw outside();
  return inRepository;
}

async function componentRef(catalogInfo: string): Promise<string | undefined> {
  const text = await fs.readFile(catalogInfo, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const entities = parseAllDocuments(text)
    .map(d => d.toJS())
    .filter(e => e?.kind && e?.metadata?.name);
  const entity =
    entities.find(e => e.kind === 'Component') ?? (entities[0] as any);
  if (!entity) return undefined;
  return `${String(entity.kind).toLowerCase()}:${
    entity.metadata.namespace ?? 'default'
  }/${entity.metadata.name}`;
}

/**
 * `publish:local`: commits the workspace into a new git repository under
 * `scaffolder.localPublish.directory`. The portal's local-repositories catalog
 * provider registers its catalog-info.yaml, so a portal without GitHub
 * credentials still closes the loop from template to catalog to score.
 */
export function createPublishLocalAction(options: {
  config: RootConfigService;
}) {
  return createTemplateAction({
    id: 'publish:local',
    description:
      'Initialises a git repository on the backend host from the workspace and commits it.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .describe(
              'Repository directory name: lowercase letters, digits, ., _ and -',
            ),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe('Workspace subdirectory to publish; default the root'),
        defaultBranch: z => z.string().optional().describe('Default: main'),
        description: z =>
          z.string().optional().describe('The initial commit message'),
        catalogInfoPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path of the catalog file from the root of the published directory; default /catalog-info.yaml. It must stay inside that directory',
            ),
      },
      output: {
        remoteUrl: z => z.string(),
        repoContentsUrl: z => z.string(),
        catalogInfoUrl: z => z.string(),
        localPath: z => z.string(),
        commitHash: z => z.string(),
        entityRef: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      if (!REPO_NAME.test(input.name)) {
        throw new InputError(
          `name "${input.name}" must be lowercase letters, digits, ., _ or -`,
        );
      }
      const baseDir = localPublishDirectory(options.config);
      if (!baseDir) {
        throw new InputError(
          'publish:local needs scaffolder.localPublish.directory in the configuration',
        );
      }
      const target = resolveSafeChildPath(baseDir, input.name);
      const source = workspacePath(
        ctx.workspacePath,
        input.sourcePath ?? '.',
        'sourcePath',
      );
      const catalogInfoPath = repositoryFile(
        source,
        input.catalogInfoPath ?? '/catalog-info.yaml',
        'catalogInfoPath',
      );
      const repoContentsUrl = `${pathToFileURL(target).toString()}/`;
      const catalogInfoUrl = new URL(
        catalogInfoPath,
        repoContentsUrl,
      ).toString();
      const entityRef = await componentRef(join(source, catalogInfoPath));

      const publish = async () => {
        if (await fs.stat(target).catch(() => undefined)) {
          throw new ConflictError(
            `a local repository named "${input.name}" already exists`,
          );
        }
        await fs.mkdir(target, { recursive: true });
        await fs.cp(source, target, { recursive: true });
        const dir = target;
        const branch = input.defaultBranch ?? 'main';
        await git.init({ fs, dir, defaultBranch: branch });
        for (const filepath of await listFiles(dir)) {
          await git.add({ fs, dir, filepath });
        }
        const author = {
          name: 'Cloud-Native Portal',
          email: 'scaffolder@portal.local',
        };
        return git.commit({
          fs,
          dir,
          message: input.description ?? 'Initial commit',
          author,
          committer: author,
        });
      };

      let commitHash: string;
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would create a git repository at ${target}`);
        commitHash = '0000000000000000000000000000000000000000';
      } else {
        // A retried task reuses the first commit instead of failing on the
        // directory it already created.
        commitHash = await ctx.checkpoint({
          key: `publish-local-${input.name}`,
          fn: publish,
        });
        ctx.logger.info(`Created ${target} at commit ${commitHash}`);
      }

      ctx.output('remoteUrl', repoContentsUrl);
      ctx.output('repoContentsUrl', repoContentsUrl);
      ctx.output('catalogInfoUrl', catalogInfoUrl);
      ctx.output('localPath', target);
      ctx.output('commitHash', commitHash);
      if (entityRef) ctx.output('entityRef', entityRef);
    },
  });
}
