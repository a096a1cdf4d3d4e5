import {
  Evidence,
  FactSet,
  FactValue,
} from '@cloud-native-portal/plugin-maturity-common';

/** An anti-pattern found in a system: reported as a risk, not a level. */
export interface Risk {
  id:
    | 'big-bang-extraction'
    | 'stateful-on-serverless'
    | 'self-managed-kafka-small-team'
    | 'kubernetes-for-few-containers';
  title: string;
  severity: 'high' | 'medium';
  /** Entity refs involved. */
  entities: string[];
  detail: string;
  guidance: string;
  evidence: Evidence[];
}

/** Thresholds of the anti-pattern rules. */
export interface RiskThresholds {
  /** Extractions from one monolith within this many days count as one wave. */
  extractionWindowDays: number;
  /** A wave of at least this many extractions... */
  extractionWaveSize: number;
  /** ...of which at least this many lack tracing is a big-bang extraction. */
  untracedInWave: number;
  /** Fewer containers than this don't need a cluster of their own. */
  minContainersForCluster: number;
  /** Teams with fewer members than this shouldn't run Kafka themselves. */
  smallTeamSize: number;
}

/** Defaults of {@link RiskThresholds}. */
export const DEFAULT_RISK_THRESHOLDS: RiskThresholds = {
  extractionWindowDays: 42,
  extractionWaveSize: 3,
  untracedInWave: 2,
  minContainersForCluster: 10,
  smallTeamSize: 6,
};

type Facts = Map<string, Record<string, FactValue>>;

function factsOf(sets: FactSet[]): Record<string, FactValue> {
  return Object.assign(
    {},
    ...sets.map(s => (s.status === 'ok' ? s.facts : {})),
  );
}

const DAY = 86400_000;

/**
 * Finds the model's architecture anti-patterns among a system's entities,
 * from their stored facts.
 */
export function findRisks(
  entityFacts: Map<string, FactSet[]>,
  thresholds: RiskThresholds = DEFAULT_RISK_THRESHOLDS,
): Risk[] {
  const facts: Facts = new Map(
    [...entityFacts].map(([ref, sets]) => [ref, factsOf(sets)]),
  );
  const risks: Risk[] = [];

  // Big-bang decomposition: a wave of extractions from one monolith while
  // the extracted services lack tracing.
  const byMonolith = new Map<string, Array<{ ref: string; at: number }>>();
  for (const [ref, f] of facts) {
    const from = f['catalog.extractedFrom'];
    const at = f['catalog.extractedAt'];
    if (typeof from === 'string' && typeof at === 'string') {
      const list = byMonolith.get(from) ?? [];
      list.push({ ref, at: Date.parse(at) });
      byMonolith.set(from, list);
    }
  }
  for (const [monolith, extractions] of byMonolith) {
    extractions.sort((a, b) => a.at - b.at);
    let best: typeof extractions = [];
    for (let i = 0; i < extractions.length; i++) {
      const wave = extractions.filter(
        e =>
          e.at >= extractions[i].at &&
          e.at - extractions[i].at <= thresholds.extractionWindowDays * DAY,
      );
      if (wave.length > best.length) best = wave;
    }
    const untraced = best.filter(
      e => facts.get(e.ref)?.['repo.observability.tracing'] !== true,
    );
    if (
      best.length >= thresholds.extractionWaveSize &&
      untraced.length >= thresholds.untracedInWave
    ) {
      const days = Math.round((best[best.length - 1].at - best[0].at) / DAY);
      risks.push({
        id: 'big-bang-extraction',
        title: 'Big-bang extraction without tracing',
        severity: 'high',
        entities: best.map(e => e.ref),
        detail: `${
          best.length
        } services were extracted from ${monolith} within ${days} days; ${
          untraced.length
        } of them have no distributed tracing (${untraced
          .map(e => e.ref)
          .join(', ')}).`,
        guidance:
          'Pause further extractions. Add OpenTelemetry tracing to the extracted services first, then extract one or two stateless capabilities at a time.',
        evidence: best.map(e => ({
          annotation: 'metadata.annotations.cloud-native-portal/extracted-at',
          note: `${e.ref} extracted ${new Date(e.at)
            .toISOString()
            .slice(0, 10)}${
            facts.get(e.ref)?.['repo.observability.tracing'] === true
              ? ', traced'
              : ', no tracing'
          }`,
        })),
      });
    }
  }

  // A stateful workload run as a serverless function without storage.
  for (const [ref, f] of facts) {
    const statefulServerless =
      f['repo.workloads.statefulWithoutStorage'] === true ||
      (f['catalog.type'] === 'function' && f['catalog.stateful'] === true);
    if (statefulServerless) {
      risks.push({
        id: 'stateful-on-serverless',
        title: 'Stateful workload on serverless without persistent storage',
        severity: 'high',
        entities: [ref],
        detail: `${ref} keeps state but runs as a scale-to-zero function with no persistent storage: its data is lost on every restart or scale-down.`,
        guidance:
          'Move the state to a managed store (a catalog Resource the service dependsOn), or run it as a StatefulSet with a persistent volume.',
        evidence: [{ note: 'repo.workloads.statefulWithoutStorage' }],
      });
    }
  }

  // Self-managed Kafka run by a small team.
  for (const [ref, f] of facts) {
    const kinds = f['repo.manifests.kinds'];
    const runsKafka =
      Array.isArray(kinds) && kinds.some(k => /^Kafka(Cluster)?$/.test(k));
    const members = f['ownership.ownerMemberCount'];
    if (
      runsKafka &&
      typeof members === 'number' &&
      members < thresholds.smallTeamSize
    ) {
      risks.push({
        id: 'self-managed-kafka-small-team',
        title: 'Self-managed Kafka run by a small team',
        severity: 'medium',
        entities: [ref],
        detail: `${ref} deploys its own Kafka cluster, and its owning team has ${members} member(s).`,
        guidance:
          'Use the managed event bus; keep the topics and schemas in the catalog as Resources and AsyncAPI documents.',
        evidence: [{ note: 'a Kafka custom resource in the manifests' }],
      });
    }
  }

  // A dedicated Kubernetes cluster for a handful of containers.
  const clusterOwners = [...facts].filter(([, f]) => {
    const types = f['catalog.dependsOnResourceTypes'];
    return Array.isArray(types) && types.includes('kubernetes-cluster');
  });
  if (clusterOwners.length > 0) {
    let containers = 0;
    for (const f of facts.values()) {
      const workloads = f['repo.manifests.workloadCount'];
      const replicas = f['repo.workloads.minReplicas'];
      if (typeof workloads === 'number' && workloads > 0) {
        containers +=
          workloads * Math.max(typeof replicas === 'number' ? replicas : 1, 1);
      }
    }
    if (containers < thresholds.minContainersForCluster) {
      risks.push({
        id: 'kubernetes-for-few-containers',
        title: 'A full Kubernetes platform for a few containers',
        severity: 'medium',
        entities: clusterOwners.map(([ref]) => ref),
        detail: `The system runs a dedicated Kubernetes cluster for about ${containers} container(s).`,
        guidance:
          'Move the workloads to the shared platform cluster or a serverless container service; a cluster of its own pays off from about 10 containers.',
        evidence: clusterOwners.map(([ref]) => ({
          annotation: 'spec.dependsOn',
          note: `${ref} depends on a kubernetes-cluster Resource`,
        })),
      });
    }
  }
  return risks;
}
