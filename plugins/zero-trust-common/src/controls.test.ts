import { ZERO_TRUST_CONTROLS, ZeroTrustControl } from './controls';

describe('ZERO_TRUST_CONTROLS fixes', () => {
  const severe: ZeroTrustControl[] = ZERO_TRUST_CONTROLS.filter(
    c => c.risk === 'Critical' || c.risk === 'High',
  );

  it('has Critical and High controls to check', () => {
    expect(severe.length).toBeGreaterThanOrEqual(10);
  });

  it.each(severe.map(c => [c.id, c] as const))(
    'a failing %s (Critical or High) comes with a concrete fix to add',
    (_id, control) => {
      expect(control.fixSnippet).toBeDefined();
      expect(control.fixSnippet!.path).toMatch(/\S/);
      // A real change, several lines, not a restatement of `fix`.
      expect(
        control.fixSnippet!.content.trim().split('\n').length,
      ).toBeGreaterThan(2);
      expect(control.fixSnippet!.content).not.toContain(control.fix);
    },
  );
});
