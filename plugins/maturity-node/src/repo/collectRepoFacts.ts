import {
  Evidence,
  FactValue,
} from '@cloud-native-portal/plugin-maturity-common';
import { RepositoryTree } from '../repository';
import {
  arr as asArray,
  CiEvidence,
  describeObject as describe,
  DependencyScan,
  DockerfileEvidence,
  effectiveSecurityContext,
  hasKeys,
  imageName as nameOfImage,
  isKind,
  isNonRootUser,
  isObj as isObject,
  isPinnedByDigest,
  isPinnedByTagOrDigest,
  isReadOnlyPermissions,
  K8sObject,
  objectEvidence,
  parseImageReference,
  PolicyFiles,
  readRepositoryEvidence,
  SAST_STEP,
  SBOM_FILE,
  SBOM_STEP,
  SIGN_STEP,
  TEST_COMMAND,
  Workload,
} from '../evidence';

/** Reason given for workload facts when only unrendered Helm templates exist. */
export const HELM_ONLY_REASON = 'only Helm templates, not rendered';

/** Workload facts that Helm templates would decide. */
export const HELM_DECIDED_FACTS = [
  'repo.workloads.allHaveResources',
  'repo.workloads.allRunAsNonRoot',
  'repo.workloads.allHaveProbes',
  'repo.workloads.minReplicas',
  'repo.workloads.topologySpread',
  'repo.workloads.dedicatedServiceAccount',
  'repo.workloads.logsToFile',
];

// Keeps stored fact sets small on large repositories.
const MAX_EVIDENCE_PER_FACT = 20;

/** Facts, evidence and unknowns derived from one tree. */
export interface RepoFactsResult {
  facts: Record<string, FactValue>;
  evidence: Record<string, Evidence[]>;
  unknown: Record<string, string>;
}

class Facts implements RepoFactsResult {
  facts: Record<string, FactValue> = {};
  evidence: Record<string, Evidence[]> = {};
  unknown: Record<string, string> = {};

  set(name: string, value: FactValue, evidence: Evidence[] = []): void {
    this.facts[name] = value;
    this.note(name, ...evidence);
  }

  note(name: string, ...evidence: Evidence[]): void {
    if (evidence.length === 0) return;
    const list = (this.evidence[name] ??= []);
    for (const e of evidence) {
      if (list.length >= MAX_EVIDENCE_PER_FACT) break;
      list.push(e);
    }
  }

  setUnknown(name: string, reason: string, evidence: Evidence[] = []): void {
    delete this.facts[name];
    this.unknown[name] = reason;
    this.note(name, ...evidence);
  }
}

const ZONE_KEYS = [
  'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/zone',
];

const STATEFUL_IMAGE =
  /^(redis|valkey|keydb|postgres|postgresql|mysql|mariadb|mongo|mongodb|cassandra|couchdb|elasticsearch|opensearch|etcd|memcached|zookeeper|kafka|rabbitmq|influxdb|clickhouse|neo4j|cockroach|cockroachdb|scylla)([-:@]|$)/i;

const LOG_FILE_ENV = /LOG.*(FILE|PATH|DIR)|(FILE|PATH|DIR).*LOG/i;
const LOG_FILE_ARG = /--?log[-_]?(file|dir|path)\b|\S+\.log\b/i;
const LOG_MOUNT = /(^|\/)(var\/log|logs?)(\/|$)/;

function imageName(image: string): string {
  return nameOfImage(parseImageReference(image));
}

function knativeScale(
  workload: Workload,
  bound: 'min' | 'max',
): string | undefined {
  const annotations = workload.podAnnotations;
  const value =
    annotations[`autoscaling.knative.dev/${bound}-scale`] ??
    annotations[`autoscaling.knative.dev/${bound}Scale`];
  return value === undefined || value === null ? undefined : String(value);
}

function collectFiles(
  tree: RepositoryTree,
  { dependencyUpdates, securityPolicy }: PolicyFiles,
  out: Facts,
): void {
  const files = tree.files();
  const skipped = tree.skipped();
  const byReason = new Map<string, number>();
  for (const s of skipped)
    byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  out.set(
    'repo.fileCount',
    files.length,
    [...byReason].map(([reason, count]) => ({
      note: `${count} file(s) skipped: ${reason}`,
    })),
  );
  out.set(
    'repo.dependencyUpdates',
    dependencyUpdates.length > 0,
    dependencyUpdates.map(path => ({ path })),
  );
  out.set(
    'repo.securityPolicy',
    securityPolicy !== undefined,
    securityPolicy ? [{ path: securityPolicy }] : [],
  );
}

