import {
  resolveSafeChildPath,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  assertError,
  ConflictError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  createTemplateAction,
  parseRepoUrl,
} from '@backstage/plugin-scaffolder-node';
import { promises as fs } from 'fs';
import isGitBranchNameValid from 'is-git-branch-name-valid';
import { join, posix } from 'path';
import { pathToFileURL } from 'url';
import { listFiles, workspacePath } from '../lib/files';
import {
  assertWritable,
  createGithubClient,
  DEFAULT_GITHUB_LIMITS,
  GithubLimits,
  repositoryNotFound,
} from '../lib/github';
import {
  blobId,
  blobIdOnBranch,
  defaultBranch,
  proposeOnBranch,
  TreeChange,
} from '../lib/localGit';
import { examples } from './openPr.examples';
import { localPublishDirectory, REPO_NAME } from './publishLocal';

/** A repository-relative path, `/`-separated, that stays inside it. */
function repoPath(path: string, what: string): string {
  const normalized = posix.normalize(path).replace(/^\/+|\/+$/g, '');
  if (
    !normalized ||
    normalized === '.' ||
    normalized.startsWith('../') ||
    normalized === '..' ||
    normalized.split('/').includes('.git')
  ) {
    throw new InputError(`${what} "${path}" is not a path in the repository`);
  }
  return normalized;
}

/** GitHub's own limit on a pull request title is 256 characters. */
const MAX_TITLE = 256;
/** GitHub's own limit on a pull request body is 65,536 characters. */
const MAX_BODY = 65536;
/** A longer ref name is not a file name on most file systems. */
const MAX_BRANCH_BYTES = 255;
/** The task secret a GitHub token is taken from, instead of the integration. */
export const GITHUB_TOKEN_SECRET = 'githubToken';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks the sizes and characters of the free-text inputs. The errors name
 * the input but never repeat a value that is too long.
 */
function checkTexts(input: {
  title?: string;
  description?: string;
  branchName?: string;
}) {
  if (input.title !== undefined) {
    if (input.title.length > MAX_TITLE) {
      throw new InputError(
        `title must be at most ${MAX_TITLE} characters; it has ${input.title.length}`,
      );
    }
    if (CONTROL.test(input.title)) {
      throw new InputError(
        'title must be a single line of text, without line breaks or control characters',
      );
    }
    if (input.title.trim() === '') {
      throw new InputError('title must not be empty');
    }
  }
  if (input.description !== undefined) {
    if (input.description.length > MAX_BODY) {
      throw new InputError(
        `description must be at most ${MAX_BODY} characters; it has ${input.description.length}`,
      );
    }
    if (input.description.includes('\0')) {
      throw new InputError('description must not contain NUL characters');
    }
  }
  if (input.branchName !== undefined) {
    const bytes = Buffer.byteLength(input.branchName);
    if (bytes > MAX_BRANCH_BYTES) {
      throw new InputError(
        `branchName must be at most ${MAX_BRANCH_BYTES} bytes; it has ${bytes}`,
      );
    }
  }
}

/** The configuration key naming the portal's local GitOps repository. */
const GITOPS_REPOSITORY_KEY = 'scaffolder.localPublish.gitopsRepository';

/** The configuration of GitHub retries and rate-limit waits. */
const LIMITS_KEY = 'scaffolder.gitopsOpenPr';

/** Whether changing `path` changes `kept` (the same path, or one inside the other). */
function touches(kept: string, path: string): boolean {
  return (
    path === kept || path.startsWith(`${kept}/`) || kept.startsWith(`${path}/`)
  );
}

