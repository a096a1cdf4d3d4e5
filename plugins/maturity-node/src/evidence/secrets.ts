import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { RepositoryTree, YamlDocument } from '../repository';
import { CiEvidence } from './workflows';
import { K8sObject, KubernetesEvidence, objectEvidence } from './kubernetes';
import {
  basename,
  dirname,
  get,
  hasKeys,
  isObj,
  KeyPath,
  lineAt,
  str,
} from './values';

/**
 * What a secret finding is:
 * - `secret-manifest`: a committed `kind: Secret` with `data` or `stringData`;
 * - `service-account-token`: a Secret of type `kubernetes.io/service-account-token`;
 * - `key`: a token or key in a known format (cloud keys, GitHub tokens, private keys, ...);
 * - `literal-password`: a password-like name (env entry, chart value, properties
 *   line) given a literal value that is not an obvious placeholder;
 * - `ci-static-credential`: a CI pipeline that reads a long-lived cloud or
 *   cluster credential (`secrets.AWS_ACCESS_KEY_ID`, a Jenkins key binding).
 */
export type SecretFindingKind =
  | 'secret-manifest'
  | 'service-account-token'
  | 'key'
  | 'literal-password'
  | 'ci-static-credential';

/** One finding of the secret rules, with its file and line. */
export interface SecretFinding extends Evidence {
  kind: SecretFindingKind;
  path: string;
  line: number;
  note: string;
  /** For `key`: the provider and format, e.g. `AWS access key id`. */
  format?: string;
  /** Whether the file is a CI definition (a workflow or another pipeline). */
  inCi: boolean;
}

/** What replaces a committed secret, found in the tree. */
export interface SecretSources {
  /** ExternalSecret and SealedSecret objects. */
  managed: Evidence[];
  /** Pod templates with Vault agent injection. */
  vaultInjected: Evidence[];
}

/** The secret evidence of a tree: every finding, and what manages secrets. */
export interface SecretEvidence {
  findings: SecretFinding[];
  sources: SecretSources;
}

// Linear patterns: fixed prefixes with bounded character classes, no nesting.
const KEY_FORMATS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  {
    name: 'private key',
    pattern:
      /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/g,
  },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36}\b/g },
  {
    name: 'GitHub fine-grained token',
    pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}/g,
  },
  { name: 'GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20}\b/g },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  {
    name: 'Google service account key',
    pattern: /"private_key_id"\s*:\s*"[a-f0-9]{40}"/g,
  },
  {
    name: 'Azure storage account key',
    pattern: /\bAccountKey=[A-Za-z0-9+/]{86}==/g,
  },
  { name: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,72}\b/g },
  { name: 'Stripe live key', pattern: /\b[sr]k_live_[A-Za-z0-9]{24,99}\b/g },
];

// Examples that providers document; they are never real credentials.
const DOCUMENTED_EXAMPLES = [
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
];

/** Names that hold a password, token or key. */
const PASSWORD_LIKE_NAME =
  /(^|[_.-])(password|passwd|pwd|pass|secret|secret[_-]?key|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)$/i;

// `passwordSecret: db-credentials` names a Secret object; it holds no value.
const REFERENCE_NAME =
  /^existing|(name|ref|file|path|enabled|env|length|ttl)$|(password|passwd|token|key|credentials?)[_-]?secret$/i;

/** Whether a name (env var, values key, property) holds a password, token or key. */
export function isPasswordLikeName(name: string): boolean {
  // `existingSecret`, `secretName`, `passwordFile`: a reference, not a value.
  if (REFERENCE_NAME.test(name)) return false;
  return PASSWORD_LIKE_NAME.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

const PLACEHOLDER =
  /^(changeme|change[_-]?me|change[_-]?it|replace[_-]?me|your[_-].*|example.*|dummy.*|placeholder|todo|tbd|fixme|secret|password|passw0rd|none|null|nil|redacted|xxx+|\*+|\.\.\.|-+|<.*>|\[.*\]|\(.*\))$/i;

/**
 * Whether a literal is an obvious placeholder rather than a credential:
 * empty or short, a reference (`${VAR}`, `$(VAR)`, `{{ ... }}`, `%(...)s`),
 * or a word such as `changeme`, `<password>`, `xxx`.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length < 4) return true;
  if (/\$\{|\$\(|\{\{|%\(|^\$[A-Za-z_]|^@\w+@$/.test(v)) return true;
  return PLACEHOLDER.test(v);
}

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
const PROPERTIES_FILE = /(^|\/)(\.env(\.[\w-]+)?|[^/]+\.(properties|env))$/i;
const PROPERTY_LINE = /^\s*([A-Za-z0-9_.-]+)\s*[=:]\s*(.*?)\s*$/;
const VALUES_FILE = /(^|\/)values([.-][\w-]+)?\.ya?ml$/i;

/** Finds every key format match in a text: all formats, all matches, every line. */
function keysIn(path: string, text: string, inCi: boolean): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const { name, pattern } of KEY_FORMATS) {
    for (const match of text.matchAll(pattern)) {
      if (DOCUMENTED_EXAMPLES.includes(match[0])) continue;
      out.push({
        kind: 'key',
        format: name,
        path,
        line: lineAt(text, match.index ?? 0),
        note: `${name} in ${path}`,
        inCi,
      });
    }
  }
  return out;
}