function collectCi(tree: RepositoryTree, ci: CiEvidence, out: Facts): void {
  out.set(
    'repo.ci.workflowCount',
    ci.files.length,
    ci.files.map(path => ({ path })),
  );
  const runs = ci.steps.filter(s => s.type === 'run');
  const tests = runs.filter(s => TEST_COMMAND.test(s.text));
  out.set(
    'repo.ci.runsTests',
    tests.length > 0,
    tests.map(s => ({
      path: s.path,
      line: s.line,
      note: s.text.split('\n')[0],
    })),
  );

  // Read-only permissions: not applicable (null) without GitHub workflows.
  if (ci.workflows.length === 0 && ci.unreadable.length === 0) {
    out.set('repo.ci.readOnlyDefaultPermissions', null, [
      { note: 'no GitHub workflows' },
    ]);
  } else {
    const evidence: Evidence[] = [];
    let ok = ci.unreadable.length === 0;
    for (const unreadable of ci.unreadable) {
      evidence.push({
        ...unreadable,
        note: 'workflow YAML could not be parsed',
      });
    }
    for (const wf of ci.workflows) {
      const topLevel = wf.value.permissions;
      const topLine = wf.doc.lineOf(['permissions']);
      if (topLevel === undefined) {
        ok = false;
        evidence.push({
          path: wf.path,
          line: 1,
          note: 'no top-level permissions',
        });
      } else if (!isReadOnlyPermissions(topLevel)) {
        ok = false;
        evidence.push({
          path: wf.path,
          line: topLine,
          note: `top-level permissions are not read-only: ${JSON.stringify(
            topLevel,
          )}`,
        });
      } else {
        evidence.push({
          path: wf.path,
          line: topLine,
          note: 'read-only top-level permissions',
        });
      }
      if (topLevel === 'write-all') {
        evidence.push({ path: wf.path, line: topLine, note: 'write-all' });
      }
      for (const job of wf.jobs) {
        if (job.job.permissions === 'write-all') {
          ok = false;
          evidence.push({
            path: wf.path,
            line: wf.doc.lineOf(['jobs', job.id, 'permissions']),
            note: `job ${job.id} uses write-all`,
          });
        }
      }
    }
    out.set('repo.ci.readOnlyDefaultPermissions', ok, evidence);
  }

  out.set('repo.ci.usesOidc', ci.oidc.length > 0, ci.oidc);
  const stepEvidence = (re: RegExp) =>
    ci.steps
      .filter(s => re.test(s.text))
      .map(s => ({ path: s.path, line: s.line, note: s.text.split('\n')[0] }));
  const sbomFiles = tree
    .files()
    .filter(p => SBOM_FILE.test(p))
    .map(path => ({ path, note: 'committed SBOM' }));
  const sbom = [...stepEvidence(SBOM_STEP), ...sbomFiles];
  out.set('repo.ci.producesSbom', sbom.length > 0, sbom);
  const sign = stepEvidence(SIGN_STEP);
  out.set('repo.ci.signsImages', sign.length > 0, sign);
  const sast = stepEvidence(SAST_STEP);
  out.set('repo.ci.sast', sast.length > 0, sast);
}

