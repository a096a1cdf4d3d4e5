/*
 * Replicas that start at the same moment on one PostgreSQL server race each
 * other on CREATE DATABASE and on the plugins' knex migrations (duplicate
 * pg_type rows, "relation already exists", "Migration table is already
 * locked"). Startup is therefore serialized: a replica holds a PostgreSQL
 * advisory lock, on a connection of its own, from before its plugins start
 * until all of them have started. The next replica then finds the databases
 * created and migrated. A replica that dies while holding the lock loses its
 * session, and with it the lock.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { knex, Knex } from 'knex';

/** How long a replica waits for the others to finish starting. */
export const DEFAULT_STARTUP_LOCK_WAIT_MS = 5 * 60_000;

const POLL_MS = 500;

/**
 * The advisory lock's name: one per database prefix, so that portals that
 * share a server under different prefixes do not wait for each other.
 */
export function startupLockName(config: Config): string {
  const prefix =
    config.getOptionalString('backend.database.prefix') ?? 'backstage_plugin_';
  return `cloud-native-portal startup ${prefix}`;
}

/**
 * The connection for the lock: the backend's own PostgreSQL connection, on
 * the database that the backend itself uses to create the plugins' databases
 * (`postgres`), or on the configured database when every plugin shares it
 * (pluginDivisionMode: schema, or an explicit connection.database).
 */
function lockConnection(config: Config): Knex.Config['connection'] {
  const raw = config.get<string | Record<string, unknown>>(
    'backend.database.connection',
  );
  if (typeof raw === 'string') {
    const url = new URL(raw);
    if (url.pathname === '' || url.pathname === '/') url.pathname = '/postgres';
    return url.toString();
  }
  return { ...raw, database: (raw.database as string) ?? 'postgres' };
}

export type StartupLock = {
  /** Releases the lock and closes its connection. Never throws. */
  release(): Promise<void>;
};

/**
 * Takes the startup lock when the backend's database is PostgreSQL, waiting
 * at most `waitMs` for other replicas; returns undefined for other databases.
 * Throws when the lock is not obtained in time, so the backend exits and its
 * supervisor restarts it.
 */
export async function acquireStartupLock(options: {
  config: Config;
  logger: LoggerService;
  waitMs?: number;
}): Promise<StartupLock | undefined> {
  const { config, logger } = options;
  if (config.getOptionalString('backend.database.client') !== 'pg') {
    return undefined;
  }
  const name = startupLockName(config);
  const waitMs = options.waitMs ?? DEFAULT_STARTUP_LOCK_WAIT_MS;
  // One connection: an advisory lock belongs to the session that took it.
  const db = knex({
    client: 'pg',
    connection: lockConnection(config),
    pool: { min: 1, max: 1 },
  });
  try {
    const deadline = Date.now() + waitMs;
    let waiting = false;
    for (;;) {
      const { rows } = await db.raw<{ rows: Array<{ locked: boolean }> }>(
        'SELECT pg_try_advisory_lock(hashtext(?)) AS locked',
        [name],
      );
      if (rows[0]?.locked) break;
      if (Date.now() >= deadline) {
        throw new Error(
          `Another replica has been starting for more than ${Math.round(
            waitMs / 1000,
          )} s (PostgreSQL advisory lock '${name}'); giving up`,
        );
      }
      if (!waiting) {
        logger.info(
          'Waiting for another replica to finish starting (database creation and migrations are serialized)',
        );
        waiting = true;
      }
      await new Promise(r => setTimeout(r, POLL_MS));
    }
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error;
  }
  logger.info(`Startup lock '${name}' taken`);
  return {
    async release() {
      try {
        await db.raw('SELECT pg_advisory_unlock(hashtext(?))', [name]);
      } catch (error) {
        // Closing the session below releases the lock all the same.
        logger.warn(`Could not release the startup lock: ${error}`);
      }
      await db.destroy().catch(() => {});
    },
  };
}
