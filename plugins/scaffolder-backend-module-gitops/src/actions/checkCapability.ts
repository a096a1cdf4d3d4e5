import {
  ANNOTATION_LOCATION,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CAPABILITIES_ANNOTATION,
  EXTRACTED_CAPABILITY_ANNOTATION,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  CAPABILITY_NAME,
  checkCapability,
  componentRef,
  githubCatalogEntry,
  splitList,
} from '../lib/extraction';
import { examples } from './checkCapability.examples';

/**
 * `gitops:check-capability`: before a strangler-fig extraction, checks in
 * the catalog that the monolith lists the capability (annotation
 * `cloud-native-portal/capabilities`) and that no service took it over
 * already (`cloud-native-portal/extracted-from` and `-capability`).
 * Read-only, so it runs in dry runs too.
 */
export function createCheckCapabilityAction(options: {
  catalog: CatalogService;
}) {
  return createTemplateAction({
    id: 'gitops:check-capability',
    description:
      'Checks that a monolith Component lists a capability and that no service took it over yet.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        monolith: z =>
          z
            .string()
            .min(1)
            .describe('The monolith Component, e.g. component:default/x'),
        capability: z =>
          z.string().describe('The capability to extract, e.g. notifications'),
      },
      output: {
        monolithRef: z => z.string(),
        monolithName: z => z.string(),
        capabilities: z => z.array(z.string()),
        remaining: z =>
          z
            .array(z.string())
            .describe('Capabilities left in the monolith after this one'),
        monolithRepoUrl: z =>
          z
            .string()
            .optional()
            .describe(
              "The GitHub repository of the monolith's catalog entry, as host?owner=o&repo=r; absent when the entry is not in one",
            ),
        monolithCatalogInfoUrl: z =>
          z
            .string()
            .optional()
            .describe("The URL of the monolith's catalog-info file"),
        monolithCatalogInfoPath: z =>
          z
            .string()
            .optional()
            .describe("The catalog-info file's path in that repository"),
        monolithCatalogInfoBranch: z =>
          z
            .string()
            .optional()
            .describe(
              'The branch the catalog-info file is read from, which a change to it targets',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      let ref: string;
      try {
        ref = componentRef(input.monolith);
      } catch {
        throw new InputError(
          `monolith "${input.monolith}" is not an entity ref`,
        );
      }
      const capability = input.capability.trim();
      if (!CAPABILITY_NAME.test(capability)) {
        throw new InputError(
          `capability "${input.capability}" is not a capability name (lower case, digits and dashes)`,
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const monolith = await options.catalog.getEntityByRef(ref, {
        credentials,
      });
      if (!monolith) {
        throw new NotFoundError(`No ${ref} in the catalog`);
      }
      // The services that took over any of the monolith's capabilities;
      // checkCapability keeps those extracted from this monolith (the
      // extracted-from annotation may use a short ref).
      const listed = splitList(
        monolith.metadata.annotations?.[CAPABILITIES_ANNOTATION],
      );
      const extracted = listed.length
        ? (
            await options.catalog.getEntities(
              {
                filter: {
                  [`metadata.annotations.${EXTRACTED_CAPABILITY_ANNOTATION}`]:
                    listed,
                },
                fields: ['kind', 'metadata'],
              },
              { credentials },
            )
          ).items
        : [];
      const { capabilities, remaining } = checkCapability(
        monolith,
        capability,
        extracted,
      );
      const after = remaining.filter(c => c !== capability);
      ctx.logger.info(
        `${ref} lists "${capability}"; ${after.length} of ${capabilities.length} capabilities remain in it after this extraction`,
      );
      ctx.output('monolithRef', stringifyEntityRef(monolith));
      ctx.output('monolithName', monolith.metadata.name);
      ctx.output('capabilities', capabilities);
      ctx.output('remaining', after);
      const entry = githubCatalogEntry(
        monolith.metadata.annotations?.[ANNOTATION_LOCATION],
      );
      if (entry) {
        ctx.output('monolithRepoUrl', entry.repoUrl);
        ctx.output('monolithCatalogInfoUrl', entry.url);
        ctx.output('monolithCatalogInfoPath', entry.path);
        ctx.output('monolithCatalogInfoBranch', entry.branch);
      } else {
        ctx.logger.info(
          `The catalog entry of ${ref} is not in a GitHub repository; annotate it where it is kept`,
        );
      }
    },
  });
}