function collectDockerfile(
  dockerfiles: DockerfileEvidence[],
  out: Facts,
): void {
  out.set(
    'repo.dockerfile.present',
    dockerfiles.length > 0,
    dockerfiles.map(d => ({ path: d.path })),
  );
  if (dockerfiles.length === 0) {
    out.set('repo.dockerfile.baseImagesPinned', null, [
      { note: 'no Dockerfile' },
    ]);
    out.set('repo.dockerfile.nonRootUser', null, [{ note: 'no Dockerfile' }]);
    return;
  }
  let pinned = true;
  let nonRoot = true;
  const pinEvidence: Evidence[] = [];
  const userEvidence: Evidence[] = [];
  for (const { path, stages, finalUser } of dockerfiles) {
    if (stages.length === 0) {
      pinned = false;
      pinEvidence.push({ path, note: 'no FROM instruction' });
    }
    for (const stage of stages) {
      if (!stage.image) continue;
      const ok = isPinnedByTagOrDigest(stage.image);
      if (!ok) pinned = false;
      pinEvidence.push({
        path,
        line: stage.line,
        note: `${stage.from}: ${
          stage.image.unresolved
            ? 'unresolved build argument'
            : pinNote(stage.image.raw, ok)
        }`,
      });
    }
    if (!isNonRootUser(finalUser?.value)) nonRoot = false;
    userEvidence.push(
      finalUser
        ? {
            path,
            line: finalUser.line,
            note: `final stage USER ${finalUser.value}`,
          }
        : { path, note: 'final stage sets no USER (runs as root)' },
    );
  }
  out.set('repo.dockerfile.baseImagesPinned', pinned, pinEvidence);
  out.set('repo.dockerfile.nonRootUser', nonRoot, userEvidence);
}

// The fact asks for a pinned tag or a digest; the note says which, so that
// a check that demands digests can tell the two kinds of pin apart.
function pinNote(image: string, ok: boolean): string {
  if (!ok) return 'not pinned (no digest, or latest/no tag)';
  return isPinnedByDigest(parseImageReference(image))
    ? 'pinned by digest'
    : 'pinned by tag only';
}

interface Checked {
  ok: boolean;
  evidence: Evidence[];
}

/** "Every X" over a possibly empty set: false when there is no subject. */
function every<T>(
  items: T[],
  emptyNote: string,
  check: (item: T) => { ok: boolean; evidence: Evidence },
): Checked {
  if (items.length === 0) return { ok: false, evidence: [{ note: emptyNote }] };
  const results = items.map(check);
  const failing = results.filter(r => !r.ok);
  return {
    ok: failing.length === 0,
    // Failures first: they are what a reader needs to fix.
    evidence: (failing.length > 0 ? failing : results).map(r => r.evidence),
  };
}

