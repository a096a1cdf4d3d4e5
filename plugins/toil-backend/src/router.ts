import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  CSV_IMPORT_LIMITS,
  CsvImportPreview,
  CsvImportResult,
  EntityToilSummary,
  TeamToilRankingList,
  TeamToilReport,
  ToilApiOperations,
  ToilAuditList,
  ToilFactsResponse,
  ToilTask,
  ToilTaskList,
  UnownedToil,
  createToilTaskSchema,
  describeIssues,
  toilTaskCreatePermission,
  toilTaskDeletePermission,
  toilTaskReadPermission,
  toilTaskUpdatePermission,
  updateToilTaskSchema,
} from '@cloud-native-portal/plugin-toil-common';
import {
  isBodyTooLarge,
  jsonBodyParser,
  PayloadTooLargeError,
} from '@cloud-native-portal/plugin-maturity-node';
import express, { Request, RequestHandler, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { planCsvImport, toilTaskKey } from './csv/CsvImporter';
import { exportCsv } from './csv/exportCsv';
import { ToilStore } from './database/ToilStore';
import { ToilMetricsService } from './service/ToilMetricsService';
import { createOpenApiRouter } from './schema/openapi';

/** Any route's request, typed or not, for the credential checks. */
type AnyRequest = Request<any, any, any, any>;

/** The query of an operation, as its OpenAPI definition declares it. */
type QueryOf<K extends keyof ToilApiOperations> = NonNullable<
  ToilApiOperations[K]['parameters']['query']
>;
/** The path parameters of an operation, as its OpenAPI definition declares them. */
type PathOf<K extends keyof ToilApiOperations> =
  ToilApiOperations[K]['parameters']['path'];

/** Dependencies of {@link createRouter}. */
export interface RouterOptions {
  store: ToilStore;
  metrics: ToilMetricsService;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

/** The largest JSON body any route accepts: a task is well under 10 kB. */
const JSON_BODY_LIMIT_BYTES = 100 * 1024;

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new InputError(describeIssues(result.error).join('; '));
  }
  return result.data;
}

/** A task id as the register stores it; the definition has checked it is a UUID. */
function taskIdOf(params: { id: string }): string {
  return params.id.toLocaleLowerCase('en-US');
}

/** An optional entity ref filter; the register keeps refs in lower case. */
function lowerCaseRef(entityRef: string | undefined): string | undefined {
  return entityRef ? entityRef.toLocaleLowerCase('en-US') : undefined;
}

const mappingSchema = z.record(z.string(), z.string().optional());

