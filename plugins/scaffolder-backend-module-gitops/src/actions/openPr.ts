import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
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
import { listFiles } from '../lib/files';
import { examples } from './openPr.examples';

const BRANCH =
  /^(?!\/|.*(?:\/\.|\/\/|\.\.|@\{|\\))[^\s~^:?*[]+(?<!\.lock|\/|\.)$/;

/**
 * `gitops:open-pr`: opens a pull request against a GitOps repository that
 * adds a service's rendered manifests for one environment. Every GitHub
 * mutation runs inside `ctx.checkpoint`, and an open PR from the same branch
 * is reused, so a retried task opens one PR, not two.
 */
export function createOpenGitopsPrAction(options: {
  integrations: ScmIntegrationRegistry;
}) {
  const credentials = DefaultGithubCredentialsProvider.fromIntegrations(
    options.integrations,
  );
  return createTemplateAction({
    id: 'gitops:open-pr',
    description:
      'Opens a PR to a GitOps repository with rendered manifests for one environment.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoUrl: z =>
          z
            .string()
            .describe('The GitOps repository, as github.com?owner=o&repo=r'),
        environment: z =>
          z
            .string()
            .regex(/^[a-z0-9-]+$/)
            .describe('The environment, e.g. dev, staging, prod'),
        sourcePath: z =>
          z
            .string()
            .describe('Workspace directory with the rendered manifests'),
        targetPath: z =>
          z
            .string()
            .describe('Directory in the GitOps repository to write them to'),
        title: z => z.string().optional().describe('PR title'),
        description: z => z.string().optional().describe('PR body'),
        branchName: z =>
          z
            .string()
            .optional()
            .describe('Head branch; default portal/<environment>/<targetPath>'),
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
      const { owner, repo, host } = parseRepoUrl(
        input.repoUrl,
        options.integrations,
      );
      if (!owner) {
        throw new InputError(`repoUrl "${input.repoUrl}" names no owner`);
      }
      const integration = options.integrations.github.byHost(host);
      if (!integration) {
        throw new InputError(
          `repoUrl "${input.repoUrl}": no GitHub integration for ${host}`,
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
      const targetPath = posix
        .normalize(input.targetPath)
        .replace(/^\/+|\/+$/g, '');
      if (!targetPath || targetPath.startsWith('..')) {
        throw new InputError(
          `targetPath "${input.targetPath}" is not a path in the repository`,
        );
      }
      const branchName =
        input.branchName ?? `portal/${input.environment}/${targetPath}`;
      if (!BRANCH.test(branchName)) {
        throw new InputError(
          `branchName "${branchName}" is not a valid branch`,
        );
      }
      const title =
        input.title ?? `Deploy ${targetPath} to ${input.environment}`;
      const files = await listFiles(source);
      if (files.length === 0) {
        throw new InputError(`sourcePath "${input.sourcePath}" has no files`);
      }

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would open "${title}" on ${owner}/${repo} from ${branchName} with ${files.length} file(s) under ${targetPath}`,
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
          const tree = [];
          for (const file of files) {
            const content = await fs.readFile(join(source, file));
            const { data: blob } = await octokit.git.createBlob({
              owner,
              repo,
              content: content.toString('base64'),
              encoding: 'base64',
            });
            tree.push({
              path: `${targetPath}/${file}`,
              mode: '100644' as const,
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
            body:
              input.description ??
              `Adds the rendered manifests of \`${targetPath}\` for **${input.environment}**, proposed by the portal's scaffolder.`,
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