function literal(
  doc: YamlDocument,
  keyPath: KeyPath,
  name: string,
  where: string,
  inCi: boolean,
): SecretFinding {
  return {
    kind: 'literal-password',
    path: doc.path,
    line: doc.lineOf(keyPath) ?? doc.line,
    note: `literal value for ${name} in ${where}`,
    inCi,
  };
}

/** Literal password-like values in the `env` entries of pod templates. */
function containerEnvLiterals(kubernetes: KubernetesEvidence): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const workload of kubernetes.podTemplates) {
    for (const ref of workload.containers) {
      const env = ref.container.env;
      if (!Array.isArray(env)) continue;
      env.forEach((entry, i) => {
        const name = str(get(entry, 'name'));
        const value = get(entry, 'value');
        if (!name || !isPasswordLikeName(name)) return;
        if (typeof value !== 'string' && typeof value !== 'number') return;
        if (isPlaceholder(String(value))) return;
        out.push(
          literal(
            workload.object.doc,
            [...workload.object.base, ...ref.path, 'env', i, 'value'],
            name,
            `container ${ref.name} of ${workload.object.kind}/${
              workload.object.name || '(unnamed)'
            }`,
            false,
          ),
        );
      });
    }
  }
  return out;
}

/** Literal password-like values anywhere in a YAML value (chart values, workflow env). */
function yamlLiterals(
  doc: YamlDocument,
  inCi: boolean,
  where: string,
): SecretFinding[] {
  const out: SecretFinding[] = [];
  const walk = (value: unknown, path: KeyPath, depth: number) => {
    if (depth > 32) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...path, i], depth + 1));
      return;
    }
    if (!isObj(value)) return;
    for (const [key, v] of Object.entries(value)) {
      if (
        (typeof v === 'string' || typeof v === 'number') &&
        isPasswordLikeName(key) &&
        !isPlaceholder(String(v))
      ) {
        out.push(literal(doc, [...path, key], key, where, inCi));
      } else {
        walk(v, [...path, key], depth + 1);
      }
    }
  };
  walk(doc.value, [], 0);
  return out;
}

/** Literal password-like values in `.properties` and `.env` files. */
function propertiesLiterals(path: string, text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*[#!]/.test(line)) return;
    const m = PROPERTY_LINE.exec(line);
    if (!m || !isPasswordLikeName(m[1])) return;
    const value = m[2].replace(/^["']|["']$/g, '');
    if (isPlaceholder(value)) return;
    out.push({
      kind: 'literal-password',
      path,
      line: i + 1,
      note: `literal value for ${m[1]} in ${path}`,
      inCi: false,
    });
  });
  return out;
}

function secretObjects(objects: K8sObject[]): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const object of objects) {
    if (object.kind !== 'Secret' || object.group !== '') continue;
    if (get(object.value, 'type') === 'kubernetes.io/service-account-token') {
      const e = objectEvidence(object, ['type']);
      out.push({
        kind: 'service-account-token',
        path: e.path!,
        line: e.line!,
        note: `Secret ${object.name} is a long-lived service-account token`,
        inCi: false,
      });
    }
    for (const key of ['data', 'stringData']) {
      if (hasKeys(get(object.value, key))) {
        const e = objectEvidence(object, [key]);
        out.push({
          kind: 'secret-manifest',
          path: e.path!,
          line: e.line!,
          note: `Secret ${object.name} has plaintext ${key}`,
          inCi: false,
        });
      }
    }
  }
  return out;
}