/** An error from Octokit with an HTTP status. */
function statusOf(e: unknown): number | undefined {
  const status = (e as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * `gitops:open-pr`: opens a pull request that adds a workspace directory to
 * a repository: on GitHub (`repoUrl`), or, for repositories the portal
 * published with `publish:local` (`localRepository`), as a branch with one
 * commit in that local git repository. Every mutation runs inside
 * `ctx.checkpoint`. An existing branch (and its open PR) is reused only when
 * it holds exactly this change, so a retried task opens one PR, not two; a
 * branch left from an earlier, different or merged change is a
 * ConflictError naming it.
 */
export function createOpenGitopsPrAction(options: {
  integrations: ScmIntegrationRegistry;
  config?: RootConfigService;
  /**
   * How GitHub requests wait out rate limits and retry failures; by default
   * from scaffolder.gitopsOpenPr in the configuration, else 3 retries and
   * at most 60 s per limit.
   */
  github?: Partial<GithubLimits>;
}) {
  const credentials = DefaultGithubCredentialsProvider.fromIntegrations(
    options.integrations,
  );
  const limits: GithubLimits = {
    retries:
      options.config?.getOptionalNumber(`${LIMITS_KEY}.retries`) ??
      DEFAULT_GITHUB_LIMITS.retries,
    maxWaitSeconds:
      options.config?.getOptionalNumber(`${LIMITS_KEY}.maxWaitSeconds`) ??
      DEFAULT_GITHUB_LIMITS.maxWaitSeconds,
    ...options.github,
  };
  return createTemplateAction({
    id: 'gitops:open-pr',
    description:
      'Opens a PR with a workspace directory: on GitHub, or as a branch of a local repository the portal published.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoUrl: z =>
          z
            .string()
            .optional()
            .describe(
              'A GitHub repository, as github.com?owner=o&repo=r; or give localRepository or localGitopsRepository',
            ),
        localRepository: z =>
          z
            .string()
            .optional()
            .describe(
              'A repository under scaffolder.localPublish.directory, by name; or give repoUrl',
            ),
        localGitopsRepository: z =>
          z
            .boolean()
            .optional()
            .describe(
              `true: the portal's local GitOps repository, the one ${GITOPS_REPOSITORY_KEY} names; instead of repoUrl or localRepository`,
            ),
        environment: z =>
          z
            .string()
            .regex(/^[a-z0-9-]+$/)
            .optional()
            .describe('The environment, e.g. dev, staging, prod'),
        sourcePath: z =>
          z.string().describe('Workspace directory with the files to propose'),
        targetPath: z =>
          z
            .string()
            .describe(
              "Directory in the repository to write them to; '.' for the root",
            ),
        removePaths: z =>
          z
            .array(z.string())
            .optional()
            .describe('Repository files the change deletes'),
        preservePaths: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Repository paths (files or directories) the change must leave as they are, e.g. the skippedPaths of gitops:fetch-entity-source; a change that would add, modify or delete one fails',
            ),
        title: z =>
          z
            .string()
            .max(MAX_TITLE)
            .optional()
            .describe(`PR title: one line of at most ${MAX_TITLE} characters`),
        description: z =>
          z
            .string()
            .max(MAX_BODY)
            .optional()
            .describe(`PR body: at most ${MAX_BODY} characters`),
        branchName: z =>
          z
            .string()
            .max(MAX_BRANCH_BYTES)
            .optional()
            .describe(
              `Head branch, a name git accepts (git check-ref-format --branch) of at most ${MAX_BRANCH_BYTES} bytes; default portal/<environment>/<targetPath>, or portal/<targetPath> without an environment. An existing branch is reused only when it holds exactly this change`,
            ),
      },
      output: {
        pullRequestUrl: z =>
          z
            .string()
            .describe(
              'The PR on GitHub; for a local repository, file://<repository>#<branch>',
            ),
        pullRequestNumber: z =>
          z.number().describe('The PR number; 0 for a local repository'),
        branchName: z => z.string().describe('The branch with the change'),
        reused: z =>
          z
            .boolean()
            .optional()
            .describe(
              'true when the branch existed already with exactly this change (a rerun): nothing new was committed',
            ),
        baseBranch: z =>
          z
            .string()
            .optional()
            .describe(
              "The branch the change starts from and is to be merged into: GitHub's default branch; locally main, else master, else the checked-out branch",
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      // A token given as an input is printed in the task log (a dry run
      // logs every input); only secrets are redacted there.
      if ((input as Record<string, unknown>).token !== undefined) {
        throw new InputError(
          `token is not an input of gitops:open-pr: an input shows in the task log. Give a GitHub token as the task secret ${GITHUB_TOKEN_SECRET}, or configure integrations.github`,
        );
      }
      checkTexts(input);
      const targets = [
        input.repoUrl,
        input.localRepository,
        input.localGitopsRepository,
      ].filter(Boolean).length;
      if (targets !== 1) {
        throw new InputError(
          'gitops:open-pr needs exactly one of repoUrl (GitHub), localRepository and localGitopsRepository',
        );
      }
      const source = workspacePath(
        ctx.workspacePath,
        input.sourcePath,
        'sourcePath',
      );
      if (input.targetPath.trim() === '') {
        throw new InputError(
          `targetPath "" is not a path in the repository; use '.' for the root`,
        );
      }
      const rawTarget = posix
        .normalize(input.targetPath)
        .replace(/^\/+|\/+$/g, '');
      const targetPath =
        rawTarget === '.' || rawTarget === ''
          ? ''
          : repoPath(input.targetPath, 'targetPath');
      const inTarget = (file: string) =>
        targetPath ? `${targetPath}/${file}` : file;
      const removePaths = [
        ...new Set(
          (input.removePaths ?? []).map(p => repoPath(p, 'removePaths entry')),
        ),
      ];
      const preservePaths = [
        ...new Set(
          (input.preservePaths ?? []).map(p =>
            repoPath(p, 'preservePaths entry'),
          ),
        ),
      ];
      for (const path of removePaths) {
        const kept = preservePaths.find(k => touches(k, path));
        if (kept) {
          throw new InputError(
            `the change would delete ${path}, but preservePaths keeps ${kept} unchanged`,
          );
        }
      }
      const branchName =
        input.branchName ??
        [
          'portal',
          ...(input.environment ? [input.environment] : []),
          targetPath || 'root',
        ].join('/');
      if (Buffer.byteLength(branchName) > MAX_BRANCH_BYTES) {
        throw new InputError(
          `branchName (by default from targetPath) must be at most ${MAX_BRANCH_BYTES} bytes`,
        );
      }
      if (!isGitBranchNameValid(branchName)) {
        throw new InputError(
          `branchName ${JSON.stringify(
            branchName,
          )} is not a valid git branch name (see git check-ref-format)`,
        );
      }
      const where = targetPath ? ` under ${targetPath}` : '';
      const title =
        input.title ??
        (input.environment
          ? `Deploy ${targetPath || 'the repository'} to ${input.environment}`
          : `Update ${targetPath || 'the repository'}`);
      const files = (
        await listFiles(source).catch(() => {
          throw new InputError(
            `sourcePath "${input.sourcePath}" is not a directory`,
          );
        })
      ).filter(file => !removePaths.includes(inTarget(file)));
      if (files.length === 0 && removePaths.length === 0) {
        throw new InputError(
          `sourcePath "${input.sourcePath}" has no files and nothing is removed`,
        );
      }
      const body =
        input.description ??
        (input.environment
          ? `Adds the rendered manifests of \`${targetPath}\` for **${input.environment}**, proposed by the portal's scaffolder.`
          : `Proposed by the portal's scaffolder.`);
      const summary = `${files.length} file(s)${where}${
        removePaths.length ? `, removing ${removePaths.length}` : ''
      }`;

      /**
       * Fails when a written file would add or change a path preservePaths
       * keeps; `current` gives the blob id of a path on the base branch.
       */
      const checkPreserved = async (
        current: (path: string) => Promise<string | undefined>,
      ) => {
        for (const file of files) {
          const path = inTarget(file);
          const kept = preservePaths.find(k => touches(k, path));
          if (!kept) continue;
          // Writing a file over a preserved directory always changes it.
          const same =
            kept.startsWith(`${path}/`) === false &&
            (await current(path)) ===
              blobId(await fs.readFile(join(source, file)));
          if (!same) {
            throw new InputError(
              `the change would add or modify ${path}, but preservePaths keeps ${kept} unchanged`,
            );
          }
        }
      };

      if (input.localRepository || input.localGitopsRepository) {
        let name = input.localRepository;
        if (input.localGitopsRepository) {
          name = options.config?.getOptionalString(GITOPS_REPOSITORY_KEY);
          if (!name) {
            throw new InputError(
              `localGitopsRepository needs ${GITOPS_REPOSITORY_KEY} in the configuration`,
            );
          }
        }
        if (!name || !REPO_NAME.test(name)) {
          throw new InputError(
            `localRepository "${name}" must be lowercase letters, digits, ., _ or -`,
          );
        }
        const baseDir = options.config
          ? localPublishDirectory(options.config)
          : undefined;
        if (!baseDir) {
          throw new InputError(
            'localRepository needs scaffolder.localPublish.directory in the configuration',
          );
        }
        const dir = resolveSafeChildPath(baseDir, name);
        const missing = `localRepository "${name}" is not a git repository under ${baseDir}`;
        const base = await defaultBranch(dir).catch(() => undefined);
        const url = `${pathToFileURL(dir).toString()}#${branchName}`;
        const finish = () => {
          ctx.output('pullRequestUrl', url);
          ctx.output('pullRequestNumber', 0);
          ctx.output('branchName', branchName);
          if (base) ctx.output('baseBranch', base);
        };
        if (base) await checkPreserved(path => blobIdOnBranch(dir, base, path));
        if (ctx.isDryRun) {
          // A dry run (e.g. the template editor) may run where the
          // repository does not exist yet: say so, and go on.
          if (!base) ctx.logger.warn(`Dry run: ${missing}; a real run fails`);
          ctx.logger.info(
            `Dry run: would commit "${title}" to branch ${branchName} of local repository ${name} (from ${
              base ?? 'its default branch'
            }) with ${summary}`,
          );
          finish();
          return;
        }
        if (!base) throw new NotFoundError(missing);
        const changes = new Map<string, TreeChange>();
        for (const path of removePaths) changes.set(path, null);
        for (const file of files) {
          const full = join(source, file);
          const stat = await fs.stat(full);
          changes.set(inTarget(file), {
            content: await fs.readFile(full),
            executable: (stat.mode & 0o111) !== 0,
          });
        }
        const proposed = await ctx.checkpoint({
          key: `gitops-open-pr:local:${name}:${branchName}`,
          fn: async () => {
            const result = await proposeOnBranch({
              dir,
              base,
              branch: branchName,
              message: `${title}\n\n${body}`,
              changes,
            });
            return { ...result };
          },
        });
        ctx.output('reused', proposed.reused);
        ctx.logger.info(
          `${proposed.reused ? 'Reusing' : 'Committed'} ${proposed.commit.slice(
            0,
            7,
          )} on branch ${branchName} of local repository ${name}, from ${
            proposed.base
          } (${summary}${
            proposed.reused ? '; the branch already holds this change' : ''
          }); merge it into ${proposed.base} to apply`,
        );
        finish();
        return;
      }

      const repoUrl = input.repoUrl!;
      const { owner, repo, host } = parseRepoUrl(repoUrl, options.integrations);
      if (!owner) {
        throw new InputError(`repoUrl "${repoUrl}" names no owner`);
      }
      const integration = options.integrations.github.byHost(host);
      if (!integration) {
        throw new InputError(
          `repoUrl "${repoUrl}": no GitHub integration for ${host}`,
        );
      }

      if (ctx.isDryRun) {
        if (preservePaths.length > 0) {
          ctx.logger.info(
            `Dry run: a real run checks that the change leaves ${preservePaths.length} preserved path(s) as they are`,
          );
        }
        ctx.logger.info(
          `Dry run: would open "${title}" on ${owner}/${repo} from ${branchName} with ${summary}`,
        );
        ctx.output('pullRequestUrl', `https://${host}/${owner}/${repo}/pulls`);
        ctx.output('pullRequestNumber', 0);
        ctx.output('branchName', branchName);
        return;
      }

      const token =
        ctx.secrets?.[GITHUB_TOKEN_SECRET] ||
        (
          await credentials.getCredentials({
            url: `https://${host}/${owner}/${repo}`,
          })
        ).token;
      if (!token) {
        throw new InputError(
          `no GitHub credentials for ${host}/${owner}; configure integrations.github or give the task secret ${GITHUB_TOKEN_SECRET}`,
        );
      }
      const octokit = createGithubClient({
        token,
        baseUrl: integration.config.apiBaseUrl,
        logger: ctx.logger,
        limits,
      });

      const { data: repository } = await octokit.repos
        .get({ owner, repo })
        .catch(e => {
          if (statusOf(e) === 404) throw repositoryNotFound(owner, repo);
          throw e;
        });
      const base = repository.default_branch;
      if (branchName.toLowerCase() === base.toLowerCase()) {
        throw new InputError(
          `branchName "${branchName}" is the default branch ${base} of ${owner}/${repo}; a change is proposed on a branch of its own`,
        );
      }
      // Archived, or no push permission: fail before writing anything.
      assertWritable(repository, owner, repo);
      const key = `gitops-open-pr:${owner}/${repo}:${branchName}`;
      const advice = `pick another branchName or delete the old branch ${branchName} of ${owner}/${repo}`;

      // The tree this run proposes, on the default branch as it is now; a
      // retried task gets the one of its first run back.
      const planned = await ctx.checkpoint({
        key: `${key}:tree`,
        fn: async () => {
          const { data: ref } = await octokit.git.getRef({
            owner,
            repo,
            ref: `heads/${base}`,
          });
          const { data: baseCommit } = await octokit.git.getCommit({
            owner,
            repo,
            commit_sha: ref.object.sha,
          });
          await checkPreserved(async path => {
            try {
              const { data } = await octokit.repos.getContent({
                owner,
                repo,
                path,
                ref: ref.object.sha,
              });
              return !Array.isArray(data) && data.type === 'file'
                ? data.sha
                : undefined;
            } catch (e) {
              if (statusOf(e) === 404) return undefined;
              throw e;
            }
          });
          const tree: Array<{
            path: string;
            mode: '100644' | '100755';
            type: 'blob';
            sha: string | null;
          }> = removePaths.map(path => ({
            path,
            mode: '100644' as const,
            type: 'blob' as const,
            sha: null,
          }));
          for (const file of files) {
            const content = await fs.readFile(join(source, file));
            const { data: blob } = await octokit.git.createBlob({
              owner,
              repo,
              content: content.toString('base64'),
              encoding: 'base64',
            });
            const stat = await fs.stat(join(source, file));
            tree.push({
              path: inTarget(file),
              mode: (stat.mode & 0o111) !== 0 ? '100755' : '100644',
              type: 'blob' as const,
              sha: blob.sha,
            });
          }
          const { data: newTree } = await octokit.git.createTree({
            owner,
            repo,
            base_tree: baseCommit.tree.sha,
            tree,
          });
          return {
            parent: ref.object.sha,
            tree: newTree.sha,
            baseTree: baseCommit.tree.sha,
          };
        },
      });

      // A branch of this name from an earlier run is reused only when it
      // holds exactly this change, and not when that change is in the
      // default branch already (it was merged).
      const tip = await octokit.git
        .getRef({ owner, repo, ref: `heads/${branchName}` })
        .then(({ data }) => data.object.sha)
        .catch(e => {
          if (statusOf(e) === 404) return undefined;
          throw e;
        });
      if (tip) {
        const { data: tipCommit } = await octokit.git.getCommit({
          owner,
          repo,
          commit_sha: tip,
        });
        if (planned.tree === planned.baseTree) {
          throw new ConflictError(
            `branch ${branchName} of ${owner}/${repo} exists and ${base} holds its change already (it was merged); ${advice}`,
          );
        }
        if (tipCommit.tree.sha !== planned.tree) {
          throw new ConflictError(
            `branch ${branchName} of ${owner}/${repo} already exists with another change; ${advice}`,
          );
        }
        ctx.logger.info(
          `Reusing branch ${branchName} of ${owner}/${repo}: it holds this change already`,
        );
      } else {
        const commitSha = await ctx.checkpoint({
          key: `${key}:commit`,
          fn: async () => {
            const { data: commit } = await octokit.git.createCommit({
              owner,
              repo,
              message: title,
              tree: planned.tree,
              parents: [planned.parent],
            });
            return commit.sha;
          },
        });
        await ctx.checkpoint({
          key: `${key}:branch`,
          fn: async () => {
            try {
              await octokit.git.createRef({
                owner,
                repo,
                ref: `refs/heads/${branchName}`,
                sha: commitSha,
              });
            } catch (e) {
              assertError(e);
              if (
                statusOf(e) === 422 &&
                /reference already exists/i.test(e.message)
              ) {
                // A retry of a request whose answer was lost finds the
                // branch it made: it points at this commit.
                const now = await octokit.git
                  .getRef({ owner, repo, ref: `heads/${branchName}` })
                  .then(({ data }) => data.object.sha)
                  .catch(() => undefined);
                if (now === commitSha) return;
                throw new ConflictError(
                  `branch ${branchName} of ${owner}/${repo} already exists; ${advice}`,
                );
              }
              throw e;
            }
          },
        });
      }

      const openPr = async () => {
        const { data: open } = await octokit.pulls.list({
          owner,
          repo,
          head: `${owner}:${branchName}`,
          state: 'open',
        });
        return open.length > 0
          ? { url: open[0].html_url, number: open[0].number }
          : undefined;
      };
      let pr = await openPr();
      if (pr) {
        ctx.logger.info(`Reusing open PR ${pr.url}`);
      } else {
        pr = await ctx.checkpoint({
          key: `${key}:pull-request`,
          fn: async () => {
            try {
              const { data } = await octokit.pulls.create({
                owner,
                repo,
                title,
                head: branchName,
                base,
                body,
              });
              return { url: data.html_url, number: data.number };
            } catch (e) {
              // A retry of a request whose answer was lost: GitHub opened
              // the PR the first time.
              const opened =
                statusOf(e) === 422 &&
                /pull request already exists/i.test(String(e))
                  ? await openPr()
                  : undefined;
              if (opened) return opened;
              throw e;
            }
          },
        });
        ctx.logger.info(`Opened ${pr.url} into ${base}`);
      }
      ctx.output('pullRequestUrl', pr.url);
      ctx.output('pullRequestNumber', pr.number);
      ctx.output('branchName', branchName);
      ctx.output('baseBranch', base);
      ctx.output('reused', tip !== undefined);
    },
  });
}
