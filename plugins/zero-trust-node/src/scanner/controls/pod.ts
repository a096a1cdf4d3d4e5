import { ControlResult } from '@cloud-native-portal/plugin-zero-trust-common';
import { fileEvidence, podControl, ScanContext } from '../context';
import {
  arr,
  at,
  ContainerRef,
  get,
  isObj,
  isPinnedByDigest,
  isPinnedByTagOrDigest,
  isRootUser,
  parseImageReference,
  PodTemplate as Workload,
  str,
} from '@cloud-native-portal/plugin-maturity-node';
import { combine, labelOf, notesOf, result } from '../util';

function containerLabel(workload: Workload, ref: ContainerRef): string {
  return `${labelOf(workload)} container ${
    str(ref.container.name) ?? `#${ref.path[ref.path.length - 1]}`
  }`;
}

/** A container's securityContext field, falling back to the pod's (container wins). */
function effective(workload: Workload, ref: ContainerRef, ...key: string[]) {
  const own = get(ref.container, 'securityContext', ...key);
  if (own !== undefined)
    return { value: own, path: [...ref.path, 'securityContext', ...key] };
  const pod = get(workload.podSpec, 'securityContext', ...key);
  return {
    value: pod,
    path: [...workload.templatePath, 'spec', 'securityContext', ...key],
  };
}

const WORKLOAD_IDENTITY_ANNOTATIONS = [
  'iam.gke.io/gcp-service-account',
  'eks.amazonaws.com/role-arn',
  'azure.workload.identity/client-id',
];

/** workload-identity: a dedicated ServiceAccount whose token is not automounted. */
export function checkWorkloadIdentity(context: ScanContext): ControlResult {
  const accounts = context.kubernetes.objects.filter(
    o => o.kind === 'ServiceAccount' && o.apiVersion === 'v1',
  );
  return podControl(context, 'workload-identity', (workload, found) => {
    const doc = workload.object.doc;
    const specPath = [...workload.templatePath, 'spec'];
    const name =
      str(workload.podSpec.serviceAccountName) ??
      str(workload.podSpec.serviceAccount);
    if (!name || name === 'default') {
      found.fail.push(
        at(
          doc,
          [...specPath, 'serviceAccountName'],
          `${labelOf(workload)}: runs as the default ServiceAccount`,
        ),
      );
      return;
    }
    const account =
      accounts.find(
        a =>
          a.name === name &&
          a.namespaces.some(ns => workload.object.namespaces.includes(ns)),
      ) ?? accounts.find(a => a.name === name);
    const identity = WORKLOAD_IDENTITY_ANNOTATIONS.find(
      k => get(account?.value, 'metadata', 'annotations', k) !== undefined,
    );
    const extra = identity ? `, cloud workload identity (${identity})` : '';
    const podAutomount = workload.podSpec.automountServiceAccountToken;
    if (podAutomount === false) {
      found.pass.push(
        at(
          doc,
          [...specPath, 'automountServiceAccountToken'],
          `${labelOf(
            workload,
          )}: ServiceAccount ${name}, token not automounted${extra}`,
        ),
      );
    } else if (podAutomount === true) {
      found.fail.push(
        at(
          doc,
          [...specPath, 'automountServiceAccountToken'],
          `${labelOf(workload)}: automountServiceAccountToken: true`,
        ),
      );
    } else if (
      account &&
      get(account.value, 'automountServiceAccountToken') === false
    ) {
      found.pass.push(
        at(
          account.doc,
          ['automountServiceAccountToken'],
          `${labelOf(
            workload,
          )}: ServiceAccount ${name} does not automount its token${extra}`,
        ),
      );
    } else {
      found.fail.push(
        at(
          doc,
          [...specPath, 'serviceAccountName'],
          `${labelOf(
            workload,
          )}: ServiceAccount ${name} token is automounted (set automountServiceAccountToken: false)`,
        ),
      );
    }
  });
}

/** run-as-non-root: every container is non-root and every Dockerfile ends with a non-root USER. */
export function checkRunAsNonRoot(context: ScanContext): ControlResult {
  const id = 'run-as-non-root';
  const pods = podControl(context, id, (workload, found) => {
    for (const ref of workload.containers) {
      const nonRoot = effective(workload, ref, 'runAsNonRoot');
      const user = effective(workload, ref, 'runAsUser');
      const label = containerLabel(workload, ref);
      if (user.value === 0) {
        found.fail.push(
          at(workload.object.doc, user.path, `${label}: runAsUser 0`),
        );
      } else if (nonRoot.value === true) {
        found.pass.push(
          at(workload.object.doc, nonRoot.path, `${label}: runAsNonRoot`),
        );
      } else if (typeof user.value === 'number' && user.value > 0) {
        found.pass.push(
          at(
            workload.object.doc,
            user.path,
            `${label}: runAsUser ${user.value}`,
          ),
        );
      } else {
        found.fail.push(
          at(
            workload.object.doc,
            nonRoot.value === false ? nonRoot.path : ref.path,
            `${label}: ${
              nonRoot.value === false
                ? 'runAsNonRoot: false'
                : 'runAsNonRoot is not set'
            }`,
          ),
        );
      }
    }
  });
  const dockerParts = context.dockerfiles.map(dockerfile => {
    if (dockerfile.stages.length === 0) {
      return result(
        id,
        'unknown',
        [fileEvidence(dockerfile.path)],
        `${dockerfile.path}: no FROM`,
      );
    }
    const user = dockerfile.finalUser;
    if (!user) {
      return result(
        id,
        'fail',
        [
          {
            path: dockerfile.path,
            line: dockerfile.stages[dockerfile.stages.length - 1].line,
            note: `${dockerfile.path}: no USER, runs as root`,
          },
        ],
        `${dockerfile.path} has no USER (runs as root)`,
      );
    }
    if (user.value.includes('$')) {
      return result(
        id,
        'unknown',
        [{ path: dockerfile.path, line: user.line }],
        `${dockerfile.path}: USER ${user.value} is a build argument`,
      );
    }
    if (isRootUser(user.value)) {
      return result(
        id,
        'fail',
        [
          {
            path: dockerfile.path,
            line: user.line,
            note: `USER ${user.value}`,
          },
        ],
        `${dockerfile.path}: USER ${user.value}`,
      );
    }
    return result(id, 'pass', [
      { path: dockerfile.path, line: user.line, note: `USER ${user.value}` },
    ]);
  });
  return combine(
    id,
    pods.status === 'not-applicable' && dockerParts.length
      ? dockerParts
      : [pods, ...dockerParts],
  );
}

/** no-privilege: not privileged, no privilege escalation, all capabilities dropped. */
export function checkNoPrivilege(context: ScanContext): ControlResult {
  return podControl(context, 'no-privilege', (workload, found) => {
    const doc = workload.object.doc;
    for (const ref of workload.containers) {
      const label = containerLabel(workload, ref);
      const sc = ref.container.securityContext;
      const scPath = [...ref.path, 'securityContext'];
      const problems: string[] = [];
      if (get(sc, 'privileged') === true) problems.push('privileged: true');
      if (get(sc, 'allowPrivilegeEscalation') !== false)
        problems.push('allowPrivilegeEscalation is not false');
      const drop = arr(get(sc, 'capabilities', 'drop')).map(c =>
        String(c).toUpperCase(),
      );
      if (!drop.includes('ALL')) problems.push('capabilities.drop lacks ALL');
      if (problems.length) {
        let field = 'capabilities';
        if (get(sc, 'allowPrivilegeEscalation') !== false)
          field = 'allowPrivilegeEscalation';
        if (get(sc, 'privileged') === true) field = 'privileged';
        found.fail.push(
          at(
            doc,
            isObj(sc) ? [...scPath, field] : ref.path,
            `${label}: ${problems.join(', ')}`,
          ),
        );
      } else {
        found.pass.push(
          at(
            doc,
            [...scPath, 'allowPrivilegeEscalation'],
            `${label}: no privilege escalation, drops ALL`,
          ),
        );
      }
    }
  });
}

/** read-only-rootfs: every container sets readOnlyRootFilesystem: true. */
export function checkReadOnlyRootfs(context: ScanContext): ControlResult {
  return podControl(context, 'read-only-rootfs', (workload, found) => {
    for (const ref of workload.containers) {
      const path = [...ref.path, 'securityContext', 'readOnlyRootFilesystem'];
      const ok =
        get(ref.container, 'securityContext', 'readOnlyRootFilesystem') ===
        true;
      (ok ? found.pass : found.fail).push(
        at(
          workload.object.doc,
          ok ? path : ref.path,
          `${containerLabel(workload, ref)}: readOnlyRootFilesystem ${
            ok ? 'true' : 'is not true'
          }`,
        ),
      );
    }
  });
}

/** no-host-access: no host namespaces and no hostPath volumes. */
export function checkNoHostAccess(context: ScanContext): ControlResult {
  return podControl(context, 'no-host-access', (workload, found) => {
    const doc = workload.object.doc;
    const specPath = [...workload.templatePath, 'spec'];
    let failed = false;
    for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (workload.podSpec[key] === true) {
        found.fail.push(
          at(doc, [...specPath, key], `${labelOf(workload)}: ${key}: true`),
        );
        failed = true;
      }
    }
    arr(workload.podSpec.volumes).forEach((volume, i) => {
      if (get(volume, 'hostPath') !== undefined) {
        found.fail.push(
          at(
            doc,
            [...specPath, 'volumes', i, 'hostPath'],
            `${labelOf(workload)}: hostPath volume ${
              str(get(volume, 'name')) ?? i
            }`,
          ),
        );
        failed = true;
      }
    });
    if (!failed)
      found.pass.push(
        at(
          doc,
          specPath,
          `${labelOf(workload)}: no host namespaces or hostPath`,
        ),
      );
  });
}

/** seccomp: RuntimeDefault (or Localhost) for every container, pod or container level. */
export function checkSeccomp(context: ScanContext): ControlResult {
  return podControl(context, 'seccomp', (workload, found) => {
    for (const ref of workload.containers) {
      const type = effective(workload, ref, 'seccompProfile', 'type');
      const ok = type.value === 'RuntimeDefault' || type.value === 'Localhost';
      (ok ? found.pass : found.fail).push(
        at(
          workload.object.doc,
          type.value === undefined ? ref.path : type.path,
          `${containerLabel(workload, ref)}: seccomp ${
            type.value ?? 'not set'
          }`,
        ),
      );
    }
  });
}

function unpinnedReason(tag?: string, digest?: string): string {
  if (digest) return 'has a malformed digest';
  if (tag?.toLowerCase() === 'latest') return 'uses :latest';
  return 'has no tag (latest)';
}

/**
 * image-pinned: manifest images by digest or a non-latest tag (the looser
 * question); Dockerfile FROMs by digest (the strict one). Both read the
 * project's one image-reference parser.
 */
export function checkImagePinned(context: ScanContext): ControlResult {
  const id = 'image-pinned';
  const pods = podControl(context, id, (workload, found) => {
    for (const ref of workload.containers) {
      const image = str(ref.container.image);
      const evidencePath = [...ref.path, 'image'];
      const label = containerLabel(workload, ref);
      if (!image) {
        // Knative and others may fill the image in later; nothing to pin here.
        found.unknown.push(
          at(workload.object.doc, ref.path, `${label}: no image`),
        );
        continue;
      }
      const reference = parseImageReference(image);
      const { tag, digest } = reference;
      if (isPinnedByDigest(reference)) {
        found.pass.push(
          at(workload.object.doc, evidencePath, `${label}: ${image} (digest)`),
        );
      } else if (isPinnedByTagOrDigest(reference)) {
        found.pass.push(
          at(
            workload.object.doc,
            evidencePath,
            `${label}: ${image} (tag ${tag})`,
          ),
        );
      } else {
        found.fail.push(
          at(
            workload.object.doc,
            evidencePath,
            `${label}: ${image} ${unpinnedReason(tag, digest)}`,
          ),
        );
      }
    }
  });
  const dockerParts: ControlResult[] = [];
  for (const dockerfile of context.dockerfiles) {
    dockerfile.stages.forEach(stage => {
      const evidence = { path: dockerfile.path, line: stage.line };
      if (!stage.image || stage.image.scratch) return;
      if (stage.image.unresolved) {
        dockerParts.push(
          result(
            id,
            'unknown',
            [{ ...evidence, note: `FROM ${stage.from}` }],
            `${dockerfile.path}: FROM ${stage.from} uses a build argument`,
          ),
        );
        return;
      }
      const pinned = isPinnedByDigest(stage.image);
      dockerParts.push(
        result(
          id,
          pinned ? 'pass' : 'fail',
          [{ ...evidence, note: `FROM ${stage.from}` }],
          pinned
            ? undefined
            : `${dockerfile.path}: FROM ${stage.from} is not pinned by digest`,
        ),
      );
    });
  }
  const merged = combine(
    id,
    pods.status === 'not-applicable' && dockerParts.length
      ? dockerParts
      : [pods, ...dockerParts],
  );
  if (merged.status === 'fail' && !merged.reason)
    merged.reason = notesOf(merged.evidence);
  return merged;
}
