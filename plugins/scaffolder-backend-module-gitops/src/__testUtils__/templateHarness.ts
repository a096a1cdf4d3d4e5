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
import os from 'os';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { promises as fs } from 'fs';
import { dirname, join } from 'path';
import request from 'supertest';
import { parse } from 'yaml';
import { listFiles } from '../lib/files';
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
  options: { catalogEntities?: Entity[] } = {},
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
        },
      }),
    ],
  });

  return {
    async render(templateDir, values, outDir) {
      const template = parse(
        await fs.readFile(join(templateDir, 'template.yaml'), 'utf8'),
      );
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
        .send({ template, values, directoryContents });
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
