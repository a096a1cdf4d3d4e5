import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CATALOG_FACTS,
  CheckResult,
  DEFAULT_MATURITY_MODEL,
  OWNERSHIP_FACTS,
  parseMaturityModel,
  TEMPLATE_FACTS,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  CatalogSnapshot,
  createRepoFactCollector,
  evaluateCheckout,
  readLocalTree,
  withSpecRelations,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  createZeroTrustFactCollector,
  scanRepository,
} from '@cloud-native-portal/plugin-zero-trust-node';
import { PostureReport } from '@cloud-native-portal/plugin-zero-trust-common';
import { promises as fs } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

/** The maturity of a freshly generated tree, before it is in any catalog. */
export interface TreeMaturity {
  entityRef?: string;
  level: number;
  score: number;
  /** Level per dimension; null when none of its checks could be measured. */
  dimensions: Array<{ dimension: string; level: number | null }>;
  /** Checks that failed; unknown checks (no catalog, no toil register) are not listed. */
  failing: CheckResult[];
  /** Every check's result, in the model's order. */
  results: CheckResult[];
}

/**
 * The Component of a tree's catalog-info.yaml, and the other entities the
 * same file defines (its APIs, for example), which the catalog registers
 * together with it.
 */
async function readCatalogInfo(
  root: string,
): Promise<{ component?: Entity; siblings: Entity[] }> {
  const text = await fs
    .readFile(join(root, 'catalog-info.yaml'), 'utf8')
    .catch(() => undefined);
  if (!text) return { siblings: [] };
  const entities = parseAllDocuments(text)
    .map(d => d.toJS() as Entity)
    .filter(e => e?.kind && e.metadata?.name);
  const component = entities.find(e => e.kind === 'Component');
  return {
    component: component && withSpecRelations(component),
    siblings: entities.filter(e => e !== component),
  };
}

/** Catalog access for the facts that need the owner Group and System. */
export interface ScanCatalog {
  service: CatalogService;
  credentials: BackstageCredentials;
}

/** Runs the zero-trust scanner over a local tree. */
export async function scanZeroTrust(root: string): Promise<PostureReport> {
  return scanRepository(await readLocalTree(root));
}

/**
 * Evaluates the default maturity model over a local tree, with the facts a
 * tree and its catalog-info.yaml can give: repository, zero-trust and
 * catalog, plus ownership when catalog access is given (the owner Group
 * already exists). Toil needs the running portal and stays unknown.
 */
export async function scanMaturity(
  root: string,
  options: { catalog?: ScanCatalog } = {},
): Promise<TreeMaturity> {
  const collectors = [
    createRepoFactCollector(),
    createZeroTrustFactCollector(),
  ];
  const model = parseMaturityModel(DEFAULT_MATURITY_MODEL, [
    ...CATALOG_FACTS,
    ...OWNERSHIP_FACTS,
    ...TEMPLATE_FACTS,
    ...collectors.flatMap(c => c.facts),
  ]);
  const tree = await readLocalTree(root);
  const { component, siblings } = await readCatalogInfo(root);
  // Without catalog access the owner cannot be resolved: ownership stays
  // unknown. The file's own entities come last, so they win over older
  // catalog copies of the same refs.
  const { results, score } = await evaluateCheckout({
    model,
    tree,
    component,
    catalogEntities: [
      ...(component && options.catalog
        ? await CatalogSnapshot.neighboursOf(
            component,
            options.catalog.service,
            options.catalog.credentials,
          )
        : []),
      ...siblings,
    ],
    ownership: !!options.catalog,
    collectors,
  });
  return {
    entityRef: component ? stringifyEntityRef(component) : undefined,
    level: score.level,
    score: score.score,
    dimensions: score.dimensions.map(d => ({
      dimension: d.dimension,
      level: d.level,
    })),
    failing: results.filter(r => r.status === 'fail'),
    results,
  };
}
