import { failingFactSet, factSet } from '../__testUtils__/fixtures';
import { postureFromFactSet } from './posture';

describe('postureFromFactSet', () => {
  it('reads score, grade and Critical failures', () => {
    const posture = postureFromFactSet(failingFactSet);
    expect(posture).toMatchObject({
      status: 'ok',
      score: 12.3,
      grade: 'F',
      criticalFailures: 2,
    });
    expect(posture.controls).toHaveLength(21);
  });

  it('orders failing controls first, Critical before High before Low', () => {
    const ids = postureFromFactSet(failingFactSet).controls.map(
      c => `${c.control.id}:${c.status}`,
    );
    expect(ids.slice(0, 5)).toEqual([
      'mtls-strict:fail',
      'no-plaintext-secrets:fail',
      'run-as-non-root:fail',
      'security-policy:fail',
      'code-owners:unknown',
    ]);
    expect(ids[ids.length - 1]).toBe('sbom:not-applicable');
  });

  it('splits file evidence from the reason note', () => {
    const secrets = postureFromFactSet(failingFactSet).controls.find(
      c => c.control.id === 'no-plaintext-secrets',
    )!;
    expect(secrets.locations).toEqual([{ path: 'k8s/secret.yaml', line: 3 }]);
    expect(secrets.reason).toBe('a Secret with data is committed');
    const owners = postureFromFactSet(failingFactSet).controls.find(
      c => c.control.id === 'code-owners',
    )!;
    expect(owners.reason).toBe(
      'no GitHub token: branch protection not checked',
    );
  });

  it('treats a missing control fact as unknown, with the scan reason', () => {
    const posture = postureFromFactSet({
      collector: 'zeroTrust',
      version: 1,
      collectedAt: '2026-11-20T10:00:00.000Z',
      status: 'unknown',
      reason: 'source location dir:./repos/x/ does not exist',
      facts: {},
    });
    expect(posture.score).toBeNull();
    expect(posture.grade).toBeNull();
    expect(posture.controls.every(c => c.status === 'unknown')).toBe(true);
    expect(posture.controls[0].reason).toBe(
      'source location dir:./repos/x/ does not exist',
    );
  });

  it('rejects a grade value outside A-F', () => {
    const set = factSet({}, { score: 50, grade: 'Z', critical: 0 });
    expect(postureFromFactSet(set).grade).toBeNull();
  });
});
