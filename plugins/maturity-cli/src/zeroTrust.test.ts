import { PostureReport } from '@cloud-native-portal/plugin-zero-trust-common';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { missedThreshold, scanZeroTrust } from './zeroTrust';

// Each spawn compiles the sources on the fly, which takes a few seconds.
jest.setTimeout(60_000);

const repos = resolve(__dirname, '../../../examples/repos');
const bin = resolve(__dirname, '../bin/maturity');

function run(...args: string[]) {
  const out = spawnSync(process.execPath, [bin, 'zero-trust', ...args], {
    env: { ...process.env, MATURITY_CLI_FROM_SOURCE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

const report = (score: number | null, grade: PostureReport['grade']) =>
  ({ score, grade } as PostureReport);

describe('missedThreshold', () => {
  it('passes with no threshold, even with nothing scored', () => {
    expect(missedThreshold(report(null, null), {})).toBeUndefined();
  });

  it('compares grades, A best', () => {
    expect(missedThreshold(report(85, 'B'), { minGrade: 'B' })).toBeUndefined();
    expect(missedThreshold(report(85, 'B'), { minGrade: 'C' })).toBeUndefined();
    expect(missedThreshold(report(85, 'B'), { minGrade: 'A' })).toBe(
      'grade B is below the required grade A',
    );
  });

  it('compares scores', () => {
    expect(missedThreshold(report(70, 'C'), { minScore: 70 })).toBeUndefined();
    expect(missedThreshold(report(69.9, 'D'), { minScore: 70 })).toBe(
      'score 69.9 is below the required score 70',
    );
  });

  it('fails a threshold when nothing could be scored', () => {
    expect(missedThreshold(report(null, null), { minScore: 0 })).toBe(
      'no control could be scored, so the threshold cannot be met',
    );
  });
});

describe('scanZeroTrust', () => {
  it('grades the demo course-catalog-service A and payments-gateway F', async () => {
    const good = await scanZeroTrust(`${repos}/course-catalog-service`);
    expect(good).toMatchObject({ score: 100, grade: 'A', criticalFailures: 0 });
    const bad = await scanZeroTrust(`${repos}/payments-gateway`);
    expect(bad.grade).toBe('F');
    expect(bad.criticalFailures).toBe(3);
  });

  it('rejects a path that is not a directory', async () => {
    await expect(scanZeroTrust(`${repos}/nope`)).rejects.toThrow(
      'is not a directory',
    );
  });
});

describe('maturity zero-trust', () => {
  it('prints JSON and exits 0 when the grade meets --min-grade', () => {
    const { code, stdout } = run(
      `${repos}/course-catalog-service`,
      '--format',
      'json',
      '--min-grade',
      'a',
    );
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ score: 100, grade: 'A' });
    expect(json.results).toHaveLength(21);
  });

  it('prints failures first with evidence and fix, and exits 1 below --min-grade C', () => {
    const { code, stdout, stderr } = run(
      `${repos}/payments-gateway`,
      '--min-grade',
      'C',
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/zero-trust grade F, score [\d.]+\/100, 3 Critical/);
    expect(stdout.indexOf('FAIL')).toBeLessThan(stdout.indexOf('PASS'));
    expect(stdout).toContain('evidence: k8s/secret.yaml:9');
    expect(stdout).toContain('fix: Remove the secret from git');
    expect(stderr).toContain('grade F is below the required grade C');
  });

  it('exits 1 below --min-score', () => {
    const { code, stderr } = run(
      `${repos}/progress-events-consumer`,
      '--min-score',
      '90',
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/score [\d.]+ is below the required score 90/);
  });

  it.each([
    [
      'a missing path',
      ['/no/such/checkout'],
      'the scan path /no/such/checkout does not exist',
    ],
    [
      'grade G',
      [`${repos}/course-catalog-service`, '--min-grade', 'G'],
      'a grade from A to F',
    ],
    [
      'score 101',
      [`${repos}/course-catalog-service`, '--min-score', '101'],
      'a score from 0 to 100',
    ],
    [
      'format yaml',
      [`${repos}/course-catalog-service`, '--format', 'yaml'],
      '--format must be text or json',
    ],
    [
      'both thresholds',
      [
        `${repos}/course-catalog-service`,
        '--min-grade',
        'B',
        '--min-score',
        '80',
      ],
      'not both',
    ],
  ])('exits 2 on %s', (_name, args, message) => {
    const { code, stderr } = run(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
