import { FactDeclaration } from './facts';

/**
 * Facts of the built-in `catalog` collector: fields, annotations and
 * relations of the entity, read from the Backstage catalog.
 */
export const CATALOG_FACTS: FactDeclaration[] = [
  {
    name: 'catalog.kind',
    type: 'string',
    description: 'Entity kind, lower case (component, resource, ...).',
  },
  {
    name: 'catalog.type',
    type: 'string',
    description:
      'spec.type, e.g. service, function, monolith; null when unset.',
  },
  {
    name: 'catalog.lifecycle',
    type: 'string',
    description: 'spec.lifecycle; null when unset.',
  },
  {
    name: 'catalog.tier',
    type: 'number',
    description:
      'Annotation cloud-native-portal/tier (1 = critical); null when unset.',
  },
  { name: 'catalog.tags', type: 'string[]', description: 'metadata.tags.' },
  {
    name: 'catalog.system',
    type: 'string',
    description: 'Entity ref of spec.system; null when unset.',
  },
  {
    name: 'catalog.providesApiCount',
    type: 'number',
    description: 'Number of providesApi relations.',
  },
  {
    name: 'catalog.asyncApiCount',
    type: 'number',
    description: 'Provided or consumed APIs whose spec.type is asyncapi.',
  },
  {
    name: 'catalog.dependsOnResourceCount',
    type: 'number',
    description: 'Number of dependsOn relations to Resources.',
  },
  {
    name: 'catalog.dependsOnResourceTypes',
    type: 'string[]',
    description:
      'spec.type of the Resources the entity depends on (database, event-bus-topic, bucket, ...).',
  },
  {
    name: 'catalog.stateful',
    type: 'boolean',
    description: 'Annotation cloud-native-portal/stateful is "true".',
  },
  {
    name: 'catalog.statelessDeclared',
    type: 'boolean',
    description:
      'Annotation cloud-native-portal/stateful is "false": the entity declares it keeps no state of its own (its Resources, such as an event bus, carry no state of the service).',
  },
  {
    name: 'catalog.capabilities',
    type: 'string[]',
    description:
      "Annotation cloud-native-portal/capabilities, split on commas (a monolith's decomposition plan).",
  },
  {
    name: 'catalog.extractedServiceCount',
    type: 'number',
    description:
      'Entities whose cloud-native-portal/extracted-from points at this entity.',
  },
  {
    name: 'catalog.extractedFrom',
    type: 'string',
    description:
      'Annotation cloud-native-portal/extracted-from; null when unset.',
  },
  {
    name: 'catalog.oncall',
    type: 'boolean',
    description:
      'Has a PagerDuty (pagerduty.com/*) or Opsgenie (opsgenie.com/*) annotation.',
  },
  {
    name: 'catalog.runbook',
    type: 'boolean',
    description:
      'Has a link titled Runbook (or annotation cloud-native-portal/runbook).',
  },
  {
    name: 'catalog.dashboard',
    type: 'boolean',
    description: 'Has a link titled Dashboard or a Grafana annotation.',
  },
  {
    name: 'catalog.sloAnnotation',
    type: 'boolean',
    description: 'Has annotation cloud-native-portal/slo.',
  },
  {
    name: 'catalog.anomalyDetection',
    type: 'boolean',
    description:
      'Annotation cloud-native-portal/anomaly-detection is "enabled".',
  },
  {
    name: 'catalog.autoRemediation',
    type: 'string',
    description:
      'Annotation cloud-native-portal/auto-remediation: "off", "manual-approval" or "automatic"; null when unset.',
  },
  {
    name: 'catalog.sourceLocation',
    type: 'string',
    description: 'Annotation backstage.io/source-location; null when unset.',
  },
];

/**
 * Facts of the built-in `ownership` facts (computed by the catalog collector
 * from the owner reference and the group hierarchy).
 */
