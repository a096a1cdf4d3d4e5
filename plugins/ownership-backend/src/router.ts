import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type {
  EntityOwnership,
  OwnershipApiOperations,
  OwnershipCoverage,
} from '@cloud-native-portal/plugin-ownership-common';
import { jsonBodyParser } from '@cloud-native-portal/plugin-maturity-node';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';
import { ownershipCoverageReadPermission } from './permissions';
import { createOpenApiRouter } from './schema/openapi';
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

/** The path of one entity's route, as the API's definition declares it. */
type EntityPath =
  OwnershipApiOperations['GetEntityOwnership']['parameters']['path'];

/** The REST API: coverage, its CSV export, and one entity's ownership. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { service, catalog, httpAuth, permissions } = options;
  const router = Router();
  router.use(jsonBodyParser(JSON_BODY_LIMIT_BYTES));
  // Every request is checked against the API's definition
  // (src/schema/openapi.yaml) before it reaches a route below; a mismatch is
  // a 400 naming the field. Bodies are parsed above, with this API's limit.
  router.use(
    await createOpenApiRouter({ middleware: [(_req, _res, next) => next()] }),
  );

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

  router.get('/coverage', async (req, res: Response<OwnershipCoverage>) => {
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

  router.get(
    '/entity/:kind/:namespace/:name',
    async (req: Request<EntityPath>, res: Response<EntityOwnership>) => {
      const ref = stringifyEntityRef(req.params);
      // Reading through the catalog with the caller's credentials applies the
      // catalog's own permissions: an entity they cannot see is not found.
      const visible = await catalog.getEntityByRef(ref, {
        credentials: await httpAuth.credentials(req),
      });
      if (!visible) throw new NotFoundError(`No entity ${ref} in the catalog`);
      if (!service.checksKind(req.params.kind)) {
        throw new NotFoundError(
          `Ownership is not checked for kind ${req.params.kind}`,
        );
      }
      const ownership = await service.getEntity(ref);
      if (!ownership) {
        throw new NotFoundError(`No ownership report for ${ref} yet`);
      }
      res.json(ownership);
    },
  );

  return router;
}
