import { Evidence } from '@cloud-native-portal/plugin-maturity-common';
import { ControlResult } from '@cloud-native-portal/plugin-zero-trust-common';
import { podControl, ScanContext } from '../context';
import {
  arr,
  at,
  get,
  isEmptyObj,
  inNamespace,
  isDefaultDenyNetworkPolicy,
  istioMtlsFor,
  ISTIO_ROOT_NAMESPACE,
  linkerdPolicyFor,
  objectsOf,
  PodTemplate as Workload,
  selects,
  str,
} from '@cloud-native-portal/plugin-maturity-node';
import { labelOf } from '../util';

function annotationEvidence(
  workload: Workload,
  key: string,
  note: string,
): Evidence {
  return at(
    workload.object.doc,
    [...workload.templatePath, 'metadata', 'annotations', key],
    note,
  );
}

/** mtls-strict: STRICT Istio mTLS or Linkerd all-authenticated, for every workload. */
export function checkMtlsStrict(context: ScanContext): ControlResult {
  return podControl(context, 'mtls-strict', (workload, found) => {
    for (const namespace of workload.object.namespaces) {
      const where = `${labelOf(workload)}${
        namespace ? ` in ${namespace}` : ''
      }`;
      const l5d = linkerdPolicyFor(context.kubernetes, workload, namespace);
      if (l5d.injected && l5d.policy === 'all-authenticated') {
        found.pass.push(
          annotationEvidence(
            workload,
            'config.linkerd.io/default-inbound-policy',
            `${where}: Linkerd all-authenticated`,
          ),
        );
        continue;
      }
      const istio = istioMtlsFor(context.kubernetes, workload, namespace);
      if (istio.portDisabled) {
        found.fail.push(
          at(
            istio.portDisabled.doc,
            ['spec', 'portLevelMtls'],
            `${where}: portLevelMtls DISABLE`,
          ),
        );
        continue;
      }
      const evidence = istio.policy
        ? at(
            istio.policy.doc,
            ['spec', 'mtls', 'mode'],
            `${where}: ${istio.why}, mode ${istio.mode}`,
          )
        : at(
            workload.object.doc,
            workload.templatePath,
            `${where}: ${istio.why}${
              l5d.injected
                ? `; Linkerd inbound policy is ${
                    l5d.policy ?? 'the cluster default'
                  }`
                : ''
            }`,
          );
      (istio.mode === 'STRICT' ? found.pass : found.fail).push(evidence);
    }
  });
}

/** authz-default-deny: Istio deny-all plus ALLOW rules, or Linkerd Server + AuthorizationPolicy. */
export function checkAuthzDefaultDeny(context: ScanContext): ControlResult {
  const istioPolicies = objectsOf(
    context.kubernetes,
    'security.istio.io',
    'AuthorizationPolicy',
  );
  const servers = objectsOf(context.kubernetes, 'policy.linkerd.io', 'Server');
  const linkerdAuthz = [
    ...objectsOf(
      context.kubernetes,
      'policy.linkerd.io',
      'AuthorizationPolicy',
    ),
    ...objectsOf(
      context.kubernetes,
      'policy.linkerd.io',
      'ServerAuthorization',
    ),
  ];
  return podControl(context, 'authz-default-deny', (workload, found) => {
    for (const namespace of workload.object.namespaces) {
      const where = `${labelOf(workload)}${
        namespace ? ` in ${namespace}` : ''
      }`;
      const l5d = linkerdPolicyFor(context.kubernetes, workload, namespace);
      if (l5d.injected) {
        const server = servers.find(s => inNamespace(s, namespace));
        const authz = linkerdAuthz.find(a => inNamespace(a, namespace));
        if (server && authz) {
          found.pass.push(
            at(
              authz.doc,
              ['spec'],
              `${where}: Linkerd Server ${server.name} with ${authz.kind} ${authz.name}`,
            ),
          );
        } else {
          found.fail.push(
            annotationEvidence(
              workload,
              'linkerd.io/inject',
              `${where}: Linkerd-injected, but ${
                server
                  ? `Server ${server.name} has no AuthorizationPolicy`
                  : 'no Linkerd Server and AuthorizationPolicy'
              }`,
            ),
          );
        }
        continue;
      }
      const applicable = istioPolicies.filter(p => {
        if (!inNamespace(p, namespace) && !inNamespace(p, ISTIO_ROOT_NAMESPACE))
          return false;
        const selector = get(p.value, 'spec', 'selector');
        return isEmptyObj(selector) || selects(selector, workload.podLabels);
      });
      const denyAll = applicable.find(p => isEmptyObj(get(p.value, 'spec')));
      const allows = applicable.filter(
        p =>
          !isEmptyObj(get(p.value, 'spec')) &&
          (str(get(p.value, 'spec', 'action')) ?? 'ALLOW') === 'ALLOW',
      );
      // An ALLOW rule that is `{}` matches every request.
      const allowAll = allows.find(p =>
        arr(get(p.value, 'spec', 'rules')).some(isEmptyObj),
      );
      if (allowAll) {
        found.fail.push(
          at(
            allowAll.doc,
            ['spec', 'rules'],
            `${where}: ALLOW policy ${allowAll.name} has an empty rule, which allows every request`,
          ),
        );
      } else if (denyAll) {
        const principals = allows.filter(p =>
          arr(get(p.value, 'spec', 'rules')).some(rule =>
            arr(get(rule, 'from')).some(
              f => arr(get(f, 'source', 'principals')).length > 0,
            ),
          ),
        );
        found.pass.push(
          at(
            denyAll.doc,
            ['spec'],
            `${where}: empty-spec AuthorizationPolicy ${denyAll.name}${
              principals.length
                ? ` with ALLOW on source.principals (${principals
                    .map(p => p.name)
                    .join(', ')})`
                : ' (denies everything; no ALLOW rules)'
            }`,
          ),
        );
      } else if (allows.length > 0) {
        found.fail.push(
          at(
            allows[0].doc,
            ['spec'],
            `${where}: ALLOW policy ${allows[0].name} without an empty-spec deny-all AuthorizationPolicy is not default-deny`,
          ),
        );
      } else {
        found.fail.push(
          at(
            workload.object.doc,
            workload.templatePath,
            `${where}: no AuthorizationPolicy (Istio allows everything)`,
          ),
        );
      }
    }
  });
}

/** network-default-deny: a default-deny NetworkPolicy in every workload namespace. */
export function checkNetworkDefaultDeny(context: ScanContext): ControlResult {
  const policies = objectsOf(
    context.kubernetes,
    'networking.k8s.io',
    'NetworkPolicy',
  );
  return podControl(context, 'network-default-deny', (workload, found) => {
    for (const namespace of workload.object.namespaces) {
      const where = `${labelOf(workload)}${
        namespace ? ` in ${namespace}` : ''
      }`;
      const inNs = policies.filter(p => inNamespace(p, namespace));
      const deny = inNs.find(isDefaultDenyNetworkPolicy);
      if (deny) {
        found.pass.push(
          at(
            deny.doc,
            ['spec', 'podSelector'],
            `${where}: default-deny NetworkPolicy ${deny.name}`,
          ),
        );
      } else if (inNs.length > 0) {
        found.fail.push(
          at(
            inNs[0].doc,
            ['spec', 'podSelector'],
            `${where}: NetworkPolicies select only some pods or directions; none has podSelector {} with Ingress and Egress`,
          ),
        );
      } else {
        found.fail.push(
          at(
            workload.object.doc,
            workload.templatePath,
            `${where}: no NetworkPolicy`,
          ),
        );
      }
    }
  });
}
