import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { workspacePath } from '../lib/files';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { createTwoFilesPatch } from 'diff';
import { promises as fs } from 'fs';
import { join } from 'path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { TEMPLATE_RECORD_PATH } from '@cloud-native-portal/plugin-maturity-node';
import { describeRanges } from '../lib/merge';
import {
  assertSeparateOutput,
  compareVersions,
  FileTree,
  parseTemplateRecord,
  planUpgrade,
  readFileTree,
  setAnswer,
  upgradedRecord,
  writeFiles,
} from '../lib/day2';
import {
  renderCatalogTemplate,
  RenderedFiles,
  RenderTemplateDeps,
  TEMPLATE_VERSION_ANNOTATION,
} from '../lib/renderTemplate';
import { examples } from './planUpgrade.examples';

const RECORD_PATH = TEMPLATE_RECORD_PATH;

/** Renders a catalog Template; the scaffolder dry run unless replaced. */
export type TemplateRenderer = (options: {
  templateRef: string;
  values: JsonObject;
  /** Re-entered secret answers, by path: the task secrets of the render. */
  secrets?: Record<string, string>;
  credentials: BackstageCredentials;
}) => Promise<RenderedFiles>;

/**
 * Parses the re-entered secret answers: a YAML mapping of answer path to
 * text, in block form (one `name: value` per line) or, as the single-line
 * Secret field takes it, as a flow mapping `{name: value, other: value}`.
 * Every value is read as text. Never echoes the input: it holds secrets.
 */
export function parseSecretAnswers(
  text: string | undefined,
): Record<string, string> {
  if (!text?.trim()) return {};
  const invalid = () =>
    new InputError(
      'secretAnswers must be a YAML mapping of answer name to text, e.g. "{slackWebhook: https://…, apiKey: …}" (quote a value with a comma or ": ", and a name with brackets: {"notify[0]": …})',
    );
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: true });
  if (doc.errors.length > 0) throw invalid();
  if (!isMap(doc.contents)) throw invalid();
  const out: Record<string, string> = Object.create(null);
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof key !== 'string' || typeof value !== 'string') throw invalid();
    out[key] = value;
  }
  return out;
}

/**
 * The upgraded record with the repository's `generatedAt` (when the service
 * was generated), not the time of this render: the proposed change then
 * depends only on the repository and the template version, so running the
 * upgrade again proposes the same change and reuses its branch. A record
 * without one gets none.
 */
export function keepGeneratedAt(upgraded: Buffer, previous: string): Buffer {
  const before = parseDocument(previous).get('generatedAt');
  const doc = parseDocument(upgraded.toString('utf8'));
  if (typeof before === 'string') doc.set('generatedAt', before);
  else doc.delete('generatedAt');
  return Buffer.from(doc.toString({ lineWidth: 0 }));
}

/** A text file's content for a diff; a binary one is named, not shown. */
function diffText(content: Buffer | undefined): string {
  if (content === undefined) return '';
  return content.includes(0) ? '(binary file)\n' : content.toString('utf8');
}

/**
 * The unified diff of an upgrade against the repository: added and changed
 * files with their new content, removed files against nothing.
 */
export function upgradeDiff(
  repo: FileTree,
  files: FileTree,
  removed: string[],
): string {
  const paths = [...new Set([...files.keys(), ...removed])].sort();
  return paths
    .map(path => {
      const before = repo.get(path)?.content;
      const after = files.get(path)?.content;
      return createTwoFilesPatch(
        before === undefined ? '/dev/null' : `a/${path}`,
        after === undefined ? '/dev/null' : `b/${path}`,
        diffText(before),
        diffText(after),
        undefined,
        undefined,
        { context: 3 },
      );
    })
    .join('');
}

/**
 * `gitops:plan-upgrade`: reads a repository's `.platform/template.yaml`,
 * re-renders the catalog's current version of that template with the
 * recorded answers (the same scaffolder dry run as `gitops:render-template`;
 * answers recorded as excluded secrets come from `secretAnswers`), merges
 * three ways what the service changed with what the template changed (the
 * base is the record's generated text), and writes only the files that
 * differ into `outputPath`. Outputs the added, changed, merged, conflicting
 * and removed files, for `gitops:open-pr`.
 */
