import {
  K8sObject,
  KubernetesEvidence,
  objectsOf,
  PodTemplate,
  selects,
} from './kubernetes';
import { arr, get, isEmptyObj, isObj, str } from './values';

/*
 * Mesh and network policies, resolved per namespace: which Istio
 * PeerAuthentication decides a workload's mTLS mode, whether Linkerd injects
 * it and with which default inbound policy, and which NetworkPolicies deny by
 * default in a namespace. The zero-trust controls judge these answers.
 */

/** Istio's root namespace: a policy there without a selector is mesh-wide. */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

/** Whether an object applies in a namespace (its own, or one Kustomize gives it). */
export function inNamespace(object: K8sObject, namespace: string): boolean {
  return object.namespaces.includes(namespace);
}

function namespaceAnnotation(
  kubernetes: KubernetesEvidence,
  namespace: string,
  key: string,
): string | undefined {
  for (const ns of kubernetes.objects) {
    if (
      ns.kind === 'Namespace' &&
      ns.apiVersion === 'v1' &&
      ns.name === namespace
    ) {
      const value = get(ns.value, 'metadata', 'annotations', key);
      if (value !== undefined) return String(value);
    }
  }
  return undefined;
}

/** Linkerd injection and the default inbound policy, from the pod or its Namespace. */
export function linkerdPolicyFor(
  kubernetes: KubernetesEvidence,
  workload: PodTemplate,
  namespace: string,
): { injected: boolean; policy?: string } {
  const injected =
    (workload.podAnnotations['linkerd.io/inject'] ??
      namespaceAnnotation(kubernetes, namespace, 'linkerd.io/inject')) ===
    'enabled';
  const policy =
    workload.podAnnotations['config.linkerd.io/default-inbound-policy'] ??
    namespaceAnnotation(
      kubernetes,
      namespace,
      'config.linkerd.io/default-inbound-policy',
    );
  return { injected, policy };
}

/** Effective Istio mTLS mode for a workload in a namespace, with the deciding policy. */
export function istioMtlsFor(
  kubernetes: KubernetesEvidence,
  workload: PodTemplate,
  namespace: string,
): { mode: string; policy?: K8sObject; portDisabled?: K8sObject; why: string } {
  const policies = objectsOf(
    kubernetes,
    'security.istio.io',
    'PeerAuthentication',
  );
  const hasSelector = (p: K8sObject) =>
    !isEmptyObj(get(p.value, 'spec', 'selector'));
  const workloadLevel = policies.filter(
    p =>
      inNamespace(p, namespace) &&
      hasSelector(p) &&
      selects(get(p.value, 'spec', 'selector'), workload.podLabels),
  );
  const namespaceLevel = policies.filter(
    p =>
      inNamespace(p, namespace) &&
      !hasSelector(p) &&
      namespace !== ISTIO_ROOT_NAMESPACE,
  );
  const meshLevel = policies.filter(
    p => inNamespace(p, ISTIO_ROOT_NAMESPACE) && !hasSelector(p),
  );

  const portDisabled = workloadLevel.find(p => {
    const ports = get(p.value, 'spec', 'portLevelMtls');
    return (
      isObj(ports) &&
      Object.values(ports).some(
        v => str(get(v, 'mode'))?.toUpperCase() === 'DISABLE',
      )
    );
  });
  // The most specific policy with a mode decides; UNSET inherits from its parent.
  for (const [level, list] of [
    ['workload', workloadLevel],
    ['namespace', namespaceLevel],
  ] as const) {
    for (const policy of list) {
      const mode = str(
        get(policy.value, 'spec', 'mtls', 'mode'),
      )?.toUpperCase();
      if (mode && mode !== 'UNSET')
        return {
          mode,
          policy,
          portDisabled,
          why: `${level} PeerAuthentication`,
        };
    }
  }
  for (const policy of meshLevel) {
    const mode = str(get(policy.value, 'spec', 'mtls', 'mode'))?.toUpperCase();
    // A mesh-wide policy with no mode means PERMISSIVE.
    return {
      mode: mode && mode !== 'UNSET' ? mode : 'PERMISSIVE',
      policy,
      portDisabled,
      why:
        mode && mode !== 'UNSET'
          ? 'mesh-wide PeerAuthentication'
          : 'mesh-wide PeerAuthentication with no mode (PERMISSIVE)',
    };
  }
  return {
    mode: 'PERMISSIVE',
    portDisabled,
    why: 'no PeerAuthentication (Istio defaults to PERMISSIVE)',
  };
}

/** Whether a NetworkPolicy denies all ingress and egress of every pod in its namespace. */
export function isDefaultDenyNetworkPolicy(policy: K8sObject): boolean {
  const spec = get(policy.value, 'spec');
  const selector = get(spec, 'podSelector');
  const emptySelector =
    isEmptyObj(selector) ||
    (isEmptyObj(get(selector, 'matchLabels')) &&
      arr(get(selector, 'matchExpressions')).length === 0);
  if (!emptySelector) return false;
  const explicit = arr(get(spec, 'policyTypes')).map(String);
  const types = explicit.length
    ? explicit
    : ['Ingress', ...(get(spec, 'egress') !== undefined ? ['Egress'] : [])];
  if (!types.includes('Ingress') || !types.includes('Egress')) return false;
  // An empty rule (`- {}`) allows all traffic in that direction.
  return ![...arr(get(spec, 'ingress')), ...arr(get(spec, 'egress'))].some(
    isEmptyObj,
  );
}
