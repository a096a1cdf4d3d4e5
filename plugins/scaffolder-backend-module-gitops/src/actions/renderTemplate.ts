import { workspacePath } from '../lib/files';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { promises as fs } from 'fs';
import {
  renderCatalogTemplate,
  RenderTemplateDeps,
  writeRenderedFiles,
} from '../lib/renderTemplate';
import { examples } from './renderTemplate.examples';

/**
 * `gitops:render-template`: renders another catalog Template with the given
 * answers into the workspace. The template runs through the scaffolder's
 * dry-run API on behalf of the user, so its own steps (rendering, the
 * template record, manifest validation) run and nothing is published. Used
 * by templates that build on a golden path: strangler-fig extraction and
 * template upgrades.
 */
export function createRenderTemplateAction(deps: RenderTemplateDeps) {
  return createTemplateAction({
    id: 'gitops:render-template',
    description:
      'Renders another catalog Template with the given answers into the workspace (through the scaffolder dry run).',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        templateRef: z =>
          z
            .string()
            .min(1)
            .describe('The Template to render, e.g. template:default/x'),
        values: z =>
          z
            .record(z.string(), z.unknown())
            .describe("The answers to the template's parameters"),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe('Workspace directory to write into; default the root'),
      },
      output: {
        templateRef: z => z.string(),
        templateVersion: z => z.string().optional(),
        files: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const target = workspacePath(
        ctx.workspacePath,
        input.targetPath ?? '.',
        'targetPath',
      );
      ctx.logger.info(`Rendering ${input.templateRef}`);
      const rendered = await renderCatalogTemplate(deps, {
        templateRef: input.templateRef,
        values: input.values as JsonObject,
        credentials: await ctx.getInitiatorCredentials(),
      });
      await fs.mkdir(target, { recursive: true });
      const files = await writeRenderedFiles(target, rendered.files);
      ctx.logger.info(
        `Rendered ${files.length} files of ${rendered.templateRef}${
          rendered.templateVersion ? ` ${rendered.templateVersion}` : ''
        }`,
      );
      ctx.output('templateRef', rendered.templateRef);
      if (rendered.templateVersion) {
        ctx.output('templateVersion', rendered.templateVersion);
      }
      ctx.output('files', files);
    },
  });
}