export const OWNERSHIP_FACTS: FactDeclaration[] = [
  {
    name: 'ownership.ownerRef',
    type: 'string',
    description: 'spec.owner as a full entity ref; null when missing.',
  },
  {
    name: 'ownership.ownerMissing',
    type: 'boolean',
    description:
      'spec.owner is absent or a placeholder (unassigned, unknown, tbd, none, n/a).',
  },
  {
    name: 'ownership.ownerResolves',
    type: 'boolean',
    description: 'spec.owner resolves to an entity in the catalog.',
  },
  {
    name: 'ownership.ownerIsGroup',
    type: 'boolean',
    description: 'The owner resolves to a Group (not a User).',
  },
  {
    name: 'ownership.ownerMemberCount',
    type: 'number',
    description: 'Direct members of the owning Group (0 when not a group).',
  },
  {
    name: 'ownership.ownerHasParent',
    type: 'boolean',
    description: 'The owning Group has a parent in the org hierarchy.',
  },
  {
    name: 'ownership.ownerOncall',
    type: 'boolean',
    description:
      'The owning Group has an on-call annotation (PagerDuty or Opsgenie).',
  },
  {
    name: 'ownership.codeownersPresent',
    type: 'boolean',
    description: 'A CODEOWNERS file exists (root, .github/ or docs/).',
  },
  {
    name: 'ownership.codeownersMatchesOwner',
    type: 'boolean',
    description:
      'The default CODEOWNERS rule names the catalog owner (group or its members).',
  },
  {
    name: 'ownership.orphan',
    type: 'boolean',
    description: 'The entity carries backstage.io/orphan.',
  },
];

/**
 * Facts of the built-in `template` collector: the record of the portal
 * template a repository was generated from (`.platform/template.yaml`),
 * compared with that Template's version in the catalog.
 */
export const TEMPLATE_FACTS: FactDeclaration[] = [
  {
    name: 'template.recorded',
    type: 'boolean',
    description:
      "The repository has a .platform/template.yaml: it was generated (or adopted) from one of the portal's templates.",
  },
  {
    name: 'template.current',
    type: 'boolean',
    description:
      "The record's template.version is at least the version of that Template in the catalog (annotation cloud-native-portal/template-version), compared as semantic versions.",
  },
];

/**
 * Facts of the built-in `repo` collector, derived from the entity's source
 * tree. Counts are over all parsed manifests; Helm templates are not rendered
 * (facts they would decide are reported unknown when only Helm is present).
 */
