import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  CSV_IMPORT_LIMITS,
  CsvImportResult,
  ENTITY_REF_PATTERN,
  ToilTask,
  createToilTaskSchema,
  describeIssues,
  toilTaskCreatePermission,
  toilTaskDeletePermission,
  toilTaskReadPermission,
  toilTaskUpdatePermission,
  updateToilTaskSchema,
} from '@cloud-native-portal/plugin-toil-common';
import express, { ErrorRequestHandler, Request, RequestHandler } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { planCsvImport, toilTaskKey } from './csv/CsvImporter';
import { exportCsv } from './csv/exportCsv';
import { ToilStore } from './database/ToilStore';
import { ToilMetricsService } from './service/ToilMetricsService';

/** Dependencies of {@link createRouter}. */
export interface RouterOptions {
  store: ToilStore;
  metrics: ToilMetricsService;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

/** An upload over the size limit (413), with the limit in the message. */
class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

/** The largest JSON body any route accepts: a task is well under 10 kB. */
const JSON_BODY_LIMIT_BYTES = 100 * 1024;

/** True for body-parser's error on a body over its limit. */
function isTooLarge(error: unknown): boolean {
  return (error as { type?: unknown } | undefined)?.type === 'entity.too.large';
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new InputError(describeIssues(result.error).join('; '));
  }
  return result.data;
}

const TASK_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `:id` of a task route: a UUID, checked before it reaches the database. */
function taskIdOf(req: Request): string {
  const id = req.params.id;
  if (!TASK_ID.test(id)) {
    throw new InputError(
      'id must be a task id, a UUID such as 0b6e5f4c-2a7d-4c41-9f0e-3d2b1a0c9e8f',
    );
  }
  return id.toLocaleLowerCase('en-US');
}

/** The optional `entityRef` query parameter of the list and export routes. */
function entityRefQuery(req: Request): string | undefined {
  const entityRef = req.query.entityRef;
  if (entityRef === undefined || entityRef === '') return undefined;
  if (typeof entityRef !== 'string') {
    throw new InputError('entityRef must be a single entity ref');
  }
  if (!ENTITY_REF_PATTERN.test(entityRef)) {
    throw new InputError(
      'entityRef must be a full entity ref such as component:default/my-service',
    );
  }
  return entityRef.toLocaleLowerCase('en-US');
}

/** The entity ref named by a route's `:kind/:namespace/:name`. */
function entityRefOfParams(kind: string, namespace: string, name: string) {
  const ref = stringifyEntityRef({ kind, namespace, name });
  if (!ENTITY_REF_PATTERN.test(ref)) {
    throw new InputError(
      'kind, namespace and name must each hold only letters, digits, ".", "_" and "-"',
    );
  }
  return ref;
}

const mappingSchema = z.record(z.string(), z.string().optional());

function parseMapping(req: Request) {
  const raw = req.query.mapping;
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw new InputError('mapping must be JSON');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new InputError('mapping must be a JSON object of field: header');
  }
  return parseBody(mappingSchema, json);
}

