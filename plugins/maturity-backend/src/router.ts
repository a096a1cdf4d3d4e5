import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  campaignInputSchema,
  dateTimeInput,
  entityFilterInputFields,
  freeTextInput,
  inputErrorMap,
  maturityCampaignManagePermission,
  maturityCycleRunPermission,
  maturityEntityReadPermission,
  maturityFleetFixPermission,
  maturityRefreshPermission,
  maturityWaiverCreatePermission,
  maturityWaiverRevokePermission,
  waiverInputSchema,
} from '@cloud-native-portal/plugin-maturity-common';
import { jsonBodyParser } from '@cloud-native-portal/plugin-maturity-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { createOpenApiRouter } from './schema/openapi/generated/router';
import {
  Campaign,
  EntityFilters,
  MaturityStore,
} from './database/MaturityStore';
import { MaturityEngine } from './engine/MaturityEngine';
import { findRisks } from './engine/risks';
import {
  buildReview,
  campaignHistory,
  campaignProgress,
  rankBlockingChecks,
  countStatuses,
  entitiesByFact,
  summarizeFact,
} from './service/aggregates';
import { buildEntityReport } from './service/entityReport';
import { CycleStart, CycleStatus } from './sharding/ShardedCycle';
import { FleetRunner } from './fleet/FleetRunner';
import { FleetStore } from './fleet/FleetStore';
import { ChangeDestinations } from './fleet/destinations';
import { FixReviewStates } from './fleet/reviewState';
import { fleetCandidates, withFixStates } from './fleet/candidates';
import { byOwner, nudgeTeams, serviceNames } from './fleet/nudges';

/** Dependencies of the REST API. */
export interface RouterOptions {
  engine: MaturityEngine;
  store: MaturityStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** The latest a waiver may expire, in days from now. Default: 90. */
  waiverMaxDays?: number;
  /**
   * Backstage notifications, for nudging owners (`POST
   * /campaigns/:id/notify`); without them that route answers 503.
   */
  notifications?: { service: NotificationService; logger: LoggerService };
  /** Fleet fixes (`/fleet/...`); without them those routes answer 503. */
  fleet?: {
    runner: FleetRunner;
    store: FleetStore;
    reviewStates?: FixReviewStates;
    /** Where a fix to each service would go, shown with the candidates. */
    destinations?: ChangeDestinations;
  };
  /** Whole evaluation cycles, started on demand (`POST /cycles`). */
  cycles?: {
    /** Starts the next cycle and answers once it started; it runs on. */
    start(reason: string): Promise<CycleStart>;
    status(): Promise<CycleStatus>;
  };
}

/** The largest JSON body a route accepts. */
const JSON_BODY_LIMIT_BYTES = 64 * 1024;

/** The default of `maturity.waivers.maxDays`. */
export const DEFAULT_WAIVER_MAX_DAYS = 90;

// How long a user's readable entities are reused under a conditional read
// decision, so the parallel requests of one page resolve them once.
const READ_SCOPE_TTL_MS = 30_000;
// Entities per permission request when resolving a conditional decision.
const READ_SCOPE_CHUNK = 500;

const pagination = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

// Bounded, NUL-free filter values (they go into database queries).
const filterFields = entityFilterInputFields;
const filterSchema = z.object(filterFields).strict();

const listQuery = filterSchema.extend(pagination).strict();
const rollupQuery = filterSchema
  .extend({
    ...pagination,
    groupBy: z.enum(['owner', 'system', 'domain']).default('owner'),
  })
  .strict();
