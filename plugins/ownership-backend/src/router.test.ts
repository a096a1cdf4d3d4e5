import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import { OwnershipService } from './service/OwnershipService';

async function app() {
  const router = await createRouter({
    // The body is refused before any route reads the report.
    service: {} as OwnershipService,
    catalog: catalogServiceMock(),
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
  });
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
  return express().use(router).use(middleware.error());
}

describe('ownership router', () => {
  it('answers a 20 MB JSON body with a generic 413 that states the limit', async () => {
    const res = await request(await app())
      .get('/coverage')
      .type('application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(20 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toBe(
      'Request body too large: limit is 102400 bytes (100 kB)',
    );
  });

  it('answers the unknown query parameter format on the coverage with 400 naming it', async () => {
    // Ignored before, a caller asking for ?format=csv silently got JSON.
    const res = await request(await app()).get('/coverage?format=csv');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Unknown query parameter 'format'");
  });
});
