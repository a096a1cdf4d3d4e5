import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

/**
 * SQLite always; PostgreSQL 15 whenever a server is configured through
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (the test command and
 * CI start one and set it).
 */
export function createTestDatabases(): TestDatabases {
  const ids: TestDatabaseId[] = ['SQLITE_3'];
  if (process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) {
    ids.unshift('POSTGRES_15');
  }
  return TestDatabases.create({ ids });
}
