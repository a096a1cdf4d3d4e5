/**
 * The default maturity model, as plain data so browser and CLI code can use
 * it without reading files. `models/cloud-native-migration.yaml` holds the
 * same data; a test keeps the two deep-equal (regenerate the YAML with
 * `UPDATE_DEFAULT_MODEL_YAML=1` when running the tests).
 */
import { MaturityModel, Rule } from './model';

// Applicability rules shared by several checks.
const NOT_A_FUNCTION: Rule = {
  not: { fact: 'catalog.type', equals: 'function' },
};
// Helm charts count: their workload facts are unknown until rendered, which
// must show as unknown rather than as "no workloads".
const HAS_WORKLOADS: Rule = {
  any: [
    { fact: 'repo.manifests.workloadCount', greaterThanOrEqual: 1 },
    { fact: 'repo.manifests.helmChartCount', greaterThanOrEqual: 1 },
  ],
};
const HAS_CI: Rule = { fact: 'repo.ci.workflowCount', greaterThanOrEqual: 1 };
const REPLICATED_WORKLOAD: Rule = { all: [NOT_A_FUNCTION, HAS_WORKLOADS] };

/**
 * A Security check takes its verdict from the zero-trust control of the same
 * question (`zeroTrust.<control>`: pass, fail, not-applicable or unknown),
 * so the scorecard and the zero-trust scan never disagree. The control's
 * not-applicable makes the check not applicable; its unknown stays unknown
 * (the collector reports it as an unknown fact, which the rule cannot pass).
 */
function zeroTrustVerdict(controlId: string): {
  applicableWhen: Rule;
  rule: Rule;
} {
  const fact = `zeroTrust.${controlId.replace(/-([a-z])/g, (_, c: string) =>
    c.toUpperCase(),
  )}`;
  return {
    applicableWhen: { fact, notEquals: 'not-applicable' },
    rule: { fact, equals: 'pass' },
  };
}

/**
 * Fix-it form values, named as the target template's parameters (a test
 * reads templates/<name>/template.yaml and keeps the two in step).
 */
// `fix-catalog-owner` asks for the entity whose owner is wrong.
const OWNER_FIX_VALUES = { entityRef: '${{ entity.ref }}' };
// The day-2 `adopt-gitops` starts from the Component itself.
const ADOPT_GITOPS_VALUES = { component: '${{ entity.ref }}' };
// So do its pieces, one per check (`fix-pod-disruption-budget`, ...).
const FIX_PIECE_VALUES = { component: '${{ entity.ref }}' };
// A new service next to this one: same owner and System to start from.
const NEW_SERVICE_VALUES = {
  owner: '${{ entity.spec.owner }}',
  system: '${{ entity.spec.system }}',
};

