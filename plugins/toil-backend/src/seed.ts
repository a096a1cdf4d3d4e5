import {
  AuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { readFile } from 'node:fs/promises';
import { planCsvImport, toilTaskKey } from './csv/CsvImporter';
import { ToilStore } from './database/ToilStore';

/** What one seeding attempt did. */
export type SeedOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'waiting'; reason: string }
  | { status: 'seeded'; applied: number; rejected: number };

/** The actor recorded in the audit trail for seeded rows. */
export const SEED_ACTOR = 'plugin:toil/seed';

/**
 * Seeds an empty register from a CSV once. A register that has ever held a
 * row (the audit trail is not empty) is never re-seeded, so deleting every
 * row stays deleted. While the catalog has not yet ingested the entities the
 * file names, it waits for the next attempt rather than dropping rows.
 */
export async function seedRegister(options: {
  file: string;
  store: ToilStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  permissions?: PermissionsService;
}): Promise<SeedOutcome> {
  const { store, catalog, auth, logger } = options;
  if ((await store.listAudit()).length > 0) {
    return { status: 'skipped', reason: 'the register already has history' };
  }
  const credentials = await auth.getOwnServiceCredentials();
  const bytes = await readFile(options.file);
  const plan = await planCsvImport(bytes, undefined, {
    existingRefs: async refs => {
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: refs, fields: ['kind', 'metadata'] },
        { credentials },
      );
      return new Set(items.flatMap(e => (e ? [stringifyEntityRef(e)] : [])));
    },
    existingKeys: async refs =>
      new Set(
        (
          await store.listTasks({ entityRefs: refs })
        ).map(t => toilTaskKey(t.entityRef, t.task)),
      ),
  });
  const missing = plan.rejected.filter(r =>
    r.reasons.some(reason => reason.includes('is not in the catalog')),
  );
  if (missing.length > 0) {
    return {
      status: 'waiting',
      reason: `${missing.length} rows name entities the catalog does not hold yet`,
    };
  }
  for (const row of plan.rejected) {
    logger.warn(
      `Toil seed: line ${row.line} of ${
        options.file
      } skipped: ${row.reasons.join('; ')}`,
    );
  }
  if (plan.newTasks.length) await store.createTasks(plan.newTasks, SEED_ACTOR);
  logger.info(
    `Toil register seeded from ${options.file}: ${plan.newTasks.length} rows`,
  );
  return {
    status: 'seeded',
    applied: plan.newTasks.length,
    rejected: plan.rejected.length,
  };
}