function parseMapping(raw: string | undefined) {
  if (raw === undefined || raw === '') return undefined;
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
  router.use(jsonBodyParser(JSON_BODY_LIMIT_BYTES));
  const readCsv = express.raw({
    type: () => true,
    limit: CSV_IMPORT_LIMITS.maxBytes,
  });
  // Only an upload to the import routes is a file; its limit is the import's.
  const rawCsv: RequestHandler = (req, res, next) =>
    readCsv(req, res, error => {
      if (isBodyTooLarge(error)) {
        next(
          new PayloadTooLargeError(
            `file: the upload is larger than ${CSV_IMPORT_LIMITS.maxBytes} bytes (5 MB), the import limit. Split the file and import the parts.`,
          ),
        );
        return;
      }
      next(error);
    });
  // Only the import routes take a file.
  router.use('/import', rawCsv);
  // Every request is checked against the API's definition
  // (src/schema/openapi.yaml) before it reaches a route below; a mismatch is
  // a 400 naming the field. Bodies are parsed above, with this API's limits.
  router.use(
    await createOpenApiRouter({ middleware: [(_req, _res, next) => next()] }),
  );

  const userCredentials = (req: AnyRequest) =>
    httpAuth.credentials(req, { allow: ['user'] });

  const actorOf = (credentials: BackstageCredentials) => {
    const principal = credentials.principal as { userEntityRef?: string };
    return principal.userEntityRef ?? 'unknown';
  };

  async function authorizeRead(req: AnyRequest) {
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

  router.get(
    '/tasks',
    async (
      req: Request<{}, ToilTaskList, unknown, QueryOf<'ListTasks'>>,
      res: Response<ToilTaskList>,
    ) => {
      await authorizeRead(req);
      const entityRef = lowerCaseRef(req.query.entityRef);
      const tasks = await store.listTasks(
        entityRef ? { entityRefs: [entityRef] } : {},
      );
      res.json({ items: tasks });
    },
  );

  router.get(
    '/tasks/:id',
    async (req: Request<PathOf<'GetTask'>>, res: Response<ToilTask>) => {
      await authorizeRead(req);
      res.json(await loadTask(taskIdOf(req.params)));
    },
  );

  router.get(
    '/tasks/:id/audit',
    async (
      req: Request<PathOf<'ListTaskAudit'>>,
      res: Response<ToilAuditList>,
    ) => {
      await authorizeRead(req);
      res.json({
        items: await store.listAudit({ taskId: taskIdOf(req.params) }),
      });
    },
  );

  router.post(
    '/tasks',
    async (req: Request<{}, ToilTask, unknown>, res: Response<ToilTask>) => {
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
    },
  );

  router.put(
    '/tasks/:id',
    async (
      req: Request<PathOf<'UpdateTask'>, ToilTask, unknown>,
      res: Response<ToilTask>,
    ) => {
      const credentials = await userCredentials(req);
      const id = taskIdOf(req.params);
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
      res.json(
        await store.updateTask(id, input, version, actorOf(credentials)),
      );
    },
  );

  router.delete(
    '/tasks/:id',
    async (
      req: Request<PathOf<'DeleteTask'>, void, unknown, QueryOf<'DeleteTask'>>,
      res: Response<void>,
    ) => {
      const credentials = await userCredentials(req);
      const id = taskIdOf(req.params);
      const current = await loadTask(id);
      await authorizeWrite(
        toilTaskDeletePermission,
        current.entityRef,
        credentials,
      );
      await store.deleteTask(id, req.query.version, actorOf(credentials));
      res.status(204).end();
    },
  );

  // --- metrics --------------------------------------------------------

  router.get(
    '/entities/:kind/:namespace/:name/summary',
    async (
      req: Request<PathOf<'GetEntitySummary'>>,
      res: Response<EntityToilSummary>,
    ) => {
      const credentials = await authorizeRead(req);
      // The register keeps refs in lower case.
      const ref = stringifyEntityRef(req.params).toLocaleLowerCase('en-US');
      res.json(await metrics.entitySummary(ref, credentials));
    },
  );

  router.get(
    '/teams',
    async (req: Request, res: Response<TeamToilRankingList>) => {
      const credentials = await authorizeRead(req);
      res.json({ items: await metrics.teamRanking(credentials) });
    },
  );

  router.get('/unowned', async (req: Request, res: Response<UnownedToil>) => {
    const credentials = await authorizeRead(req);
    res.json(await metrics.unowned(credentials));
  });

  router.get(
    '/teams/:namespace/:name',
    async (
      req: Request<PathOf<'GetTeamReport'>>,
      res: Response<TeamToilReport>,
    ) => {
      const credentials = await authorizeRead(req);
      const ref = stringifyEntityRef({ kind: 'group', ...req.params });
      res.json(await metrics.teamReport(ref, credentials));
    },
  );

  /** Bulk facts for the maturity collector: one request per scoring cycle. */
  router.get(
    '/facts',
    async (req: Request, res: Response<ToilFactsResponse>) => {
      const credentials = await authorizeRead(req);
      res.json(await metrics.facts(credentials));
    },
  );

  // --- CSV ------------------------------------------------------------

  type ImportRequest = Request<{}, unknown, unknown, QueryOf<'PreviewImport'>>;

  async function plan(req: ImportRequest, credentials: BackstageCredentials) {
    if (!Buffer.isBuffer(req.body)) {
      throw new InputError('file: send the CSV file as the request body');
    }
    return planCsvImport(req.body, parseMapping(req.query.mapping), {
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

  router.post(
    '/import/preview',
    async (req: ImportRequest, res: Response<CsvImportPreview>) => {
      const credentials = await userCredentials(req);
      const { newTasks: _, ...preview } = await plan(req, credentials);
      res.json(preview);
    },
  );

  router.post(
    '/import/apply',
    async (req: ImportRequest, res: Response<CsvImportResult>) => {
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
      res.status(201).json({
        applied: created.length,
        taskIds: created.map(t => t.id),
        rejected: planned.rejected,
      });
    },
  );

  router.get(
    '/export',
    async (
      req: Request<{}, string, unknown, QueryOf<'ExportCsv'>>,
      res: Response<string>,
    ) => {
      await authorizeRead(req);
      const entityRef = lowerCaseRef(req.query.entityRef);
      const tasks = await store.listTasks(
        entityRef ? { entityRefs: [entityRef] } : {},
      );
      res
        .type('text/csv; charset=utf-8')
        .attachment('toil-register.csv')
        .send(exportCsv(tasks));
    },
  );

  return router;
}