function collectWorkloads(
  objects: K8sObject[],
  workloads: Workload[],
  helmCharts: string[],
  out: Facts,
): void {
  const byKindName = (kind: string, name?: string) =>
    workloads.find(
      w => w.object.kind === kind && w.object.name === name && w.template,
    );
  // A Rollout with workloadRef runs the referenced Deployment's pod template.
  const managedByRollout = new Set<Workload>();
  for (const w of workloads) {
    if (!w.workloadRef) continue;
    const target = byKindName(
      w.workloadRef.kind ?? 'Deployment',
      w.workloadRef.name,
    );
    if (target) managedByRollout.add(target);
  }
  const templated = workloads.filter(w => w.template);
  const containers = templated.flatMap(w => w.containers.map(c => ({ w, c })));
  const appContainers = containers.filter(x => !x.c.init);
  const label = (w: Workload, c: { name: string }) =>
    `container ${c.name} in ${describe(w.object)}`;

  if (helmCharts.length > 0 && workloads.length === 0) {
    const evidence = helmCharts.map(path => ({ path, note: HELM_ONLY_REASON }));
    for (const name of HELM_DECIDED_FACTS)
      out.setUnknown(name, HELM_ONLY_REASON, evidence);
  } else {
    const noContainers =
      workloads.length === 0
        ? 'no workloads'
        : 'no containers in pod templates';
    const resources = every(appContainers, noContainers, ({ w, c }) => {
      const ok =
        hasKeys(c.container.resources?.requests) &&
        hasKeys(c.container.resources?.limits);
      return {
        ok,
        evidence: objectEvidence(
          w.object,
          ok || c.container.resources ? [...c.path, 'resources'] : c.path,
          `${label(w, c)}: ${
            ok ? 'requests and limits set' : 'missing requests or limits'
          }`,
        ),
      };
    });
    out.set(
      'repo.workloads.allHaveResources',
      resources.ok,
      resources.evidence,
    );

    const probes = every(
      appContainers.filter(x => x.w.longRunning),
      workloads.length === 0 ? 'no workloads' : 'no long-running containers',
      ({ w, c }) => {
        const ok =
          hasKeys(c.container.livenessProbe) &&
          hasKeys(c.container.readinessProbe);
        return {
          ok,
          evidence: objectEvidence(
            w.object,
            ok ? [...c.path, 'livenessProbe'] : c.path,
            `${label(w, c)}: ${
              ok
                ? 'liveness and readiness probes'
                : 'missing liveness or readiness probe'
            }`,
          ),
        };
      },
    );
    out.set('repo.workloads.allHaveProbes', probes.ok, probes.evidence);

    const nonRoot = every(containers, noContainers, ({ w, c }) => {
      const pod = w.template?.spec?.securityContext;
      const effective = effectiveSecurityContext(
        pod,
        c.container.securityContext,
      );
      const ok = effective.runAsNonRoot === true && effective.runAsUser !== 0;
      const fromContainer =
        c.container.securityContext?.runAsNonRoot !== undefined;
      let where = c.path;
      if (fromContainer) {
        where = [...c.path, 'securityContext', 'runAsNonRoot'];
      } else if (pod?.runAsNonRoot !== undefined) {
        where = [...w.templatePath, 'spec', 'securityContext', 'runAsNonRoot'];
      }
      return {
        ok,
        evidence: objectEvidence(
          w.object,
          where,
          `${label(w, c)}: runAsNonRoot ${
            ok
              ? 'true'
              : `not true (effective ${JSON.stringify(
                  effective.runAsNonRoot ?? null,
                )}${effective.runAsUser === 0 ? ', runAsUser 0' : ''})`
          }${fromContainer ? ' (container level)' : ''}`,
        ),
      };
    });
    out.set('repo.workloads.allRunAsNonRoot', nonRoot.ok, nonRoot.evidence);

    const replicated = templated.filter(w =>
      isKind(
        w.object,
        ['apps', 'extensions', 'argoproj.io'],
        'Deployment',
        'StatefulSet',
        'Rollout',
      ),
    );
    const spread = every(
      replicated,
      workloads.length === 0
        ? 'no workloads'
        : 'no Deployments, StatefulSets or Rollouts',
      w => {
        const spec = w.template?.spec ?? {};
        const tsc = asArray(spec.topologySpreadConstraints).findIndex(t =>
          ZONE_KEYS.includes(t?.topologyKey),
        );
        const anti = spec.affinity?.podAntiAffinity ?? {};
        const antiTerms = [
          ...asArray(anti.requiredDuringSchedulingIgnoredDuringExecution),
          ...asArray(anti.preferredDuringSchedulingIgnoredDuringExecution).map(
            (p: any) => p?.podAffinityTerm,
          ),
        ];
        const zoneAnti = antiTerms.some(t =>
          ZONE_KEYS.includes(t?.topologyKey),
        );
        const ok = tsc >= 0 || zoneAnti;
        let spreadPath = w.templatePath;
        if (tsc >= 0) {
          spreadPath = [
            ...w.templatePath,
            'spec',
            'topologySpreadConstraints',
            tsc,
          ];
        } else if (zoneAnti) {
          spreadPath = [...w.templatePath, 'spec', 'affinity'];
        }
        return {
          ok,
          evidence: objectEvidence(
            w.object,
            spreadPath,
            `${describe(w.object)}: ${
              ok ? 'spread across zones' : 'no zone spread'
            }`,
          ),
        };
      },
    );
    out.set('repo.workloads.topologySpread', spread.ok, spread.evidence);

    const sa = every(
      templated,
      workloads.length === 0 ? 'no workloads' : 'no pod templates',
      w => {
        const spec = w.template?.spec ?? {};
        const name = spec.serviceAccountName ?? spec.serviceAccount;
        const ok =
          typeof name === 'string' && name !== '' && name !== 'default';
        return {
          ok,
          evidence: objectEvidence(
            w.object,
            ok
              ? [...w.templatePath, 'spec', 'serviceAccountName']
              : w.templatePath,
            `${describe(w.object)}: ${
              ok ? `service account ${name}` : 'default service account'
            }`,
          ),
        };
      },
    );
    out.set('repo.workloads.dedicatedServiceAccount', sa.ok, sa.evidence);

    collectMinReplicas(objects, workloads, managedByRollout, out);

    const logEvidence: Evidence[] = [];
    for (const { w, c } of appContainers) {
      asArray(c.container.env).forEach((env, i) => {
        if (
          typeof env?.name === 'string' &&
          LOG_FILE_ENV.test(env.name) &&
          typeof env.value === 'string' &&
          env.value.includes('/')
        ) {
          logEvidence.push(
            objectEvidence(
              w.object,
              [...c.path, 'env', i],
              `${label(w, c)}: ${env.name}=${env.value}`,
            ),
          );
        }
      });
      for (const field of ['args', 'command']) {
        asArray(c.container[field]).forEach((arg, i) => {
          if (typeof arg === 'string' && LOG_FILE_ARG.test(arg)) {
            logEvidence.push(
              objectEvidence(
                w.object,
                [...c.path, field, i],
                `${label(w, c)}: ${arg}`,
              ),
            );
          }
        });
      }
      asArray(c.container.volumeMounts).forEach((m, i) => {
        if (typeof m?.mountPath === 'string' && LOG_MOUNT.test(m.mountPath)) {
          logEvidence.push(
            objectEvidence(
              w.object,
              [...c.path, 'volumeMounts', i],
              `${label(w, c)}: log volume ${m.mountPath}`,
            ),
          );
        }
      });
    }
    out.set('repo.workloads.logsToFile', logEvidence.length > 0, logEvidence);
  }

  // Stateful images on request-driven runtimes lose their data on scale-down.
  const statefulEvidence: Evidence[] = [];
  for (const { w, c } of appContainers) {
    if (!w.knative || typeof c.container.image !== 'string') continue;
    if (!STATEFUL_IMAGE.test(imageName(c.container.image))) continue;
    const persistent = asArray(w.template?.spec?.volumes).some(
      v => v?.persistentVolumeClaim,
    );
    if (!persistent) {
      statefulEvidence.push(
        objectEvidence(
          w.object,
          [...c.path, 'image'],
          `${describe(w.object)} runs ${
            c.container.image
          } without a persistent volume`,
        ),
      );
    }
  }
  out.set(
    'repo.workloads.statefulWithoutStorage',
    statefulEvidence.length > 0,
    statefulEvidence,
  );
}

