import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { DEFAULT_MATURITY_MODEL } from '@cloud-native-portal/plugin-maturity-common';
import express from 'express';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import request from 'supertest';
import YAML from 'yaml';
import { createTestDatabases } from './__testUtils__/testDatabases';
import { DatabaseMaturityStore } from './database/DatabaseMaturityStore';
import { createRouter } from './router';
import { spec } from './schema/openapi/generated/router';

jest.setTimeout(60_000);
const databases = createTestDatabases();

describe('the maturity API definition', () => {
  it('a router.ts generated from an older openapi.yaml fails: it holds the same document', () => {
    const document = YAML.parse(
      readFileSync(resolve(__dirname, 'schema/openapi.yaml'), 'utf8'),
    );
    expect(spec).toEqual(document);
  });

  describe('requests the document does not allow', () => {
    async function app() {
      const knex = await databases.init('SQLITE_3');
      const store = await DatabaseMaturityStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const router = await createRouter({
        engine: {
          model: DEFAULT_MATURITY_MODEL,
          installedCollectors: () => ['catalog'],
        } as any,
        store,
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions(),
      });
      const mw = MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.logger.mock(),
      });
      return express().use(router).use(mw.error());
    }

    it('a request it allows passes (an invalid document fails every request with 400 "args.apiDoc was invalid")', async () => {
      const res = await request(await app()).get('/model');
      expect([res.status, res.body?.error?.message]).toEqual([200, undefined]);
    });

    it.each([
      ['/model?colour=blue', /colour/],
      ['/campaigns?colour=blue', /colour/],
      ['/entity/component/default/a?colour=blue', /colour/],
    ])(
      'GET %s (a parameter no route declares) gives 400 naming it',
      async (path, message) => {
        const res = await request(await app()).get(path);
        expect([res.status, res.body?.error?.message]).toEqual([
          400,
          expect.stringMatching(message),
        ]);
      },
    );

    it('a request the document allows is answered', async () => {
      const res = await request(await app()).get('/model');
      expect([res.status, res.body.installedCollectors]).toEqual([
        200,
        ['catalog'],
      ]);
    });
  });
});