export const REPO_FACTS: FactDeclaration[] = [
  // Files and CI
  {
    name: 'repo.fileCount',
    type: 'number',
    description: 'Files read from the tree (after skips).',
  },
  {
    name: 'repo.ci.workflowCount',
    type: 'number',
    description:
      'CI definitions: .github/workflows/*.yml, .gitlab-ci.yml, Jenkinsfile.',
  },
  {
    name: 'repo.ci.runsTests',
    type: 'boolean',
    description:
      'A CI definition runs a test step (a run/script line mentioning test).',
  },
  {
    name: 'repo.ci.readOnlyDefaultPermissions',
    type: 'boolean',
    description:
      'Every GitHub workflow has a top-level permissions block that is read-only, and none uses write-all.',
  },
  {
    name: 'repo.ci.usesOidc',
    type: 'boolean',
    description: 'A workflow requests id-token: write (OIDC) for cloud access.',
  },
  {
    name: 'repo.ci.producesSbom',
    type: 'boolean',
    description:
      'A workflow runs syft/cyclonedx/sbom-action, or an SBOM file (*.spdx.json, *.cdx.json) is committed.',
  },
  {
    name: 'repo.ci.signsImages',
    type: 'boolean',
    description: 'A workflow runs cosign sign/attest or slsa-github-generator.',
  },
  {
    name: 'repo.ci.sast',
    type: 'boolean',
    description: 'A workflow runs CodeQL, Semgrep or similar static analysis.',
  },
  {
    name: 'repo.dependencyUpdates',
    type: 'boolean',
    description: '.github/dependabot.yml or renovate config present.',
  },
  {
    name: 'repo.securityPolicy',
    type: 'boolean',
    description: 'SECURITY.md in the root, .github/ or docs/.',
  },
  // Container image
  {
    name: 'repo.dockerfile.present',
    type: 'boolean',
    description: 'A Dockerfile (or Containerfile) exists.',
  },
  {
    name: 'repo.dockerfile.baseImagesPinned',
    type: 'boolean',
    description:
      'Every FROM is pinned by @sha256 digest or an explicit non-latest tag (null without a Dockerfile).',
  },
  {
    name: 'repo.dockerfile.nonRootUser',
    type: 'boolean',
    description:
      'The final stage sets USER to a non-root user (null without a Dockerfile).',
  },
  // Manifests
  {
    name: 'repo.manifests.kinds',
    type: 'string[]',
    description:
      'Distinct Kubernetes kinds in parsed manifests (e.g. Deployment, Service, HorizontalPodAutoscaler).',
  },
  {
    name: 'repo.manifests.workloadCount',
    type: 'number',
    description:
      'Pod-template workloads: Deployment, StatefulSet, DaemonSet, Job, CronJob, Knative Service, Argo Rollout.',
  },
  {
    name: 'repo.manifests.helmChartCount',
    type: 'number',
    description: 'Helm charts (Chart.yaml) in the tree.',
  },
  {
    name: 'repo.manifests.kustomizeOverlayCount',
    type: 'number',
    description:
      'kustomization.yaml files outside a base/ folder (environment overlays).',
  },
  {
    name: 'repo.manifests.invalidYamlCount',
    type: 'number',
    description: 'YAML files that failed to parse (excluding Helm templates).',
  },
  // GitOps and delivery
  {
    name: 'repo.gitops.argocdApplicationCount',
    type: 'number',
    description: 'Argo CD Application/ApplicationSet objects.',
  },
  {
    name: 'repo.gitops.fluxKustomizationCount',
    type: 'number',
    description: 'Flux Kustomization/HelmRelease objects.',
  },
  {
    name: 'repo.delivery.progressive',
    type: 'boolean',
    description: 'An Argo Rollouts Rollout or a Flagger Canary exists.',
  },
  // Workload configuration
  {
    name: 'repo.workloads.allHaveResources',
    type: 'boolean',
    description: 'Every container sets resource requests and limits.',
  },
  {
    name: 'repo.workloads.allHaveProbes',
    type: 'boolean',
    description:
      'Every long-running container sets liveness and readiness probes.',
  },
  {
    name: 'repo.workloads.allRunAsNonRoot',
    type: 'boolean',
    description:
      'Every pod template sets runAsNonRoot: true (pod or every container).',
  },
  {
    name: 'repo.workloads.minReplicas',
    type: 'number',
    description:
      'Lowest replica floor over Deployments/StatefulSets/Rollouts (HPA minReplicas when an HPA targets it).',
  },
  {
    name: 'repo.workloads.topologySpread',
    type: 'boolean',
    description:
      'Every Deployment spreads replicas across zones (topologySpreadConstraints or zone anti-affinity).',
  },
  {
    name: 'repo.workloads.dedicatedServiceAccount',
    type: 'boolean',
    description: 'Every pod template uses a non-default ServiceAccount.',
  },
  {
    name: 'repo.workloads.logsToFile',
    type: 'boolean',
    description:
      'A container writes logs to a file path (log file env/args or a log volume) rather than stdout.',
  },
  {
    name: 'repo.workloads.statefulWithoutStorage',
    type: 'boolean',
    description:
      'A Knative Service or function runs a stateful image (database/cache) without persistent storage.',
  },
  {
    name: 'repo.workloads.timeoutsRetries',
    type: 'boolean',
    description:
      'Timeouts/retries/circuit breaking configured: Istio VirtualService timeout/retries, DestinationRule outlierDetection, or a resilience library dependency.',
  },
  // Scaling
  {
    name: 'repo.scaling.autoscaler',
    type: 'boolean',
    description:
      'A HorizontalPodAutoscaler, KEDA ScaledObject, or Knative autoscaling exists.',
  },
  {
    name: 'repo.scaling.scaleToZero',
    type: 'boolean',
    description:
      'Knative Service (min-scale 0 or unset) or KEDA minReplicaCount: 0.',
  },
  {
    name: 'repo.scaling.pdb',
    type: 'boolean',
    description: 'A PodDisruptionBudget exists.',
  },
  // Observability
  {
    name: 'repo.observability.metrics',
    type: 'boolean',
    description:
      'ServiceMonitor/PodMonitor, prometheus.io/scrape annotation, or a Prometheus client dependency.',
  },
  {
    name: 'repo.observability.tracing',
    type: 'boolean',
    description:
      'An OpenTelemetry SDK dependency, or OTEL_EXPORTER_OTLP_ENDPOINT in the manifests.',
  },
  {
    name: 'repo.observability.sloFileCount',
    type: 'number',
    description:
      'OpenSLO (kind: SLO) or Sloth (kind: PrometheusServiceLevel) documents.',
  },
  // Dependencies
  {
    name: 'repo.dependencies.manifests',
    type: 'string[]',
    description:
      'Dependency manifests found (package.json, pom.xml, go.mod, requirements.txt, ...).',
  },
];

/** Facts of the toil collector (from the toil register), when installed. */
export const TOIL_FACTS: FactDeclaration[] = [
  {
    name: 'toil.registerExists',
    type: 'boolean',
    description: 'The entity has at least one row in the toil register.',
  },
  {
    name: 'toil.teamToilPercent',
    type: 'number',
    description: "Owning team's toil as a percent of its operations capacity.",
  },
  {
    name: 'toil.topTaskHasAutomationPlan',
    type: 'boolean',
    description:
      "The entity's largest toil task has an automation plan (planned, in progress or automated).",
  },
  {
    name: 'toil.routineRemediationAutomated',
    type: 'boolean',
    description:
      'Every patching, certificates, backups and scaling task is automated.',
  },
];