function collectMinReplicas(
  objects: K8sObject[],
  workloads: Workload[],
  managedByRollout: Set<Workload>,
  out: Facts,
): void {
  const hpas = objects.filter(o =>
    isKind(o, 'autoscaling', 'HorizontalPodAutoscaler'),
  );
  const scaledObjects = objects.filter(o =>
    isKind(o, 'keda.sh', 'ScaledObject'),
  );
  const targets = (
    o: K8sObject,
    kind: string,
    name?: string,
    defaultKind?: string,
  ) => {
    const ref = o.value.spec?.scaleTargetRef;
    return (ref?.kind ?? defaultKind) === kind && ref?.name === name;
  };
  let min: number | null = null;
  const evidence: Evidence[] = [];
  const consider = (value: unknown, ev: Evidence) => {
    if (typeof value !== 'number') {
      evidence.push({ ...ev, note: `${ev.note}: replicas not a number` });
      return;
    }
    evidence.push(ev);
    if (min === null || value < min) min = value;
  };
  for (const w of workloads) {
    if (managedByRollout.has(w)) continue;
    if (
      !isKind(
        w.object,
        ['apps', 'extensions', 'argoproj.io'],
        'Deployment',
        'StatefulSet',
        'Rollout',
      )
    ) {
      continue;
    }
    const hpa = hpas.find(h => targets(h, w.object.kind, w.object.name));
    const keda = scaledObjects.find(s =>
      targets(s, w.object.kind, w.object.name, 'Deployment'),
    );
    if (hpa) {
      const value = hpa.value.spec?.minReplicas ?? 1;
      consider(
        value,
        objectEvidence(
          hpa,
          ['spec', 'minReplicas'],
          `${describe(w.object)}: HPA minReplicas ${value}`,
        ),
      );
    } else if (keda) {
      // KEDA's floor while active; idleReplicaCount only applies when idle.
      const value = keda.value.spec?.minReplicaCount ?? 0;
      consider(
        value,
        objectEvidence(
          keda,
          ['spec', 'minReplicaCount'],
          `${describe(w.object)}: KEDA minReplicaCount ${value}`,
        ),
      );
    } else {
      let replicas = w.object.value.spec?.replicas;
      let source: K8sObject = w.object;
      if (replicas === undefined && w.workloadRef) {
        const ref = workloads.find(
          x =>
            x.object.kind === (w.workloadRef!.kind ?? 'Deployment') &&
            x.object.name === w.workloadRef!.name,
        );
        if (ref) {
          replicas = ref.object.value.spec?.replicas;
          source = ref.object;
        }
      }
      const value = replicas ?? 1;
      consider(
        value,
        objectEvidence(
          source,
          ['spec', 'replicas'],
          `${describe(w.object)}: replicas ${value}${
            replicas === undefined ? ' (default)' : ''
          }`,
        ),
      );
    }
  }
  if (evidence.length === 0)
    evidence.push({ note: 'no Deployments, StatefulSets or Rollouts' });
  out.set('repo.workloads.minReplicas', min, evidence);
}

