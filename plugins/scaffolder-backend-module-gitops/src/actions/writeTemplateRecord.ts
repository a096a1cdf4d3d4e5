import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { promises as fs } from 'fs';
import { basename, dirname, join } from 'path';
import yaml from 'yaml';
import { listFiles, workspacePath } from '../lib/files';
import { FileTree, generatedContents, recordFiles } from '../lib/day2';
import { packGenerated } from '../lib/merge';
import {
  parseAnswerPath,
  redactAnswers,
  secretKeysOfParameters,
} from '../lib/secrets';
import { examples } from './writeTemplateRecord.examples';
import { TEMPLATE_RECORD_PATH } from '@cloud-native-portal/plugin-maturity-node';

/** Where generated repositories keep their template record. */
export { TEMPLATE_RECORD_PATH };

/** The record a generated repository keeps of the template that made it. */
export interface TemplateRecord {
  apiVersion: 'cloud-native-portal.io/v1alpha1';
  kind: 'TemplateRecord';
  template: { ref: string; version: string };
  values: JsonObject;
  /** Answers left out as secrets, by path; re-asked on upgrade. */
  excluded: string[];
  /**
   * The sha256 of each file of the repository as generated, by path (the
   * record itself and `.git` left out): an upgrade changes or removes only
   * files still as generated.
   */
  files: Record<string, string>;
  /**
   * The text of the generated files (text files up to 128 KiB that hold no
   * secret answer), packed: gzip of a JSON mapping of path to text, in
   * base64. The base of the next upgrade's three-way merge.
   */
  generated: string;
  /** Set by adopt-gitops: only `files` came from the template. */
  adopted?: boolean;
  generatedAt: string;
}

/**
 * The generated files a record lists: every file under the repository's
 * root (the directory holding `.platform/`, or the workspace), by
 * `/`-separated path, with the sha256 of its content.
 */
async function generatedFiles(
  root: string,
  recordFile: string,
): Promise<FileTree> {
  const tree: FileTree = new Map();
  for (const path of await listFiles(root)) {
    const file = join(root, path);
    if (file === recordFile) continue;
    tree.set(path, { content: await fs.readFile(file), executable: false });
  }
  return tree;
}

/** The answers at the paths a record leaves out, where they are text. */
function excludedValues(values: JsonObject, excluded: string[]): string[] {
  const out: string[] = [];
  for (const path of excluded) {
    let node: any = values;
    for (const segment of parseAnswerPath(path)) {
      node =
        node !== null &&
        typeof node === 'object' &&
        Object.hasOwn(node, segment)
          ? node[segment]
          : undefined;
    }
    if (typeof node === 'string') out.push(node);
  }
  return out;
}

/**
 * The running template's ref. A dry run calls every template
 * `template:default/dry-run` but passes its metadata, so the record names
 * the template that was rendered.
 */
function runningTemplateRef(ctx: {
  templateInfo?: { entityRef?: string; entity?: { metadata?: any } };
}): string | undefined {
  const info = ctx.templateInfo;
  const metadata = info?.entity?.metadata;
  if (info?.entityRef === 'template:default/dry-run' && metadata?.name) {
    return `template:${metadata.namespace ?? 'default'}/${metadata.name}`;
  }
  return info?.entityRef;
}

/**
 * `gitops:write-template-record`: writes `.platform/template.yaml` with the
 * template ref, version and answers, so the repository can be re-rendered
 * with a newer version. Secrets never reach the file.
 */
export function createWriteTemplateRecordAction(options: {
  catalog?: CatalogService;
}) {
  return createTemplateAction({
    id: 'gitops:write-template-record',
    description:
      'Writes .platform/template.yaml: template ref, version, answers (secrets excluded), the sha256 of each generated file and their text, the base of merging upgrades.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        values: z =>
          z
            .record(z.string(), z.unknown())
            .describe('The answers, usually ${{ parameters }}'),
        templateVersion: z =>
          z.string().min(1).describe('The template version, e.g. 1.2.0'),
        templateRef: z =>
          z
            .string()
            .optional()
            .describe("Template entity ref; default the running template's"),
        secretKeys: z =>
          z
            .array(z.string())
            .optional()
            .describe('Answer names to leave out beyond those detected'),
        path: z =>
          z
            .string()
            .optional()
            .describe(`Where to write it; default ${TEMPLATE_RECORD_PATH}`),
      },
      output: {
        path: z => z.string(),
        excluded: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const templateRef = input.templateRef ?? runningTemplateRef(ctx);
      if (!templateRef) {
        throw new InputError(
          'templateRef is required when the task has no template entity',
        );
      }
      let ref: string;
      try {
        ref = stringifyEntityRef(
          parseEntityRef(templateRef, { defaultKind: 'template' }),
        );
      } catch {
        throw new InputError(
          `templateRef "${templateRef}" is not an entity ref`,
        );
      }

      // Parameters the template marks as secret, read from the catalog copy
      // of the template when there is one (a dry run has none).
      const marked: string[] = [];
      if (options.catalog && !ctx.isDryRun) {
        const template = await options.catalog
          .getEntityByRef(ref, {
            credentials: await ctx.getInitiatorCredentials(),
          })
          .catch(() => undefined);
        marked.push(...secretKeysOfParameters(template?.spec?.parameters));
      }

      const { values, excluded } = redactAnswers(input.values as JsonObject, {
        secretKeys: [...(input.secretKeys ?? []), ...marked],
        secretValues: Object.values(ctx.secrets ?? {}),
      });
      const relPath = input.path ?? TEMPLATE_RECORD_PATH;
      const target = workspacePath(ctx.workspacePath, relPath, 'path');
      // The repository's root: the directory holding .platform/.
      const root =
        basename(dirname(target)) === '.platform'
          ? dirname(dirname(target))
          : ctx.workspacePath;
      const tree = await fs
        .stat(root)
        .then(s => s.isDirectory())
        .catch(() => false)
        .then(exists =>
          exists ? generatedFiles(root, target) : (new Map() as FileTree),
        );
      const files = recordFiles(tree);
      // A generated file holding a secret answer keeps only its sha256.
      const secretValues = [
        ...Object.values(ctx.secrets ?? {}),
        ...excludedValues(input.values as JsonObject, excluded),
      ];
      const generated = generatedContents(tree, secretValues);
      const record: TemplateRecord = {
        apiVersion: 'cloud-native-portal.io/v1alpha1',
        kind: 'TemplateRecord',
        template: { ref, version: input.templateVersion },
        values,
        excluded,
        files,
        generated: packGenerated(generated),
        generatedAt: new Date().toISOString(),
      };
      await fs.mkdir(dirname(target), { recursive: true });
      await fs.writeFile(
        target,
        `# Written by the portal's scaffolder: the template and answers this\n# repository was generated from. Used by the template-upgrade template.\n${yaml.stringify(
          record,
        )}`,
      );
      ctx.logger.info(
        `Recorded ${ref}@${input.templateVersion} and ${
          Object.keys(files).length
        } generated file(s) in ${relPath} (the text of ${
          Object.keys(generated).length
        }, for merging upgrades)${
          excluded.length
            ? `; left out ${excluded.length} secret answer(s)`
            : ''
        }`,
      );
      ctx.output('path', relPath);
      ctx.output('excluded', excluded);
    },
  });
}
