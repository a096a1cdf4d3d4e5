import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { createRouter } from '../router';
import { OwnershipService } from '../service/OwnershipService';
import { spec } from './openapi';

/** `METHOD /path` of every route an express router serves, `{param}` style. */
function servedRoutes(router: any): string[] {
  return router.stack
    .filter((layer: any) => layer.route)
    .flatMap((layer: any) =>
      Object.keys(layer.route.methods).map(
        method =>
          `${method.toUpperCase()} ${layer.route.path.replace(
            /:(\w+)/g,
            '{$1}',
          )}`,
      ),
    )
    .sort();
}

describe('the ownership API definition', () => {
  it('is the document the generated router validates against (no stale copy)', () => {
    const yaml = YAML.parse(
      readFileSync(
        resolvePackagePath(
          '@cloud-native-portal/plugin-ownership-backend',
          'src/schema/openapi.yaml',
        ),
        'utf8',
      ),
    );
    expect(spec).toEqual(yaml);
  });

  it('defines every route the router serves, so none escapes validation', async () => {
    const router = await createRouter({
      service: {} as OwnershipService,
      catalog: catalogServiceMock(),
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
    });
    const defined = Object.entries(spec.paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter(key => ['get', 'put', 'post', 'delete'].includes(key))
          .map(method => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(servedRoutes(router)).toEqual(defined);
  });
});
