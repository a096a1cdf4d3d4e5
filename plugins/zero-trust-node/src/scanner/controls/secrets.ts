import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { ControlResult } from '@cloud-native-portal/plugin-zero-trust-common';
import { ScanContext } from '../context';
import { at, get, isEmptyObj, lineAt, notesOf, result } from '../util';
import { ciTexts } from '../workflows';

const STATIC_CREDENTIAL_NAMES = new Set([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'GCP_SA_KEY',
  'GCP_CREDENTIALS',
  'GOOGLE_CREDENTIALS',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'AZURE_CREDENTIALS',
  'AZURE_CLIENT_SECRET',
  'SERVICE_ACCOUNT_KEY',
]);

/** Whether a CI secret name looks like a long-lived cloud or cluster credential. */
export function isStaticCredentialName(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    STATIC_CREDENTIAL_NAMES.has(upper) ||
    upper.includes('KUBECONFIG') ||
    upper.endsWith('_PAT') ||
    upper.endsWith('_SA_KEY') ||
    upper.includes('SSH_KEY') ||
    upper.includes('PRIVATE_KEY') ||
    upper.includes('DEPLOY_KEY')
  );
}

const SECRET_REF = /secrets\.([A-Za-z0-9_]+)/g;
// Jenkins steps that bind a long-lived key into the build.
const JENKINS_STATIC =
  /\bsshagent\s*\(|\bsshUserPrivateKey\b|AmazonWebServicesCredentialsBinding/;
const ID_TOKEN_WRITE = /^\s*id-token:\s*write\b/;

/** short-lived-credentials: no service-account-token Secrets, CI on OIDC rather than static keys. */
export function checkShortLivedCredentials(
  context: ScanContext,
): ControlResult {
  const id = 'short-lived-credentials';
  const failures: Evidence[] = [];
  const passes: Evidence[] = [];
  for (const object of context.manifests.objects) {
    if (
      object.kind === 'Secret' &&
      object.apiVersion === 'v1' &&
      get(object.value, 'type') === 'kubernetes.io/service-account-token'
    ) {
      failures.push(
        at(
          object.doc,
          ['type'],
          `Secret ${object.name} is a long-lived service-account token`,
        ),
      );
    }
  }
  const pipelines = ciTexts(context.tree, context.ci);
  for (const { path, text } of pipelines) {
    const seen = new Set<string>();
    for (const match of text.matchAll(SECRET_REF)) {
      if (isStaticCredentialName(match[1]) && !seen.has(match[1])) {
        seen.add(match[1]);
        failures.push({
          path,
          line: lineAt(text, match.index ?? 0),
          note: `static credential secrets.${match[1]}`,
        });
      }
    }
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trimStart().startsWith('//')) return;
      if (JENKINS_STATIC.test(line))
        failures.push({
          path,
          line: i + 1,
          note: `long-lived key: ${line.trim().slice(0, 80)}`,
        });
      if (ID_TOKEN_WRITE.test(line))
        passes.push({ path, line: i + 1, note: 'OIDC (id-token: write)' });
    });
  }
  if (failures.length) return result(id, 'fail', failures, notesOf(failures));
  if (pipelines.length === 0 && context.manifests.objects.length === 0) {
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

// Linear patterns: fixed prefixes with bounded character classes, no nesting.
const KEY_PATTERNS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'AWS access key id', pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  {
    name: 'private key',
    pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH )?PRIVATE KEY-----/,
  },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36}\b/ },
  {
    name: 'GitHub fine-grained token',
    pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}/,
  },
];
// AWS documents this key as an example; it is never a real credential.
const DOCUMENTED_EXAMPLES = ['AKIAIOSFODNN7EXAMPLE'];

/** Finds obvious keys and tokens in the text files of a tree. */
export function findKeys(
  files: Array<{ path: string; text: string }>,
): Evidence[] {
  const out: Evidence[] = [];
  for (const { path, text } of files) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      for (const { name, pattern } of KEY_PATTERNS) {
        const match = pattern.exec(line);
        if (match && !DOCUMENTED_EXAMPLES.includes(match[0])) {
          out.push({ path, line: i + 1, note: `${name} in ${path}` });
        }
      }
    }
  }
  return out;
}

/** no-plaintext-secrets: no committed Secret data and no obvious keys in files. */
export function checkNoPlaintextSecrets(context: ScanContext): ControlResult {
  const id = 'no-plaintext-secrets';
  const failures: Evidence[] = [];
  const passes: Evidence[] = [];
  for (const object of context.manifests.objects) {
    if (object.kind === 'Secret' && object.apiVersion === 'v1') {
      for (const key of ['data', 'stringData']) {
        if (!isEmptyObj(get(object.value, key))) {
          failures.push(
            at(object.doc, [key], `Secret ${object.name} has plaintext ${key}`),
          );
        }
      }
    } else if (['ExternalSecret', 'SealedSecret'].includes(object.kind)) {
      passes.push(at(object.doc, ['kind'], `${object.kind} ${object.name}`));
    }
  }
  const files = context.tree
    .files()
    .map(path => ({ path, text: context.tree.readText(path) ?? '' }));
  failures.push(...findKeys(files));
  if (failures.length) return result(id, 'fail', failures, notesOf(failures));
  const vault = context.manifests.workloads.find(
    w => w.podAnnotations['vault.hashicorp.com/agent-inject'] === 'true',
  );
  if (vault)
    passes.push(
      at(
        vault.object.doc,
        [...vault.templatePath, 'metadata', 'annotations'],
        'Vault agent injection',
      ),
    );
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
