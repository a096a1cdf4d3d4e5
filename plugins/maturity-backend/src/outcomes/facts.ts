import { Entity } from '@backstage/catalog-model';
import { promises as fs } from 'node:fs';
import {
  Evidence,
  FactDeclaration,
} from '@cloud-native-portal/plugin-maturity-common';

/** Maps a catalog entity to its application folder in the GitOps repository. */
export const GITOPS_APP_ANNOTATION = 'cloud-native-portal.io/gitops-app';

/** The GitOps application name of an entity: the annotation, else its name. */
export function gitopsAppOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[GITOPS_APP_ANNOTATION]?.trim() ||
    entity.metadata.name
  );
}

/** Facts of the `delivery` collector (from the GitOps repository's history). */
export const DELIVERY_FACTS: FactDeclaration[] = [
  {
    name: 'delivery.productionDeployments',
    type: 'number',
    description:
      'Deployments to production in the window: commits on the GitOps branch that changed apps/<app>/<production environment>/.',
  },
  {
    name: 'delivery.productionDeploymentsPerWeek',
    type: 'number',
    description: 'Deployments to production per week over the window.',
  },
  {
    name: 'delivery.leadTimeHours',
    type: 'number',
    description:
      "Median hours from a production deployment's change (author date, or its Source-Commit-Date trailer) to its commit on the GitOps branch.",
  },
  {
    name: 'delivery.changeFailureRate',
    type: 'number',
    description:
      'Share (0..1) of the production changes in the window that a later commit reverted or rolled back.',
  },
];

/** Facts of the `incidents` collector (from the incident source). */
export const INCIDENT_FACTS: FactDeclaration[] = [
  {
    name: 'incidents.timeToRestoreHours',
    type: 'number',
    description:
      "Median hours from opened to resolved of the service's resolved incidents opened in the window.",
  },
  {
    name: 'incidents.count',
    type: 'number',
    description: 'Incidents of the service opened in the window.',
  },
];

/** At most this many items of evidence are listed per fact. */
export const MAX_EVIDENCE = 20;

/** Lists up to MAX_EVIDENCE items, and says how many more there are. */
export function capEvidence(items: Evidence[]): Evidence[] {
  if (items.length <= MAX_EVIDENCE) return items;
  return [
    ...items.slice(0, MAX_EVIDENCE),
    { note: `... and ${items.length - MAX_EVIDENCE} more` },
  ];
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rounds to two decimals. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Dates up to this far ahead of the backend's clock are not treated as skewed. */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;

/**
 * Reads a file on the backend's disk; with `ifChanged`, answers undefined
 * while its modification time and size stay those of the last read. Shared
 * by the file sources of the outcome collectors (incidents, cost).
 */
export function changedFileReader(
  path: string,
): (options: { ifChanged: boolean }) => Promise<string | undefined> {
  let stamp: string | undefined;
  return async ({ ifChanged }) => {
    const stat = await fs.stat(path);
    const next = `${stat.mtimeMs}:${stat.size}`;
    if (ifChanged && next === stamp) return undefined;
    const text = await fs.readFile(path, 'utf8');
    stamp = next;
    return text;
  };
}
