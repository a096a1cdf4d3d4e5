import {
  BackstageCredentials,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { promises as fs } from 'fs';
import { join } from 'path';
import { parseDocument } from 'yaml';
import {
  compareVersions,
  FileTree,
  parseTemplateRecord,
  planUpgrade,
  readFileTree,
  setAnswer,
  writeFiles,
} from '../lib/day2';
import {
  renderCatalogTemplate,
  RenderedFiles,
  RenderTemplateDeps,
  TEMPLATE_VERSION_ANNOTATION,
} from '../lib/renderTemplate';
import { examples } from './planUpgrade.examples';

const RECORD_PATH = '.platform/template.yaml';

/** Renders a catalog Template; the scaffolder dry run unless replaced. */
export type TemplateRenderer = (options: {
  templateRef: string;
  values: JsonObject;
  credentials: BackstageCredentials;
}) => Promise<RenderedFiles>;

function workspaceDir(workspace: string, path: string, name: string) {
  try {
    return resolveSafeChildPath(workspace, path);
  } catch {
    throw new InputError(`${name} "${path}" is outside the workspace`);
  }
}

function parseSecretAnswers(text: string | undefined): Record<string, string> {
  if (!text?.trim()) return {};
  const doc = parseDocument(text);
  const value = doc.errors.length ? undefined : doc.toJS();
  if (
    !value ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    Object.values(value).some(v => typeof v !== 'string')
  ) {
    // Never echo the text: it holds secrets.
    throw new InputError(
      'secretAnswers must be a YAML mapping of answer name to text, e.g. "slackWebhook: https://…"',
    );
  }
  return value as Record<string, string>;
}

/**
 * `gitops:plan-upgrade`: reads a repository's `.platform/template.yaml`,
 * re-renders the catalog's current version of that template with the
 * recorded answers (the same scaffolder dry run as `gitops:render-template`;
 * answers recorded as excluded secrets come from `secretAnswers`), and
 * writes only the files that differ into `outputPath`. Outputs the added,
 * changed and removed files, for `gitops:open-pr`.
 */
export function createPlanUpgradeAction(
  deps: RenderTemplateDeps & { render?: TemplateRenderer },
) {
  const render: TemplateRenderer =
    deps.render ?? (options => renderCatalogTemplate(deps, options));
  return createTemplateAction({
    id: 'gitops:plan-upgrade',
    description:
      "Re-renders the newer version of a repository's template with its recorded answers and plans the difference.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repositoryPath: z =>
          z
            .string()
            .describe("Workspace directory with the repository's files"),
        outputPath: z =>
          z
            .string()
            .describe('Workspace directory to write the changed files into'),
        secretAnswers: z =>
          z
            .string()
            .optional()
            .describe(
              'YAML mapping of the answers the record left out as secrets; pass ${{ secrets.x }}',
            ),
        servicePaths: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Paths (dir/ or file) the service owns after generation; reported, never changed',
            ),
        managedPaths: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Paths (dir/ or file) the template owns; files there it no longer renders are removed',
            ),
      },
      output: {
        templateRef: z => z.string(),
        fromVersion: z => z.string(),
        toVersion: z => z.string(),
        added: z => z.array(z.string()),
        changed: z => z.array(z.string()),
        removed: z => z.array(z.string()),
        leftToService: z => z.array(z.string()),
        summary: z =>
          z.string().describe('The plan in Markdown, for a PR body'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const repoDir = workspaceDir(
        ctx.workspacePath,
        input.repositoryPath,
        'repositoryPath',
      );
      const outDir = workspaceDir(
        ctx.workspacePath,
        input.outputPath,
        'outputPath',
      );
      const recordText = await fs
        .readFile(join(repoDir, RECORD_PATH), 'utf8')
        .catch(() => undefined);
      const record = parseTemplateRecord(recordText);

      let ref: string;
      try {
        ref = stringifyEntityRef(
          parseEntityRef(record.ref, { defaultKind: 'template' }),
        );
      } catch {
        throw new InputError(
          `${RECORD_PATH} names "${record.ref}", which is not an entity ref`,
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const template = await deps.catalog.getEntityByRef(ref, { credentials });
      if (!template || template.kind.toLowerCase() !== 'template') {
        throw new NotFoundError(
          `${RECORD_PATH} names ${ref}, which is not a Template in the catalog`,
        );
      }
      const current =
        template.metadata.annotations?.[TEMPLATE_VERSION_ANNOTATION];
      if (!current) {
        throw new InputError(
          `${ref} has no ${TEMPLATE_VERSION_ANNOTATION} annotation to compare ${record.version} with`,
        );
      }
      const order = compareVersions(record.version, current);
      if (order >= 0) {
        throw new InputError(
          order === 0
            ? `The repository is already at ${ref} ${current}; nothing to upgrade`
            : `The repository records ${ref} ${record.version}, newer than the catalog's ${current}`,
        );
      }

      const secrets = parseSecretAnswers(input.secretAnswers);
      const missing = record.excluded.filter(path => !(path in secrets));
      if (missing.length > 0) {
        throw new InputError(
          `The record left out ${missing.join(
            ', ',
          )} as secret; give them again in secretAnswers`,
        );
      }
      const values = structuredClone(record.values) as JsonObject;
      for (const path of record.excluded)
        setAnswer(values, path, secrets[path]);

      ctx.logger.info(
        `Upgrading from ${ref} ${
          record.version
        } to ${current}: re-rendering with the recorded answers${
          record.excluded.length
            ? ` and ${record.excluded.length} re-entered secret answer(s)`
            : ''
        }`,
      );
      const rendered = await render({ templateRef: ref, values, credentials });
      const renderedTree: FileTree = new Map(
        rendered.files.map(f => [f.path, f.content]),
      );
      for (const [path, content] of renderedTree) {
        const text = content.toString('utf8');
        const leaked = Object.entries(secrets).find(
          ([, secret]) => secret.length > 0 && text.includes(secret),
        );
        if (leaked) {
          throw new InputError(
            `${ref} writes the secret answer ${leaked[0]} into ${path}; the portal does not propose secrets in a pull request`,
          );
        }
      }
      const plan = planUpgrade(await readFileTree(repoDir), renderedTree, {
        servicePaths: input.servicePaths,
        managedPaths: input.managedPaths,
      });
      const paths = [...plan.files.keys()].sort();
      await fs.rm(outDir, { recursive: true, force: true });
      await writeFiles(outDir, plan.files, paths);

      const by = (status: string) =>
        plan.changes.filter(c => c.status === status).map(c => c.path);
      const added = by('added');
      const changed = by('changed');
      const removed = by('removed');
      ctx.logger.info(
        `Upgrade ${record.version} → ${current}: added ${
          added.length
        } (${added.join(', ')}), changed ${changed.length} (${changed.join(
          ', ',
        )}), removed ${removed.length} (${removed.join(', ')})`,
      );
      if (plan.leftToService.length > 0) {
        ctx.logger.info(
          `Left as the service has them: ${plan.leftToService.join(', ')}`,
        );
      }
      const list = (title: string, items: string[]) =>
        items.length
          ? [`### ${title}`, ...items.map(p => `- \`${p}\``), '']
          : [];
      const summary = [
        `Upgrades \`${ref}\` from **${record.version}** to **${current}**, re-rendered with the answers in \`${RECORD_PATH}\`.`,
        '',
        ...list('Added', added),
        ...list('Changed', changed),
        ...list('Removed', removed),
        ...list(
          'Differs, left as the service has it (review by hand)',
          plan.leftToService,
        ),
      ]
        .join('\n')
        .trim();
      ctx.output('templateRef', ref);
      ctx.output('fromVersion', record.version);
      ctx.output('toVersion', current);
      ctx.output('added', added);
      ctx.output('changed', changed);
      ctx.output('removed', removed);
      ctx.output('leftToService', plan.leftToService);
      ctx.output('summary', summary);
    },
  });
}
