import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import {
  ControlStatus,
  controlIdToCamelCase,
  ZERO_TRUST_CONTROLS,
} from '@cloud-native-portal/plugin-zero-trust-common';
import { Entity } from '@backstage/catalog-model';

/** A Component entity for rendering inside an EntityProvider. */
export function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/payments-team' },
  };
}

/**
 * A zeroTrust FactSet shaped as the collector writes it: every control
 * passes unless overridden, the reason is appended as a note.
 */
export function factSet(
  overrides: Record<
    string,
    {
      status: ControlStatus;
      evidence?: FactSet['evidence'] extends infer E
        ? E extends Record<string, infer V>
          ? V
          : never
        : never;
      reason?: string;
    }
  > = {},
  score: { score: number | null; grade: string | null; critical: number } = {
    score: 100,
    grade: 'A',
    critical: 0,
  },
): FactSet {
  const facts: FactSet['facts'] = {
    'zeroTrust.score': score.score,
    'zeroTrust.grade': score.grade,
    'zeroTrust.criticalFailures': score.critical,
  };
  const evidence: NonNullable<FactSet['evidence']> = {};
  const unknown: Record<string, string> = {};
  for (const control of ZERO_TRUST_CONTROLS) {
    const name = `zeroTrust.${controlIdToCamelCase(control.id)}`;
    const o = overrides[control.id] ?? { status: 'pass' as const };
    facts[name] = o.status;
    evidence[name] = [
      ...(o.evidence ?? []),
      ...(o.reason ? [{ note: o.reason }] : []),
    ];
    if (o.status === 'unknown' && o.reason) unknown[name] = o.reason;
  }
  return {
    collector: 'zeroTrust',
    version: 1,
    collectedAt: '2026-11-20T10:00:00.000Z',
    status: 'ok',
    facts,
    evidence,
    unknown,
  };
}

/** A failing posture like payments-gateway's: two Critical failures. */
export const failingFactSet = factSet(
  {
    'no-plaintext-secrets': {
      status: 'fail',
      evidence: [{ path: 'k8s/secret.yaml', line: 3 }],
      reason: 'a Secret with data is committed',
    },
    'mtls-strict': {
      status: 'fail',
      reason:
        'no PeerAuthentication with mode STRICT covers namespace payments',
    },
    'security-policy': { status: 'fail', reason: 'no SECURITY.md' },
    'run-as-non-root': {
      status: 'fail',
      evidence: [{ path: 'Dockerfile', line: 1 }],
      reason: 'the final stage has no non-root USER',
    },
    'code-owners': {
      status: 'unknown',
      evidence: [{ path: 'CODEOWNERS', line: 1 }],
      reason: 'no GitHub token: branch protection not checked',
    },
    sbom: { status: 'not-applicable', reason: 'no images are built' },
  },
  { score: 12.3, grade: 'F', critical: 2 },
);
