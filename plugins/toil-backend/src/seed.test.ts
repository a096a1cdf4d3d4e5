import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createTestDatabases } from './__testUtils__/testDatabases';
import {
  demoRegisterFile,
  loadExampleCatalog,
} from './__testUtils__/exampleCatalog';
import { DatabaseToilStore } from './database/DatabaseToilStore';
import { SeedRetry } from './seed';

jest.setTimeout(60_000);

const databases = createTestDatabases();

async function setUp(options: {
  entities: ReturnType<typeof loadExampleCatalog>;
  file?: string;
  maxAttempts: number;
}) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseToilStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
  const catalog = catalogServiceMock({ entities: options.entities });
  const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
  const logger = mockServices.logger.mock();
  const seeding = new SeedRetry({
    file: options.file ?? demoRegisterFile,
    store,
    catalog,
    auth: mockServices.auth(),
    logger,
    maxAttempts: options.maxAttempts,
  });
  return { store, seeding, logger, getEntitiesByRefs };
}

describe('seeding the toil register (toil.seed.file)', () => {
  it('gives up with a warning when the catalog never holds the entities the file names', async () => {
    // payments-gateway never reaches the catalog.
    const { store, seeding, logger, getEntitiesByRefs } = await setUp({
      entities: loadExampleCatalog().filter(
        e => e.metadata.name !== 'payments-gateway',
      ),
      maxAttempts: 3,
    });
    expect(await seeding.attempt()).toMatchObject({ status: 'waiting' });
    expect(await seeding.attempt()).toMatchObject({ status: 'waiting' });
    expect(seeding.signal.aborted).toBe(false);
    expect(await seeding.attempt()).toEqual({
      status: 'gave-up',
      reason:
        'gave up after 3 attempts: 9 rows name entities the catalog does not hold yet',
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Toil seed gave up after 3 attempts'),
    );
    // The schedule stops, and a further call does no work.
    expect(seeding.signal.aborted).toBe(true);
    const calls = getEntitiesByRefs.mock.calls.length;
    expect(await seeding.attempt()).toMatchObject({ status: 'skipped' });
    expect(getEntitiesByRefs.mock.calls.length).toBe(calls);
    expect(await store.countTasks()).toBe(0);
  });

  it('gives up with a warning when the file cannot be read (a missing toil.seed.file)', async () => {
    const { seeding, logger } = await setUp({
      entities: loadExampleCatalog(),
      file: '/nonexistent/toil-register.csv',
      maxAttempts: 2,
    });
    await expect(seeding.attempt()).rejects.toThrow('ENOENT');
    expect(await seeding.attempt()).toMatchObject({
      status: 'gave-up',
      reason: expect.stringContaining('ENOENT'),
    });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(seeding.signal.aborted).toBe(true);
  });

  it('stops once the register is seeded', async () => {
    const { store, seeding } = await setUp({
      entities: loadExampleCatalog(),
      maxAttempts: 3,
    });
    expect(await seeding.attempt()).toMatchObject({
      status: 'seeded',
      applied: 44,
    });
    expect(seeding.signal.aborted).toBe(true);
    expect(await store.countTasks()).toBe(44);
  });
});