const historyQuery = z
  .object({
    from: dateTimeInput().optional(),
    to: dateTimeInput({ dateMeans: 'endOfDay' }).optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .strict();
const failingQuery = filterSchema
  .extend({ limit: z.coerce.number().int().min(1).max(100).default(10) })
  .strict();
const fleetCandidatesQuery = z
  .object({
    owner: filterFields.owner,
    system: filterFields.system,
    domain: filterFields.domain,
  })
  .strict();
const fleetRunInput = z
  .object({
    checkId: freeTextInput().min(1).max(200),
    entityRefs: z.array(freeTextInput().min(1).max(255)).min(1).max(500),
    preview: z.boolean().default(false),
    campaignId: z.string().uuid().optional(),
  })
  .strict();
const fleetRunsQuery = z
  .object({
    checkId: freeTextInput().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
const risksQuery = z.object({ system: z.string().min(1) }).strict();
const trendsQuery = filterSchema
  .extend({
    from: dateTimeInput().optional(),
    interval: z.enum(['day', 'week', 'month']).default('week'),
  })
  .strict();
const reviewQuery = z
  .object({
    system: z.string().min(1).optional(),
    domain: z.string().min(1).optional(),
    since: dateTimeInput().optional(),
  })
  .strict()
  .refine(q => !!q.system !== !!q.domain, {
    message: 'give exactly one of system or domain',
    path: ['system'],
  });
const collectorFilter = filterSchema.extend({
  collector: z.string().min(1),
});
const factSummaryQuery = collectorFilter
  .extend({
    fact: z.string().min(1),
    groupBy: z.enum(['owner', 'system', 'domain']).default('owner'),
  })
  .strict();
const factEntitiesQuery = collectorFilter
  .extend({
    fact: z.string().min(1),
    op: z.enum(['gt', 'gte', 'lt', 'lte', 'eq']).optional(),
    value: z.string().optional(),
    ...pagination,
  })
  .strict();
const entityNamePart = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must hold only letters, digits, ".", "_" and "-"',
  );
const entityPathParams = z.object({
  kind: entityNamePart,
  namespace: entityNamePart,
  name: entityNamePart,
});
const waiverListQuery = z
  .object({
    entityRef: freeTextInput().min(1).optional(),
    includeInactive: z
      .enum(['true', 'false'])
      .transform(v => v === 'true')
      .optional(),
  })
  .strict();
/** The user a request acts for, to key per-user caches; none for services. */
function httpAuthKey(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
  };
  return principal.type === 'user' ? principal.userEntityRef : undefined;
}

/** Parses input with zod, answering 400 with the failing field. */
function parse<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
  where: string,
): z.infer<T> {
  const result = schema.safeParse(input, { error: inputErrorMap });
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.join('.') || '(root)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown parameter(s) ${issue.keys.join(', ')}`
        : issue.message;
    throw new InputError(`Invalid ${where}: ${field}: ${message}`);
  }
  return result.data;
}

function filtersOf(query: Record<string, unknown>): EntityFilters {
  const { kind, owner, system, domain, lifecycle, tag, type, tier } =
    query as EntityFilters;
  return { kind, owner, system, domain, lifecycle, tag, type, tier };
}

