import {
  KubernetesEvidence,
  RepositoryTree,
} from '@cloud-native-portal/plugin-maturity-node';
import { FixPart } from './fixPlan';

/** Placeholder until the OpenTelemetry fix lands. */
export function planTracing(
  _tree: RepositoryTree,
  _kubernetes: KubernetesEvidence,
  _skippedPaths: string[],
  _otlpEndpoint: string | undefined,
): FixPart {
  throw new Error('not implemented');
}
