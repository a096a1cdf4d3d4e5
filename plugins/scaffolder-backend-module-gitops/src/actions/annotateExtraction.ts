import { InputError } from '@backstage/errors';
import { workspacePath } from '../lib/files';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EXTRACTED_AT_ANNOTATION,
  EXTRACTED_CAPABILITY_ANNOTATION,
  EXTRACTED_FROM_ANNOTATION,
  ROUTED_CAPABILITIES_ANNOTATION,
} from '@cloud-native-portal/plugin-maturity-node';
import { promises as fs } from 'fs';
import {
  annotateCatalogInfo,
  CAPABILITY_NAME,
  componentRef,
  isIsoDay,
  today,
} from '../lib/extraction';
import { examples } from './annotateExtraction.examples';

/**
 * `gitops:annotate-extraction`: records a strangler-fig extraction in a
 * catalog-info file of the workspace. On the new service's Component
 * (`side: service`) it sets `cloud-native-portal/extracted-from`,
 * `-capability` and `-at`, which the maturity review reads; on the
 * monolith's own entry (`side: monolith`) it adds the capability to
 * `cloud-native-portal/routed-capabilities`. Other documents, comments and
 * formatting of the file are kept; running it twice changes nothing more.
 */
export function createAnnotateExtractionAction() {
  return createTemplateAction({
    id: 'gitops:annotate-extraction',
    description:
      "Annotates an extracted service's (or its monolith's) catalog-info file with a strangler-fig extraction.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        monolith: z =>
          z
            .string()
            .min(1)
            .describe('The monolith Component the capability left'),
        capability: z => z.string().describe('The extracted capability'),
        side: z =>
          z
            .enum(['service', 'monolith'])
            .optional()
            .describe(
              'Which entity the file holds: the new service (default) or the monolith',
            ),
        path: z =>
          z
            .string()
            .optional()
            .describe(
              'The catalog-info file in the workspace; default catalog-info.yaml',
            ),
        extractedAt: z =>
          z
            .string()
            .optional()
            .describe(
              'The day of the extraction, YYYY-MM-DD; default today (UTC)',
            ),
      },
      output: {
        entityRef: z => z.string(),
        extractedAt: z => z.string(),
        annotations: z => z.record(z.string(), z.string()),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const side = input.side ?? 'service';
      let monolith: string;
      try {
        monolith = componentRef(input.monolith);
      } catch {
        throw new InputError(
          `monolith "${input.monolith}" is not an entity ref`,
        );
      }
      if (!CAPABILITY_NAME.test(input.capability)) {
        throw new InputError(
          `capability "${input.capability}" is not a capability name (lower case, digits and dashes)`,
        );
      }
      const extractedAt = input.extractedAt ?? today();
      if (!isIsoDay(extractedAt)) {
        throw new InputError(
          `extractedAt "${input.extractedAt}" is not a day written as YYYY-MM-DD`,
        );
      }
      const relPath = input.path ?? 'catalog-info.yaml';
      const file = workspacePath(ctx.workspacePath, relPath, 'path');
      const text = await fs.readFile(file, 'utf8').catch(() => {
        throw new InputError(
          `path "${relPath}" is not a file in the workspace`,
        );
      });
      let result;
      try {
        result =
          side === 'service'
            ? annotateCatalogInfo(
                text,
                { kind: 'Component' },
                {
                  set: {
                    [EXTRACTED_FROM_ANNOTATION]: monolith,
                    [EXTRACTED_CAPABILITY_ANNOTATION]: input.capability,
                    [EXTRACTED_AT_ANNOTATION]: extractedAt,
                  },
                },
              )
            : annotateCatalogInfo(
                text,
                { kind: 'Component', ref: monolith },
                {
                  lists: {
                    [ROUTED_CAPABILITIES_ANNOTATION]: [input.capability],
                  },
                },
              );
      } catch (e) {
        if (e instanceof InputError) {
          throw new InputError(`${relPath}: ${e.message}`);
        }
        throw e;
      }
      if (side === 'service' && result.entityRef === monolith) {
        throw new InputError(
          `${relPath} holds the monolith ${monolith} itself; use side: monolith`,
        );
      }
      await fs.writeFile(file, result.text);
      ctx.logger.info(
        `Annotated ${result.entityRef} in ${relPath}: ${Object.entries(
          result.annotations,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
      );
      ctx.output('entityRef', result.entityRef);
      ctx.output('extractedAt', extractedAt);
      ctx.output('annotations', result.annotations);
    },
  });
}
