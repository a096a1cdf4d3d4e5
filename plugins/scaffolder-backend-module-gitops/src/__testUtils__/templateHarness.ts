import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  Entity,
  parseEntityRef,
  RELATION_HAS_MEMBER,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { createHash } from 'crypto';
import os from 'os';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { dirname, join } from 'path';
import request from 'supertest';
import { parse, parseAllDocuments, parseDocument } from 'yaml';
import { FileTree, generatedContents } from '../lib/day2';
import { listFiles } from '../lib/files';
import { packGenerated } from '../lib/merge';
import { scaffolderModuleGitops } from '../module';

/**
 * The membership relations the catalog derives while processing, which the
 * mock catalog does not: Group hasMember from User memberOf.
 */
export function withMembership(entities: Entity[]): Entity[] {
  const members = new Map<string, string[]>();
  for (const e of entities) {
    if (e.kind !== 'User') continue;
    for (const group of (e.spec?.memberOf as string[] | undefined) ?? []) {
      const ref = stringifyEntityRef(
        parseEntityRef(group, { defaultKind: 'group' }),
      );
      members.set(ref, [...(members.get(ref) ?? []), stringifyEntityRef(e)]);
    }
  }
  return entities.map(e => ({
    ...e,
    relations: [
      ...(e.relations ?? []),
      ...(members.get(stringifyEntityRef(e)) ?? []).map(targetRef => ({
        type: RELATION_HAS_MEMBER,
        targetRef,
      })),
    ],
  }));
}

/** The root of the portal's repository, with `examples/` and `templates/`. */
export const PORTAL_ROOT = join(__dirname, '../../../..');

/**
 * The demo organization's entities (`examples/org.yaml` and
 * `examples/entities.yaml`): the Groups, Systems and Components that
 * templates pick from.
 */
export function demoOrganization(): Entity[] {
  const fsSync = require('fs') as typeof import('fs');
  return ['org.yaml', 'entities.yaml'].flatMap(file =>
    parseAllDocuments(
      fsSync.readFileSync(join(PORTAL_ROOT, 'examples', file), 'utf8'),
    ).map(d => d.toJS() as Entity),
  );
}

/**
 * The Template entities of a templates folder (each `<dir>/template.yaml`),
 * annotated with their file location as the catalog does, so that
 * `gitops:render-template` can find their files.
 */
