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
  | { status: 'gave-up'; reason: string }
  | { status: 'seeded'; applied: number; rejected: number };

/** Attempts before seeding gives up: 20, about ten minutes at 30 s apart. */
export const DEFAULT_SEED_ATTEMPTS = 20;

/** The actor recorded in the audit trail for seeded rows. */
export const SEED_ACTOR = 'plugin:toil/seed';

/**
 * Seeds an empty register from a CSV once. A register that has ever held a
 * row (the audit trail is not empty) is never re-seeded, so deleting every
 * row stays deleted. While the catalog has not yet ingested the entities the
 * file names, it waits for the next attempt rather than dropping rows.
 */
type SeedOptions = {
  file: string;
  store: ToilStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  permissions?: PermissionsService;
};

export async function seedRegister(options: SeedOptions): Promise<SeedOutcome> {
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

/**
 * Seeding as a scheduled task, with a bounded retry: attempts while the
 * catalog has not yet ingested the entities the file names (or while an
 * attempt fails), at most `maxAttempts` times, then logs a warning and stops.
 * `signal` is aborted once seeding has ended (seeded, skipped or given up),
 * which stops the task's schedule in this backend.
 */
export class SeedRetry {
  readonly #options: SeedOptions & { maxAttempts: number };
  readonly #ended = new AbortController();
  #attempts = 0;

  constructor(options: SeedOptions & { maxAttempts?: number }) {
    this.#options = {
      ...options,
      maxAttempts: options.maxAttempts ?? DEFAULT_SEED_ATTEMPTS,
    };
  }

  /** Aborted once seeding has ended. */
  get signal(): AbortSignal {
    return this.#ended.signal;
  }

  async attempt(): Promise<SeedOutcome> {
    if (this.signal.aborted) {
      return { status: 'skipped', reason: 'seeding has ended' };
    }
    const { logger, maxAttempts } = this.#options;
    let outcome: SeedOutcome;
    try {
      outcome = await seedRegister(this.#options);
    } catch (error) {
      // A failed attempt (say, an unreadable file) counts as one too.
      this.#attempts += 1;
      if (this.#attempts < maxAttempts) throw error;
      return this.#giveUp(String(error));
    }
    if (outcome.status !== 'waiting') {
      this.#ended.abort();
      return outcome;
    }
    this.#attempts += 1;
    if (this.#attempts >= maxAttempts) return this.#giveUp(outcome.reason);
    logger.info(
      `Toil seed waiting (attempt ${this.#attempts} of ${maxAttempts}): ${
        outcome.reason
      }`,
    );
    return outcome;
  }

  #giveUp(lastReason: string): SeedOutcome {
    this.#ended.abort();
    const reason = `gave up after ${this.#attempts} attempts: ${lastReason}`;
    this.#options.logger.warn(
      `Toil seed ${reason}. The register was not seeded from ${
        this.#options.file
      }; check the file against the catalog, then restart the backend to try again.`,
    );
    return { status: 'gave-up', reason };
  }
}