function collectManifests(
  tree: RepositoryTree,
  objects: K8sObject[],
  workloads: Workload[],
  helmCharts: string[],
  out: Facts,
): void {
  const kinds = [...new Set(objects.map(o => o.kind))].sort();
  const firstOfKind = kinds.map(kind => {
    const o = objects.find(x => x.kind === kind)!;
    return objectEvidence(o, ['kind'], kind);
  });
  const limitErrors = tree.yamlErrors().filter(e => e.kind === 'limit');
  out.set('repo.manifests.kinds', kinds, [
    ...limitErrors.map(e => ({ path: e.path, line: e.line, note: e.message })),
    ...firstOfKind,
  ]);
  out.set(
    'repo.manifests.workloadCount',
    workloads.length,
    workloads.map(w => objectEvidence(w.object, ['kind'], describe(w.object))),
  );
  out.set(
    'repo.manifests.helmChartCount',
    helmCharts.length,
    helmCharts.map(path => ({ path })),
  );
  const overlays = tree
    .files()
    .filter(p => /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(p))
    .filter(p => !p.split('/').slice(0, -1).includes('base'));
  out.set(
    'repo.manifests.kustomizeOverlayCount',
    overlays.length,
    overlays.map(path => ({ path })),
  );
  const invalid = tree
    .yamlErrors()
    .filter(e => (e.kind ?? 'invalid') === 'invalid');
  out.set(
    'repo.manifests.invalidYamlCount',
    new Set(invalid.map(e => e.path)).size,
    invalid.map(e => ({ path: e.path, line: e.line, note: e.message })),
  );
}

function countObjects(
  out: Facts,
  name: string,
  matches: K8sObject[],
  asBoolean = false,
): void {
  const evidence = matches.map(o => objectEvidence(o, ['kind'], describe(o)));
  out.set(name, asBoolean ? matches.length > 0 : matches.length, evidence);
}

