import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { setTimeout as sleep } from 'timers/promises';
import { examples } from './waitForEntity.examples';

/** How long a template waits by default: a few provider refreshes. */
export const DEFAULT_WAIT_SECONDS = 60;
/** The longest wait a template may ask for. */
export const MAX_WAIT_SECONDS = 300;

/**
 * `gitops:wait-for-entity`: waits until the catalog holds an entity, so the
 * task page's "Open in catalog" link lands on the entity rather than on
 * "Entity not found". Polls the catalog with the initiator's credentials
 * until the entity is there or the bounded timeout passes; a timeout is a
 * warning and `found: false`, not a failure, because what the task made
 * (a published repository) is already there.
 */
export function createWaitForEntityAction(options: {
  catalog: CatalogService;
  /** Time between two looks; tests make it short. */
  intervalMillis?: number;
}) {
  const interval = options.intervalMillis ?? 1000;
  return createTemplateAction({
    id: 'gitops:wait-for-entity',
    description:
      'Waits (bounded) until the catalog holds an entity, e.g. the Component a template just published, so its catalog link works.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .optional()
            .describe(
              'The entity to wait for, e.g. component:default/x; a publish step that registered nothing (a dry run) gives none, and nothing is waited for',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            .max(MAX_WAIT_SECONDS)
            .optional()
            .describe(
              `How long to wait at most, in seconds (1 to ${MAX_WAIT_SECONDS}); default ${DEFAULT_WAIT_SECONDS}`,
            ),
      },
      output: {
        found: z =>
          z.boolean().describe('Whether the catalog held the entity in time'),
        entityRef: z =>
          z.string().optional().describe('The full ref of the entity'),
        waitedSeconds: z =>
          z.number().describe('How long the action waited, in seconds'),
      },
    },
    async handler(ctx) {
      if (!ctx.input.entityRef) {
        ctx.logger.info(
          `${
            ctx.isDryRun ? 'Dry run: ' : ''
          }no entity was registered, so there is none to wait for`,
        );
        ctx.output('found', false);
        ctx.output('waitedSeconds', 0);
        return;
      }
      let ref: string;
      try {
        ref = stringifyEntityRef(
          parseEntityRef(ctx.input.entityRef, { defaultKind: 'component' }),
        );
      } catch {
        throw new InputError(
          `entityRef "${ctx.input.entityRef}" is not an entity ref`,
        );
      }
      ctx.output('entityRef', ref);
      if (ctx.isDryRun) {
        // Nothing was published, so there is nothing to wait for.
        ctx.logger.info(`Dry run: would wait for ${ref} in the catalog`);
        ctx.output('found', false);
        ctx.output('waitedSeconds', 0);
        return;
      }
      const timeout = (ctx.input.timeoutSeconds ?? DEFAULT_WAIT_SECONDS) * 1000;
      const started = Date.now();
      const credentials = await ctx.getInitiatorCredentials();
      for (;;) {
        const entity = await options.catalog.getEntityByRef(ref, {
          credentials,
        });
        const waited = Date.now() - started;
        const seconds = Math.round(waited / 100) / 10;
        if (entity) {
          ctx.logger.info(`${ref} is in the catalog (after ${seconds} s)`);
          ctx.output('found', true);
          ctx.output('waitedSeconds', seconds);
          return;
        }
        if (waited >= timeout || ctx.signal?.aborted) {
          ctx.logger.warn(
            `${ref} is not in the catalog after ${seconds} s; the catalog has not processed it yet, so its page may say "Entity not found" for a while longer`,
          );
          ctx.output('found', false);
          ctx.output('waitedSeconds', seconds);
          return;
        }
        await sleep(Math.min(interval, timeout - waited), undefined, {
          signal: ctx.signal,
        }).catch(() => undefined);
      }
    },
  });
}
