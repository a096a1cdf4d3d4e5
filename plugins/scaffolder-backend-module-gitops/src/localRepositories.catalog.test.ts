import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import request from 'supertest';
import { catalogModuleLocalRepositories } from './module';

const MARKER = 'TOP-SECRET-MARKER';

/** A root logger that keeps every message and its metadata. */
function recordingLogger(lines: string[]): LoggerService {
  const make = (fields: object): LoggerService => {
    const log = (message: string, meta?: unknown) => {
      lines.push(`${message} ${JSON.stringify({ ...fields, meta })}`);
      if (meta instanceof Error) lines.push(`${meta.message} ${meta.stack}`);
    };
    return {
      error: log,
      warn: log,
      info: log,
      debug: log,
      child: (more: object) => make({ ...fields, ...more }),
    };
  };
  return make({});
}

const component = (
  name: string,
  extra = '',
) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: team-a
${extra}`;

const locationDoc = (name: string, spec: string) => `---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: ${name}
spec:
${spec}
`;

/**
 * The real catalog backend with the local-repositories module: a generated
 * repository whose catalog-info.yaml adds Locations that point outside it
 * (what a template value with a newline and a second YAML document did).
 */
describe('the catalog with local repositories', () => {
  const root = createMockDirectory();
  const logs: string[] = [];
  const processingErrors: Array<{ entity: string; message: string }> = [];
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  const byName = (kind: string, name: string) =>
    request(server)
      .get(`/api/catalog/entities/by-name/${kind}/default/${name}`)
      .set('Authorization', mockCredentials.user.header());

  beforeAll(async () => {
    root.setContent({
      outside: {
        // Not YAML: a reader would quote it in its parse error.
        passwd: `root:x:0:0:${MARKER}:/root:/bin/bash\nnot: [yaml\n`,
        // YAML: a reader would register it.
        'secret.yaml': component('leaked', `  description: ${MARKER}\n`),
      },
      repos: {
        'good-service': {
          'catalog-info.yaml': `${component('good-service')}${locationDoc(
            'good-apis',
            '  target: ./apis.yaml',
          )}`,
          'apis.yaml': `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: good-api
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ./openapi.yaml
`,
          'openapi.yaml': 'openapi: 3.0.3\n',
        },
        'evil-service': {
          'catalog-info.yaml': [
            component('evil-service'),
            locationDoc(
              'escape-absolute',
              `  type: file\n  target: ${root.resolve('outside/passwd')}`,
            ),
            locationDoc(
              'escape-relative',
              '  target: ../../outside/secret.yaml',
            ),
            locationDoc(
              'escape-url',
              `  type: url\n  target: file://${root.resolve(
                'outside/secret.yaml',
              )}`,
            ),
            locationDoc('escape-symlink', '  target: ./linked.yaml'),
          ].join(''),
          'linked.yaml': ({ symlink }) =>
            symlink(root.resolve('outside/secret.yaml')),
        },
        'linked-catalog': {
          'catalog-info.yaml': ({ symlink }) =>
            symlink(root.resolve('outside/passwd')),
        },
      },
    });

    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleLocalRepositories,
        createBackendModule({
          pluginId: 'catalog',
          moduleId: 'test-processing-errors',
          register(env) {
            env.registerInit({
              deps: { catalog: catalogProcessingExtensionPoint },
              async init({ catalog }) {
                catalog.setOnProcessingErrorHandler(event => {
                  for (const error of event.errors) {
                    processingErrors.push({
                      entity: event.unprocessedEntity.metadata.name,
                      message: `${error.message} ${String(
                        (error as { cause?: unknown }).cause ?? '',
                      )}`,
                    });
                  }
                });
              },
            });
          },
        }),
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => recordingLogger(logs) as any,
        }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Component', 'API', 'Location'] }],
              processingInterval: { seconds: 1 },
            },
            scaffolder: {
              localPublish: {
                directory: root.resolve('repos'),
                refreshIntervalSeconds: 1,
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();

    // Until the good repository's Location chain is in, and each escaping
    // Location of the evil one has its processing error.
    const escapes = [
      'escape-absolute',
      'escape-relative',
      'escape-url',
      'escape-symlink',
    ];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const settled =
        (await byName('api', 'good-api')).status === 200 &&
        (await byName('component', 'evil-service')).status === 200 &&
        escapes.every(name => processingErrors.some(e => e.entity === name));
      // On time out, the tests below say what is missing.
      if (settled || Date.now() > deadline) break;
      await new Promise(r => setTimeout(r, 500));
    }
    // A few more processing rounds, for anything a read would have added.
    await new Promise(r => setTimeout(r, 3000));
  }, 90_000);

  afterAll(async () => {
    await stop?.();
  });

  it('registers a repository and the Location inside it, with its $text', async () => {
    const api = await byName('api', 'good-api');
    expect(api.body.spec.definition).toBe('openapi: 3.0.3\n');
    expect((await byName('component', 'good-service')).status).toBe(200);
  });

  it('refuses the Location with an absolute file target to outside/passwd, with a processing error naming it', () => {
    expect(processingErrors).toContainEqual({
      entity: 'escape-absolute',
      message: expect.stringContaining(
        `Location "escape-absolute" in local repository evil-service: target "${root.resolve(
          'outside/passwd',
        )}" is outside the repository`,
      ),
    });
  });

  it('refuses the Location with target "../../outside/secret.yaml"', () => {
    expect(processingErrors).toContainEqual({
      entity: 'escape-relative',
      message: expect.stringContaining(
        'target "../../outside/secret.yaml" is outside the repository',
      ),
    });
  });

  it('refuses the Location with a url target to file://…/outside/secret.yaml', () => {
    expect(processingErrors).toContainEqual({
      entity: 'escape-url',
      message: expect.stringContaining('is of type "url"'),
    });
  });

  it('refuses the Location with target "./linked.yaml", a symbolic link out of the repository', () => {
    expect(processingErrors).toContainEqual({
      entity: 'escape-symlink',
      message: expect.stringContaining(
        'linked.yaml" of local repository evil-service resolves outside the repository',
      ),
    });
  });

  it('never reads the outside files: nothing of theirs is registered, logged or quoted in an error', async () => {
    expect((await byName('component', 'leaked')).status).toBe(404);
    expect(JSON.stringify(processingErrors)).not.toContain(MARKER);
    expect(logs.join('\n')).not.toContain(MARKER);
    // The repository whose catalog-info.yaml links out is not registered.
    expect(logs.join('\n')).toContain(
      'Local repository "linked-catalog": catalog-info.yaml is not a file inside the repository',
    );
  });
});
