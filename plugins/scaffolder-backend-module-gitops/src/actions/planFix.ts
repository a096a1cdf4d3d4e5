import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { readLocalTree } from '@cloud-native-portal/plugin-maturity-node';
import { promises as fs } from 'fs';
import { dirname } from 'path';
import { assertSeparateOutput } from '../lib/day2';
import { workspacePath } from '../lib/files';
import {
  DigestResolver,
  FIX_KINDS,
  planDiff,
  planFix,
  planSummary,
} from '../lib/fixes';
import { examples } from './planFix.examples';

/**
 * `gitops:plan-fix`: plans the piece of the golden path one maturity check
 * asks for, over a repository's Kubernetes manifests: a PodDisruptionBudget
 * per Deployment and StatefulSet that no budget selects
 * (`pod-disruption-budget`, check `scale-pdb`), or a default-deny
 * NetworkPolicy per namespace of the workloads that lacks one
 * (`default-deny-network-policy`, check `sec-network-default-deny`). Writes
 * the full new content of each added or modified file into `outputPath`
 * (what `gitops:open-pr` takes as `sourcePath`), and reports a unified diff
 * and a Markdown summary. A repository that needs nothing is not an error:
 * `changed` is false and the summary says why. Read-only towards the
 * repository, so it runs in dry runs too.
 */
export function createPlanFixAction(
  options: {
    /** base-image-digests: looks up the digest an image tag points at. */
    resolveDigest?: DigestResolver;
  } = {},
) {
  return createTemplateAction({
    id: 'gitops:plan-fix',
    description:
      "Plans the manifests one maturity check asks for (a PodDisruptionBudget or a default-deny NetworkPolicy) over a repository's Kubernetes manifests.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repositoryPath: z =>
          z
            .string()
            .describe(
              "Workspace directory with the repository's files (gitops:fetch-entity-source targetPath)",
            ),
        outputPath: z =>
          z
            .string()
            .describe(
              'Workspace directory to write the added and modified files into, at their repository paths (gitops:open-pr sourcePath)',
            ),
        fix: z =>
          z
            .enum(FIX_KINDS)
            .describe(
              'pod-disruption-budget (check scale-pdb), default-deny-network-policy (sec-network-default-deny), codeowners (owner-codeowners-match), opentelemetry (obs-tracing) or base-image-digests (delivery-base-images-pinned)',
            ),
        codeowners: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'codeowners: the owner tokens (e.g. @org/team) the default CODEOWNERS rule must name (gitops:fetch-entity-source codeowners)',
            ),
        otlpEndpoint: z =>
          z
            .string()
            .optional()
            .describe(
              'opentelemetry: the OTLP endpoint the workloads export traces to',
            ),
        skippedPaths: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Paths the repository has but that were not copied (gitops:fetch-entity-source skippedPaths); never written',
            ),
      },
      output: {
        changed: z =>
          z.boolean().describe('Whether the plan adds or modifies any file'),
        added: z => z.array(z.string()).describe('Files the change adds'),
        modified: z =>
          z.array(z.string()).describe('Repository files the change modifies'),
        notes: z =>
          z
            .array(z.string())
            .describe('What the plan could not do, or a reviewer should know'),
        reason: z =>
          z
            .string()
            .describe(
              "When nothing changes, why: 'already fixed', 'no workloads' or 'needs a change by hand'; empty otherwise",
            ),
        diff: z =>
          z
            .string()
            .describe(
              'A unified diff of every added or modified file against the repository',
            ),
        summary: z =>
          z.string().describe('The plan in Markdown, for a pull request body'),
        checkId: z =>
          z.string().describe('The maturity check the fix makes pass'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const repoDir = workspacePath(
        ctx.workspacePath,
        input.repositoryPath,
        'repositoryPath',
      );
      const outDir = workspacePath(
        ctx.workspacePath,
        input.outputPath,
        'outputPath',
      );
      assertSeparateOutput(outDir, input.outputPath, [
        ['repositoryPath', repoDir],
      ]);
      if (!(await fs.stat(repoDir).catch(() => undefined))?.isDirectory()) {
        throw new InputError(
          `repositoryPath "${input.repositoryPath}" is not a directory`,
        );
      }
      // The same bounded reader the maturity and zero-trust scans use:
      // oversized files, symlinks and YAML past its limits are not read.
      const tree = await readLocalTree(repoDir);
      const plan = await planFix(tree, input.fix, {
        skippedPaths: input.skippedPaths,
        codeowners: input.codeowners,
        otlpEndpoint: input.otlpEndpoint,
        resolveDigest: options.resolveDigest,
      });
      await fs.rm(outDir, { recursive: true, force: true });
      await fs.mkdir(outDir, { recursive: true });
      for (const path of [...plan.added, ...plan.modified]) {
        const target = resolveSafeChildPath(outDir, path);
        await fs.mkdir(dirname(target), { recursive: true });
        await fs.writeFile(target, plan.files.get(path)!);
      }
      const changed = plan.files.size > 0;
      ctx.logger.info(
        changed
          ? `Fix ${input.fix} (check ${plan.checkId}) adds ${
              plan.added.length
            } file(s)${
              plan.added.length ? `: ${plan.added.join(', ')}` : ''
            }; modifies ${plan.modified.length}${
              plan.modified.length ? `: ${plan.modified.join(', ')}` : ''
            }`
          : `Fix ${input.fix} (check ${plan.checkId}) changes nothing: ${plan.reason}. ${plan.unchanged}`,
      );
      for (const note of plan.notes) ctx.logger.info(`Fix note: ${note}`);
      ctx.output('changed', changed);
      ctx.output('added', plan.added);
      ctx.output('modified', plan.modified);
      ctx.output('notes', plan.notes);
      ctx.output('reason', plan.reason ?? '');
      ctx.output('diff', planDiff(tree, plan));
      ctx.output('summary', planSummary(plan));
      ctx.output('checkId', plan.checkId);
    },
  });
}
