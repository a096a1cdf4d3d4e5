import { ConfigSources } from '@backstage/config-loader';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = join(__dirname, '../../..');

/**
 * The command the README's production section gives, as argv: its
 * `node packages/backend …` line, read from the README itself so that the
 * test and the documentation cannot drift apart.
 */
function readmeProductionArgv(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find(s => s.startsWith('Running with'));
  const line = section
    ?.split('\n')
    .find(l => l.trim().startsWith('node packages/backend'));
  if (!line) {
    throw new Error(
      "README.md has no 'node packages/backend' line under '## Running with …'",
    );
  }
  return line.trim().split(/\s+/);
}

/** Dummy values for every variable the production section lists. */
const productionEnv = {
  APP_BASE_URL: 'https://portal.example.com',
  BACKEND_SECRET: 'a-long-random-string-for-the-test',
  POSTGRES_HOST: 'db.example.com',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'portal',
  POSTGRES_PASSWORD: 'dummy',
  GITHUB_TOKEN: 'dummy',
  AUTH_GITHUB_CLIENT_ID: 'dummy',
  AUTH_GITHUB_CLIENT_SECRET: 'dummy',
};

async function loadProductionConfig() {
  const config = await ConfigSources.toConfig(
    ConfigSources.default({
      // The README runs it from the repository root.
      argv: readmeProductionArgv().map((arg, i, argv) =>
        argv[i - 1] === '--config' ? resolve(root, arg) : arg,
      ),
      rootDir: root,
      env: productionEnv,
      watch: false,
    }),
  );
  config.close();
  return config;
}

describe('production configuration (the README production command)', () => {
  it('passes only app-config.production.yaml, not the demo app-config.yaml', () => {
    const argv = readmeProductionArgv();
    const files = argv.filter((_, i) => argv[i - 1] === '--config');
    expect(files).toEqual(['app-config.production.yaml']);
  });

  it('has no demo toil seed (toil.seed)', async () => {
    const config = await loadProductionConfig();
    expect(config.getOptional('toil.seed')).toBeUndefined();
  });

  it('has no publishing to the backend disk (scaffolder.localPublish)', async () => {
    const config = await loadProductionConfig();
    expect(config.getOptional('scaffolder.localPublish')).toBeUndefined();
  });

  it('has no local reading of the demo (maturity.allowedLocalRoots)', async () => {
    const config = await loadProductionConfig();
    expect(config.getOptional('maturity.allowedLocalRoots')).toBeUndefined();
  });

  it('has no catalog location under examples/', async () => {
    const config = await loadProductionConfig();
    const targets = (
      config.getOptionalConfigArray('catalog.locations') ?? []
    ).map(l => l.getString('target'));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter(t => t.includes('examples'))).toEqual([]);
  });

  it('has no guest sign-in (auth.providers.guest)', async () => {
    const config = await loadProductionConfig();
    expect(config.getConfig('auth.providers').keys()).toEqual(['github']);
    expect(config.getStringArray('app.signIn.providers')).not.toContain(
      'guest',
    );
  });

  it('makes no guest an admin (permission.admins, permission.demo)', async () => {
    const config = await loadProductionConfig();
    expect(config.getBoolean('permission.enabled')).toBe(true);
    const admins = config.getOptionalStringArray('permission.admins') ?? [];
    expect(admins.filter(a => a.includes('guest'))).toEqual([]);
    expect(config.getOptional('permission.demo')).toBeUndefined();
  });

  it('has no 5-minute demo maturity cycle (maturity.schedule)', async () => {
    const config = await loadProductionConfig();
    expect(config.getOptional('maturity.schedule')).toBeUndefined();
  });

  it('uses PostgreSQL, not the demo SQLite files', async () => {
    const config = await loadProductionConfig();
    expect(config.getString('backend.database.client')).toBe('pg');
    expect(
      config.getOptional('backend.database.connection.directory'),
    ).toBeUndefined();
  });
});
