import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scanCheckout } from './scan';

// Each spawn compiles the sources on the fly, which takes a few seconds.
jest.setTimeout(60_000);

const repos = resolve(__dirname, '../../../examples/repos');
const bin = resolve(__dirname, '../bin/maturity');

function run(...args: string[]) {
  const out = spawnSync(process.execPath, [bin, 'scan', ...args], {
    env: { ...process.env, MATURITY_CLI_FROM_SOURCE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('scanCheckout', () => {
  it('scores a well-run checkout above a legacy one, with the same checks as the portal', async () => {
    const good = await scanCheckout(join(repos, 'course-catalog-service'));
    const legacy = await scanCheckout(join(repos, 'legacy-reports'));
    expect(good.modelId).toBe('cloud-native-migration');
    expect(good.results.length).toBeGreaterThanOrEqual(40);
    expect(good.score).toBeGreaterThan(legacy.score);
    const delivery = (r: typeof good) =>
      r.dimensions.find(d => d.dimension === 'delivery')!.level ?? 0;
    expect(delivery(good)).toBeGreaterThan(delivery(legacy));
    // Without a catalog-info.yaml, catalog checks are unknown, and it says so.
    expect(good.warnings.join('\n')).toContain('no catalog-info.yaml');
  });

  it('reads catalog facts from the checkout catalog-info.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maturity-scan-'));
    try {
      cpSync(join(repos, 'course-catalog-service'), dir, { recursive: true });
      writeFileSync(
        join(dir, 'catalog-info.yaml'),
        [
          'apiVersion: backstage.io/v1alpha1',
          'kind: Component',
          'metadata: { name: course-catalog-service }',
          'spec:',
          '  type: service',
          '  lifecycle: production',
          '  owner: group:default/courses-team',
          '  system: learning-platform',
          '  providesApis: [course-catalog-api]',
        ].join('\n'),
      );
      const report = await scanCheckout(dir);
      expect(report.entityRef).toBe('component:default/course-catalog-service');
      const typeCheck = report.results.find(
        r => r.checkId === 'arch-type-lifecycle',
      );
      expect(typeCheck?.status).toBe('pass');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a path that is not a directory', async () => {
    // Bad input: a file instead of a checkout.
    await expect(
      scanCheckout(join(repos, 'legacy-reports', 'README.md')),
    ).rejects.toThrow('is not a directory');
  });
});

describe('maturity scan (command)', () => {
  it('prints JSON and exits 0 when the level is high enough', () => {
    const { code, stdout } = run(
      join(repos, 'course-catalog-service'),
      '--format',
      'json',
      '--min-level',
      '1',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.level).toBeGreaterThanOrEqual(1);
    expect(report.nextSteps.length).toBeGreaterThan(0);
  });

  it('exits 1 below --min-level, naming both levels', () => {
    const { code, stderr, stdout } = run(
      join(repos, 'legacy-reports'),
      '--min-level',
      '5',
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/level \d is below the required level 5/);
    expect(stdout).toContain('Next steps:');
  });

  it('exits 2 on bad input', () => {
    // Bad input: a level out of range, an unknown format, a missing path.
    expect(run(join(repos, 'legacy-reports'), '--min-level', '9').code).toBe(2);
    expect(run(join(repos, 'legacy-reports'), '--format', 'xml').code).toBe(2);
    const missing = run('/no/such/checkout');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'the scan path /no/such/checkout does not exist',
    );
  });
});
