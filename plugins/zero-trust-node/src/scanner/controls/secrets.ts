import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { ControlResult } from '@cloud-native-portal/plugin-zero-trust-common';
import { SecretFinding } from '@cloud-native-portal/plugin-maturity-node';
import { ScanContext } from '../context';
import { notesOf, result } from '../util';

const ID_TOKEN_WRITE = /^\s*id-token:\s*write\b/;

function evidenceOf(findings: SecretFinding[]): Evidence[] {
  return findings.map(({ path, line, note }) => ({ path, line, note }));
}

/**
 * short-lived-credentials: no service-account-token Secrets, and CI on OIDC
 * rather than static keys: no long-lived cloud or cluster credential read by
 * a pipeline, and no key or token written into one. Every finding is listed.
 */
export function checkShortLivedCredentials(
  context: ScanContext,
): ControlResult {
  const id = 'short-lived-credentials';
  const failures = context.secrets.findings.filter(
    f =>
      f.kind === 'service-account-token' ||
      f.kind === 'ci-static-credential' ||
      (f.inCi && (f.kind === 'key' || f.kind === 'literal-password')),
  );
  const passes: Evidence[] = [];
  for (const { path, text } of context.ci.texts) {
    text.split('\n').forEach((line, i) => {
      if (ID_TOKEN_WRITE.test(line))
        passes.push({ path, line: i + 1, note: 'OIDC (id-token: write)' });
    });
  }
  if (failures.length)
    return result(id, 'fail', evidenceOf(failures), notesOf(failures));
  if (
    context.ci.texts.length === 0 &&
    context.kubernetes.objects.length === 0
  ) {
    return result(
      id,
      'not-applicable',
      [],
      'no CI pipelines and no Kubernetes manifests',
    );
  }
  if (context.ci.unreadable.length) {
    return result(
      id,
      'unknown',
      context.ci.unreadable,
      notesOf(context.ci.unreadable),
    );
  }
  return result(
    id,
    'pass',
    passes,
    passes.length
      ? undefined
      : 'no long-lived tokens or static cloud keys found',
  );
}

/**
 * no-plaintext-secrets: no committed Secret data, no key or token in a known
 * format, and no literal password-like value in env entries, chart values or
 * properties. Every finding is listed.
 */
export function checkNoPlaintextSecrets(context: ScanContext): ControlResult {
  const id = 'no-plaintext-secrets';
  const failures = context.secrets.findings.filter(
    f =>
      f.kind === 'secret-manifest' ||
      f.kind === 'key' ||
      f.kind === 'literal-password',
  );
  if (failures.length)
    return result(id, 'fail', evidenceOf(failures), notesOf(failures));
  const passes = [
    ...context.secrets.sources.managed,
    ...context.secrets.sources.vaultInjected,
  ];
  const unread = context.tree.skipped().filter(s => s.reason !== 'binary');
  return result(
    id,
    'pass',
    passes,
    unread.length
      ? `${unread.length} file(s) not read (${unread
          .slice(0, 3)
          .map(s => `${s.path}: ${s.reason}`)
          .join(', ')})`
      : undefined,
  );
}
