import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { randomBytes } from 'node:crypto';
import { acquireStartupLock } from './startupLock';

const connectionString =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/** A replica's configuration: the test server, a prefix of the test's own. */
function replicaConfig(prefix: string) {
  const url = new URL(connectionString!);
  return new ConfigReader({
    backend: {
      database: {
        client: 'pg',
        prefix,
        connection: {
          host: url.hostname,
          port: Number(url.port || 5432),
          user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
        },
      },
    },
  });
}

const settled = (p: Promise<unknown>) =>
  Promise.race([
    p.then(() => true),
    new Promise(r => setTimeout(() => r(false), 1500)),
  ]);

describe('the startup lock', () => {
  it('is not taken on SQLite (backend.database.client: better-sqlite3)', async () => {
    const config = new ConfigReader({
      backend: {
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
    });
    await expect(
      acquireStartupLock({ config, logger: mockServices.logger.mock() }),
    ).resolves.toBeUndefined();
  });

  (connectionString ? describe : describe.skip)('on PostgreSQL', () => {
    it('makes a replica started at the same time wait until the first has started', async () => {
      const prefix = `lock_${randomBytes(4).toString('hex')}_`;
      const logger = mockServices.logger.mock();
      const first = await acquireStartupLock({
        config: replicaConfig(prefix),
        logger,
      });
      expect(first).toBeDefined();
      const second = acquireStartupLock({
        config: replicaConfig(prefix),
        logger,
      });
      expect(await settled(second)).toBe(false);
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringContaining('Waiting for another replica'),
      );
      await first!.release();
      expect(await settled(second)).toBe(true);
      await (await second)!.release();
    });

    it('gives up when another replica holds it longer than the wait (waitMs: 1000)', async () => {
      const prefix = `lock_${randomBytes(4).toString('hex')}_`;
      const logger = mockServices.logger.mock();
      const first = await acquireStartupLock({
        config: replicaConfig(prefix),
        logger,
      });
      await expect(
        acquireStartupLock({
          config: replicaConfig(prefix),
          logger,
          waitMs: 1000,
        }),
      ).rejects.toThrow(/has been starting for more than 1 s/);
      await first!.release();
    });

    it('does not make portals with different database prefixes wait for each other', async () => {
      const logger = mockServices.logger.mock();
      const a = await acquireStartupLock({
        config: replicaConfig(`lock_${randomBytes(4).toString('hex')}_`),
        logger,
      });
      const b = await acquireStartupLock({
        config: replicaConfig(`lock_${randomBytes(4).toString('hex')}_`),
        logger,
        waitMs: 1000,
      });
      expect(b).toBeDefined();
      await a!.release();
      await b!.release();
    });
  });
});
