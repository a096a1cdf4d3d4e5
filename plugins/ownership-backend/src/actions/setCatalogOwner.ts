import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { isMap, parseAllDocuments } from 'yaml';
import { examples } from './setCatalogOwner.examples';

function parseRef(
  field: string,
  value: string,
  defaultKind?: string,
): CompoundEntityRef {
  try {
    return parseEntityRef(value, { defaultKind, defaultNamespace: 'default' });
  } catch (e) {
    throw new InputError(
      `Invalid ${field} "${value}": ${(e as Error).message}`,
    );
  }
}

/**
 * Rewrites `spec.owner` of one entity in a catalog file of the workspace,
 * keeping comments and the other documents of the file as they are.
 */
export async function setOwnerInCatalogFile(options: {
  text: string;
  entityRef: CompoundEntityRef;
  owner: string;
}): Promise<{ text: string; previousOwner: string | null }> {
  const documents = parseAllDocuments(options.text);
  const wanted = stringifyEntityRef(options.entityRef);
  for (const doc of documents) {
    if ('empty' in doc) continue;
    if (doc.errors.length) {
      throw new InputError(
        `The catalog file is not valid YAML: ${doc.errors[0].message}`,
      );
    }
    const kind = doc.getIn(['kind']);
    const name = doc.getIn(['metadata', 'name']);
    const namespace = doc.getIn(['metadata', 'namespace']) ?? 'default';
    if (typeof kind !== 'string' || typeof name !== 'string') continue;
    const ref = stringifyEntityRef({
      kind,
      namespace: String(namespace),
      name,
    });
    if (ref !== wanted) continue;
    if (!isMap(doc.get('spec'))) {
      throw new InputError(`${wanted} has no spec in the catalog file`);
    }
    const previous = doc.getIn(['spec', 'owner']);
    doc.setIn(['spec', 'owner'], options.owner);
    return {
      text: documents.map(d => d.toString()).join(''),
      previousOwner: typeof previous === 'string' ? previous : null,
    };
  }
  throw new InputError(`${wanted} is not defined in the catalog file`);
}

/** The `ownership:catalog:set-owner` scaffolder action. */
export function createSetCatalogOwnerAction() {
  return createTemplateAction({
    id: 'ownership:catalog:set-owner',
    description:
      "Sets spec.owner of an entity in a catalog-info.yaml of the workspace (after fetch:plain), for a pull request that fixes the entity's owner.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The entity to change, e.g. component:default/quiz-engine',
            ),
        owner: z =>
          z.string().describe('The new owner, e.g. group:default/courses-team'),
        filePath: z =>
          z
            .string()
            .default('catalog-info.yaml')
            .describe('The catalog file, relative to the workspace'),
        targetFilePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Where to write the changed file, relative to the workspace, e.g. a directory gitops:open-pr proposes; default filePath itself. Written in dry runs too, since it only changes the workspace',
            ),
      },
      output: {
        previousOwner: z =>
          z.string().nullable().describe('spec.owner before the change'),
        owner: z => z.string().describe('spec.owner after the change'),
        filePath: z => z.string().describe('The file that was changed'),
      },
    },
    async handler(ctx) {
      const entityRef = parseRef('entityRef', ctx.input.entityRef);
      const ownerRef = parseRef('owner', ctx.input.owner, 'group');
      if (ownerRef.kind.toLowerCase() !== 'group') {
        throw new InputError(
          `Invalid owner "${ctx.input.owner}": the owner must be a Group, not a ${ownerRef.kind}`,
        );
      }
      const filePath = ctx.input.filePath ?? 'catalog-info.yaml';
      // A path that leaves the workspace (../, an absolute path, a symlink
      // out of it) is the caller's error, named by its input.
      const inWorkspace = (field: string, value: string) => {
        try {
          return resolveSafeChildPath(ctx.workspacePath, value);
        } catch {
          throw new InputError(
            `Invalid ${field} "${value}": it is outside the workspace`,
          );
        }
      };
      const path = inWorkspace('filePath', filePath);
      const targetFilePath = ctx.input.targetFilePath;
      const target =
        targetFilePath === undefined
          ? undefined
          : inWorkspace('targetFilePath', targetFilePath);
      const text = await fs.readFile(path, 'utf8').catch(() => {
        throw new InputError(
          `Invalid filePath "${filePath}": no such file in the workspace`,
        );
      });
      const owner = stringifyEntityRef(ownerRef);
      const result = await setOwnerInCatalogFile({ text, entityRef, owner });
      const ref = stringifyEntityRef(entityRef);
      if (target) {
        await fs.mkdir(dirname(target), { recursive: true });
        await fs.writeFile(target, result.text, 'utf8');
        ctx.logger.info(
          `Wrote ${filePath} with spec.owner of ${ref} set from ${result.previousOwner} to ${owner} to ${targetFilePath}`,
        );
      } else if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would set spec.owner of ${ref} in ${filePath} from ${result.previousOwner} to ${owner}`,
        );
      } else {
        await fs.writeFile(path, result.text, 'utf8');
        ctx.logger.info(`Set spec.owner of ${ref} in ${filePath} to ${owner}`);
      }
      ctx.output('previousOwner', result.previousOwner);
      ctx.output('owner', owner);
      ctx.output('filePath', filePath);
    },
  });
}