/** The model that ships with the portal: monolith to cloud-native, 8 dimensions, 5 levels. */
export const DEFAULT_MATURITY_MODEL: MaturityModel = {
  id: 'cloud-native-migration',
  version: '1.4.0',
  title: 'Cloud-native migration',
  description:
    'How far a service has moved from a monolith to cloud-native: eight dimensions, each at a level from 1 (Traditional) to 5 (Self-healing).',
  // template: built into the portal (it reads the catalog's Templates);
  // tools without the catalog, such as the CLI, leave its check not applicable.
  optionalCollectors: [
    'toil',
    'zeroTrust',
    'delivery',
    'incidents',
    'cost',
    'template',
  ],
  levels: [
    {
      level: 1,
      name: 'Traditional',
      description: 'Static, manual, perimeter-trusted, firefighting.',
    },
    {
      level: 2,
      name: 'Foundational',
      description: 'Containerized or packaged, owned, built by CI.',
    },
    {
      level: 3,
      name: 'Cloud-native',
      description: 'Orchestrated, declarative, observable, mTLS.',
    },
    {
      level: 4,
      name: 'Automated',
      description: 'GitOps, SLOs, least privilege, toil under control.',
    },
    {
      level: 5,
      name: 'Self-healing',
      description:
        'Progressive delivery, automated remediation with guard-rails.',
    },
  ],
  dimensions: [
    {
      id: 'architecture',
      title: 'Architecture and decomposition',
      description:
        'Typed and registered in the catalog, state held in declared resources, monoliths decomposed capability by capability, event-driven where it only needs to react.',
      weight: 8,
    },
    {
      id: 'delivery',
      title: 'Delivery (GitOps)',
      description:
        'Built and tested by CI, shipped as pinned images with declarative manifests, synced by GitOps, released progressively.',
      weight: 8,
    },
    {
      id: 'scalability',
      title: 'Scalability and elasticity',
      description:
        'Sized with requests and limits, autoscaled with redundancy, scaled to zero where the load is sporadic.',
      weight: 6,
    },
    {
      id: 'observability',
      title: 'Observability',
      description:
        'Metrics and stdout logs, distributed tracing, SLOs with alerts routed to the owner, anomaly detection.',
      weight: 8,
    },
    {
      id: 'security',
      title: 'Security (zero trust)',
      description:
        'No plaintext secrets, non-root containers, mTLS and default-deny network and authorization, workload identity, signed images.',
      weight: 10,
    },
    {
      id: 'operations',
      title: 'Operations and toil',
      description:
        'An owner-maintained toil register, toil under 50% then 30% of operations time, routine remediation automated.',
      weight: 6,
    },
    {
      id: 'reliability',
      title: 'Reliability and recovery',
      description:
        'Probes and on-call, runbooks and disruption budgets, timeouts and retries, automated remediation with rollback.',
      weight: 8,
    },
    {
      id: 'ownership',
      title: 'Ownership',
      description:
        'Owned by a real group with members and on-call, matching CODEOWNERS, placed in the org hierarchy.',
      weight: 6,
    },
  ],
  checks: [
    // ------------------------------------------------------------------
    // Architecture and decomposition
    // ------------------------------------------------------------------
    {
      id: 'arch-type-lifecycle',
      dimension: 'architecture',
      level: 2,
      title: 'Type and lifecycle are set',
      why: 'Scorecards, templates and roll-ups depend on knowing what kind of thing this is and whether it runs in production.',
      how: 'Set spec.type (service, website, function, monolith, ...) and spec.lifecycle (experimental, production, deprecated) in catalog-info.yaml.',
      weight: 6,
      effort: 'small',
      evidence: 'catalog',
      rule: {
        all: [
          { fact: 'catalog.type', exists: true },
          { fact: 'catalog.lifecycle', exists: true },
        ],
      },
    },
    {
      id: 'arch-system-assigned',
      dimension: 'architecture',
      level: 2,
      title: 'Belongs to a system',
      why: 'Architecture reviews and decomposition progress are read per system; an entity outside any system is invisible to them.',
      how: 'Set spec.system in catalog-info.yaml to the System this component is part of (create the System entity if it does not exist).',
      weight: 3,
      effort: 'small',
      evidence: 'catalog',
      rule: { fact: 'catalog.system', exists: true },
    },
    {
      id: 'arch-apis-registered',
      dimension: 'architecture',
      level: 2,
      title: 'The APIs it provides are in the catalog',
      why: 'Consumers, contract reviews and extraction planning need the interface on record, not only in the code.',
      how: 'Register each HTTP or event API as an API entity (OpenAPI or AsyncAPI definition) and list it in spec.providesApis. Batch jobs and workers without an API should set spec.type to job or worker instead.',
      weight: 4,
      effort: 'small',
      evidence: 'catalog',
      applicableWhen: {
        not: {
          fact: 'catalog.type',
          in: ['function', 'job', 'batch', 'cronjob', 'worker', 'library'],
        },
      },
      rule: {
        any: [
          { fact: 'catalog.providesApiCount', greaterThanOrEqual: 1 },
          { fact: 'catalog.asyncApiCount', greaterThanOrEqual: 1 },
        ],
      },
    },
    {
      id: 'arch-state-externalized',
      dimension: 'architecture',
      level: 3,
      title: 'Stateless, or its state lives in a declared Resource',
      why: 'A service whose state lives in a managed, catalogued store can be restarted, scaled and moved; hidden state cannot.',
      how: 'Keep the service stateless, or move its state into a data store (database, bucket, cache) registered as a catalog Resource and add it to spec.dependsOn. Remove the cloud-native-portal/stateful annotation once the state has moved. A stateless service that depends on Resources holding none of its state (an event-bus topic) says so with cloud-native-portal/stateful: "false".',
      weight: 8,
      effort: 'large',
      evidence: 'catalog',
      rule: {
        any: [
          { fact: 'catalog.dependsOnResourceTypes', contains: 'database' },
          { fact: 'catalog.dependsOnResourceTypes', contains: 'bucket' },
          { fact: 'catalog.dependsOnResourceTypes', contains: 'cache' },
          {
            fact: 'catalog.dependsOnResourceTypes',
            contains: 'object-storage',
          },
          {
            all: [
              { fact: 'catalog.stateful', notEquals: true },
              { fact: 'catalog.dependsOnResourceCount', equals: 0 },
            ],
          },
          // Declared stateless: its Resources (an event bus, say) hold none
          // of its state. Undeclared, a Resource that is not a data store
          // leaves the state unaccounted for.
          { fact: 'catalog.statelessDeclared', equals: true },
        ],
      },
    },
    {
      id: 'arch-decomposition-plan',
      dimension: 'architecture',
      level: 3,
      title: 'The monolith has a decomposition plan',
      why: 'Extracting one or two capabilities at a time, against a written list, avoids a risky big-bang rewrite.',
      how: 'List the capabilities in the cloud-native-portal/capabilities annotation (comma-separated) and extract them one by one; each extracted service sets cloud-native-portal/extracted-from to this entity.',
      weight: 7,
      effort: 'medium',
      evidence: 'catalog',
      applicableWhen: { fact: 'catalog.type', equals: 'monolith' },
      rule: {
        all: [
          { count: 'catalog.capabilities', greaterThanOrEqual: 2 },
          { fact: 'catalog.extractedServiceCount', greaterThanOrEqual: 1 },
        ],
      },
      fixTemplate: {
        ref: 'template:default/strangler-fig-extraction',
        values: {
          monolith: '${{ entity.ref }}',
          system: '${{ entity.spec.system }}',
        },
      },
    },
    {
      id: 'arch-event-driven',
      dimension: 'architecture',
      level: 4,
      title: 'Reacts through events where it only needs to react',
      why: 'Asynchronous events decouple services, so one slow or failed consumer does not cascade into its callers.',
      how: 'Publish or consume domain events through a managed event bus: register the AsyncAPI definition as an API entity and the topic as a Resource the service dependsOn.',
      weight: 5,
      effort: 'large',
      evidence: 'catalog',
      rule: {
        any: [
          { fact: 'catalog.asyncApiCount', greaterThanOrEqual: 1 },
          { fact: 'catalog.dependsOnResourceTypes', contains: 'kafka-topic' },
          {
            fact: 'catalog.dependsOnResourceTypes',
            contains: 'event-bus-topic',
          },
          { fact: 'catalog.dependsOnResourceTypes', contains: 'queue' },
        ],
      },
      fixTemplate: {
        ref: 'template:default/event-driven-service',
        values: NEW_SERVICE_VALUES,
      },
    },

    // ------------------------------------------------------------------
    // Delivery (GitOps)
    // ------------------------------------------------------------------
    {
      id: 'delivery-ci-builds',
      dimension: 'delivery',
      level: 2,
      title: 'CI builds every change',
      why: 'A build that runs on every change catches breakage before it reaches anyone else.',
      how: 'Add a CI workflow (.github/workflows/ci.yml, .gitlab-ci.yml or a Jenkinsfile) that runs on every push and pull request and builds the artefact or container image.',
      weight: 8,
      effort: 'small',
      evidence: 'repo',
      rule: {
        all: [
          HAS_CI,
          {
            any: [
              { fact: 'repo.ci.runsTests', equals: true },
              { fact: 'repo.dockerfile.present', equals: true },
            ],
          },
        ],
      },
      fixTemplate: {
        ref: 'template:default/adopt-gitops',
        values: ADOPT_GITOPS_VALUES,
      },
    },
    {
      id: 'delivery-ci-tests',
      dimension: 'delivery',
      level: 3,
      title: 'CI runs the tests on every change',
      why: 'Automated deploys are only safe when tests gate what gets deployed.',
      how: 'Add a test step to the CI workflow (npm test, go test ./..., mvn test, pytest) and let a failing test fail the build; do not mask it with `|| true`.',
      weight: 7,
      effort: 'small',
      evidence: 'repo',
      rule: {
        all: [HAS_CI, { fact: 'repo.ci.runsTests', equals: true }],
      },
    },
    {
      id: 'delivery-container-image',
      dimension: 'delivery',
      level: 3,
      title: 'Built as a container image',
      why: 'An image is an immutable, portable artefact that runs the same in every environment.',
      how: 'Add a Dockerfile (multi-stage, distroless or slim runtime) and build it in CI; new services get one from the Cloud-native service template.',
      weight: 7,
      effort: 'medium',
      evidence: 'repo',
      rule: { fact: 'repo.dockerfile.present', equals: true },
      fixTemplate: {
        ref: 'template:default/cloud-native-service',
        values: NEW_SERVICE_VALUES,
      },
    },
    {
      id: 'delivery-base-images-pinned',
      dimension: 'delivery',
      level: 3,
      title: 'Base images are pinned to a version tag or a digest',
      why: 'A floating base image (latest) makes builds unreproducible and silently pulls in changes.',
      how: 'Pin every FROM by digest (image:tag@sha256:...) or at least an explicit version tag, and let Renovate or Dependabot bump it.',
      weight: 5,
      effort: 'small',
      evidence: 'repo',
      applicableWhen: { fact: 'repo.dockerfile.present', equals: true },
      rule: { fact: 'repo.dockerfile.baseImagesPinned', equals: true },
      fixTemplate: {
        ref: 'template:default/fix-base-image-digests',
        values: FIX_PIECE_VALUES,
      },
    },
    {
      id: 'delivery-template-current',
      dimension: 'delivery',
      level: 3,
      title: "On its template's current version",
      why: "A service generated from a portal template gets the platform's later fixes (pipeline, manifests, policies) only by moving to the template's newer versions; one left on an old version drifts from the golden path.",
      how: "Run the template-upgrade template: it renders the template's current version with the answers in .platform/template.yaml and merges it three ways with the service's own changes, as a pull request to review.",
      weight: 4,
      effort: 'small',
      evidence: 'repo',
      applicableWhen: { fact: 'template.recorded', equals: true },
      rule: { fact: 'template.current', equals: true },
      fixTemplate: {
        ref: 'template:default/template-upgrade',
        values: FIX_PIECE_VALUES,
      },
    },
    {
      id: 'delivery-declarative-manifests',
      dimension: 'delivery',
      level: 3,
      title: 'Deploy manifests are declarative and in git',
      why: 'What runs in production should be reviewable, diffable and reproducible from the repository.',
      how: 'Commit Kubernetes manifests (plain, Kustomize, Helm or Knative) for every workload, e.g. deploy/base/ with a Deployment and Service.',
      weight: 8,
      effort: 'medium',
      evidence: 'repo',
      rule: {
        any: [
          { fact: 'repo.manifests.workloadCount', greaterThanOrEqual: 1 },
          { fact: 'repo.manifests.helmChartCount', greaterThanOrEqual: 1 },
        ],
      },
      fixTemplate: {
        ref: 'template:default/adopt-gitops',
        values: ADOPT_GITOPS_VALUES,
      },
    },
    {
      id: 'delivery-manifests-valid',
      dimension: 'delivery',
      level: 3,
      title: 'Manifests parse',
      why: 'A YAML file that does not parse breaks the deploy, and hides what it was meant to declare.',
      how: 'Fix the YAML files reported in the evidence (run `kubectl apply --dry-run=client -f` or `kubeconform` in CI to keep them valid).',
      weight: 3,
      effort: 'small',
      evidence: 'repo',
      rule: { fact: 'repo.manifests.invalidYamlCount', equals: 0 },
    },
    {
      id: 'delivery-gitops',
      dimension: 'delivery',
      level: 4,
      title: 'Deployed by GitOps',
      why: 'A controller that syncs from git removes manual changes to live systems; drift and deploy-related outages drop sharply.',
      how: 'Add an Argo CD Application (or Flux Kustomization) that syncs the manifests from git with automated sync and self-heal, and remove kubectl/helm deploys from CI.',
      weight: 9,
      effort: 'medium',
      evidence: 'repo',
      rule: {
        any: [
          {
            fact: 'repo.gitops.argocdApplicationCount',
            greaterThanOrEqual: 1,
          },
          {
            fact: 'repo.gitops.fluxKustomizationCount',
            greaterThanOrEqual: 1,
          },
        ],
      },
      fixTemplate: {
        ref: 'template:default/adopt-gitops',
        values: ADOPT_GITOPS_VALUES,
      },
    },
    {
      id: 'delivery-environment-overlays',
      dimension: 'delivery',
      level: 4,
      title: 'Environments are overlays of one base',
      why: 'One base with per-environment overlays keeps environments alike and makes promotion a reviewed change.',
      how: 'Move shared manifests to deploy/base and add Kustomize overlays per environment (deploy/overlays/dev, staging, prod).',
      weight: 5,
      effort: 'medium',
      evidence: 'repo',
      rule: {
        fact: 'repo.manifests.kustomizeOverlayCount',
        greaterThanOrEqual: 2,
      },
      fixTemplate: {
        ref: 'template:default/adopt-gitops',
        values: ADOPT_GITOPS_VALUES,
      },
    },
    {
      id: 'delivery-progressive',
      dimension: 'delivery',
      level: 5,
      title: 'Progressive delivery with automated rollback',
      why: 'Canary or blue-green releases with analysis stop a bad release before it reaches every user.',
      how: 'Replace the Deployment strategy with an Argo Rollouts Rollout (canary steps plus an AnalysisTemplate on error rate) or a Flagger Canary.',
      weight: 6,
      effort: 'medium',
      evidence: 'repo',
      rule: { fact: 'repo.delivery.progressive', equals: true },
    },

    // Delivery outcomes, from the GitOps repository's history (the
    // `delivery` collector). Thresholds follow DORA's published performance
    // clusters; a service with no deployment data is unknown, never failing.
    {
      id: 'delivery-deploys-weekly',
      dimension: 'delivery',
      level: 3,
      title: 'Deploys to production at least weekly',
      why: "DORA's performance clusters draw the line between medium and high performers at deploying to production at least once a week: small, frequent releases are easier to review and to undo than a quarterly batch.",
      how: 'Release through the GitOps repository: let CI bump the image tag in apps/<service>/<environment>/ and promote dev, staging, production every week instead of batching changes into a release train.',
      weight: 6,
      effort: 'medium',
      evidence: 'ops',
      rule: {
        fact: 'delivery.productionDeploymentsPerWeek',
        greaterThanOrEqual: 1,
      },
    },
    {
      id: 'delivery-deploys-daily',
      dimension: 'delivery',
      level: 4,
      title: 'Deploys to production daily',
      why: "DORA's high and elite clusters deploy to production at least daily; here, 5 or more production deployments a week over the window (90 days by default).",
      how: 'Merge small changes to main behind feature flags, and let the pipeline promote each green build to production without a manual release step.',
      weight: 6,
      effort: 'large',
      evidence: 'ops',
      rule: {
        fact: 'delivery.productionDeploymentsPerWeek',
        greaterThanOrEqual: 5,
      },
    },
    {
      id: 'delivery-lead-time-under-a-day',
      dimension: 'delivery',
      level: 4,
      title: 'Lead time for changes is under a day',
      why: "DORA's elite cluster takes less than a day from a change being made to it running in production; here, the median lead time of the window's production deployments is under 24 hours.",
      how: "Cut waiting, not work: automate the promotion from staging to production, keep reviews small, and have CI write the source commit's date (Source-Commit-Date trailer) when it bumps the image tag.",
      weight: 5,
      effort: 'medium',
      evidence: 'ops',
      rule: { fact: 'delivery.leadTimeHours', lessThan: 24 },
    },
    {
      id: 'delivery-change-failure-rate',
      dimension: 'delivery',
      level: 4,
      title: 'At most 15% of production changes fail',
      why: "DORA's best-performing clusters keep the change failure rate at 15% or less: at most about one production change in seven is reverted or rolled back.",
      how: 'Gate production on tests and a staging soak, and read the reverted deployments in the evidence: each names the change that had to be undone.',
      weight: 5,
      effort: 'medium',
      evidence: 'ops',
      rule: { fact: 'delivery.changeFailureRate', lessThanOrEqual: 0.15 },
    },
    {
      id: 'delivery-deploys-on-demand',
      dimension: 'delivery',
      level: 5,
      title: 'Deploys to production on demand',
      why: "DORA's elite cluster deploys on demand, several times a day; here, 7 or more production deployments a week over the window.",
      how: 'Let every merged change flow to production on its own, with progressive delivery and automated rollback as the safety net.',
      weight: 4,
      effort: 'large',
      evidence: 'ops',
      rule: {
        fact: 'delivery.productionDeploymentsPerWeek',
        greaterThanOrEqual: 7,
      },
    },

    // ------------------------------------------------------------------
    // Scalability and elasticity
    // ------------------------------------------------------------------
    {
      id: 'scale-resources',
      dimension: 'scalability',
      level: 2,
      title: 'Resource requests and limits are set',
      why: 'Without requests the scheduler cannot place pods well and autoscaling has nothing to measure against.',
      how: 'Set resources.requests (cpu, memory) and resources.limits (memory at least) on every container, from observed usage.',
      weight: 8,
      effort: 'small',
      evidence: 'repo',
      rule: {
        all: [
          HAS_WORKLOADS,
          { fact: 'repo.workloads.allHaveResources', equals: true },
        ],
      },
    },
    {
      id: 'scale-autoscaler',
      dimension: 'scalability',
      level: 3,
      title: 'Autoscaled',
      why: 'Capacity follows load instead of being sized for the peak by hand.',
      how: 'Add a HorizontalPodAutoscaler (CPU or custom metric), a KEDA ScaledObject for queue-driven work, or Knative autoscaling.',
      weight: 8,
      effort: 'small',
      evidence: 'repo',
      rule: { fact: 'repo.scaling.autoscaler', equals: true },
    },
    {
      id: 'scale-min-replicas',
      dimension: 'scalability',
      level: 3,
      title: 'At least two replicas',
      why: 'A single replica means every node drain, deploy or crash is an outage.',
      how: 'Set replicas: 2 or more (or HPA minReplicas: 2) on every Deployment, StatefulSet or Rollout.',
      weight: 7,
      effort: 'small',
      evidence: 'repo',
      applicableWhen: REPLICATED_WORKLOAD,
      rule: { fact: 'repo.workloads.minReplicas', greaterThanOrEqual: 2 },
    },
    {
      id: 'scale-stateful-storage',
      dimension: 'scalability',
      level: 3,
      title: 'Stateful workloads are not run as scale-to-zero functions',
      why: 'A database or cache run as a serverless function without persistent storage loses its data on every restart or scale-down.',
      how: 'Run the data store as a managed service or a StatefulSet with a PersistentVolumeClaim, and keep only stateless handlers on Knative.',
      weight: 8,
      effort: 'large',
      evidence: 'repo',
      rule: { fact: 'repo.workloads.statefulWithoutStorage', notEquals: true },
    },
    {
      id: 'scale-to-zero',
      dimension: 'scalability',
      level: 4,
      title: 'Scales to zero when idle',
      why: 'Sporadic and event-driven work should cost nothing while there is nothing to do.',
      how: 'Run it as a Knative Service (min-scale 0), or scale the consumer with KEDA (idleReplicaCount: 0 or minReplicaCount: 0) on queue lag.',
      weight: 5,
      effort: 'medium',
      evidence: 'repo',
      // Functions, and event consumers that serve no request/response API.
      applicableWhen: {
        any: [
          { fact: 'catalog.type', in: ['function'] },
          {
            all: [
              { fact: 'catalog.asyncApiCount', greaterThan: 0 },
              { fact: 'catalog.providesApiCount', equals: 0 },
            ],
          },
        ],
      },
      rule: { fact: 'repo.scaling.scaleToZero', equals: true },
      fixTemplate: {
        ref: 'template:default/serverless-function',
        values: NEW_SERVICE_VALUES,
      },
    },
    {
      id: 'scale-pdb',
      dimension: 'scalability',
      level: 4,
      title: 'A PodDisruptionBudget protects capacity',
      why: 'Cluster upgrades and node drains must not take out all replicas at once.',
      how: 'Add a PodDisruptionBudget with minAvailable: 1 (or maxUnavailable: 1) selecting the workload pods.',
      weight: 4,
      effort: 'small',
      evidence: 'repo',
      applicableWhen: REPLICATED_WORKLOAD,
      rule: { fact: 'repo.scaling.pdb', equals: true },
      fixTemplate: {
        ref: 'template:default/fix-pod-disruption-budget',
        values: FIX_PIECE_VALUES,
      },
    },
    // Cost, from OpenCost (the `cost` collector); no cost data is unknown.
    {
      id: 'scale-idle-share',
      dimension: 'scalability',
      level: 4,
      title: 'At most half of the requested capacity sits idle',
      why: "Requested CPU and memory are paid for whether they are used or not. Here, the idle share is the part of the service's CPU and RAM cost in OpenCost's allocation that paid for requested capacity it did not use. The 50% threshold is this model's default, not a published benchmark: a service whose capacity follows its load (autoscaling, scale-to-zero, pay-per-use) can reach it, one sized by hand for its peak usually does not. Tune it with an override.",
      how: 'Right-size requests from observed usage, let an autoscaler (HPA, KEDA or Knative) follow the load instead of running replicas sized for the peak, and scale sporadic work to zero.',
      weight: 5,
      effort: 'medium',
      evidence: 'ops',
      rule: { fact: 'cost.idleShare', lessThanOrEqual: 0.5 },
    },

    // ------------------------------------------------------------------
    // Observability
    // ------------------------------------------------------------------
    {
      id: 'obs-metrics',
      dimension: 'observability',
      level: 2,
      title: 'Exposes metrics',
      why: 'Without metrics nobody can see load, errors or saturation, and autoscaling has nothing to act on.',
      how: 'Add a Prometheus client (prom-client, Micrometer, prometheus-client, OpenTelemetry metrics) and a ServiceMonitor or prometheus.io/scrape annotations.',
      weight: 8,
      effort: 'small',
      evidence: 'repo',
      rule: { fact: 'repo.observability.metrics', equals: true },
    },
    {
      id: 'obs-logs-stdout',
      dimension: 'observability',
      level: 2,
      title: 'Logs go to stdout',
      why: 'The platform collects and correlates stdout; log files inside a container or VM are lost or siloed.',
      how: 'Log to stdout/stderr (structured JSON) and remove log-file paths and log volumes from the container.',
      weight: 4,
      effort: 'small',
      evidence: 'repo',
      rule: { fact: 'repo.workloads.logsToFile', equals: false },
    },
    {
      id: 'obs-tracing',
      dimension: 'observability',
      level: 3,
      title: 'Distributed tracing with OpenTelemetry',
      why: 'Tracing cut root-cause time from about 2 hours to 12 minutes; add it before or during a migration, never after.',
      how: 'Add the OpenTelemetry SDK and auto-instrumentation for the language, set OTEL_EXPORTER_OTLP_ENDPOINT in the manifests, and put trace ids in the logs so logs, metrics and traces correlate.',
      weight: 9,
      effort: 'medium',
      evidence: 'repo',
      rule: { fact: 'repo.observability.tracing', equals: true },
      fixTemplate: {
        ref: 'template:default/fix-opentelemetry',
        values: FIX_PIECE_VALUES,
      },
    },
    {
      id: 'obs-slo',
      dimension: 'observability',
      level: 4,
      title: 'SLOs are defined',
      why: 'An SLO says how reliable is reliable enough, and turns alerts into error-budget decisions.',
      how: 'Commit an OpenSLO (kind: SLO) or Sloth (PrometheusServiceLevel) file for availability and latency, or set the cloud-native-portal/slo annotation to where the SLO lives.',
      weight: 7,
      effort: 'medium',
      evidence: 'ops',
      rule: {
        any: [
          { fact: 'repo.observability.sloFileCount', greaterThanOrEqual: 1 },
          { fact: 'catalog.sloAnnotation', equals: true },
        ],
      },
    },
    {
      id: 'obs-alerts-routed',
      dimension: 'observability',
      level: 4,
      title: 'Alerts are routed to the owner',
      why: 'An alert that pages nobody is a dashboard nobody watches.',
      how: "Route the service's alerts to the owning team's rotation: add a pagerduty.com/service-id or opsgenie.com/component-selector annotation, or an opsgenie.com/team annotation on the owning Group.",
      weight: 6,
      effort: 'small',
      evidence: 'ops',
      rule: {
        any: [
          { fact: 'catalog.oncall', equals: true },
          { fact: 'ownership.ownerOncall', equals: true },
        ],
      },
    },
    {
      id: 'obs-dashboard',
      dimension: 'observability',
      level: 4,
      title: 'A dashboard is linked',
      why: 'On-call engineers should reach the golden signals from the service page in one click.',
      how: 'Add a metadata.links entry titled Dashboard (or a Grafana annotation) pointing at the service dashboard.',
      weight: 3,
      effort: 'small',
      evidence: 'ops',
      rule: { fact: 'catalog.dashboard', equals: true },
    },
    {
      id: 'obs-anomaly-detection',
      dimension: 'observability',
      level: 5,
      title: 'Anomaly detection is enabled',
      why: 'Anomaly detection catches the failures no static threshold was written for.',
      how: 'Enable anomaly detection on the service metrics in the monitoring stack and set cloud-native-portal/anomaly-detection: enabled.',
      weight: 5,
      effort: 'medium',
      evidence: 'ops',
      rule: { fact: 'catalog.anomalyDetection', equals: true },
    },
    {
      id: 'obs-remediation-guarded',
      dimension: 'observability',
      level: 5,
      title: 'Automated remediation on a critical service needs approval',
      why: 'On a tier-1 service an automated fix acting on a false signal is itself an outage; a human approves it.',
      how: 'Set cloud-native-portal/auto-remediation to manual-approval (not automatic) on tier-1 services, and route the approval to on-call.',
      weight: 4,
      effort: 'small',
      evidence: 'ops',
      applicableWhen: { fact: 'catalog.tier', equals: 1 },
      rule: { fact: 'catalog.autoRemediation', notEquals: 'automatic' },
    },

    // ------------------------------------------------------------------
    // Security (zero trust)
    // ------------------------------------------------------------------
    {
      id: 'sec-no-plaintext-secrets',
      dimension: 'security',
      level: 2,
      title: 'No plaintext secrets in the repository',
      why: 'A committed Secret is readable by everyone with repository access, forever, in git history.',
      how: 'Delete the committed kind: Secret, rotate its values, and deliver secrets through ExternalSecret, SealedSecret or the Vault agent.',
      weight: 10,
      effort: 'small',
      evidence: 'security',
      ...zeroTrustVerdict('no-plaintext-secrets'),
    },
    {
      id: 'sec-pods-non-root',
      dimension: 'security',
      level: 2,
      title: 'Containers run as non-root (pod templates and the image USER)',
      why: 'A root container turns any code-execution bug into a much larger foothold on the node; the image default is what runs wherever the pod security context is missing.',
      how: 'Set securityContext.runAsNonRoot: true (and a runAsUser) in every pod template, and end the final Dockerfile stage with a non-root USER (e.g. USER 10001, or USER nonroot on distroless).',
      weight: 8,
      effort: 'small',
      evidence: 'security',
      ...zeroTrustVerdict('run-as-non-root'),
    },
    {
      id: 'sec-mtls-strict',
      dimension: 'security',
      level: 3,
      title: 'mTLS is STRICT between services',
      why: 'Mutual TLS with per-workload identity stopped a compromised service from moving laterally.',
      how: 'Add an Istio PeerAuthentication with mtls.mode: STRICT for the namespace, or inject Linkerd with config.linkerd.io/default-inbound-policy: all-authenticated.',
      weight: 9,
      effort: 'medium',
      evidence: 'security',
      ...zeroTrustVerdict('mtls-strict'),
    },
    {
      id: 'sec-network-default-deny',
      dimension: 'security',
      level: 3,
      title: 'Network is default-deny',
      why: 'Without a default-deny policy every pod can reach every other pod.',
      how: 'Add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress], then explicit allow rules for the traffic the service needs.',
      weight: 8,
      effort: 'medium',
      evidence: 'security',
      ...zeroTrustVerdict('network-default-deny'),
      fixTemplate: {
        ref: 'template:default/fix-default-deny',
        values: FIX_PIECE_VALUES,
      },
    },
    {
      id: 'sec-dependency-updates',
      dimension: 'security',
      level: 3,
      title: 'Dependency updates are automated',
      why: 'Known vulnerabilities get fixed upstream; a bot brings the fix in before someone exploits it.',
      how: 'Add .github/dependabot.yml or renovate.json covering the language manifests, the Dockerfile and the GitHub Actions.',
      weight: 6,
      effort: 'small',
      evidence: 'security',
      ...zeroTrustVerdict('dependency-updates'),
    },
    {
      id: 'sec-authz-default-deny',
      dimension: 'security',
      level: 4,
      title: 'Service-to-service authorization is default-deny',
      why: 'mTLS proves who is calling; authorization decides whether they may, per request.',
      how: 'Istio: add an empty-spec AuthorizationPolicy plus ALLOW policies on source.principals. Linkerd: add a Server and an AuthorizationPolicy per port.',
      weight: 8,
      effort: 'medium',
      evidence: 'security',
      ...zeroTrustVerdict('authz-default-deny'),
    },
    {
      id: 'sec-workload-identity',
      dimension: 'security',
      level: 4,
      title: 'Each workload has its own identity',
      why: 'A shared default ServiceAccount makes every workload in the namespace indistinguishable to policy.',
      how: 'Create a dedicated ServiceAccount per workload (automountServiceAccountToken: false unless needed), reference it in the pod template, and bind cloud access through workload identity.',
      weight: 7,
      effort: 'small',
      evidence: 'security',
      ...zeroTrustVerdict('workload-identity'),
    },
    {
      id: 'sec-short-lived-credentials',
      dimension: 'security',
      level: 4,
      title: 'CI uses short-lived credentials (OIDC)',
      why: 'Static cloud keys and kubeconfigs in CI secrets live forever once leaked; OIDC tokens expire in minutes.',
      how: 'Grant the job id-token: write and exchange the OIDC token for cloud credentials (aws-actions/configure-aws-credentials with role-to-assume, google-github-actions/auth, azure/login); delete the static keys.',
      weight: 7,
      effort: 'medium',
      evidence: 'security',
      ...zeroTrustVerdict('short-lived-credentials'),
    },
    {
      id: 'sec-ci-least-privilege',
      dimension: 'security',
      level: 4,
      title: 'CI tokens are least-privilege',
      why: 'A workflow token with write-all lets any compromised step push code or releases.',
      how: 'Add a top-level `permissions: contents: read` to every workflow and grant extra scopes per job only where needed; never use write-all.',
      weight: 7,
      effort: 'small',
      evidence: 'security',
      ...zeroTrustVerdict('ci-least-privilege'),
    },
    {
      id: 'sec-sast',
      dimension: 'security',
      level: 4,
      title: 'Static analysis runs in CI',
      why: 'Static analysis finds injection and misuse bugs on the pull request, where they are cheapest to fix.',
      how: 'Add a CodeQL or Semgrep job to CI that runs on pull requests and fails on high-severity findings.',
      weight: 5,
      effort: 'small',
      evidence: 'security',
      ...zeroTrustVerdict('sast'),
    },
    {
      id: 'sec-security-policy',
      dimension: 'security',
      level: 4,
      title: 'A vulnerability reporting path exists',
      why: 'People who find a vulnerability need to know where to report it privately.',
      how: 'Add SECURITY.md (root, .github/ or docs/) saying how to report a vulnerability and who triages it.',
      weight: 2,
      effort: 'small',
      evidence: 'security',
      ...zeroTrustVerdict('security-policy'),
    },
    {
      id: 'sec-signed-images',
      dimension: 'security',
      level: 5,
      title: 'Images are signed and admission verifies them',
      why: 'Signatures and provenance prove the image in production is the one CI built.',
      how: 'Sign and attest images in CI with cosign (keyless, id-token: write) or slsa-github-generator, and enforce signatures at admission with the sigstore policy-controller or Kyverno verifyImages.',
      weight: 6,
      effort: 'medium',
      evidence: 'security',
      ...zeroTrustVerdict('signed-images'),
    },
    {
      id: 'sec-sbom',
      dimension: 'security',
      level: 5,
      title: 'An SBOM is produced',
      why: 'An SBOM answers "are we affected?" in minutes when the next critical CVE lands.',
      how: 'Generate an SBOM for every image in CI (anchore/sbom-action with syft, or cyclonedx) and attest it to the image.',
      weight: 4,
      effort: 'small',
      evidence: 'security',
      ...zeroTrustVerdict('sbom'),
    },

    // ------------------------------------------------------------------
    // Operations and toil
    // ------------------------------------------------------------------
    {
      id: 'ops-toil-inventory',
      dimension: 'operations',
      level: 2,
      title: 'The owning team keeps a toil inventory',
      why: 'Toil that is not written down cannot be measured, prioritised or automated.',
      how: 'Record the service operations tasks in the toil register (or import the team spreadsheet as CSV): frequency, minutes, people and whether each is automatable. The owner must be a Group with members to maintain it.',
      weight: 6,
      effort: 'small',
      evidence: 'toil',
      rule: {
        all: [
          { fact: 'toil.registerExists', equals: true },
          { fact: 'ownership.ownerIsGroup', equals: true },
          { fact: 'ownership.ownerMemberCount', greaterThanOrEqual: 1 },
        ],
      },
    },
    {
      id: 'ops-toil-under-50',
      dimension: 'operations',
      level: 3,
      title: 'Toil is under 50% of operations time',
      why: 'Above 50% toil a team has no time left to engineer its way out; traditional teams sit at 60-70%.',
      how: 'Automate the task flagged first in the toil register (weekly repeats, automatable yes or partly), with a rollback, and re-measure.',
      weight: 7,
      effort: 'large',
      evidence: 'toil',
      rule: { fact: 'toil.teamToilPercent', lessThan: 50 },
    },
    {
      id: 'ops-toil-under-30',
      dimension: 'operations',
      level: 4,
      title: 'Toil is under 30% of operations time',
      why: 'Future-ready teams run at 20-30% toil, leaving most of their time for engineering.',
      how: 'Keep automating the largest toil items by payback order in the toil register until the team is under 30%.',
      weight: 6,
      effort: 'large',
      evidence: 'toil',
      rule: { fact: 'toil.teamToilPercent', lessThan: 30 },
    },
    {
      id: 'ops-top-toil-planned',
      dimension: 'operations',
      level: 4,
      title: 'The largest toil task has an automation plan',
      why: 'Automating the single most time-consuming task first gives the biggest return.',
      how: "Set an automation plan (planned, in progress or automated, with build hours) on the entity's largest toil task in the register.",
      weight: 4,
      effort: 'small',
      evidence: 'toil',
      rule: { fact: 'toil.topTaskHasAutomationPlan', equals: true },
    },
    {
      id: 'ops-routine-remediation-automated',
      dimension: 'operations',
      level: 5,
      title: 'Routine remediation is automated with rollback',
      why: 'Patching, certificate renewal, backups and scaling done by hand are the toil that never ends.',
      how: 'Automate every patching, certificates, backups and scaling task (Renovate auto-merge, cert-manager, scheduled backup jobs, autoscalers), each with a rollback, and mark them automated in the register.',
      weight: 5,
      effort: 'large',
      evidence: 'toil',
      rule: { fact: 'toil.routineRemediationAutomated', equals: true },
    },

    // ------------------------------------------------------------------
    // Reliability and recovery
    // ------------------------------------------------------------------
    {
      id: 'rel-probes',
      dimension: 'reliability',
      level: 2,
      title: 'Liveness and readiness probes',
      why: 'Without probes the orchestrator sends traffic to pods that are not ready and never restarts hung ones.',
      how: 'Add livenessProbe and readinessProbe (HTTP /healthz and /readyz, or a TCP/exec probe) to every long-running container.',
      weight: 8,
      effort: 'small',
      evidence: 'repo',
      rule: {
        all: [
          HAS_WORKLOADS,
          { fact: 'repo.workloads.allHaveProbes', equals: true },
        ],
      },
    },
    {
      id: 'rel-oncall',
      dimension: 'reliability',
      level: 2,
      title: 'An on-call rotation is annotated',
      why: 'When it breaks at 3 a.m., someone specific must be paged.',
      how: 'Add pagerduty.com/service-id or opsgenie.com/component-selector to the entity annotations.',
      weight: 8,
      effort: 'small',
      evidence: 'ops',
      rule: { fact: 'catalog.oncall', equals: true },
    },
    {
      id: 'rel-runbook',
      dimension: 'reliability',
      level: 3,
      title: 'A runbook is linked',
      why: 'A runbook turns a page into a procedure instead of an investigation.',
      how: 'Write a runbook (symptoms, dashboards, common fixes, escalation) and link it in metadata.links with the title Runbook.',
      weight: 6,
      effort: 'small',
      evidence: 'ops',
      rule: { fact: 'catalog.runbook', equals: true },
    },
    {
      id: 'rel-pdb',
      dimension: 'reliability',
      level: 3,
      title: 'A PodDisruptionBudget keeps it available during maintenance',
      why: 'Voluntary disruptions (drains, upgrades) must not become outages.',
      how: 'Add a PodDisruptionBudget with minAvailable: 1 selecting the workload pods, and run at least two replicas.',
      weight: 6,
      effort: 'small',
      evidence: 'repo',
      applicableWhen: REPLICATED_WORKLOAD,
      rule: { fact: 'repo.scaling.pdb', equals: true },
      // The same budget as scale-pdb's, so both fixes propose one branch.
      fixTemplate: {
        ref: 'template:default/fix-pod-disruption-budget',
        values: FIX_PIECE_VALUES,
      },
    },
    {
      id: 'rel-zone-spread',
      dimension: 'reliability',
      level: 3,
      title: 'Replicas are spread across zones',
      why: 'Replicas in one zone go down together with that zone.',
      how: 'Add topologySpreadConstraints on topology.kubernetes.io/zone (maxSkew: 1) or a zone podAntiAffinity to every Deployment.',
      weight: 5,
      effort: 'small',
      evidence: 'repo',
      applicableWhen: REPLICATED_WORKLOAD,
      rule: { fact: 'repo.workloads.topologySpread', equals: true },
    },
    {
      id: 'rel-timeouts-retries',
      dimension: 'reliability',
      level: 4,
      title: 'Timeouts, retries and circuit breaking are configured',
      why: 'Without timeouts and circuit breakers one slow dependency exhausts every caller.',
      how: 'Configure timeouts and bounded retries in an Istio VirtualService and outlierDetection in a DestinationRule, or use a resilience library (resilience4j, cockatiel, failsafe-go) in the client.',
      weight: 7,
      effort: 'medium',
      evidence: 'repo',
      rule: { fact: 'repo.workloads.timeoutsRetries', equals: true },
    },
    {
      id: 'rel-automated-remediation',
      dimension: 'reliability',
      level: 5,
      title: 'Automated remediation with rollback',
      why: 'Known failure modes are fixed in seconds by automation, with rollback, instead of by a paged human.',
      how: 'Automate remediation for known failure modes (restart, failover, rollback on SLO burn) and set cloud-native-portal/auto-remediation to automatic, or manual-approval on tier-1 services.',
      weight: 5,
      effort: 'large',
      evidence: 'ops',
      rule: {
        fact: 'catalog.autoRemediation',
        in: ['automatic', 'manual-approval'],
      },
    },

    // Time to restore, from the incident source (the `incidents`
    // collector), with DORA's thresholds; no incident recorded is unknown.
    {
      id: 'rel-restore-within-a-day',
      dimension: 'reliability',
      level: 4,
      title: 'Service is restored within a day',
      why: "DORA's high-performing cluster restores service in less than a day; here, the median time from opened to resolved of the window's incidents is under 24 hours.",
      how: 'Make recovery a routine: a runbook per alert, one-command rollback through the GitOps repository, and a postmortem for every incident that took longer than a day.',
      weight: 6,
      effort: 'medium',
      evidence: 'ops',
      rule: { fact: 'incidents.timeToRestoreHours', lessThan: 24 },
    },
    {
      id: 'rel-restore-within-an-hour',
      dimension: 'reliability',
      level: 5,
      title: 'Service is restored within an hour',
      why: "DORA's elite cluster restores service in less than an hour; here, the median time from opened to resolved of the window's incidents is under 1 hour.",
      how: 'Detect with SLO burn-rate alerts, and restore by rolling back automatically (revert the deployment commit, or let Argo Rollouts abort the canary) before debugging.',
      weight: 5,
      effort: 'large',
      evidence: 'ops',
      rule: { fact: 'incidents.timeToRestoreHours', lessThan: 1 },
    },

    // ------------------------------------------------------------------
    // Ownership
    // ------------------------------------------------------------------
    {
      id: 'owner-set',
      dimension: 'ownership',
      level: 2,
      title: 'An owner is set',
      why: 'An unowned service has nobody to fix it, page or ask.',
      how: 'Set spec.owner to the Group that runs the service (not a placeholder such as unassigned or tbd).',
      weight: 10,
      effort: 'small',
      evidence: 'ownership',
      rule: { fact: 'ownership.ownerMissing', equals: false },
      fixTemplate: {
        ref: 'template:default/fix-catalog-owner',
        values: OWNER_FIX_VALUES,
      },
    },
    {
      id: 'owner-is-group',
      dimension: 'ownership',
      level: 2,
      title: 'The owner resolves to an existing Group',
      why: 'People leave and typos do not resolve; a team that exists in the catalog outlives both.',
      how: 'Point spec.owner at an existing Group entity (group:default/<team>), not a User or an undefined name.',
      weight: 8,
      effort: 'small',
      evidence: 'ownership',
      rule: {
        all: [
          { fact: 'ownership.ownerResolves', equals: true },
          { fact: 'ownership.ownerIsGroup', equals: true },
        ],
      },
      fixTemplate: {
        ref: 'template:default/fix-catalog-owner',
        values: OWNER_FIX_VALUES,
      },
    },
    {
      id: 'owner-not-orphan',
      dimension: 'ownership',
      level: 2,
      title: 'Not an orphan',
      why: 'An orphaned entity lost the location that defined it and is no longer kept up to date.',
      how: 'Register the catalog-info.yaml location again, or unregister the entity if the service is gone.',
      weight: 5,
      effort: 'small',
      evidence: 'ownership',
      rule: { fact: 'ownership.orphan', equals: false },
    },
    {
      id: 'owner-group-has-members',
      dimension: 'ownership',
      level: 3,
      title: 'The owning group has members',
      why: 'A group with no members owns nothing in practice.',
      how: 'Add the engineers who run the service to the Group (memberOf in the User entities or your org sync), or move ownership to a staffed team.',
      weight: 7,
      effort: 'small',
      evidence: 'ownership',
      rule: { fact: 'ownership.ownerMemberCount', greaterThanOrEqual: 1 },
    },
    {
      id: 'owner-oncall-rotation',
      dimension: 'ownership',
      level: 3,
      title: 'The owner has an on-call rotation',
      why: 'Ownership means being reachable when the service breaks.',
      how: 'Add opsgenie.com/team or a PagerDuty annotation to the owning Group, or page per service with pagerduty.com/service-id.',
      weight: 6,
      effort: 'small',
      evidence: 'ownership',
      rule: {
        any: [
          { fact: 'ownership.ownerOncall', equals: true },
          { fact: 'catalog.oncall', equals: true },
        ],
      },
    },
    {
      id: 'owner-codeowners-match',
      dimension: 'ownership',
      level: 3,
      title: 'CODEOWNERS agrees with the catalog owner',
      why: 'Reviews should go to the team that runs the service, not to whoever owned it before.',
      how: 'Make the default CODEOWNERS rule (* @org/team) name the catalog owner group, in the root, .github/ or docs/.',
      weight: 5,
      effort: 'small',
      evidence: 'ownership',
      rule: {
        all: [
          { fact: 'ownership.codeownersPresent', equals: true },
          { fact: 'ownership.codeownersMatchesOwner', equals: true },
        ],
      },
      fixTemplate: {
        ref: 'template:default/fix-codeowners',
        values: FIX_PIECE_VALUES,
      },
    },
    {
      id: 'owner-in-hierarchy',
      dimension: 'ownership',
      level: 4,
      title: 'The owning group sits in the org hierarchy',
      why: 'Roll-ups and escalations follow the group hierarchy; a detached group is invisible to them.',
      how: 'Set spec.parent on the owning Group to its department or product area.',
      weight: 4,
      effort: 'small',
      evidence: 'ownership',
      rule: { fact: 'ownership.ownerHasParent', equals: true },
    },
    {
      id: 'owner-load-visible',
      dimension: 'ownership',
      level: 4,
      title: "The owner's toil and on-call load are visible",
      why: 'A team whose load nobody can see gets more services than it can run.',
      how: "Keep the owning team's toil register current so its toil percentage is computed, and keep its on-call rotation annotated.",
      weight: 4,
      effort: 'small',
      evidence: 'toil',
      rule: {
        all: [
          { fact: 'toil.teamToilPercent', exists: true },
          {
            any: [
              { fact: 'ownership.ownerOncall', equals: true },
              { fact: 'catalog.oncall', equals: true },
            ],
          },
        ],
      },
    },
  ],
};