function collectPlatform(
  tree: RepositoryTree,
  objects: K8sObject[],
  workloads: Workload[],
  deps: DependencyScan,
  out: Facts,
): void {
  countObjects(
    out,
    'repo.gitops.argocdApplicationCount',
    objects.filter(o =>
      isKind(o, 'argoproj.io', 'Application', 'ApplicationSet'),
    ),
  );
  countObjects(
    out,
    'repo.gitops.fluxKustomizationCount',
    objects.filter(
      o =>
        isKind(o, 'kustomize.toolkit.fluxcd.io', 'Kustomization') ||
        isKind(o, 'helm.toolkit.fluxcd.io', 'HelmRelease'),
    ),
  );
  countObjects(
    out,
    'repo.delivery.progressive',
    objects.filter(
      o =>
        isKind(o, 'argoproj.io', 'Rollout') ||
        isKind(o, 'flagger.app', 'Canary'),
    ),
    true,
  );

  // Timeouts, retries, circuit breaking.
  const resilience: Evidence[] = [];
  for (const o of objects) {
    if (isKind(o, 'networking.istio.io', 'VirtualService')) {
      asArray(o.value.spec?.http).forEach((route, i) => {
        for (const key of ['timeout', 'retries']) {
          if (route?.[key] !== undefined) {
            resilience.push(
              objectEvidence(
                o,
                ['spec', 'http', i, key],
                `${describe(o)}: ${key}`,
              ),
            );
          }
        }
      });
    } else if (isKind(o, 'networking.istio.io', 'DestinationRule')) {
      const policies = [
        { p: o.value.spec?.trafficPolicy, path: ['spec', 'trafficPolicy'] },
        ...asArray(o.value.spec?.subsets).map((s, i) => ({
          p: s?.trafficPolicy,
          path: ['spec', 'subsets', i, 'trafficPolicy'],
        })),
      ];
      for (const { p, path } of policies) {
        if (p?.outlierDetection) {
          resilience.push(
            objectEvidence(
              o,
              [...path, 'outlierDetection'],
              `${describe(o)}: outlier detection`,
            ),
          );
        }
      }
    } else if (isKind(o, 'linkerd.io', 'ServiceProfile')) {
      if (
        o.value.spec?.retryBudget ||
        asArray(o.value.spec?.routes).some(r => r?.timeout || r?.isRetryable)
      ) {
        resilience.push(
          objectEvidence(o, ['spec'], `${describe(o)}: timeouts or retries`),
        );
      }
    } else if (isKind(o, 'gateway.networking.k8s.io', 'HTTPRoute')) {
      asArray(o.value.spec?.rules).forEach((rule, i) => {
        if (rule?.timeouts || rule?.retry) {
          resilience.push(
            objectEvidence(
              o,
              ['spec', 'rules', i],
              `${describe(o)}: timeouts or retries`,
            ),
          );
        }
      });
    }
  }
  // Knative Eventing: a delivery spec with bounded retries or a per-attempt
  // timeout on a Trigger, Broker, Subscription or Channel is the event-driven
  // form of the same policy (backoff is only a detail of the retries).
  for (const o of objects) {
    if (
      o.group !== 'eventing.knative.dev' &&
      o.group !== 'messaging.knative.dev'
    ) {
      continue;
    }
    const delivery = o.value.spec?.delivery;
    if (!isObject(delivery)) continue;
    const retry = delivery.retry;
    if (typeof retry === 'number' && retry > 0) {
      resilience.push(
        objectEvidence(
          o,
          ['spec', 'delivery', 'retry'],
          `${describe(o)}: ${retry} delivery retries${
            typeof delivery.backoffPolicy === 'string'
              ? ` (${delivery.backoffPolicy} backoff)`
              : ''
          }`,
        ),
      );
    }
    if (typeof delivery.timeout === 'string' && delivery.timeout) {
      resilience.push(
        objectEvidence(
          o,
          ['spec', 'delivery', 'timeout'],
          `${describe(o)}: delivery timeout ${delivery.timeout}`,
        ),
      );
    }
  }
  resilience.push(...deps.signals.resilience);
  out.set('repo.workloads.timeoutsRetries', resilience.length > 0, resilience);

  // Scaling.
  const autoscalers: Evidence[] = objects
    .filter(
      o =>
        isKind(o, 'autoscaling', 'HorizontalPodAutoscaler') ||
        isKind(o, 'keda.sh', 'ScaledObject'),
    )
    .map(o => objectEvidence(o, ['kind'], describe(o)));
  const scaleToZero: Evidence[] = [];
  for (const w of workloads.filter(x => x.knative)) {
    const min = knativeScale(w, 'min');
    const max = knativeScale(w, 'max');
    const annotationPath = [...w.templatePath, 'metadata', 'annotations'];
    if (!(min !== undefined && min === max)) {
      autoscalers.push(
        objectEvidence(
          w.object,
          annotationPath,
          `${describe(w.object)}: Knative autoscaling (min ${
            min ?? 'unset'
          }, max ${max ?? 'unset'})`,
        ),
      );
    }
    if (min === undefined || min === '0') {
      scaleToZero.push(
        objectEvidence(
          w.object,
          annotationPath,
          `${describe(w.object)}: min-scale ${min ?? 'unset (0)'}`,
        ),
      );
    }
  }
  for (const o of objects.filter(x => isKind(x, 'keda.sh', 'ScaledObject'))) {
    const spec = o.value.spec ?? {};
    if ((spec.minReplicaCount ?? 0) === 0) {
      scaleToZero.push(
        objectEvidence(
          o,
          ['spec', 'minReplicaCount'],
          `${describe(o)}: minReplicaCount ${
            spec.minReplicaCount ?? 'unset (0)'
          }`,
        ),
      );
    } else if (spec.idleReplicaCount === 0) {
      scaleToZero.push(
        objectEvidence(
          o,
          ['spec', 'idleReplicaCount'],
          `${describe(o)}: idleReplicaCount 0`,
        ),
      );
    }
  }
  out.set('repo.scaling.autoscaler', autoscalers.length > 0, autoscalers);
  out.set('repo.scaling.scaleToZero', scaleToZero.length > 0, scaleToZero);
  countObjects(
    out,
    'repo.scaling.pdb',
    objects.filter(o => isKind(o, 'policy', 'PodDisruptionBudget')),
    true,
  );

  // Observability.
  const metrics: Evidence[] = objects
    .filter(o =>
      isKind(o, 'monitoring.coreos.com', 'ServiceMonitor', 'PodMonitor'),
    )
    .map(o => objectEvidence(o, ['kind'], describe(o)));
  for (const o of objects) {
    const annotationSets: Array<{ a: any; path: Array<string | number> }> = [
      { a: o.value.metadata?.annotations, path: ['metadata', 'annotations'] },
    ];
    const w = workloads.find(x => x.object === o);
    if (w)
      annotationSets.push({
        a: w.template?.metadata?.annotations,
        path: [...w.templatePath, 'metadata', 'annotations'],
      });
    for (const { a, path } of annotationSets) {
      if (isObject(a) && String(a['prometheus.io/scrape']) === 'true') {
        metrics.push(
          objectEvidence(
            o,
            [...path, 'prometheus.io/scrape'],
            `${describe(o)}: prometheus.io/scrape`,
          ),
        );
      }
    }
  }
  metrics.push(...deps.signals.metrics);
  out.set('repo.observability.metrics', metrics.length > 0, metrics);

  const tracing: Evidence[] = [...deps.signals.tracing];
  const OTEL_ENV = /^OTEL_EXPORTER_OTLP_(TRACES_)?ENDPOINT$/;
  for (const w of workloads) {
    for (const c of w.containers) {
      asArray(c.container.env).forEach((env, i) => {
        if (typeof env?.name === 'string' && OTEL_ENV.test(env.name)) {
          tracing.push(
            objectEvidence(
              w.object,
              [...c.path, 'env', i],
              `${describe(w.object)}: ${env.name}`,
            ),
          );
        }
      });
    }
  }
  for (const o of objects.filter(x => isKind(x, '', 'ConfigMap'))) {
    for (const key of Object.keys(isObject(o.value.data) ? o.value.data : {})) {
      if (OTEL_ENV.test(key))
        tracing.push(
          objectEvidence(o, ['data', key], `${describe(o)}: ${key}`),
        );
    }
  }
  out.set('repo.observability.tracing', tracing.length > 0, tracing);

  const slos: Evidence[] = objects
    .filter(
      o =>
        (o.kind === 'SLO' && o.apiVersion.startsWith('openslo/')) ||
        isKind(o, 'sloth.slok.dev', 'PrometheusServiceLevel'),
    )
    .map(o => objectEvidence(o, ['kind'], describe(o)));
  // Sloth's plain spec has no kind: `version: prometheus/v1` with `slos`.
  for (const doc of tree.yamlDocuments()) {
    const v = doc.value;
    if (isObject(v) && v.version === 'prometheus/v1' && Array.isArray(v.slos)) {
      slos.push({ path: doc.path, line: doc.line, note: 'Sloth SLO spec' });
    }
  }
  out.set('repo.observability.sloFileCount', slos.length, slos);
}

/**
 * Derives every `repo.*` fact from a source tree. Pure and synchronous, so
 * the CLI scan and tests can call it without a backend.
 */
export function collectRepoFacts(tree: RepositoryTree): RepoFactsResult {
  const out = new Facts();
  const evidence = readRepositoryEvidence(tree);
  const { objects, workloads } = evidence.kubernetes;
  const helmCharts = evidence.kubernetes.chartFiles;
  const deps = evidence.dependencies;

  collectFiles(tree, evidence.policyFiles, out);
  collectCi(tree, evidence.ci, out);
  collectDockerfile(evidence.dockerfiles, out);
  collectManifests(tree, objects, workloads, helmCharts, out);
  collectWorkloads(objects, workloads, helmCharts, out);
  collectPlatform(tree, objects, workloads, deps, out);
  out.set(
    'repo.dependencies.manifests',
    deps.manifests,
    deps.manifests.map(path => ({ path })),
  );
  return out;
}
