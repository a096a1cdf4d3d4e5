import {
  resolveSafeChildPath,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  createTemplateAction,
  parseRepoUrl,
} from '@backstage/plugin-scaffolder-node';
import { Octokit } from '@octokit/rest';
import { promises as fs } from 'fs';
import { join, posix } from 'path';
import { pathToFileURL } from 'url';
import { listFiles } from '../lib/files';
import {
  commitToNewBranch,
  defaultBranch,
  hasBranch,
  TreeChange,
} from '../lib/localGit';
import { examples } from './openPr.examples';
import { localPublishDirectory } from './publishLocal';

const REPO_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

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

const BRANCH =
  /^(?!\/|.*(?:\/\.|\/\/|\.\.|@\{|\\))[^\s~^:?*[]+(?<!\.lock|\/|\.)$/;

/**
 * `gitops:open-pr`: opens a pull request that adds a workspace directory to
 * a repository: on GitHub (`repoUrl`), or, for repositories the portal
 * published with `publish:local` (`localRepository`), as a branch with one
 * commit in that local git repository. Every mutation runs inside
 * `ctx.checkpoint`, and an open PR (or existing branch) of the same name is
 * reused, so a retried task opens one PR, not two.
 */
export function createOpenGitopsPrAction(options: {
  integrations: ScmIntegrationRegistry;
  config?: RootConfigService;
}) {
  const credentials = DefaultGithubCredentialsProvider.fromIntegrations(
    options.integrations,
  );
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
              'A GitHub repository, as github.com?owner=o&repo=r; or give localRepository',
            ),
        localRepository: z =>
          z
            .string()
            .optional()
            .describe(
              'A repository under scaffolder.localPublish.directory, by name; or give repoUrl',
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
        title: z => z.string().optional().describe('PR title'),
        description: z => z.string().optional().describe('PR body'),
        branchName: z =>
          z
            .string()
            .optional()
            .describe(
              'Head branch; default portal/<environment>/<targetPath>, or portal/<targetPath> without an environment',
            ),
        token: z =>
          z
            .string()
            .optional()
            .describe('A GitHub token to use instead of the integration'),
      },
      output: {
        pullRequestUrl: z => z.string(),
        pullRequestNumber: z => z.number(),
        branchName: z => z.string(),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      if (!input.repoUrl === !input.localRepository) {
        throw new InputError(
          'gitops:open-pr needs exactly one of repoUrl (GitHub) and localRepository',
        );
      }
      let source: string;
      try {
        source = resolveSafeChildPath(ctx.workspacePath, input.sourcePath);
      } catch {
        throw new InputError(
          `sourcePath "${input.sourcePath}" is outside the workspace`,
        );
      }
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
      const branchName =
        input.branchName ??
        [
          'portal',
          ...(input.environment ? [input.environment] : []),
          targetPath || 'root',
        ].join('/');
      if (!BRANCH.test(branchName)) {
        throw new InputError(
          `branchName "${branchName}" is not a valid branch`,
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

      if (input.localRepository) {
        const name = input.localRepository;
        if (!REPO_NAME.test(name)) {
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
        };
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
        if (await hasBranch(dir, branchName)) {
          ctx.logger.info(
            `Reusing branch ${branchName} of local repository ${name}`,
          );
          finish();
          return;
        }
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
        const commit = await ctx.checkpoint({
          key: `gitops-open-pr:local:${name}:${branchName}`,
          fn: () =>
            commitToNewBranch({
              dir,
              base,
              branch: branchName,
              message: `${title}\n\n${body}`,
              changes,
            }),
        });
        ctx.logger.info(
          `Committed ${commit.slice(
            0,
            7,
          )} to branch ${branchName} of local repository ${name} (${summary}); merge it into ${base} to apply`,
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
        ctx.logger.info(
          `Dry run: would open "${title}" on ${owner}/${repo} from ${branchName} with ${summary}`,
        );
        ctx.output('pullRequestUrl', `https://${host}/${owner}/${repo}/pulls`);
        ctx.output('pullRequestNumber', 0);
        ctx.output('branchName', branchName);
        return;
      }

      const token =
        input.token ??
        (
          await credentials.getCredentials({
            url: `https://${host}/${owner}/${repo}`,
          })
        ).token;
      if (!token) {
        throw new InputError(
          `no GitHub credentials for ${host}/${owner}; configure integrations.github`,
        );
      }
      const octokit = new Octokit({
        auth: token,
        baseUrl: integration.config.apiBaseUrl,
        log: { debug() {}, info() {}, warn() {}, error() {} },
      });

      const existing = await octokit.pulls.list({
        owner,
        repo,
        head: `${owner}:${branchName}`,
        state: 'open',
      });
      if (existing.data.length > 0) {
        const pr = existing.data[0];
        ctx.logger.info(`Reusing open PR ${pr.html_url}`);
        ctx.output('pullRequestUrl', pr.html_url);
        ctx.output('pullRequestNumber', pr.number);
        ctx.output('branchName', branchName);
        return;
      }

      const { data: repository } = await octokit.repos.get({ owner, repo });
      const base = repository.default_branch;
      const key = `gitops-open-pr:${owner}/${repo}:${branchName}`;

      const commitSha = await ctx.checkpoint({
        key: `${key}:commit`,
        fn: async () => {
          const { data: ref } = await octokit.git.getRef({
            owner,
            repo,
            ref: `heads/${base}`,
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
            base_tree: ref.object.sha,
            tree,
          });
          const { data: commit } = await octokit.git.createCommit({
            owner,
            repo,
            message: title,
            tree: newTree.sha,
            parents: [ref.object.sha],
          });
          return commit.sha;
        },
      });

      await ctx.checkpoint({
        key: `${key}:branch`,
        fn: async () => {
          await octokit.git.createRef({
            owner,
            repo,
            ref: `refs/heads/${branchName}`,
            sha: commitSha,
          });
        },
      });

      const pr = await ctx.checkpoint({
        key: `${key}:pull-request`,
        fn: async () => {
          const { data } = await octokit.pulls.create({
            owner,
            repo,
            title,
            head: branchName,
            base,
            body,
          });
          return { url: data.html_url, number: data.number };
        },
      });

      ctx.logger.info(`Opened ${pr.url}`);
      ctx.output('pullRequestUrl', pr.url);
      ctx.output('pullRequestNumber', pr.number);
      ctx.output('branchName', branchName);
    },
  });
}
