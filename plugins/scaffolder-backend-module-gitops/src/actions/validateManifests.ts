import { CatalogService } from '@backstage/plugin-catalog-node';
import { workspacePath } from '../lib/files';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { scanMaturity, scanZeroTrust } from '../lib/scan';
import { validateTree } from '../lib/validateTree';
import { examples } from './validateManifests.examples';

const GRADES = ['A', 'B', 'C', 'D', 'F'] as const;

/**
 * `gitops:validate-manifests`: parses every YAML file of the workspace,
 * validates Kubernetes objects against packaged schemas, checks GitHub
 * workflows, and runs the zero-trust and maturity scans, failing below the
 * template's thresholds. It only reads, so a dry run does the same.
 */
export function createValidateManifestsAction(
  options: { catalog?: CatalogService } = {},
) {
  return createTemplateAction({
    id: 'gitops:validate-manifests',
    description:
      'Validates the workspace: YAML, Kubernetes schemas, GitHub workflows, zero-trust grade and maturity level.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .optional()
            .describe(
              'Directory in the workspace to validate; default the root',
            ),
        minGrade: z =>
          z
            .enum(GRADES)
            .optional()
            .describe('Fail when the zero-trust grade is below this'),
        minLevel: z =>
          z
            .number()
            .int()
            .min(1)
            .max(5)
            .optional()
            .describe('Fail when the maturity level is below this'),
        requireSchemas: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Fail on Kubernetes kinds that no packaged schema covers; default false',
            ),
      },
      output: {
        validatedObjects: z => z.number(),
        unvalidatedObjects: z => z.array(z.string()),
        workflows: z => z.number(),
        zeroTrustGrade: z => z.string().nullable(),
        zeroTrustScore: z => z.number().nullable(),
        maturityLevel: z => z.number(),
        maturityScore: z => z.number(),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const root = workspacePath(ctx.workspacePath, input.path ?? '.', 'path');

      const tree = await validateTree(root);
      const problems = tree.problems.map(p => `${p.path}: ${p.message}`);
      if (input.requireSchemas) {
        problems.push(
          ...tree.unvalidatedObjects.map(o => `${o}: no packaged schema`),
        );
      }
      for (const o of tree.unvalidatedObjects) {
        ctx.logger.warn(`not schema-checked (no packaged schema): ${o}`);
      }

      const posture = await scanZeroTrust(root);
      const maturity = await scanMaturity(root, {
        catalog: options.catalog && {
          service: options.catalog,
          credentials: await ctx.getInitiatorCredentials(),
        },
      });
      ctx.logger.info(
        `${tree.yamlFiles} YAML files, ${tree.validatedObjects} Kubernetes objects valid, ${tree.workflows} workflows; zero-trust ${posture.grade} (${posture.score}); maturity level ${maturity.level} (${maturity.score})`,
      );

      if (input.minGrade) {
        const rank = (g: string | null) =>
          g ? GRADES.indexOf(g as (typeof GRADES)[number]) : GRADES.length;
        if (rank(posture.grade) > rank(input.minGrade)) {
          const failing = posture.results
            .filter(r => r.status === 'fail')
            .map(r => r.controlId);
          problems.push(
            `zero-trust grade ${posture.grade ?? 'none'} is below ${
              input.minGrade
            }; failing: ${failing.join(', ') || 'none'}`,
          );
        }
      }
      if (input.minLevel && maturity.level < input.minLevel) {
        problems.push(
          `maturity level ${maturity.level} is below ${
            input.minLevel
          }; failing: ${maturity.failing.map(r => r.checkId).join(', ')}`,
        );
      }

      ctx.output('validatedObjects', tree.validatedObjects);
      ctx.output('unvalidatedObjects', tree.unvalidatedObjects);
      ctx.output('workflows', tree.workflows);
      ctx.output('zeroTrustGrade', posture.grade);
      ctx.output('zeroTrustScore', posture.score);
      ctx.output('maturityLevel', maturity.level);
      ctx.output('maturityScore', maturity.score);

      if (problems.length) {
        throw new Error(
          `The generated manifests did not pass validation:\n- ${problems.join(
            '\n- ',
          )}`,
        );
      }
    },
  });
}
