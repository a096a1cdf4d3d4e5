import { computePostureScore, gradeFor } from './score';
import { controlIdToCamelCase, ZERO_TRUST_CONTROLS } from './controls';
import { ControlResult, ControlStatus } from './types';

const r = (controlId: string, status: ControlStatus): ControlResult => ({
  controlId,
  status,
  evidence: [],
});

describe('gradeFor', () => {
  it.each([
    [100, 'A'],
    [90, 'A'],
    [89.9, 'B'],
    [80, 'B'],
    [79.9, 'C'],
    [70, 'C'],
    [69.9, 'D'],
    [60, 'D'],
    [59.9, 'F'],
    [0, 'F'],
  ])('%d is %s', (score, grade) => {
    expect(gradeFor(score)).toBe(grade);
  });
});

describe('computePostureScore', () => {
  it('weights by risk over pass and fail only, and counts the excluded', () => {
    const score = computePostureScore([
      r('mtls-strict', 'pass'), // Critical 10
      r('network-default-deny', 'fail'), // High 7.5
      r('sbom', 'pass'), // Medium 5
      r('security-policy', 'fail'), // Low 2.5
      r('code-owners', 'unknown'),
      r('ci-pinned-actions', 'not-applicable'),
    ]);
    expect(score).toEqual({
      score: 60,
      grade: 'D',
      excluded: 2,
      criticalFailures: 0,
      passedWeight: 15,
      applicableWeight: 25,
    });
  });

  it('caps the grade at C when a Critical control fails', () => {
    const results = ZERO_TRUST_CONTROLS.map(c =>
      r(c.id, c.id === 'no-plaintext-secrets' ? 'fail' : 'pass'),
    );
    const score = computePostureScore(results);
    expect(score.score).toBe(93);
    expect(gradeFor(score.score!)).toBe('A');
    expect(score).toMatchObject({ grade: 'C', criticalFailures: 1 });
  });

  it('does not lift a grade below C', () => {
    const score = computePostureScore([
      r('mtls-strict', 'fail'),
      r('sbom', 'pass'),
    ]);
    expect(score).toMatchObject({
      score: 33.3,
      grade: 'F',
      criticalFailures: 1,
    });
  });

  it('scores 100 when everything passes, 142.5 weight in all', () => {
    const score = computePostureScore(
      ZERO_TRUST_CONTROLS.map(c => r(c.id, 'pass')),
    );
    expect(score).toMatchObject({
      score: 100,
      grade: 'A',
      applicableWeight: 142.5,
    });
  });

  it('has no score when nothing passed or failed', () => {
    expect(computePostureScore([r('sbom', 'unknown')])).toMatchObject({
      score: null,
      grade: null,
      excluded: 1,
    });
  });

  it('rejects an unknown control id', () => {
    expect(() => computePostureScore([r('nope', 'pass')])).toThrow(
      "Unknown zero-trust control 'nope'",
    );
  });
});

describe('controls', () => {
  it('lists the 21 checks of zero-trust-checks.md with unique ids', () => {
    expect(new Set(ZERO_TRUST_CONTROLS.map(c => c.id)).size).toBe(21);
  });

  it('camel-cases ids for fact names', () => {
    expect(controlIdToCamelCase('ci-no-dangerous-trigger')).toBe(
      'ciNoDangerousTrigger',
    );
    expect(controlIdToCamelCase('sast')).toBe('sast');
  });
});
