import { Config } from '@backstage/config';
import {
  applyModelOverrides,
  CATALOG_FACTS,
  DEFAULT_MATURITY_MODEL,
  FactDeclaration,
  MaturityModel,
  OWNERSHIP_FACTS,
  parseMaturityModel,
  TEMPLATE_FACTS,
} from '@cloud-native-portal/plugin-maturity-common';
import { FactCollector } from '@cloud-native-portal/plugin-maturity-node';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Every fact the installed collectors declare, built-ins included. */
export function knownFacts(collectors: FactCollector[]): FactDeclaration[] {
  return [
    ...CATALOG_FACTS,
    ...OWNERSHIP_FACTS,
    ...TEMPLATE_FACTS,
    ...collectors.flatMap(c => c.facts),
  ];
}

/**
 * Loads the model: the built-in model or `maturity.modelFile`, then the
 * overrides in `maturity.model`. Throws, naming the bad key, when either is
 * invalid; a model never half-loads.
 */
export function loadMaturityModel(
  config: Config,
  collectors: FactCollector[],
): MaturityModel {
  const facts = knownFacts(collectors);
  const modelFile = config.getOptionalString('maturity.modelFile');
  let base: unknown = DEFAULT_MATURITY_MODEL;
  if (modelFile) {
    const path = resolve(modelFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(
        `maturity.modelFile: cannot read ${path}: ${(e as Error).message}`,
      );
    }
    try {
      base = parseYaml(text);
    } catch (e) {
      throw new Error(
        `maturity.modelFile: ${path} is not valid YAML: ${
          (e as Error).message
        }`,
      );
    }
  }
  const model = parseMaturityModel(base, facts);
  const overrides = config.getOptional('maturity.model');
  if (overrides === undefined) return model;
  return applyModelOverrides(model, overrides, facts, {
    pathPrefix: 'maturity.model',
  });
}
