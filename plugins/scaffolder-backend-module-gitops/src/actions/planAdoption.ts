import { InputError } from '@backstage/errors';
import { workspacePath } from '../lib/files';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { promises as fs } from 'fs';
import {
  assertSeparateOutput,
  planAdoption,
  readFileTree,
  writeFiles,
} from '../lib/day2';
import { examples } from './planAdoption.examples';

/**
 * `gitops:plan-adoption`: compares an existing repository with a rendering
 * of the golden path and writes the files it lacks of the GitOps parts
 * (Kustomize base and overlays, Argo CD or Flux objects, the delivery
 * workflow, CODEOWNERS, the template record) into `outputPath`. Whatever the
 * repository has of these stays, reported as kept. Fails when nothing would
 * change. Read-only towards the repository, so it runs in dry runs too.
 */
export function createPlanAdoptionAction() {
  return createTemplateAction({
    id: 'gitops:plan-adoption',
    description:
      'Plans the GitOps parts of the golden path an existing repository lacks, keeping what it has.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repositoryPath: z =>
          z
            .string()
            .describe("Workspace directory with the repository's files"),
        renderedPath: z =>
          z
            .string()
            .describe('Workspace directory with the golden path rendered'),
        outputPath: z =>
          z.string().describe('Workspace directory to write the change into'),
        skippedPaths: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Paths the repository has but that were not copied (gitops:fetch-entity-source skippedPaths); never added or overwritten',
            ),
      },
      output: {
        added: z => z.array(z.string()),
        kept: z => z.array(z.string()),
        notes: z => z.array(z.string()),
        skipped: z => z.array(z.string()),
        summary: z =>
          z.string().describe('The plan in Markdown, for a PR body'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const repoDir = workspacePath(
        ctx.workspacePath,
        input.repositoryPath,
        'repositoryPath',
      );
      const renderedDir = workspacePath(
        ctx.workspacePath,
        input.renderedPath,
        'renderedPath',
      );
      const outDir = workspacePath(
        ctx.workspacePath,
        input.outputPath,
        'outputPath',
      );
      assertSeparateOutput(outDir, input.outputPath, [
        ['repositoryPath', repoDir],
        ['renderedPath', renderedDir],
      ]);
      for (const [name, dir] of [
        ['repositoryPath', repoDir],
        ['renderedPath', renderedDir],
      ]) {
        if (!(await fs.stat(dir).catch(() => undefined))?.isDirectory()) {
          throw new InputError(`${name} "${dir}" is not a directory`);
        }
      }
      const repo = await readFileTree(repoDir);
      const rendered = await readFileTree(renderedDir);
      if (rendered.size === 0) {
        throw new InputError(
          `renderedPath "${input.renderedPath}" has no files`,
        );
      }
      const plan = planAdoption(repo, rendered, {
        skippedPaths: input.skippedPaths,
      });
      const added = [...plan.files.keys()].sort();
      await fs.rm(outDir, { recursive: true, force: true });
      await writeFiles(outDir, plan.files, added);

      const kept = plan.kept.map(k => `${k.path} (${k.reason})`);
      ctx.logger.info(
        `Adoption adds ${added.length} file(s): ${added.join(', ')}`,
      );
      ctx.logger.info(`Adoption keeps: ${kept.join('; ') || 'nothing'}`);
      for (const note of plan.notes) ctx.logger.info(`Adoption note: ${note}`);
      if (plan.skipped.length > 0) {
        ctx.logger.info(
          `Not read from the repository, left alone: ${plan.skipped.join(
            ', ',
          )}`,
        );
      }
      const summary = [
        '### Adds',
        ...added.map(p => `- \`${p}\``),
        '',
        '### Keeps, as the repository has them',
        ...(kept.length
          ? plan.kept.map(k => `- \`${k.path}\`: ${k.reason}`)
          : ['- nothing']),
        ...(plan.notes.length
          ? ['', '### Notes', ...plan.notes.map(n => `- ${n}`)]
          : []),
      ].join('\n');
      ctx.output('added', added);
      ctx.output('kept', kept);
      ctx.output('notes', plan.notes);
      ctx.output('skipped', plan.skipped);
      ctx.output('summary', summary);
    },
  });
}
