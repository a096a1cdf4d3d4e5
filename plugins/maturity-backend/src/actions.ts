import { PermissionsService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  maturityEntityReadPermission,
  noDimensionEvaluated,
} from '@cloud-native-portal/plugin-maturity-common';
import { MaturityStore } from './database/MaturityStore';
import { MaturityEngine } from './engine/MaturityEngine';
import { buildEntityReport } from './service/entityReport';

/**
 * Registers `get-entity-maturity` in the actions registry, so AI tools (over
 * MCP) can ask for a service's level, score and next steps.
 */
export function registerMaturityActions(options: {
  actionsRegistry: ActionsRegistryService;
  engine: MaturityEngine;
  store: MaturityStore;
  permissions: PermissionsService;
}) {
  const { actionsRegistry, engine, store, permissions } = options;
  actionsRegistry.register({
    name: 'get-entity-maturity',
    title: 'Get entity maturity',
    description:
      "Returns a catalog entity's cloud-native maturity: its overall level (1 Traditional to 5 Self-healing), 0-100 score, level per dimension, and the next concrete steps with the template that fixes each.",
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'Entity ref, e.g. component:default/course-catalog-service',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          evaluated: z
            .boolean()
            .describe(
              'false when no dimension could be evaluated: nothing was measured, and level and score are null',
            ),
          level: z.number().nullable(),
          levelName: z.string(),
          score: z.number().nullable(),
          evaluatedAt: z.string(),
          dimensions: z.array(
            z.object({
              dimension: z.string(),
              level: z
                .number()
                .nullable()
                .describe('null when the dimension was not evaluated'),
              status: z.enum(['evaluated', 'not-evaluated']),
              score: z.number().nullable(),
            }),
          ),
          coverage: z.object({ measured: z.number(), total: z.number() }),
          connectEvidence: z
            .array(z.string())
            .describe('What to add so that unknown checks can be measured'),
          nextSteps: z.array(
            z.object({
              checkId: z.string(),
              title: z.string(),
              why: z.string(),
              how: z.string(),
              fixTemplate: z.string().optional(),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'A service mid-migration',
        input: { entityRef: 'component:default/enrolment-service' },
      },
    ],
    action: async ({ input, credentials }) => {
      const entityRef = input.entityRef.toLocaleLowerCase('en-US');
      const [decision] = await permissions.authorize(
        [{ permission: maturityEntityReadPermission, resourceRef: entityRef }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(`Not allowed to read ${entityRef}`);
      }
      const report = await buildEntityReport(entityRef, engine, store);
      const evaluated = !noDimensionEvaluated(report.dimensions);
      return {
        output: {
          entityRef,
          evaluated,
          level: evaluated ? report.level : null,
          levelName: evaluated ? report.levelName : 'Not evaluated',
          score: evaluated ? report.score : null,
          evaluatedAt: report.evaluatedAt,
          dimensions: report.dimensions.map(d => ({
            dimension: d.dimension,
            level: d.level,
            status: d.status ?? ('evaluated' as const),
            score: d.score,
          })),
          coverage: report.coverage,
          connectEvidence: (report.connectEvidence?.gaps ?? []).map(
            g => g.what,
          ),
          nextSteps: report.nextSteps.map(step => ({
            checkId: step.checkId,
            title: step.title,
            why: step.why,
            how: step.how,
            fixTemplate: step.fixTemplate?.ref,
          })),
        },
      };
    },
  });
}
