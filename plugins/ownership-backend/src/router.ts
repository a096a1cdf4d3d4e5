import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import express, { ErrorRequestHandler } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ownershipCoverageReadPermission } from './permissions';
import { coverageToCsv } from './service/csv';
import { OwnershipService } from './service/OwnershipService';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  service: OwnershipService;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

/** The largest JSON body a route accepts; no route of this API takes one. */
const JSON_BODY_LIMIT_BYTES = 100 * 1024;

/** A request body over the limit (413), with the limit in the message. */
class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

const namePart = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"');
const entityParams = z.object({
  kind: namePart,
  namespace: namePart,
  name: namePart,
});

/** The REST API: coverage, its CSV export, and one entity's ownership. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { service, catalog, httpAuth, permissions } = options;
  const router = Router();
  router.use(express.json({ limit: JSON_BODY_LIMIT_BYTES }));

  const authorizeCoverage = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: ownershipCoverageReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${ownershipCoverageReadPermission.name}`,
      );
    }
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/coverage', async (req, res) => {
    await authorizeCoverage(req);
    const report = await service.getReport();
    res.json(report.coverage);
  });

  router.get('/coverage.csv', async (req, res) => {
    await authorizeCoverage(req);
    const report = await service.getReport();
    res
      .type('text/csv')
      .attachment('ownership-coverage.csv')
      .send(coverageToCsv(report));
  });

  router.get('/entity/:kind/:namespace/:name', async (req, res) => {
    const parsed = entityParams.safeParse(req.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`Invalid ${issue.path.join('.')}: ${issue.message}`);
    }
    const ref = stringifyEntityRef(parsed.data);
    // Reading through the catalog with the caller's credentials applies the
    // catalog's own permissions: an entity they cannot see is not found.
    const visible = await catalog.getEntityByRef(ref, {
      credentials: await httpAuth.credentials(req),
    });
    if (!visible) throw new NotFoundError(`No entity ${ref} in the catalog`);
    if (!service.checksKind(parsed.data.kind)) {
      throw new NotFoundError(
        `Ownership is not checked for kind ${parsed.data.kind}`,
      );
    }
    const ownership = await service.getEntity(ref);
    if (!ownership) {
      throw new NotFoundError(`No ownership report for ${ref} yet`);
    }
    res.json(ownership);
  });

  const tooLarge: ErrorRequestHandler = (error, _req, _res, next) => {
    if ((error as { type?: unknown })?.type === 'entity.too.large') {
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
