import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import os from 'os';
import { join } from 'path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { scaffolderModuleGitops } from '../module';
import {
  createFixtureRepository,
  Day2Fixture,
  PORTAL_ROOT,
  startTemplateHarness,
  templateEntities,
  withLocation,
  withMembership,
} from './templateHarness';

// Running templates as real scaffolder tasks (not dry runs), as the fleet
// remediation runner and the portal's task page do, against git
// repositories the portal published on its own disk.

/** The portal's `templates/` folder. */
export const TEMPLATES_DIR = join(PORTAL_ROOT, 'templates');
/** The portal's `examples/` folder, with the demo organization. */
export const EXAMPLES_DIR = join(PORTAL_ROOT, 'examples');

/** The output keys of a fix template, sorted: what the fleet runner reads. */
export const FIX_TEMPLATE_OUTPUT_KEYS = [
  'branch',
  'changed',
  'diff',
  'links',
  'pullRequestUrl',
  'reason',
  'reused',
  'summary',
  'text',
  'where',
];

/**
 * The catalog-info.yaml of a production service Component whose source is
 * the folder of the file (`dir:./`).
 */
export function serviceCatalogInfo(
  name: string,
  owner = 'group:default/assessments-team',
): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    backstage.io/source-location: dir:./
spec:
  type: service
  lifecycle: production
  owner: ${owner}
`;
}

/** How a scaffolder task ended: its status, its output and its log lines. */
export interface TemplateTaskResult {
  status: string;
  output: Record<string, any>;
  log: string;
}

const TASK_END = ['completed', 'failed', 'cancelled'];

/**
 * Creates a task of the template (`POST /api/scaffolder/v2/tasks`), polls it
 * every 100 ms until it ends, and reads its events back: the output of its
 * completion event (`{}` if there is none) and its log messages, one a line.
 */
export async function runTemplateTask(
  server: TestBackend['server'],
  templateRef: string,
  values: Record<string, unknown>,
  options: { timeoutMs?: number } = {},
): Promise<TemplateTaskResult> {
  const auth = mockCredentials.user.header();
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', auth)
    .send({ templateRef, values });
  if (created.status !== 201) {
    throw new Error(
      `creating a task of ${templateRef} answered ${
        created.status
      }: ${JSON.stringify(created.body?.error?.message ?? created.body)}`,
    );
  }
  const id = created.body.id as string;
  const deadline = Date.now() + (options.timeoutMs ?? 100_000);
  let status = '';
  while (!TASK_END.includes(status)) {
    if (Date.now() > deadline) {
      throw new Error(
        `task ${id} of ${templateRef} did not end in time (status ${status})`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
    const task = await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}`)
      .set('Authorization', auth);
    if (task.status !== 200) {
      throw new Error(`reading task ${id} answered ${task.status}`);
    }
    status = task.body.status;
  }
  const events = await request(server)
    .get(`/api/scaffolder/v2/tasks/${id}/events`)
    .set('Authorization', auth);
  const all = events.body as Array<{ type: string; body: any }>;
  return {
    status,
    output: all.find(e => e.type === 'completion')?.body.output ?? {},
    log: all
      .filter(e => e.type === 'log')
      .map(e => e.body.message)
      .join('\n'),
  };
}

/** The branches of the local repository `name` under `publishDir`, sorted. */
export async function localBranches(
  publishDir: string,
  name: string,
): Promise<string[]> {
  return (await git.listBranches({ fs, dir: join(publishDir, name) })).sort();
}

/** The commit a branch of a local repository points at. */
export function branchTip(
  publishDir: string,
  name: string,
  branch: string,
): Promise<string> {
  return git.resolveRef({ fs, dir: join(publishDir, name), ref: branch });
}

/** A file's text as committed on a branch of a local repository. */
export async function readOnBranch(
  publishDir: string,
  name: string,
  branch: string,
  path: string,
): Promise<string> {
  const dir = join(publishDir, name);
  const oid = await git.resolveRef({ fs, dir, ref: branch });
  const { blob } = await git.readBlob({ fs, dir, oid, filepath: path });
  return Buffer.from(blob).toString('utf8');
}

/**
 * A temporary folder for one test file, with `repos/`, the publish
 * directory the local repositories go in. Remove `root` after the tests.
 */
export async function fixTemplateWorkspace(
  prefix: string,
): Promise<{ root: string; publishDir: string }> {
  const root = await fs.mkdtemp(join(os.tmpdir(), prefix));
  const publishDir = join(root, 'repos');
  await fs.mkdir(publishDir);
  return { root, publishDir };
}

/**
 * The demo organization (`examples/org.yaml`, `examples/entities.yaml`)
 * located at its files, as the catalog registers it, so its relative `dir:`
 * source locations resolve.
 */