function ciCredentials(ci: CiEvidence): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const { path, text } of ci.texts) {
    const seen = new Set<string>();
    for (const match of text.matchAll(SECRET_REF)) {
      if (isStaticCredentialName(match[1]) && !seen.has(match[1])) {
        seen.add(match[1]);
        out.push({
          kind: 'ci-static-credential',
          path,
          line: lineAt(text, match.index ?? 0),
          note: `static credential secrets.${match[1]}`,
          inCi: true,
        });
      }
    }
    text.split('\n').forEach((line, i) => {
      if (line.trimStart().startsWith('//')) return;
      if (JENKINS_STATIC.test(line))
        out.push({
          kind: 'ci-static-credential',
          path,
          line: i + 1,
          note: `long-lived key: ${line.trim().slice(0, 80)}`,
          inCi: true,
        });
    });
  }
  return out;
}

/**
 * Applies the one secret rule set to a tree, and lists every finding: no
 * rule stops at the first match, so a cloud key next to a GitHub token is
 * listed as well as the token.
 */
export function readSecrets(
  tree: RepositoryTree,
  kubernetes: KubernetesEvidence,
  ci: CiEvidence,
): SecretEvidence {
  const ciFiles = new Set(ci.texts.map(t => t.path));
  const findings: SecretFinding[] = [...secretObjects(kubernetes.objects)];
  for (const path of tree.files()) {
    const text = tree.readText(path);
    if (text === undefined) continue;
    findings.push(...keysIn(path, text, ciFiles.has(path)));
    if (PROPERTIES_FILE.test(path))
      findings.push(...propertiesLiterals(path, text));
  }
  findings.push(...containerEnvLiterals(kubernetes));
  const chartDirs = kubernetes.chartFiles.map(dirname);
  for (const doc of tree.yamlDocuments()) {
    const inChart = chartDirs.some(
      dir => dirname(doc.path) === dir && VALUES_FILE.test(basename(doc.path)),
    );
    if (inChart)
      findings.push(...yamlLiterals(doc, false, `chart values ${doc.path}`));
    else if (ciFiles.has(doc.path)) {
      // Workflow `env:` maps: a literal where `${{ secrets.X }}` belongs.
      for (const [path, env] of envMaps(doc.value)) {
        for (const [name, value] of Object.entries(env)) {
          if (
            (typeof value === 'string' || typeof value === 'number') &&
            isPasswordLikeName(name) &&
            !isPlaceholder(String(value))
          )
            findings.push(literal(doc, [...path, name], name, doc.path, true));
        }
      }
    }
  }
  findings.push(...ciCredentials(ci));
  // A value in a known key format is named by its format, not twice.
  const keyLines = new Set(
    findings.filter(f => f.kind === 'key').map(f => `${f.path}:${f.line}`),
  );
  const unique = findings.filter(
    f => f.kind !== 'literal-password' || !keyLines.has(`${f.path}:${f.line}`),
  );

  const managed = kubernetes.objects
    .filter(o => ['ExternalSecret', 'SealedSecret'].includes(o.kind))
    .map(o => objectEvidence(o, ['kind'], `${o.kind} ${o.name}`));
  const vaultInjected = kubernetes.podTemplates
    .filter(
      w => w.podAnnotations['vault.hashicorp.com/agent-inject'] === 'true',
    )
    .map(w =>
      objectEvidence(
        w.object,
        [...w.templatePath, 'metadata', 'annotations'],
        'Vault agent injection',
      ),
    );
  return { findings: unique, sources: { managed, vaultInjected } };
}

/** The `env` maps of a workflow: top level, per job, per step. */
function envMaps(value: unknown): Array<[KeyPath, Record<string, unknown>]> {
  const out: Array<[KeyPath, Record<string, unknown>]> = [];
  if (!isObj(value)) return out;
  if (isObj(value.env)) out.push([['env'], value.env]);
  if (isObj(value.jobs)) {
    for (const [id, job] of Object.entries(value.jobs)) {
      if (!isObj(job)) continue;
      if (isObj(job.env)) out.push([['jobs', id, 'env'], job.env]);
      if (Array.isArray(job.steps))
        job.steps.forEach((step: unknown, i: number) => {
          const env = get(step, 'env');
          if (isObj(env)) out.push([['jobs', id, 'steps', i, 'env'], env]);
        });
    }
  }
  return out;
}
