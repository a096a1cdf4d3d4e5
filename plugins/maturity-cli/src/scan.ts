import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CATALOG_FACTS,
  CheckResult,
  DEFAULT_MATURITY_MODEL,
  EntityScore,
  MaturityModel,
  nextSteps,
  OWNERSHIP_FACTS,
  parseMaturityModel,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  createRepoFactCollector,
  evaluateCheckout,
  FactCollector,
  readLocalTree,
  withSpecRelations,
} from '@cloud-native-portal/plugin-maturity-node';
import { createZeroTrustFactCollector } from '@cloud-native-portal/plugin-zero-trust-node';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describeTree, formatTreeReport, TreeReport } from './treeReport';

/** The outcome of scanning one checkout. */
export interface ScanReport {
  path: string;
  entityRef?: string;
  modelId: string;
  modelVersion: string;
  level: number;
  levelName: string;
  score: number;
  dimensions: EntityScore['dimensions'];
  results: CheckResult[];
  nextSteps: ReturnType<typeof nextSteps>;
  warnings: string[];
  /** What the scan could not judge: bounds reached, files skipped, or nothing at all. */
  tree: TreeReport;
}

/**
 * Reads the checkout's catalog-info.yaml: the first Component in it. The
 * file's other entities (its APIs, for example), which the catalog registers
 * with it, are appended to `others`.
 */
export function readCatalogInfo(
  root: string,
  warnings: string[],
  others: Entity[] = [],
): Entity | undefined {
  const file = join(root, 'catalog-info.yaml');
  if (!existsSync(file)) {
    warnings.push(
      'no catalog-info.yaml: catalog checks are unknown in this scan',
    );
    return undefined;
  }
  try {
    const docs = parseAllDocuments(readFileSync(file, 'utf8'));
    const entities = (Array.isArray(docs) ? docs : [])
      .map(d => d.toJS() as Entity)
      .filter(e => e && typeof e === 'object' && e.kind && e.metadata?.name);
    const component = entities.find(e => e.kind === 'Component');
    if (!component) {
      warnings.push('catalog-info.yaml has no Component');
      return undefined;
    }
    others.push(...entities.filter(e => e !== component));
    return withSpecRelations(component);
  } catch (e) {
    warnings.push(`catalog-info.yaml is not valid YAML: ${e}`);
    return undefined;
  }
}

/** Loads a model file, or the built-in model. */
export function loadModel(
  modelFile: string | undefined,
  collectors: FactCollector[],
): MaturityModel {
  const facts = [
    ...CATALOG_FACTS,
    ...OWNERSHIP_FACTS,
    ...collectors.flatMap(c => c.facts),
  ];
  if (!modelFile) return parseMaturityModel(DEFAULT_MATURITY_MODEL, facts);
  const text = readFileSync(resolve(modelFile), 'utf8');
  const docs = parseAllDocuments(text);
  const first = Array.isArray(docs) ? docs[0] : undefined;
  if (!first || first.errors.length) {
    throw new Error(
      `${modelFile}: not valid YAML${
        first?.errors[0] ? `: ${first.errors[0].message}` : ''
      }`,
    );
  }
  return parseMaturityModel(first.toJS(), facts);
}

/**
 * Scans a local checkout with the same checks the portal runs: the
 * repository facts from its tree and the catalog facts its catalog-info.yaml
 * can give without a catalog. Ownership needs the catalog and stays unknown.
 */
export async function scanCheckout(
  path: string,
  options: { modelFile?: string; collectors?: FactCollector[] } = {},
): Promise<ScanReport> {
  return (await scanCheckoutWithModel(path, options)).report;
}

/** {@link scanCheckout}, with the model the checkout was judged by (for {@link formatText}). */
export async function scanCheckoutWithModel(
  path: string,
  options: { modelFile?: string; collectors?: FactCollector[] } = {},
): Promise<{ report: ScanReport; model: MaturityModel }> {
  const root = resolve(path);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new Error(`${path} is not a directory`);
  }
  const warnings: string[] = [];
  // The collectors the portal installs for a repository: repo facts and the
  // zero-trust verdicts that the Security checks read.
  const collectors = [
    createRepoFactCollector(),
    createZeroTrustFactCollector(),
    ...(options.collectors ?? []),
  ];
  const model = loadModel(options.modelFile, collectors);
  const tree = await readLocalTree(root);
  const siblings: Entity[] = [];
  const entity = readCatalogInfo(root, warnings, siblings);
  // Catalog facts come from the checkout's catalog-info.yaml; ownership needs
  // the portal's catalog and stays unknown.
  const { results, score } = await evaluateCheckout({
    model,
    tree,
    component: entity,
    catalogEntities: siblings,
    collectors,
  });
  const levelName = (level: number) =>
    model.levels.find(l => l.level === level)?.name ?? `Level ${level}`;
  const treeReport = describeTree(tree);
  warnings.push(...formatTreeReport(treeReport));
  const report: ScanReport = {
    path: root,
    entityRef: entity ? stringifyEntityRef(entity) : undefined,
    modelId: model.id,
    modelVersion: model.version,
    level: score.level,
    levelName: levelName(score.level),
    score: score.score,
    dimensions: score.dimensions,
    results,
    nextSteps: nextSteps(model, results, score, 5),
    warnings,
    tree: treeReport,
  };
  return { report, model };
}

/** A readable text rendering of a scan, for CI logs. */
export function formatText(report: ScanReport, model: MaturityModel): string {
  const lines: string[] = [];
  const title = new Map(model.dimensions.map(d => [d.id, d.title]));
  lines.push(
    `${report.entityRef ?? report.path}: level ${report.level} (${
      report.levelName
    }), score ${report.score}/100 [${report.modelId}@${report.modelVersion}]`,
    '',
  );
  for (const d of report.dimensions) {
    lines.push(
      `  ${(title.get(d.dimension) ?? d.dimension).padEnd(32)} ${
        d.level === null
          ? `not evaluated (${d.measuredChecks ?? 0} of ${
              d.totalChecks ?? 0
            } checks measured)`
          : `level ${d.level}  score ${String(d.score).padStart(5)}`
      }${
        d.blockingChecks.length
          ? `  blocked by: ${d.blockingChecks.join(', ')}`
          : ''
      }`,
    );
  }
  if (report.nextSteps.length) {
    lines.push('', 'Next steps:');
    report.nextSteps.forEach((step, i) => {
      lines.push(`  ${i + 1}. ${step.title} (${step.checkId}, ${step.status})`);
      lines.push(`     why: ${step.why}`);
      lines.push(`     how: ${step.how}`);
      const where = step.evidence
        .map(e =>
          e.path
            ? `${e.path}${e.line ? `:${e.line}` : ''}`
            : e.note ?? e.annotation,
        )
        .filter(Boolean)
        .slice(0, 3);
      if (where.length) lines.push(`     evidence: ${where.join('; ')}`);
      if (step.fixTemplate) lines.push(`     fix: ${step.fixTemplate.ref}`);
    });
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
