/** How much a failing control weakens the posture. */
export type ControlRisk = 'Critical' | 'High' | 'Medium' | 'Low';

/** Weight of each risk in the posture score (the OpenSSF Scorecard weighting). */
export const RISK_WEIGHTS: Record<ControlRisk, number> = {
  Critical: 10,
  High: 7.5,
  Medium: 5,
  Low: 2.5,
};

/** One zero-trust control: what it verifies and how to fix a failure. */
export interface ZeroTrustControl {
  /** Stable id, e.g. `mtls-strict`. */
  id: string;
  title: string;
  /** What the control verifies. */
  verifies: string;
  /** What the scanner reads as evidence. */
  evidence: string;
  risk: ControlRisk;
  /** A short fix for a failure. */
  fix: string;
  /**
   * A concrete change that makes the control pass: a manifest or file to
   * add, shown next to a failure. Every Critical and High control has one.
   */
  fixSnippet?: FixSnippet;
}

/** A file (or the part of one) that fixes a failing control. */
export interface FixSnippet {
  /** Where it goes, e.g. `k8s/network-policy.yaml`; `<…>` parts are yours to fill. */
  path: string;
  /** Its text: YAML, a Dockerfile line, a workflow fragment, … */
  content: string;
}

/** Every control of the zero-trust posture, in the order of zero-trust-checks.md. */
export const ZERO_TRUST_CONTROLS = [
  {
    id: 'mtls-strict',
    title: 'Strict mutual TLS',
    verifies: 'Service-to-service traffic uses STRICT mTLS.',
    evidence:
      'Istio PeerAuthentication with mtls.mode STRICT covering the workload namespace (a mesh-wide policy without a mode means PERMISSIVE) and no portLevelMtls DISABLE; or Linkerd injection with config.linkerd.io/default-inbound-policy: all-authenticated.',
    risk: 'Critical',
    fix: 'Add a PeerAuthentication with spec.mtls.mode: STRICT in the namespace, or inject Linkerd with default-inbound-policy all-authenticated.',
    fixSnippet: {
      path: 'k8s/peer-authentication.yaml',
      content: `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: <namespace>
spec:
  mtls:
    mode: STRICT
`,
    },
  },
  {
    id: 'authz-default-deny',
    title: 'Default-deny service authorization',
    verifies: 'Service-to-service authorization denies by default.',
    evidence:
      'Istio: an empty-spec AuthorizationPolicy in the namespace plus ALLOW rules on source.principals. Linkerd: a Server plus an AuthorizationPolicy.',
    risk: 'High',
    fix: 'Add an AuthorizationPolicy with `spec: {}` and ALLOW policies naming caller principals (or Linkerd Server + AuthorizationPolicy).',
    fixSnippet: {
      path: 'k8s/authorization-policies.yaml',
      content: `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-all
  namespace: <namespace>
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-callers
  namespace: <namespace>
spec:
  selector:
    matchLabels:
      app: <app>
  action: ALLOW
  rules:
    - from:
        - source:
            principals:
              - cluster.local/ns/<caller-namespace>/sa/<caller>
`,
    },
  },
  {
    id: 'network-default-deny',
    title: 'Default-deny network',
    verifies: 'The namespace network is default-deny.',
    evidence:
      'A NetworkPolicy with podSelector {} and policyTypes Ingress and Egress in every workload namespace.',
    risk: 'High',
    fix: 'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress, Egress]`, then allow only what is needed.',
    fixSnippet: {
      path: 'k8s/network-policy.yaml',
      content: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: <namespace>
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
    },
  },
  {
    id: 'workload-identity',
    title: 'Workload identity',
    verifies: 'Each workload has its own identity.',
    evidence:
      'A dedicated ServiceAccount (not `default`) and automountServiceAccountToken: false on the pod or the ServiceAccount; SPIFFE or cloud workload-identity annotations are reported.',
    risk: 'High',
    fix: 'Create a ServiceAccount per workload, set serviceAccountName, and set automountServiceAccountToken: false unless it calls the Kubernetes API.',
    fixSnippet: {
      path: 'k8s/service-account.yaml',
      content: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: <app>
  namespace: <namespace>
automountServiceAccountToken: false
# and in the Deployment's pod template:
#   spec:
#     serviceAccountName: <app>
#     automountServiceAccountToken: false
`,
    },
  },
  {
    id: 'short-lived-credentials',
    title: 'Short-lived credentials',
    verifies: 'No long-lived tokens or static cloud keys.',
    evidence:
      'No Secret of type kubernetes.io/service-account-token; CI uses OIDC (id-token: write) instead of static cloud keys, kubeconfigs, PATs or SSH deploy keys.',
    risk: 'High',
    fix: 'Use OIDC federation from CI (id-token: write) and projected, short-lived service-account tokens.',
    fixSnippet: {
      path: '.github/workflows/<workflow>.yml',
      content: `permissions:
  contents: read
  id-token: write # OIDC: short-lived cloud credentials, no stored keys
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@<commit-sha> # v4
        with:
          role-to-assume: arn:aws:iam::<account>:role/<role>
          aws-region: <region>
`,
    },
  },
  {
    id: 'no-plaintext-secrets',
    title: 'No plaintext secrets',
    verifies: 'No secrets are committed in plain text.',
    evidence:
      'No committed Secret with data or stringData (ExternalSecret and SealedSecret are fine); no AWS access keys, private keys or GitHub tokens in files.',
    risk: 'Critical',
    fix: 'Remove the secret from git, rotate it, and deliver it through ExternalSecret, SealedSecret or the Vault agent.',
    fixSnippet: {
      path: 'k8s/external-secret.yaml',
      content: `# Delete the committed Secret, rotate the value, then:
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: <app>-secrets
  namespace: <namespace>
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: ClusterSecretStore
    name: <secret-store>
  target:
    name: <app>-secrets
  data:
    - secretKey: <key>
      remoteRef:
        key: <path-in-the-store>
`,
    },
  },
  {
    id: 'run-as-non-root',
    title: 'Run as non-root',
    verifies: 'Containers run as a non-root user.',
    evidence:
      'runAsNonRoot: true for every container of every pod template (container level overrides pod level); every Dockerfile ends with a non-root USER.',
    risk: 'High',
    fix: 'Set securityContext.runAsNonRoot: true and add `USER <non-root>` to the final Dockerfile stage.',
    fixSnippet: {
      path: 'k8s/deployment.yaml (pod template) and Dockerfile',
      content: `# k8s/deployment.yaml, spec.template.spec:
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
# Dockerfile, last stage:
# USER 10001
`,
    },
  },
  {
    id: 'no-privilege',
    title: 'No privilege escalation',
    verifies: 'Containers cannot gain privileges.',
    evidence:
      'privileged is not true, allowPrivilegeEscalation: false and capabilities.drop includes ALL, for every container.',
    risk: 'High',
    fix: 'Set allowPrivilegeEscalation: false, privileged: false and capabilities.drop: [ALL] on every container.',
    fixSnippet: {
      path: 'k8s/deployment.yaml (every container)',
      content: `securityContext:
  privileged: false
  allowPrivilegeEscalation: false
  capabilities:
    drop: [ALL]
`,
    },
  },
  {
    id: 'read-only-rootfs',
    title: 'Read-only root filesystem',
    verifies: 'Container root filesystems are immutable.',
    evidence: 'readOnlyRootFilesystem: true for every container.',
    risk: 'Medium',
    fix: 'Set readOnlyRootFilesystem: true and mount an emptyDir where the app must write.',
  },
  {
    id: 'no-host-access',
    title: 'No host access',
    verifies: 'Pods do not share host namespaces or mount host paths.',
    evidence:
      'hostNetwork, hostPID and hostIPC are not true; no hostPath volumes.',
    risk: 'High',
    fix: 'Remove hostNetwork/hostPID/hostIPC and hostPath volumes.',
    fixSnippet: {
      path: 'k8s/deployment.yaml (pod template)',
      content: `# spec.template.spec: remove these, or set them to false
hostNetwork: false
hostPID: false
hostIPC: false
# and replace every hostPath volume, e.g. with
volumes:
  - name: scratch
    emptyDir: {}
`,
    },
  },
  {
    id: 'seccomp',
    title: 'Seccomp profile',
    verifies: 'Containers run with a seccomp profile.',
    evidence:
      'seccompProfile.type RuntimeDefault (or Localhost) at pod or container level for every container.',
    risk: 'Medium',
    fix: 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod.',
  },
  {
    id: 'image-pinned',
    title: 'Pinned images (Dockerfile bases by digest)',
    verifies: 'Images are pinned; nothing runs `:latest`.',
    evidence:
      'Every manifest image carries a digest or an explicit non-latest tag; every Dockerfile FROM of an external image is pinned by digest.',
    risk: 'Medium',
    fix: 'Reference images by digest (`image@sha256:...`), or at least by an explicit version tag.',
  },
  {
    id: 'ci-least-privilege',
    title: 'Least-privilege CI token',
    verifies: 'CI tokens are least-privilege.',
    evidence:
      'Every .github/workflows file has a read-only top-level permissions block, and no job uses write-all.',
    risk: 'High',
    fix: 'Add `permissions: contents: read` at the top of each workflow and grant writes per job only.',
    fixSnippet: {
      path: '.github/workflows/<workflow>.yml',
      content: `# top level of every workflow
permissions:
  contents: read
jobs:
  release:
    # a job that must write asks for that one scope only
    permissions:
      contents: read
      packages: write
`,
    },
  },
  {
    id: 'ci-pinned-actions',
    title: 'Pinned CI actions',
    verifies: 'CI dependencies are pinned.',
    evidence:
      'Every `uses:` is pinned to a 40-hex commit SHA (local `./` actions and docker digests are fine).',
    risk: 'Medium',
    fix: 'Pin actions to a full commit SHA (keep the version as a comment); let Renovate or Dependabot update them.',
  },
  {
    id: 'ci-no-dangerous-trigger',
    title: 'No dangerous workflow pattern',
    verifies:
      'No privileged trigger runs untrusted code and no untrusted input reaches a shell.',
    evidence:
      'pull_request_target/workflow_run combined with a checkout of the PR head, or untrusted `${{ github.event.* }}`/`github.head_ref` interpolated into `run:`.',
    risk: 'Critical',
    fix: 'Pass untrusted values through `env:` and quote them; never check out PR head code under pull_request_target or workflow_run.',
    fixSnippet: {
      path: '.github/workflows/<workflow>.yml',
      content: `on:
  pull_request: # not pull_request_target for code from forks
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - name: Use untrusted input through env, quoted
        env:
          TITLE: \${{ github.event.pull_request.title }}
        run: echo "$TITLE"
`,
    },
  },
  {
    id: 'dependency-updates',
    title: 'Dependency updates',
    verifies: 'A dependency update tool is configured.',
    evidence: '.github/dependabot.yml or a Renovate configuration.',
    risk: 'High',
    fix: 'Add .github/dependabot.yml or renovate.json.',
    fixSnippet: {
      path: '.github/dependabot.yml',
      content: `version: 2
updates:
  - package-ecosystem: npm
    directory: /
    schedule:
      interval: weekly
  - package-ecosystem: docker
    directory: /
    schedule:
      interval: weekly
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
`,
    },
  },
  {
    id: 'sast',
    title: 'Static analysis',
    verifies: 'Static analysis runs in CI.',
    evidence: 'A CodeQL, Semgrep or similar step in a workflow or pipeline.',
    risk: 'Medium',
    fix: 'Add a CodeQL or Semgrep job to CI.',
  },
  {
    id: 'sbom',
    title: 'SBOM',
    verifies: 'A software bill of materials is produced.',
    evidence:
      'A syft or CycloneDX step in CI, or a committed *.spdx.json / *.cdx.json.',
    risk: 'Medium',
    fix: 'Generate an SBOM in CI (for example anchore/sbom-action) and attach it to the image.',
  },
  {
    id: 'signed-images',
    title: 'Signed images and provenance',
    verifies: 'Images are signed and provenance exists.',
    evidence:
      'A cosign sign/attest step, actions/attest-build-provenance or slsa-github-generator in CI.',
    risk: 'Medium',
    fix: 'Sign images keylessly with cosign in CI and attest provenance.',
  },
  {
    id: 'security-policy',
    title: 'Security policy',
    verifies: 'A vulnerability report path exists.',
    evidence: 'SECURITY.md in the root, .github/ or docs/.',
    risk: 'Low',
    fix: 'Add SECURITY.md saying how to report a vulnerability.',
  },
  {
    id: 'code-owners',
    title: 'Code owners and required review',
    verifies: 'Changes are reviewed by their owners.',
    evidence:
      'CODEOWNERS in the root, .github/ or docs/; with a GitHub token, branch protection or a ruleset on the default branch requires review.',
    risk: 'High',
    fix: 'Add CODEOWNERS and protect the default branch with required (code-owner) reviews.',
    fixSnippet: {
      path: '.github/CODEOWNERS',
      content: `# every path is reviewed by its owning team
* @<github-org>/<team>
# then protect the default branch: require a pull request review
# from code owners (Settings > Branches, or a ruleset)
`,
    },
  },
] as const satisfies readonly ZeroTrustControl[];

/** The id of a zero-trust control. */
export type ZeroTrustControlId = (typeof ZERO_TRUST_CONTROLS)[number]['id'];

/** Looks up a control by id; undefined for an unknown id. */
export function getZeroTrustControl(id: string): ZeroTrustControl | undefined {
  return ZERO_TRUST_CONTROLS.find(control => control.id === id);
}

/** Turns a control id into its fact-name suffix, e.g. `mtls-strict` to `mtlsStrict`. */
export function controlIdToCamelCase(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
