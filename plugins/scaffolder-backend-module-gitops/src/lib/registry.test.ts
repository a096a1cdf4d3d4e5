import { mockServices } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createRegistryDigestResolver } from './registry';

const INDEX_DIGEST = `sha256:${'a'.repeat(64)}`;
const MANIFEST_DIGEST = `sha256:${'b'.repeat(64)}`;
const PASSWORD = 'registry-pass-5ecret';
const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';

function resolver(
  config: JsonObject = {},
  logger = mockServices.logger.mock(),
) {
  return createRegistryDigestResolver({
    config: mockServices.rootConfig({ data: { scaffolder: config } }),
    logger,
  });
}

/** Everything a mock logger was given, as one string. */
function logged(logger: ReturnType<typeof mockServices.logger.mock>): string {
  return JSON.stringify(
    [logger.debug, logger.info, logger.warn, logger.error].flatMap(
      f => (f as jest.Mock).mock.calls,
    ),
  );
}

describe('createRegistryDigestResolver', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  /**
   * A registry behind a Bearer token service, as Docker Hub, GHCR and most
   * registries are. Records the requests it gets.
   */
  function tokenRegistry(options: {
    registry: string;
    realm: string;
    service: string;
    name: string;
    tags: Record<string, { digest: string; type: string }>;
    basic?: string;
  }) {
    const requests: Array<{ url: string; method: string; headers: Headers }> =
      [];
    const handlers = [
      http.get(options.realm, ({ request }) => {
        requests.push({
          url: request.url,
          method: request.method,
          headers: request.headers,
        });
        const url = new URL(request.url);
        if (
          url.searchParams.get('service') !== options.service ||
          url.searchParams.get('scope') !== `repository:${options.name}:pull`
        ) {
          return new HttpResponse(null, { status: 400 });
        }
        if (
          options.basic &&
          request.headers.get('authorization') !== options.basic
        ) {
          return new HttpResponse(null, { status: 401 });
        }
        return HttpResponse.json({ token: 'pull-token' });
      }),
      http.head(
        `${options.registry}/v2/${options.name}/manifests/:tag`,
        ({ request, params }) => {
          requests.push({
            url: request.url,
            method: request.method,
            headers: request.headers,
          });
          if (request.headers.get('authorization') !== 'Bearer pull-token') {
            return new HttpResponse(null, {
              status: 401,
              headers: {
                'www-authenticate': `Bearer realm="${options.realm}",service="${options.service}",scope="repository:${options.name}:pull"`,
              },
            });
          }
          const tag = options.tags[String(params.tag)];
          if (!tag) return new HttpResponse(null, { status: 404 });
          // The registry answers with the first type the client accepts.
          const accepted = request.headers.get('accept') ?? '';
          if (!accepted.includes(tag.type)) {
            return new HttpResponse(null, { status: 404 });
          }
          return new HttpResponse(null, {
            status: 200,
            headers: {
              'content-type': tag.type,
              'docker-content-digest': tag.digest,
            },
          });
        },
      ),
    ];
    return { handlers, requests };
  }

  it('answers the Bearer challenge anonymously and names Docker Hub official images under library/', async () => {
    const hub = tokenRegistry({
      registry: 'https://registry-1.docker.io',
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      name: 'library/node',
      tags: { '22-slim': { digest: INDEX_DIGEST, type: INDEX_TYPE } },
    });
    server.use(...hub.handlers);
    await expect(resolver()('node:22-slim')).resolves.toBe(INDEX_DIGEST);
    await expect(resolver()('docker.io/library/node:22-slim')).resolves.toBe(
      INDEX_DIGEST,
    );
    const token = hub.requests.find(r => r.url.startsWith('https://auth'))!;
    // Public images: no credentials.
    expect(token.headers.get('authorization')).toBeNull();
    const head = hub.requests.filter(r => r.method === 'HEAD');
    expect(head[0].url).toBe(
      'https://registry-1.docker.io/v2/library/node/manifests/22-slim',
    );
    expect(head[1].headers.get('authorization')).toBe('Bearer pull-token');
  });

  it('gives the digest of a multi-platform tag: the index (manifest list), not one platform manifest', async () => {
    const ghcr = tokenRegistry({
      registry: 'https://ghcr.io',
      realm: 'https://ghcr.io/token',
      service: 'ghcr.io',
      name: 'acme/api',
      tags: {
        multi: {
          digest: INDEX_DIGEST,
          type: 'application/vnd.docker.distribution.manifest.list.v2+json',
        },
        single: {
          digest: MANIFEST_DIGEST,
          type: 'application/vnd.docker.distribution.manifest.v2+json',
        },
      },
    });
    server.use(...ghcr.handlers);
    await expect(resolver()('ghcr.io/acme/api:multi')).resolves.toBe(
      INDEX_DIGEST,
    );
    await expect(resolver()('ghcr.io/acme/api:single')).resolves.toBe(
      MANIFEST_DIGEST,
    );
    const accept = ghcr.requests
      .find(r => r.method === 'HEAD')!
      .headers.get('accept')!;
    expect(accept.split(', ').slice(0, 2)).toEqual([
      INDEX_TYPE,
      'application/vnd.docker.distribution.manifest.list.v2+json',
    ]);
  });

  it('a floating image without a tag is looked up as latest', async () => {
    const gcr = tokenRegistry({
      registry: 'https://gcr.io',
      realm: 'https://gcr.io/v2/token',
      service: 'gcr.io',
      name: 'distroless/static-debian12',
      tags: { latest: { digest: INDEX_DIGEST, type: INDEX_TYPE } },
    });
    server.use(...gcr.handlers);
    await expect(resolver()('gcr.io/distroless/static-debian12')).resolves.toBe(
      INDEX_DIGEST,
    );
  });

  it('reads a private registry with the configured credentials, and never logs the password', async () => {
    const basic = `Basic ${Buffer.from(`ci-bot:${PASSWORD}`).toString(
      'base64',
    )}`;
    const registry = tokenRegistry({
      registry: 'https://registry.example.com',
      realm: 'https://auth.example.com/token',
      service: 'registry.example.com',
      name: 'team/base',
      tags: { '1.0': { digest: INDEX_DIGEST, type: INDEX_TYPE } },
      basic,
    });
    server.use(...registry.handlers);
    const logger = mockServices.logger.mock();
    const config = {
      gitopsRegistries: [
        {
          host: 'registry.example.com',
          username: 'ci-bot',
          password: PASSWORD,
        },
      ],
    };
    await expect(
      resolver(config, logger)('registry.example.com/team/base:1.0'),
    ).resolves.toBe(INDEX_DIGEST);
    const token = registry.requests.find(r => r.url.includes('auth.'))!;
    expect(token.headers.get('authorization')).toBe(basic);
    // Without the credentials the token service refuses.
    await expect(
      resolver({}, logger)('registry.example.com/team/base:1.0'),
    ).rejects.toThrow(
      /registry\.example\.com\/team\/base:1\.0.*refused a token.*scaffolder\.gitopsRegistries/,
    );
    // A failure with the credentials does not show them either.
    server.use(
      http.get('https://auth.example.com/token', () =>
        HttpResponse.json({}, { status: 403 }),
      ),
    );
    const failure = await resolver(
      config,
      logger,
    )('registry.example.com/team/base:1.0').catch(e => e);
    expect(failure.message).toContain('check the credentials');
    expect(failure.message).not.toContain(PASSWORD);
    expect(failure.message).not.toContain(basic.slice(6));
    const everything = logged(logger);
    expect(everything).toContain('registry.example.com/team/base:1.0');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(basic.slice(6));
  });

  it('an unknown tag fails with a not-found error naming the image', async () => {
    const hub = tokenRegistry({
      registry: 'https://registry-1.docker.io',
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      name: 'library/python',
      tags: {},
    });
    server.use(...hub.handlers);
    await expect(resolver()('python:9.9-nope')).rejects.toMatchObject({
      name: 'NotFoundError',
      message:
        'Image python:9.9-nope: docker.io has no tag 9.9-nope of library/python',
    });
  });

  it('a registry that refuses the request fails with an unauthorized error naming the image', async () => {
    server.use(
      http.head(
        'https://private.example.com/v2/team/app/manifests/:tag',
        () =>
          new HttpResponse(null, {
            status: 401,
            headers: { 'www-authenticate': 'Basic realm="private"' },
          }),
      ),
    );
    await expect(
      resolver()('private.example.com/team/app:2'),
    ).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringMatching(
        /^Image private\.example\.com\/team\/app:2: private\.example\.com requires credentials .*HTTP 401.*scaffolder\.gitopsRegistries/,
      ),
    });
  });

  it('a registry that does not answer in time fails with an error naming the image and the wait', async () => {
    server.use(
      http.head('https://slow.example.com/v2/app/manifests/:tag', async () => {
        await delay(2000);
        return new HttpResponse(null, { status: 200 });
      }),
    );
    await expect(
      resolver({ gitopsRegistryTimeoutSeconds: 0.05 })(
        'slow.example.com/app:1',
      ),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'Image slow.example.com/app:1: slow.example.com did not answer within 0.05 s',
    });
  });

  it('an unreachable registry fails with an error naming the image and the host', async () => {
    server.use(
      http.head('https://down.example.com/v2/app/manifests/:tag', () =>
        HttpResponse.error(),
      ),
    );
    await expect(resolver()('down.example.com/app:1')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^Image down\.example\.com\/app:1: could not reach down\.example\.com/,
      ),
    });
  });

  it('a registry that leaves the digest out of HEAD answers: the sha256 of the manifest it serves', async () => {
    const body = JSON.stringify({ schemaVersion: 2, mediaType: INDEX_TYPE });
    const expected = `sha256:${require('crypto')
      .createHash('sha256')
      .update(body)
      .digest('hex')}`;
    server.use(
      http.head(
        'https://plain.example.com/v2/app/manifests/:tag',
        () => new HttpResponse(null, { status: 200 }),
      ),
      http.get(
        'https://plain.example.com/v2/app/manifests/:tag',
        () =>
          new HttpResponse(body, {
            status: 200,
            headers: { 'content-type': INDEX_TYPE },
          }),
      ),
    );
    await expect(resolver()('plain.example.com/app:1')).resolves.toBe(expected);
  });

  it('rejects a reference it cannot look up, and a bad timeout', async () => {
    await expect(resolver()('$BASE')).rejects.toThrow(
      'Image $BASE is not a reference the portal can look up in a registry',
    );
    expect(() => resolver({ gitopsRegistryTimeoutSeconds: 0 })).toThrow(
      'scaffolder.gitopsRegistryTimeoutSeconds must be a positive number',
    );
  });

  it.each([
    ['169.254.169.254/latest/meta-data:1', '169.254.169.254'],
    ['localhost:5000/app', 'localhost:5000'],
    ['10.0.0.7:5000/app:1', '10.0.0.7:5000'],
    ['[::1]:5000/app:1', '[::1]:5000'],
    ['registry:5000/app:1', 'registry:5000'],
  ])(
    'does not ask a host of its own network that a Dockerfile names (%s) unless configured',
    async (image, host) => {
      const requested: string[] = [];
      server.events.on('request:start', ({ request }) => {
        requested.push(request.url);
      });
      await expect(resolver()(image)).rejects.toThrow(
        `${host} is an address of the portal's own network`,
      );
      server.events.removeAllListeners();
      expect(requested).toEqual([]);
    },
  );

  it('asks an internal registry that scaffolder.gitopsRegistries lists', async () => {
    server.use(
      http.head(
        'http://localhost:5000/v2/app/manifests/1',
        () =>
          new HttpResponse(null, {
            status: 200,
            headers: { 'docker-content-digest': MANIFEST_DIGEST },
          }),
      ),
    );
    await expect(
      resolver({ gitopsRegistries: [{ host: 'localhost:5000' }] })(
        'localhost:5000/app:1',
      ),
    ).resolves.toBe(MANIFEST_DIGEST);
  });
});