export function createPlanUpgradeAction(
  deps: RenderTemplateDeps & { render?: TemplateRenderer },
) {
  const render: TemplateRenderer =
    deps.render ?? (options => renderCatalogTemplate(deps, options));
  return createTemplateAction({
    id: 'gitops:plan-upgrade',
    description:
      "Re-renders the newer version of a repository's template with its recorded answers and merges it three ways with the repository's changes.",
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
              'Paths (dir/ or file) the service owns after generation; reported (with whether a merge would be clean), never changed',
            ),
        managedPaths: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Paths (dir/ or file) the template owns, for records without a file list: only files there are changed',
            ),
        skippedPaths: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Paths the repository has but that were not copied (gitops:fetch-entity-source skippedPaths); never added, changed or removed',
            ),
      },
      output: {
        templateRef: z => z.string(),
        fromVersion: z => z.string(),
        toVersion: z => z.string(),
        added: z => z.array(z.string()),
        changed: z => z.array(z.string()),
        removed: z => z.array(z.string()),
        merged: z =>
          z
            .array(z.string())
            .describe(
              'Changed files that merge the service’s changes with the template’s (also in changed)',
            ),
        conflicts: z =>
          z
            .array(z.string())
            .describe(
              'Merged files holding conflict markers, to resolve in the pull request',
            ),
        leftToService: z => z.array(z.string()),
        notRemoved: z =>
          z
            .array(z.string())
            .describe('No longer rendered, kept: changed by the service'),
        skipped: z => z.array(z.string()),
        summary: z =>
          z.string().describe('The plan in Markdown, for a PR body'),
        hasChanges: z =>
          z
            .boolean()
            .describe(
              'Whether the upgrade adds, changes or removes any file (what a fix template reports as changed)',
            ),
        diff: z =>
          z
            .string()
            .describe(
              'A unified diff of every added, changed and removed file against the repository',
            ),
        reason: z =>
          z
            .string()
            .describe(
              'Why nothing changes, when hasChanges is false; empty otherwise',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const repoDir = workspacePath(
        ctx.workspacePath,
        input.repositoryPath,
        'repositoryPath',
      );
      const outDir = workspacePath(
        ctx.workspacePath,
        input.outputPath,
        'outputPath',
      );
      assertSeparateOutput(outDir, input.outputPath, [
        ['repositoryPath', repoDir],
      ]);
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
      const missing = record.excluded.filter(
        path => !Object.hasOwn(secrets, path),
      );
      if (missing.length > 0) {
        throw new InputError(
          `The record left out ${missing.join(
            ', ',
          )} as secret; give them again in secretAnswers`,
        );
      }
      const values = structuredClone(record.values) as JsonObject;
      // Only the answers the record asks for; the template reads them from
      // its answers and, as task secrets, from ${{ secrets.<path> }}, so the
      // scaffolder redacts them from its log and the new record leaves them
      // out again.
      const renderSecrets: Record<string, string> = {};
      for (const path of record.excluded) {
        setAnswer(values, path, secrets[path]);
        renderSecrets[path] = secrets[path];
      }

      ctx.logger.info(
        `Upgrading from ${ref} ${
          record.version
        } to ${current}: re-rendering with the recorded answers${
          record.excluded.length
            ? ` and ${record.excluded.length} re-entered secret answer(s)`
            : ''
        }`,
      );
      const rendered = await render({
        templateRef: ref,
        values,
        ...(record.excluded.length ? { secrets: renderSecrets } : {}),
        credentials,
      });
      const renderedTree: FileTree = new Map(
        rendered.files.map(f => [
          f.path,
          { content: f.content, executable: f.executable === true },
        ]),
      );
      for (const [path, { content }] of renderedTree) {
        const text = content.toString('utf8');
        const leaked = Object.entries(renderSecrets).find(
          ([, secret]) => secret.length > 0 && text.includes(secret),
        );
        if (leaked) {
          throw new InputError(
            `${ref} writes the secret answer ${leaked[0]} into ${path}; the portal does not propose secrets in a pull request`,
          );
        }
      }
      const repo = await readFileTree(repoDir);
      const skippedPaths = input.skippedPaths ?? [];
      const plan = planUpgrade(repo, renderedTree, {
        servicePaths: input.servicePaths,
        managedPaths: input.managedPaths,
        skippedPaths,
        recordedFiles: record.files,
        recordedGenerated: record.generated,
        adopted: record.adopted,
        toVersion: current,
        secretValues: Object.values(renderSecrets),
      });
      const renderedRecord = renderedTree.get(RECORD_PATH);
      if (renderedRecord) {
        const next = {
          content: keepGeneratedAt(
            upgradedRecord(
              renderedRecord.content,
              plan.recordFiles,
              plan.recordGenerated,
              record.adopted,
            ),
            recordText!,
          ),
          executable: false,
        };
        plan.files.set(RECORD_PATH, next);
        plan.changes.push({
          path: RECORD_PATH,
          status: repo.has(RECORD_PATH) ? 'changed' : 'added',
        });
        plan.changes.sort((a, b) => (a.path < b.path ? -1 : 1));
      } else {
        plan.notes.push(
          `${ref} ${current} writes no ${RECORD_PATH}; the repository keeps the record of ${record.version}.`,
        );
      }
      const paths = [...plan.files.keys()].sort();
      await fs.rm(outDir, { recursive: true, force: true });
      await writeFiles(outDir, plan.files, paths);

      const by = (status: string) =>
        plan.changes.filter(c => c.status === status).map(c => c.path);
      const added = by('added');
      const changed = by('changed');
      const removed = by('removed');
      const merged = plan.changes.filter(c => c.merged).map(c => c.path);
      const conflicting = plan.changes.filter(c => c.conflicts);
      const leftToService = plan.leftToService.map(l => l.path);
      const notRemoved = plan.notRemoved.map(l => l.path);
      ctx.logger.info(
        `Upgrade ${record.version} → ${current}: added ${
          added.length
        } (${added.join(', ')}), changed ${changed.length} (${changed.join(
          ', ',
        )}), removed ${removed.length} (${removed.join(', ')}); merged ${
          merged.length
        } (${merged.join(', ')}), with conflicts ${
          conflicting.length
        } (${conflicting.map(c => c.path).join(', ')})`,
      );
      if (leftToService.length > 0) {
        ctx.logger.info(
          `Left as the service has them: ${leftToService.join(', ')}`,
        );
      }
      if (notRemoved.length > 0) {
        ctx.logger.info(
          `No longer rendered, not removed: ${notRemoved.join(', ')}`,
        );
      }
      if (plan.skipped.length > 0) {
        ctx.logger.info(
          `Not read from the repository, left alone: ${plan.skipped.join(
            ', ',
          )}`,
        );
      }
      for (const note of plan.notes) ctx.logger.info(`Upgrade note: ${note}`);
      const list = (title: string, items: string[]) =>
        items.length
          ? [`### ${title}`, ...items.map(p => `- \`${p}\``), '']
          : [];
      const reasons = (
        title: string,
        items: Array<{ path: string; reason: string }>,
      ) =>
        items.length
          ? [
              `### ${title}`,
              ...items.map(i => `- \`${i.path}\`: ${i.reason}`),
              '',
            ]
          : [];
      const conflictLines = [
        ...conflicting.map(
          c =>
            `- \`${c.path}\`: conflict markers at line(s) ${describeRanges(
              c.conflicts!,
            )}; keep the lines between \`<<<<<<< repository\` and \`=======\`, those up to \`>>>>>>> template ${current}\`, or a mix, and delete the markers`,
        ),
        ...plan.leftToService
          .filter(l => l.conflict)
          .map(l => `- \`${l.path}\`: ${l.reason}`),
      ];
      const summary = [
        `Upgrades \`${ref}\` from **${record.version}** to **${current}**, re-rendered with the answers in \`${RECORD_PATH}\` and merged three ways with the repository's own changes.`,
        '',
        ...(conflictLines.length
          ? ['### Conflicts (resolve before merging)', ...conflictLines, '']
          : []),
        ...list('Added', added),
        ...(changed.length
          ? [
              '### Changed',
              ...plan.changes
                .filter(c => c.status === 'changed')
                .map(c => {
                  let how = '';
                  if (c.merged) how = ': merged with the repository’s changes';
                  if (c.conflicts) how += ', with conflicts';
                  return `- \`${c.path}\`${how}${
                    c.detail ? `: ${c.detail}` : ''
                  }`;
                }),
              '',
            ]
          : []),
        ...list('Removed', removed),
        ...reasons(
          'Differs, left as the service has it (review by hand)',
          plan.leftToService.filter(l => !l.conflict),
        ),
        ...reasons('No longer generated, kept', plan.notRemoved),
        ...list(
          'In the repository but not read by the portal (symlinks, binary or large files), left alone',
          plan.skipped,
        ),
        ...(record.adopted && plan.outOfScope.length
          ? [
              `Adopted repository: ${plan.outOfScope.length} file(s) of the template outside what the adoption manages are not proposed.`,
              '',
            ]
          : []),
        ...(plan.notes.length
          ? ['### Notes', ...plan.notes.map(n => `- ${n}`), '']
          : []),
      ]
        .join('\n')
        .trim();
      ctx.output('templateRef', ref);
      ctx.output('fromVersion', record.version);
      ctx.output('toVersion', current);
      ctx.output('added', added);
      ctx.output('changed', changed);
      ctx.output('removed', removed);
      ctx.output('merged', merged);
      ctx.output(
        'conflicts',
        conflicting.map(c => c.path),
      );
      ctx.output('leftToService', leftToService);
      ctx.output('notRemoved', notRemoved);
      ctx.output('skipped', plan.skipped);
      ctx.output('summary', summary);
      const hasChanges = added.length + changed.length + removed.length > 0;
      ctx.output('hasChanges', hasChanges);
      ctx.output('diff', upgradeDiff(repo, plan.files, removed));
      let reason = '';
      if (!hasChanges) {
        reason =
          leftToService.length > 0
            ? 'needs a change by hand'
            : `the repository already has what ${ref} ${current} renders`;
      }
      ctx.output('reason', reason);
    },
  });
}
