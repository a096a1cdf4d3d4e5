/** The outcome of validating one Kubernetes object against its schema. */
export type SchemaValidation =
  | { status: 'valid' }
  | { status: 'invalid'; message: string }
  | { status: 'no-schema'; reason: string };

// CRD API groups and the kubernetes-models package that ships their schemas.
const CRD_PACKAGES: Array<[RegExp, string]> = [
  [/^argoproj\.io$/, '@kubernetes-models/argo-cd'],
  [/\.istio\.io$/, '@kubernetes-models/istio'],
  [/^monitoring\.coreos\.com$/, '@kubernetes-models/prometheus-operator'],
  [/\.toolkit\.fluxcd\.io$/, '@kubernetes-models/flux-cd'],
  [/\.knative\.dev$/, '@kubernetes-models/knative'],
  [/^(eventing\.)?keda\.sh$/, '@kubernetes-models/keda'],
  [/^gateway\.networking\.(x-)?k8s\.io$/, '@kubernetes-models/gateway-api'],
];

// API groups that describe build input, not cluster objects.
const NOT_CLUSTER_OBJECTS = [/^kustomize\.config\.k8s\.io$/, /^backstage\.io$/];

/** The module that holds the models of an apiVersion, if a package ships it. */
export function schemaModuleFor(apiVersion: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return `kubernetes-models/${apiVersion}`;
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const crd = CRD_PACKAGES.find(([pattern]) => pattern.test(group));
  if (crd) return `${crd[1]}/${group}/${version}`;
  // Built-in groups: apps, batch, policy, autoscaling and *.k8s.io.
  if (!group.includes('.') || group.endsWith('.k8s.io')) {
    return `kubernetes-models/${group}/${version}`;
  }
  return undefined;
}

/** True for apiVersions that are not meant to be applied to a cluster. */
export function isNonClusterApiVersion(apiVersion: string): boolean {
  const group = apiVersion.split('/')[0];
  return NOT_CLUSTER_OBJECTS.some(p => p.test(group));
}

type ModelClass = new (data: unknown) => { validate(): void };
const modules = new Map<string, Promise<Record<string, unknown> | undefined>>();

function load(specifier: string) {
  let loaded = modules.get(specifier);
  if (!loaded) {
    // The model packages are ESM only; a dynamic import loads them from CommonJS.
    loaded = import(specifier).then(
      m => m as Record<string, unknown>,
      () => undefined,
    );
    modules.set(specifier, loaded);
  }
  return loaded;
}

/**
 * Validates a Kubernetes object against the OpenAPI schema of its kind, as
 * shipped by the kubernetes-models packages. Kinds without a packaged schema
 * (for example Linkerd policy) come back as `no-schema`, with the reason.
 */
export async function validateKubernetesObject(
  object: Record<string, unknown>,
): Promise<SchemaValidation> {
  const apiVersion = String(object.apiVersion ?? '');
  const kind = String(object.kind ?? '');
  const specifier = schemaModuleFor(apiVersion);
  const models = specifier ? await load(specifier) : undefined;
  const Model = models?.[kind] as ModelClass | undefined;
  if (typeof Model !== 'function') {
    return {
      status: 'no-schema',
      reason: `no packaged schema for ${apiVersion} ${kind}`,
    };
  }
  try {
    new Model(object).validate();
    return { status: 'valid' };
  } catch (e) {
    return {
      status: 'invalid',
      message: e instanceof Error ? e.message : String(e),
    };
  }
}
