import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import { basename, dirname, join } from 'path';
import yaml from 'yaml';
import { listFiles, workspacePath } from '../lib/files';
import { redactAnswers, secretKeysOfParameters } from '../lib/secrets';
import { examples } from './writeTemplateRecord.examples';

/** Where generated repositories keep their template record. */
export const TEMPLATE_RECORD_PATH = '.platform/template.yaml';

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
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const path of await listFiles(root)) {
    const file = join(root, path);
    if (file === recordFile) continue;
    files[path] = createHash('sha256')
      .update(await fs.readFile(file))
      .digest('hex');
  }
  return files;
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
      'Writes .platform/template.yaml: template ref, version, answers (secrets excluded) and the sha256 of each generated file.',
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
      const files = await fs
        .stat(root)
        .then(s => s.isDirectory())
        .catch(() => false)
        .then(exists => (exists ? generatedFiles(root, target) : {}));
      const record: TemplateRecord = {
        apiVersion: 'cloud-native-portal.io/v1alpha1',
        kind: 'TemplateRecord',
        template: { ref, version: input.templateVersion },
        values,
        excluded,
        files,
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
        } generated file(s) in ${relPath}${
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