/**
 * Builds the maturity REST API, defined by src/schema/openapi.yaml: every
 * request is validated against that document before a handler runs, then
 * the handlers check permissions and the rules the document cannot state
 * (calendar dates, NUL-free text, known checks and dimensions).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { engine, store, httpAuth, permissions, cycles } = options;
  const waiverMaxDays = options.waiverMaxDays ?? DEFAULT_WAIVER_MAX_DAYS;
  if (!Number.isInteger(waiverMaxDays) || waiverMaxDays < 1) {
    throw new InputError(
      `maturity.waivers.maxDays must be a whole number of days, at least 1; got ${waiverMaxDays}`,
    );
  }
  // A JSON body over the limit is a 413 that states it, answered before the
  // spec's validator, which would answer any earlier error with a 400.
  const jsonBody = jsonBodyParser(JSON_BODY_LIMIT_BYTES);
  const outer = Router();
  outer.use(jsonBody);
  // Validates each request against the OpenAPI document; the body is
  // already parsed above, so its parser here passes through.
  const router = await createOpenApiRouter({ middleware: [jsonBody] });
  outer.use(router);

  async function authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ) {
    const [decision] = await permissions.authorize(
      [
        resourceRef
          ? { permission: permission as ResourcePermission, resourceRef }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
  }

  const readScopes = new Map<
    string,
    { at: number; refs: Promise<string[] | undefined> }
  >();

  /**
   * The entities the caller may read: undefined when they may read all of
   * them. Under a conditional decision (for example "owned by one of my
   * groups"), every scored entity is decided through the permission
   * framework, which applies the conditions in the catalog, so lists and
   * roll-ups count only those entities instead of answering 403.
   */
  async function readScope(
    credentials: BackstageCredentials,
  ): Promise<string[] | undefined> {
    const [decision] = await permissions.authorizeConditional(
      [{ permission: maturityEntityReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return undefined;
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError(
        `Not allowed: ${maturityEntityReadPermission.name}`,
      );
    }
    const key = httpAuthKey(credentials);
    const now = Date.now();
    for (const [k, v] of readScopes) {
      if (now - v.at >= READ_SCOPE_TTL_MS) readScopes.delete(k);
    }
    const cached = key ? readScopes.get(key) : undefined;
    if (cached) return cached.refs;
    const refs = (async () => {
      const all = await store.listScoredEntityRefs();
      const allowed: string[] = [];
      for (let i = 0; i < all.length; i += READ_SCOPE_CHUNK) {
        const chunk = all.slice(i, i + READ_SCOPE_CHUNK);
        const decisions = await permissions.authorize(
          chunk.map(resourceRef => ({
            permission: maturityEntityReadPermission,
            resourceRef,
          })),
          { credentials },
        );
        chunk.forEach((ref, j) => {
          if (decisions[j].result === AuthorizeResult.ALLOW) allowed.push(ref);
        });
      }
      return allowed;
    })();
    if (key) {
      readScopes.set(key, { at: now, refs });
      refs.catch(() => readScopes.delete(key));
    }
    return refs;
  }

  /** The filters of a request, narrowed to the caller's readable entities. */
  async function scopedFilters(
    credentials: BackstageCredentials,
    filters: EntityFilters,
  ): Promise<EntityFilters> {
    const entityRefs = await readScope(credentials);
    return entityRefs ? { ...filters, entityRefs } : filters;
  }

  const entityRefOf = (params: Record<string, string>) => {
    const { kind, namespace, name } = parse(entityPathParams, params, 'path');
    return stringifyEntityRef({ kind, namespace, name }).toLocaleLowerCase(
      'en-US',
    );
  };

  router.get('/model', async (_req, res) => {
    res.json({
      model: engine.model,
      installedCollectors: engine.installedCollectors(),
    });
  });

  router.post('/cycles', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorize(credentials, maturityCycleRunPermission);
    if (!cycles) {
      throw new ServiceUnavailableError('This backend runs no cycles');
    }
    const by =
      credentials.principal.type === 'user'
        ? credentials.principal.userEntityRef
        : credentials.principal.subject;
    const start = await cycles.start(`requested by ${by}`);
    res
      .status(start.started ? 202 : 200)
      .json(
        start.started
          ? { started: true, cycle: start.cycle }
          : { started: false, cycle: start.cycle, reason: 'running' },
      );
  });

  router.get('/cycles/current', async (_req, res) => {
    if (!cycles)
      throw new ServiceUnavailableError('This backend runs no cycles');
    const status = await cycles.status();
    res.json({
      cycle: status.cycle,
      shards: status.shards,
      done: status.done,
      running: status.done < status.shards,
      ...(status.startedAt === undefined
        ? {}
        : { startedAt: new Date(status.startedAt).toISOString() }),
    });
  });

  router.get('/entities', async (req, res) => {
    const query = parse(listQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const filters = await scopedFilters(credentials, filtersOf(query));
    res.json(
      await store.listEntityScores(filters, {
        limit: query.limit,
        offset: query.offset,
      }),
    );
  });

  router.get('/entity/:kind/:namespace/:name', async (req, res) => {
    const entityRef = entityRefOf(req.params);
    const credentials = await httpAuth.credentials(req);
    await authorize(credentials, maturityEntityReadPermission, entityRef);
    res.json(await buildEntityReport(entityRef, engine, store));
  });

  router.get('/entity/:kind/:namespace/:name/history', async (req, res) => {
    const entityRef = entityRefOf(req.params);
    const query = parse(historyQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    await authorize(credentials, maturityEntityReadPermission, entityRef);
    if (!(await store.getEntityScore(entityRef))) {
      throw new NotFoundError(`No maturity score for ${entityRef} yet`);
    }
    res.json({
      entityRef,
      items: await store.getHistory(entityRef, query),
    });
  });

  router.post('/entity/:kind/:namespace/:name/refresh', async (req, res) => {
    const entityRef = entityRefOf(req.params);
    const credentials = await httpAuth.credentials(req);
    await authorize(credentials, maturityRefreshPermission, entityRef);
    await engine.refreshEntity(entityRef);
    res.json(await buildEntityReport(entityRef, engine, store));
  });

  router.get('/rollups', async (req, res) => {
    const query = parse(rollupQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const filters = await scopedFilters(credentials, filtersOf(query));
    res.json(
      await store.getRollups({
        groupBy: query.groupBy,
        filters,
        limit: query.limit,
        offset: query.offset,
      }),
    );
  });

  router.get('/checks/failing', async (req, res) => {
    const query = parse(failingQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const filters = await scopedFilters(credentials, filtersOf(query));
    res.json({
      items: await rankBlockingChecks(store, engine, filters, query.limit),
    });
  });

  router.get('/risks', async (req, res) => {
    const query = parse(risksQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const page = await store.listEntityScores(
      await scopedFilters(credentials, { system: query.system }),
      { limit: 5000, offset: 0 },
    );
    const refs = page.items.map(i => i.entityRef);
    res.json({
      system: query.system,
      items: findRisks(await store.getFacts(refs)),
    });
  });

  router.get('/trends', async (req, res) => {
    const query = parse(trendsQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const filters = await scopedFilters(credentials, filtersOf(query));
    const from = query.from ?? new Date(Date.now() - 180 * 86400_000);
    res.json({
      items: await store.getTrends({
        filters,
        from,
        interval: query.interval,
      }),
    });
  });

  router.get('/review', async (req, res) => {
    const query = parse(reviewQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const entityRefs = await readScope(credentials);
    res.json(
      await buildReview(store, engine, {
        system: query.system,
        domain: query.domain,
        entityRefs,
        since: query.since ?? new Date(Date.now() - 90 * 86400_000),
      }),
    );
  });

  router.get('/campaigns', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRefs = await readScope(credentials);
    const campaigns = await store.listCampaigns();
    res.json({
      items: await Promise.all(
        campaigns.map(async c => {
          const { progress, due } = await campaignProgress(
            store,
            c,
            entityRefs,
          );
          return { ...c, progress, due };
        }),
      ),
    });
  });

  router.post('/campaigns', async (req, res) => {
    const body = parse(campaignInputSchema(), req.body, 'body');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(credentials, maturityCampaignManagePermission);
    if (!engine.model.dimensions.some(d => d.id === body.dimension)) {
      throw new InputError(
        `Invalid body: dimension: unknown dimension '${body.dimension}'`,
      );
    }
    const campaign = await store.createCampaign({
      ...body,
      createdBy: credentials.principal.userEntityRef,
    });
    const { progress, due, entitiesShort } = await campaignProgress(
      store,
      campaign,
    );
    // The teams whose services it targets hear of it at once.
    if (options.notifications) {
      const { logger } = options.notifications;
      await notifyCampaignOwners(
        campaign,
        entitiesShort,
        options.notifications,
      ).catch(e =>
        logger.warn(
          `Campaign ${campaign.id}: could not notify its owners: ${e}`,
        ),
      );
    }
    res.status(201).json({ ...campaign, progress, due });
  });

  /**
   * One notification per team with services short of a campaign's goal;
   * the campaign is the scope, so telling a team again updates it.
   */
  async function notifyCampaignOwners(
    campaign: Campaign,
    entitiesShort: Awaited<
      ReturnType<typeof campaignProgress>
    >['entitiesShort'],
    notifications: NonNullable<RouterOptions['notifications']>,
  ) {
    const dimension =
      engine.model.dimensions.find(d => d.id === campaign.dimension)?.title ??
      campaign.dimension;
    const { teams, unowned } = byOwner(entitiesShort);
    const told = await nudgeTeams({
      notifications: notifications.service,
      logger: notifications.logger,
      teams,
      message: team => ({
        title: `Campaign "${campaign.title}": ${team.entityRefs.length} of your services to bring to ${dimension} level ${campaign.targetLevel} by ${campaign.deadline}`,
        description: `${serviceNames(
          team.entityRefs,
        )}. Each service's maturity tab lists its next steps.`,
        // The scorecards page opens on this campaign's progress.
        link: `/maturity?tab=campaigns&campaign=${encodeURIComponent(
          campaign.id,
        )}`,
      }),
      topic: 'maturity-campaign',
      scope: `maturity-campaign:${campaign.id}`,
    });
    return { told, unowned };
  }

  router.get('/campaigns/:id', async (req, res) => {
    const id = parse(z.string().uuid(), req.params.id, 'path');
    const credentials = await httpAuth.credentials(req);
    const entityRefs = await readScope(credentials);
    const campaign = await store.getCampaign(id);
    if (!campaign) throw new NotFoundError(`No campaign with id '${id}'`);
    const checks = new Map(engine.model.checks.map(c => [c.id, c.title]));
    const progress = await campaignProgress(store, campaign, entityRefs, {
      checkTitle: checkId => checks.get(checkId) ?? checkId,
    });
    res.json({
      ...campaign,
      ...progress,
      ...(options.fleet
        ? {
            entitiesShort: await withFixStates(progress.entitiesShort, {
              fixable: new Set(
                engine.model.checks.filter(c => c.fixTemplate).map(c => c.id),
              ),
              fleetStore: options.fleet.store,
              reviewStates: options.fleet.reviewStates,
            }),
          }
        : {}),
      history: await campaignHistory(store, campaign, entityRefs),
    });
  });

  router.post('/campaigns/:id/notify', async (req, res) => {
    const id = parse(z.string().uuid(), req.params.id, 'path');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(credentials, maturityCampaignManagePermission);
    const campaign = await store.getCampaign(id);
    if (!campaign) throw new NotFoundError(`No campaign with id '${id}'`);
    if (!options.notifications) {
      throw new ServiceUnavailableError(
        'Notifications are not set up in this backend',
      );
    }
    const { entitiesShort } = await campaignProgress(store, campaign);
    const { told, unowned } = await notifyCampaignOwners(
      campaign,
      entitiesShort,
      options.notifications,
    );
    res.json({
      items: told.map(t => ({
        owner: t.owner,
        entityCount: t.entityRefs.length,
      })),
      unowned,
    });
  });

  router.delete('/campaigns/:id', async (req, res) => {
    const id = parse(z.string().uuid(), req.params.id, 'path');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(credentials, maturityCampaignManagePermission);
    await store.deleteCampaign(id);
    res.status(204).end();
  });

  router.get('/entity/:kind/:namespace/:name/facts', async (req, res) => {
    const entityRef = entityRefOf(req.params);
    const credentials = await httpAuth.credentials(req);
    await authorize(credentials, maturityEntityReadPermission, entityRef);
    const facts = (await store.getFacts([entityRef])).get(entityRef);
    if (!facts) throw new NotFoundError(`No facts for ${entityRef} yet`);
    res.json({ items: facts });
  });

  router.get('/facts/summary', async (req, res) => {
    const query = parse(factSummaryQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const filters = await scopedFilters(credentials, filtersOf(query));
    res.json({
      items: await summarizeFact(store, {
        collector: query.collector,
        fact: query.fact,
        groupBy: query.groupBy,
        filters,
      }),
    });
  });

  router.get('/facts/status-counts', async (req, res) => {
    const query = parse(collectorFilter.strict(), req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const filters = await scopedFilters(credentials, filtersOf(query));
    res.json({
      items: await countStatuses(store, {
        collector: query.collector,
        filters,
      }),
    });
  });

  router.get('/facts/entities', async (req, res) => {
    const query = parse(factEntitiesQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const filters = await scopedFilters(credentials, filtersOf(query));
    res.json(
      await entitiesByFact(store, {
        collector: query.collector,
        fact: query.fact,
        op: query.op,
        value: query.value,
        filters,
        limit: query.limit,
        offset: query.offset,
      }),
    );
  });

  router.get('/waivers', async (req, res) => {
    const query = parse(waiverListQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const scope = await readScope(credentials);
    const readable = scope && new Set(scope);
    const waivers = await store.listWaivers(query);
    res.json({
      items: readable
        ? waivers.filter(w => readable.has(w.entityRef))
        : waivers,
    });
  });

  router.post('/waivers', async (req, res) => {
    // A reason, and an expiry in the future.
    const body = parse(waiverInputSchema(), req.body, 'body');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entityRef = body.entityRef.toLocaleLowerCase('en-US');
    await authorize(credentials, maturityWaiverCreatePermission, entityRef);
    // Then, for those who may waive, an expiry no later than maxDays ahead.
    parse(waiverInputSchema({ maxDays: waiverMaxDays }), req.body, 'body');
    if (!engine.model.checks.some(c => c.id === body.checkId)) {
      throw new InputError(
        `Invalid body: checkId: unknown check '${body.checkId}'`,
      );
    }
    if (!(await store.getEntityScore(entityRef))) {
      throw new NotFoundError(`No maturity score for ${entityRef}`);
    }
    const waiver = await store.createWaiver({
      entityRef,
      checkId: body.checkId,
      reason: body.reason,
      createdBy: credentials.principal.userEntityRef,
      expiresAt: body.expiresAt,
    });
    await engine.reevaluateEntity(entityRef);
    res.status(201).json(waiver);
  });

  router.delete('/waivers/:id', async (req, res) => {
    const id = parse(z.string().uuid(), req.params.id, 'path');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const waiver = await store.getWaiver(id);
    if (!waiver) throw new NotFoundError(`No waiver with id '${id}'`);
    await authorize(
      credentials,
      maturityWaiverRevokePermission,
      waiver.entityRef,
    );
    const revoked = await store.revokeWaiver(
      id,
      credentials.principal.userEntityRef,
    );
    await engine.reevaluateEntity(waiver.entityRef);
    res.json(revoked);
  });

  router.get('/waivers/:id/audit', async (req, res) => {
    const id = parse(z.string().uuid(), req.params.id, 'path');
    const credentials = await httpAuth.credentials(req);
    const waiver = await store.getWaiver(id);
    if (!waiver) throw new NotFoundError(`No waiver with id '${id}'`);
    await authorize(
      credentials,
      maturityEntityReadPermission,
      waiver.entityRef,
    );
    res.json({ items: await store.getWaiverAudit(id) });
  });

  const fleetOf = () => {
    if (!options.fleet) {
      throw new ServiceUnavailableError(
        'Fleet fixes are not set up in this backend',
      );
    }
    return options.fleet;
  };

  router.get('/fleet/checks/:checkId/candidates', async (req, res) => {
    const query = parse(fleetCandidatesQuery, req.query, 'query');
    const credentials = await httpAuth.credentials(req);
    const check = engine.model.checks.find(c => c.id === req.params.checkId);
    if (!check) {
      throw new NotFoundError(`No check with id '${req.params.checkId}'`);
    }
    res.json(
      await fleetCandidates({
        check,
        store,
        fleetStore: options.fleet?.store,
        reviewStates: options.fleet?.reviewStates,
        ...(options.fleet?.destinations
          ? {
              destinations: refs =>
                options.fleet!.destinations!.of(refs, credentials),
            }
          : {}),
        filters: await scopedFilters(credentials, filtersOf(query)),
      }),
    );
  });

  router.get('/fleet/runs', async (req, res) => {
    const query = parse(fleetRunsQuery, req.query, 'query');
    await readScope(await httpAuth.credentials(req));
    res.json({ items: await fleetOf().store.listRuns(query) });
  });

  router.post('/fleet/runs', async (req, res) => {
    const body = parse(fleetRunInput, req.body, 'body');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(credentials, maturityFleetFixPermission);
    const fleet = fleetOf();
    if (body.campaignId && !(await store.getCampaign(body.campaignId))) {
      throw new NotFoundError(`No campaign with id '${body.campaignId}'`);
    }
    const run = await fleet.runner.start({
      ...body,
      credentials,
      createdBy: credentials.principal.userEntityRef,
    });
    res.status(202).json(run);
  });

  router.get('/fleet/runs/:id', async (req, res) => {
    const id = parse(z.string().uuid(), req.params.id, 'path');
    await readScope(await httpAuth.credentials(req));
    const run = await fleetOf().store.getRun(id);
    if (!run) throw new NotFoundError(`No fleet run with id '${id}'`);
    res.json(run);
  });

  return outer;
}