export function locatedDemoOrganization(): Entity[] {
  const fsSync = require('fs') as typeof import('fs');
  return ['org.yaml', 'entities.yaml'].flatMap(file =>
    withLocation(
      parseAllDocuments(
        fsSync.readFileSync(join(EXAMPLES_DIR, file), 'utf8'),
      ).map(d => d.toJS() as Entity),
      join(EXAMPLES_DIR, file),
    ),
  );
}

/**
 * Creates each fixture as a local git repository under `publishDir` (a
 * dry-run scaffolder renders those that name a template) and returns the
 * entities of their catalog-info.yaml files.
 */
export async function createFixtureRepositories(options: {
  publishDir: string;
  fixtures: Day2Fixture[];
  /** Where fixtures' templates are looked up; `templates/` by default. */
  templatesDir?: string | string[];
  /** The catalog of the scaffolder that renders the fixtures. */
  catalogEntities?: Entity[];
}): Promise<Entity[]> {
  const harness = await startTemplateHarness({
    catalogEntities: options.catalogEntities,
  });
  const entities: Entity[] = [];
  try {
    for (const fixture of options.fixtures) {
      entities.push(
        ...(await createFixtureRepository({
          harness,
          templatesDir: options.templatesDir ?? TEMPLATES_DIR,
          publishDir: options.publishDir,
          fixture,
        })),
      );
    }
  } finally {
    await harness.stop();
  }
  return entities;
}

/**
 * Starts the scaffolder backend with this module and `publishDir` as
 * `scaffolder.localPublish.directory`. Its catalog holds the demo
 * organization, `entities` and the Templates of `templates/` (or
 * `templates`), with the membership relations the catalog would derive.
 * `config` adds configuration; its `scaffolder` keys are added to
 * `localPublish`.
 */
export function startFixTemplateBackend(options: {
  publishDir: string;
  entities: Entity[];
  templates?: Entity[];
  config?: JsonObject;
}): Promise<TestBackend> {
  const { scaffolder, ...config } = options.config ?? {};
  return startTestBackend({
    features: [
      import('@backstage/plugin-scaffolder-backend'),
      scaffolderModuleGitops,
      catalogServiceMock.factory({
        entities: withMembership([
          ...locatedDemoOrganization(),
          ...options.entities,
          ...(options.templates ?? templateEntities(TEMPLATES_DIR)),
        ]),
      }),
      mockServices.rootConfig.factory({
        data: {
          ...config,
          scaffolder: {
            ...(scaffolder as JsonObject | undefined),
            localPublish: { directory: options.publishDir },
          },
        },
      }),
    ],
  });
}

/**
 * A preview run: completed with every output key, opened no pull request,
 * wrote no branch and reports a change, where and reason `preview`.
 */
export function expectPreviewOfChange(result: TemplateTaskResult) {
  expect(result.status).toBe('completed');
  expect(Object.keys(result.output).sort()).toEqual(FIX_TEMPLATE_OUTPUT_KEYS);
  expect(result.output).toMatchObject({
    pullRequestUrl: '',
    branch: '',
    changed: true,
    where: 'preview',
    reason: 'preview',
  });
}

/**
 * A real run that committed a new change to `branch` of a local
 * repository: completed with every output key, where `local`, not reused.
 */
export function expectCommittedLocally(
  result: TemplateTaskResult,
  branch: string,
) {
  expect(result.status).toBe('completed');
  expect(Object.keys(result.output).sort()).toEqual(FIX_TEMPLATE_OUTPUT_KEYS);
  expect(result.output).toMatchObject({
    branch,
    changed: true,
    where: 'local',
    reason: '',
    reused: false,
  });
}

/**
 * A second real run of the same change: it reused the branch the first run
 * committed (same pull request URL, the branch's tip unchanged, no other
 * branch) and said so in its log.
 */
export async function expectReusedBranch(
  second: TemplateTaskResult,
  first: TemplateTaskResult,
  where: { publishDir: string; name: string; branch: string; tip: string },
) {
  expect(second.status).toBe('completed');
  expect(second.log).toMatch(
    new RegExp(
      `Reusing [0-9a-f]{7} on branch ${escapeRegExp(
        where.branch,
      )} .*the branch already holds this change`,
    ),
  );
  expect(second.output.reused).toBe(true);
  expect(second.output.pullRequestUrl).toBe(first.output.pullRequestUrl);
  expect(await branchTip(where.publishDir, where.name, where.branch)).toBe(
    where.tip,
  );
  expect(await localBranches(where.publishDir, where.name)).toEqual(
    ['main', where.branch].sort(),
  );
}

/**
 * A real run on a repository with the fix already: completed with every
 * output key, changed nothing, opened nothing and has no diff.
 */
export function expectAlreadyFixed(result: TemplateTaskResult) {
  expect(result.status).toBe('completed');
  expect(Object.keys(result.output).sort()).toEqual(FIX_TEMPLATE_OUTPUT_KEYS);
  expect(result.output).toMatchObject({
    pullRequestUrl: '',
    branch: '',
    changed: false,
    where: 'none',
    reason: 'already fixed',
    diff: '',
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