export function templateEntities(templatesDir: string): Entity[] {
  const fsSync = require('fs') as typeof import('fs');
  return fsSync
    .readdirSync(templatesDir, { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(d => join(templatesDir, d.name, 'template.yaml'))
    .filter(file => fsSync.existsSync(file))
    .map(file => {
      const entity = parse(fsSync.readFileSync(file, 'utf8')) as Entity;
      entity.metadata.annotations = {
        ...entity.metadata.annotations,
        'backstage.io/managed-by-location': `file:${file}`,
      };
      return entity;
    });
}

/** One rendered template: its files on disk and the dry run's log and output. */
export interface RenderedTemplate {
  directory: string;
  files: string[];
  log: string[];
  output: Record<string, unknown>;
}

/** A running scaffolder with the GitOps actions, for dry runs. */
export interface TemplateHarness {
  render(
    templateDir: string,
    values: Record<string, unknown>,
    outDir: string,
    options?: {
      /** The task's secrets, as a Secret field of the form sends them. */
      secrets?: Record<string, string>;
      /**
       * Changes the template before it is sent, e.g. to drop its parameter
       * schema and render a skeleton with a value the form would refuse.
       */
      transformTemplate?: (template: JsonObject) => JsonObject;
    },
  ): Promise<RenderedTemplate>;
  stop(): Promise<void>;
}

/**
 * Starts the real scaffolder backend with this module's actions in a test
 * backend, and renders templates through its dry-run API
 * (`POST /api/scaffolder/v2/dry-run`), the same code path as the portal's
 * template editor.
 */
export async function startTemplateHarness(
  options: {
    catalogEntities?: Entity[];
    /** Configuration for day-2 templates; replaces the default keys it names. */
    config?: JsonObject;
    /** More backend features, e.g. a module with the actions a template uses. */
    features?: Parameters<typeof startTestBackend>[0]['features'];
  } = {},
): Promise<TemplateHarness> {
  const backend = await startTestBackend({
    features: [
      import('@backstage/plugin-scaffolder-backend'),
      import('@backstage/plugin-scaffolder-backend-module-github'),
      scaffolderModuleGitops,
      catalogServiceMock.factory({
        entities: withMembership(options.catalogEntities ?? []),
      }),
      mockServices.rootConfig.factory({
        data: {
          // A dry run never writes here; publish:local only needs it set.
          scaffolder: { localPublish: { directory: os.tmpdir() } },
          ...options.config,
        },
      }),
      ...(options.features ?? []),
    ],
  });

  return {
    async render(templateDir, values, outDir, renderOptions) {
      const parsed = parse(
        await fs.readFile(join(templateDir, 'template.yaml'), 'utf8'),
      ) as JsonObject;
      const template = renderOptions?.transformTemplate
        ? renderOptions.transformTemplate(parsed)
        : parsed;
      const directoryContents = await Promise.all(
        (
          await listFiles(templateDir)
        ).map(async path => ({
          path,
          base64Content: (
            await fs.readFile(join(templateDir, path))
          ).toString('base64'),
        })),
      );
      const res = await request(backend.server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header())
        .send({
          template,
          values,
          ...(renderOptions?.secrets ? { secrets: renderOptions.secrets } : {}),
          directoryContents,
        });
      if (res.status !== 200) {
        throw new Error(
          `dry run of ${templateDir} failed with ${
            res.status
          }: ${JSON.stringify(res.body?.error?.message ?? res.body)}`,
        );
      }
      await fs.rm(outDir, { recursive: true, force: true });
      const files: string[] = [];
      for (const file of res.body.directoryContents as Array<{
        path: string;
        base64Content: string;
      }>) {
        const target = join(outDir, file.path);
        await fs.mkdir(dirname(target), { recursive: true });
        await fs.writeFile(target, Buffer.from(file.base64Content, 'base64'));
        files.push(file.path);
      }
      return {
        directory: outDir,
        files: files.sort(),
        log: (res.body.log as Array<{ body: { message: string } }>).map(
          l => l.body.message,
        ),
        output: res.body.output,
      };
    },
    stop: () => backend.stop(),
  };
}

/**
 * Entities read from a catalog file, annotated with that file as their
 * location as the catalog does, so relative `dir:` source locations resolve.
 */
export function withLocation(entities: Entity[], file: string): Entity[] {
  return entities.map(e => ({
    ...e,
    metadata: {
      ...e.metadata,
      annotations: {
        'backstage.io/managed-by-location': `file:${file}`,
        ...e.metadata.annotations,
      },
    },
  }));
}

/** A repository for day-2 template tests, in a `test-cases.yaml`. */
export interface Day2Fixture {
  /** The repository's name under the publish directory. */
  name: string;
  /** Render a template for its first contents ... */
  render?: {
    template: string;
    values: Record<string, unknown>;
    /** Secret answers, passed as the task's secrets. */
    secrets?: Record<string, string>;
  };
  /** ... or give them. */
  files?: Record<string, string>;
  /**
   * Then change files: new content, a text replacement, or deletion. These
   * count as changes by the service, unless `record.regenerateFiles` makes
   * them what an older version generated.
   */
  edits?: FixtureEdit[];
  /**
   * Rewrite the template record, e.g. to an older version. With
   * `regenerateFiles`, its `files` and `generated` text are computed again
   * after `edits`, as if that version had generated the edited tree; with
   * `dropGenerated` it keeps no generated text, as records written before
   * upgrades merged; with `dropFiles` it has neither, as records written
   * before they listed files.
   */
  record?: {
    version: string;
    regenerateFiles?: boolean;
    dropGenerated?: boolean;
    dropFiles?: boolean;
  };
  /** Changes by the service after the record: never recorded as generated. */
  serviceEdits?: FixtureEdit[];
}

/** A change to a fixture's file. */
export interface FixtureEdit {
  path: string;
  content?: string;
  replace?: [string, string];
  delete?: boolean;
}

async function applyEdits(dir: string, name: string, edits: FixtureEdit[]) {
  for (const edit of edits) {
    const file = join(dir, edit.path);
    if (edit.delete) {
      await fs.rm(file);
    } else if (edit.replace) {
      const text = await fs.readFile(file, 'utf8');
      if (!text.includes(edit.replace[0])) {
        throw new Error(
          `fixture ${name}: ${edit.path} has no "${edit.replace[0]}"`,
        );
      }
      await fs.writeFile(file, text.replace(edit.replace[0], edit.replace[1]));
    } else {
      await fs.mkdir(dirname(file), { recursive: true });
      await fs.writeFile(file, edit.content ?? '');
    }
  }
}

/**
 * Creates a fixture as a local git repository under `publishDir`, as
 * `publish:local` would, and returns the entities of its
 * catalog-info.yaml, located there as the local-repositories provider
 * registers them.
 */
export async function createFixtureRepository(options: {
  harness: TemplateHarness;
  /** Where `render.template` is looked up, first to last. */
  templatesDir: string | string[];
  publishDir: string;
  fixture: Day2Fixture;
}): Promise<Entity[]> {
  const { fixture } = options;
  const dir = join(options.publishDir, fixture.name);
  await fs.rm(dir, { recursive: true, force: true });
  if (fixture.render) {
    const fsSync = require('fs') as typeof import('fs');
    const templateDir = [options.templatesDir]
      .flat()
      .map(d => join(d, fixture.render!.template))
      .find(d => fsSync.existsSync(join(d, 'template.yaml')));
    if (!templateDir) {
      throw new Error(
        `fixture ${fixture.name}: no template ${fixture.render.template}`,
      );
    }
    await options.harness.render(templateDir, fixture.render.values, dir, {
      secrets: fixture.render.secrets,
    });
  }
  for (const [path, content] of Object.entries(fixture.files ?? {})) {
    await fs.mkdir(dirname(join(dir, path)), { recursive: true });
    await fs.writeFile(join(dir, path), content);
  }
  await applyEdits(dir, fixture.name, fixture.edits ?? []);
  if (fixture.record) {
    const file = join(dir, '.platform/template.yaml');
    const doc = parseDocument(await fs.readFile(file, 'utf8'));
    doc.setIn(['template', 'version'], fixture.record.version);
    if (fixture.record.regenerateFiles) {
      const files: Record<string, string> = {};
      const tree: FileTree = new Map();
      for (const path of await listFiles(dir)) {
        if (path === '.platform/template.yaml') continue;
        const content = await fs.readFile(join(dir, path));
        files[path] = createHash('sha256').update(content).digest('hex');
        tree.set(path, { content, executable: false });
      }
      doc.set('files', files);
      doc.set('generated', packGenerated(generatedContents(tree)));
    }
    // A record from before records kept the generated text, or listed files.
    if (fixture.record.dropGenerated || fixture.record.dropFiles) {
      doc.delete('generated');
    }
    if (fixture.record.dropFiles) doc.delete('files');
    await fs.writeFile(file, doc.toString());
  }
  await applyEdits(dir, fixture.name, fixture.serviceEdits ?? []);
  await git.init({ fs, dir, defaultBranch: 'main' });
  for (const filepath of await listFiles(dir)) {
    await git.add({ fs, dir, filepath });
  }
  const author = { name: 'Fixture', email: 'fixture@portal.local' };
  await git.commit({ fs, dir, message: 'fixture', author, committer: author });
  const catalogInfo = join(dir, 'catalog-info.yaml');
  const entities = parseAllDocuments(await fs.readFile(catalogInfo, 'utf8'))
    .map(d => d.toJS() as Entity)
    .filter(e => e?.kind);
  return withLocation(entities, catalogInfo);
}