/** Builds the toil REST API. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, metrics, catalog, httpAuth, permissions } = options;
  const router = Router();
  router.use(express.json({ limit: JSON_BODY_LIMIT_BYTES }));
  const readCsv = express.raw({
    type: () => true,
    limit: CSV_IMPORT_LIMITS.maxBytes,
  });
  // Only an upload to the import routes is a file; its limit is the import's.
  const rawCsv: RequestHandler = (req, res, next) =>
    readCsv(req, res, error => {
      if (isTooLarge(error)) {
        next(
          new PayloadTooLargeError(
            `file: the upload is larger than ${CSV_IMPORT_LIMITS.maxBytes} bytes (5 MB), the import limit. Split the file and import the parts.`,
          ),
        );
        return;
      }
      next(error);
    });

  const userCredentials = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  const actorOf = (credentials: BackstageCredentials) => {
    const principal = credentials.principal as { userEntityRef?: string };
    return principal.userEntityRef ?? 'unknown';
  };

  async function authorizeRead(req: Request) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: toilTaskReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read the toil register');
    }
    return credentials;
  }

  async function allowedRefs(
    permission: ResourcePermission<'catalog-entity'>,
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const decisions = await permissions.authorize(
      refs.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return new Set(
      refs.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
  }

  async function authorizeWrite(
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
    credentials: BackstageCredentials,
  ) {
    const allowed = await allowedRefs(permission, [entityRef], credentials);
    if (!allowed.has(entityRef)) {
      throw new NotAllowedError(
        `You may not change the toil register of ${entityRef}: only members of its owning group, or admins, can`,
      );
    }
  }

  async function requireEntity(ref: string, credentials: BackstageCredentials) {
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new InputError(`entityRef ${ref} is not in the catalog`);
    }
  }

  async function existingRefs(
    refs: string[],
    credentials: BackstageCredentials,
  ) {
    if (!refs.length) return new Set<string>();
    const { items } = await catalog.getEntitiesByRefs(
      {
        entityRefs: refs,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    // Refs in the register are lower case; the catalog keeps the name's case.
    return new Set(
      items.flatMap(e =>
        e ? [stringifyEntityRef(e).toLocaleLowerCase('en-US')] : [],
      ),
    );
  }

  async function loadTask(id: string): Promise<ToilTask> {
    const task = await store.getTask(id);
    if (!task) throw new NotFoundError(`No toil task with id ${id}`);
    return task;
  }

  // --- register -------------------------------------------------------

  router.get('/tasks', async (req, res) => {
    await authorizeRead(req);
    const entityRef = entityRefQuery(req);
    const tasks = await store.listTasks(
      entityRef ? { entityRefs: [entityRef] } : {},
    );
    res.json({ items: tasks });
  });

  router.get('/tasks/:id', async (req, res) => {
    await authorizeRead(req);
    res.json(await loadTask(taskIdOf(req)));
  });

  router.get('/tasks/:id/audit', async (req, res) => {
    await authorizeRead(req);
    res.json({ items: await store.listAudit({ taskId: taskIdOf(req) }) });
  });

  router.post('/tasks', async (req, res) => {
    const credentials = await userCredentials(req);
    const input = parseBody(createToilTaskSchema, req.body);
    await requireEntity(input.entityRef, credentials);
    await authorizeWrite(
      toilTaskCreatePermission,
      input.entityRef,
      credentials,
    );
    const [created] = await store.createTasks(
      [{ input }],
      actorOf(credentials),
    );
    res.status(201).json(created);
  });

  router.put('/tasks/:id', async (req, res) => {
    const credentials = await userCredentials(req);
    const id = taskIdOf(req);
    const { version, ...input } = parseBody(updateToilTaskSchema, req.body);
    const current = await loadTask(id);
    await authorizeWrite(
      toilTaskUpdatePermission,
      current.entityRef,
      credentials,
    );
    if (input.entityRef !== current.entityRef) {
      await requireEntity(input.entityRef, credentials);
      await authorizeWrite(
        toilTaskCreatePermission,
        input.entityRef,
        credentials,
      );
    }
    res.json(await store.updateTask(id, input, version, actorOf(credentials)));
  });

  router.delete('/tasks/:id', async (req, res) => {
    const credentials = await userCredentials(req);
    const id = taskIdOf(req);
    const version = Number(req.query.version);
    if (!Number.isInteger(version) || version < 1) {
      throw new InputError(
        'version is required: the version of the row you are deleting',
      );
    }
    const current = await loadTask(id);
    await authorizeWrite(
      toilTaskDeletePermission,
      current.entityRef,
      credentials,
    );
    await store.deleteTask(id, version, actorOf(credentials));
    res.status(204).end();
  });

  // --- metrics --------------------------------------------------------

  router.get('/entities/:kind/:namespace/:name/summary', async (req, res) => {
    const credentials = await authorizeRead(req);
    const { kind, namespace, name } = req.params;
    // The register keeps refs in lower case.
    const ref = entityRefOfParams(kind, namespace, name).toLocaleLowerCase(
      'en-US',
    );
    res.json(await metrics.entitySummary(ref, credentials));
  });

  router.get('/teams', async (req, res) => {
    const credentials = await authorizeRead(req);
    res.json({ items: await metrics.teamRanking(credentials) });
  });

  router.get('/teams/:namespace/:name', async (req, res) => {
    const credentials = await authorizeRead(req);
    const { namespace, name } = req.params;
    const ref = entityRefOfParams('group', namespace, name);
    res.json(await metrics.teamReport(ref, credentials));
  });

  /** Bulk facts for the maturity collector: one request per scoring cycle. */
  router.get('/facts', async (req, res) => {
    const credentials = await authorizeRead(req);
    res.json(await metrics.facts(credentials));
  });

  // --- CSV ------------------------------------------------------------

  async function plan(req: Request, credentials: BackstageCredentials) {
    if (!Buffer.isBuffer(req.body)) {
      throw new InputError('file: send the CSV file as the request body');
    }
    return planCsvImport(req.body, parseMapping(req), {
      existingRefs: refs => existingRefs(refs, credentials),
      writableRefs: refs =>
        allowedRefs(toilTaskCreatePermission, refs, credentials),
      existingKeys: async refs =>
        new Set(
          (await store.listTasks({ entityRefs: refs })).map(t =>
            toilTaskKey(t.entityRef, t.task),
          ),
        ),
    });
  }

  router.post('/import/preview', rawCsv, async (req, res) => {
    const credentials = await userCredentials(req);
    const { newTasks: _, ...preview } = await plan(req, credentials);
    res.json(preview);
  });

  router.post('/import/apply', rawCsv, async (req, res) => {
    const credentials = await userCredentials(req);
    const planned = await plan(req, credentials);
    if (planned.newTasks.length === 0) {
      throw new InputError(
        `file: no row can be imported (${planned.rejected.length} rejected); see the preview for the reasons`,
      );
    }
    const created = await store.createTasks(
      planned.newTasks,
      actorOf(credentials),
    );
    const result: CsvImportResult = {
      applied: created.length,
      taskIds: created.map(t => t.id),
      rejected: planned.rejected,
    };
    res.status(201).json(result);
  });

  router.get('/export', async (req, res) => {
    await authorizeRead(req);
    const entityRef = entityRefQuery(req);
    const tasks = await store.listTasks(
      entityRef ? { entityRefs: [entityRef] } : {},
    );
    res
      .type('text/csv; charset=utf-8')
      .attachment('toil-register.csv')
      .send(exportCsv(tasks));
  });

  // Any other route: a JSON body over the limit.
  const tooLarge: ErrorRequestHandler = (error, _req, _res, next) => {
    if (isTooLarge(error)) {
      next(
        new PayloadTooLargeError(
          `Request body too large: limit is ${JSON_BODY_LIMIT_BYTES} bytes (100 kB)`,
        ),
      );
      return;
    }
    next(error);
  };
  router.use(tooLarge);
  return router;
}
