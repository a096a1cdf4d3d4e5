import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { parse as parseAuthHeader } from 'auth-header';
import {
  fetchReportingUnreachable,
  parseImageReference,
} from '@cloud-native-portal/plugin-maturity-node';
import { createHash } from 'crypto';
import { BlockList, isIP } from 'net';
import { DigestResolver } from './fixPlan';

/** Credentials of one registry, from `scaffolder.gitopsRegistries`. */
interface RegistryCredentials {
  host: string;
  username?: string;
  password?: string;
}

/** Where an image's manifests are, in the OCI Distribution API's terms. */
interface Target {
  /** The API's base URL (`https://registry-1.docker.io`). */
  base: string;
  /** The host the credentials are configured for. */
  host: string;
  /** The repository name (`library/node`). */
  name: string;
  tag: string;
}

const DOCKER_HUB_HOSTS = [
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
];

// An index (manifest list) first: the digest of a multi-platform tag is the
// index's, the one `docker pull image:tag` resolves.
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const DIGEST = /^sha256:[a-f0-9]{64}$/;

const DEFAULT_TIMEOUT_SECONDS = 10;

// Addresses inside the backend's own network: loopback, private, link-local
// (cloud metadata) and unspecified.
const INTERNAL = new BlockList();
INTERNAL.addSubnet('127.0.0.0', 8);
INTERNAL.addSubnet('10.0.0.0', 8);
INTERNAL.addSubnet('172.16.0.0', 12);
INTERNAL.addSubnet('192.168.0.0', 16);
INTERNAL.addSubnet('169.254.0.0', 16);
INTERNAL.addSubnet('0.0.0.0', 8);
INTERNAL.addSubnet('100.64.0.0', 10);
INTERNAL.addAddress('::1', 'ipv6');
INTERNAL.addAddress('::', 'ipv6');
INTERNAL.addSubnet('fc00::', 7, 'ipv6');
INTERNAL.addSubnet('fe80::', 10, 'ipv6');

/**
 * Whether a registry host names the backend's own network: `localhost`, a
 * single-label name, or a loopback, private or link-local address. A
 * repository's Dockerfile chooses the host, so such hosts are asked only
 * when `scaffolder.gitopsRegistries` lists them.
 */
export function isInternalRegistryHost(host: string): boolean {
  const name = host
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  const version = isIP(name);
  if (version) {
    return INTERNAL.check(name, version === 4 ? 'ipv4' : 'ipv6');
  }
  return (
    name === 'localhost' || name.endsWith('.localhost') || !name.includes('.')
  );
}

function targetOf(image: string): Target {
  const ref = parseImageReference(image);
  if (ref.unresolved || ref.scratch || !ref.repository) {
    throw new InputError(
      `Image ${image} is not a reference the portal can look up in a registry`,
    );
  }
  const registry = (ref.registry ?? 'docker.io').toLowerCase();
  const tag = ref.tag ?? 'latest';
  if (DOCKER_HUB_HOSTS.includes(registry)) {
    // Docker Hub serves official images under library/.
    return {
      base: 'https://registry-1.docker.io',
      host: 'docker.io',
      name: ref.repository.includes('/')
        ? ref.repository
        : `library/${ref.repository}`,
      tag,
    };
  }
  // A registry on this machine speaks plain HTTP, as Docker allows.
  const local = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(registry);
  return {
    base: `${local ? 'http' : 'https'}://${registry}`,
    host: registry,
    name: ref.repository,
    tag,
  };
}

/**
 * The parameters of a `WWW-Authenticate` challenge of the given scheme
 * (`realm="…",service="…"`, read by auth-header), with their names in lower
 * case, or undefined.
 */
function challenge(
  header: string | null,
  scheme: string,
): Record<string, string> | undefined {
  if (!header) return undefined;
  let parsed: ReturnType<typeof parseAuthHeader>;
  try {
    parsed = parseAuthHeader(header);
  } catch {
    return undefined;
  }
  if (parsed.scheme.toLowerCase() !== scheme.toLowerCase()) return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.params)) {
    params[name.toLowerCase()] = Array.isArray(value) ? value[0] : value;
  }
  return params;
}

/**
 * Looks up the digest an image tag points at now, in the image's registry,
 * through the OCI Distribution API: `HEAD /v2/<name>/manifests/<tag>` and
 * its `Docker-Content-Digest`, after the Bearer token challenge (anonymous
 * unless `scaffolder.gitopsRegistries` has credentials for the registry).
 * Each request waits at most `scaffolder.gitopsRegistryTimeoutSeconds`
 * (default 10).
 */
export function createRegistryDigestResolver(options: {
  config: RootConfigService;
  logger: LoggerService;
}): DigestResolver {
  const { config, logger } = options;
  const credentials: RegistryCredentials[] = (
    config.getOptionalConfigArray('scaffolder.gitopsRegistries') ?? []
  ).map(c => ({
    host: c.getString('host').toLowerCase(),
    username: c.getOptionalString('username'),
    password: c.getOptionalString('password'),
  }));
  const timeoutSeconds =
    config.getOptionalNumber('scaffolder.gitopsRegistryTimeoutSeconds') ??
    DEFAULT_TIMEOUT_SECONDS;
  if (!(timeoutSeconds > 0)) {
    throw new InputError(
      `scaffolder.gitopsRegistryTimeoutSeconds must be a positive number, not ${timeoutSeconds}`,
    );
  }
  const fetchOrExplain = fetchReportingUnreachable();

  return async (image: string) => {
    const target = targetOf(image);
    const where = `${target.host}/${target.name}:${target.tag}`;
    if (
      isInternalRegistryHost(target.host) &&
      !credentials.some(c => c.host === target.host)
    ) {
      throw new NotAllowedError(
        `Image ${image}: ${target.host} is an address of the portal's own network; list it in scaffolder.gitopsRegistries to let the portal ask it`,
      );
    }
    const login = credentials.find(c =>
      target.host === 'docker.io'
        ? DOCKER_HUB_HOSTS.includes(c.host)
        : c.host === target.host,
    );
    const basic =
      login?.username !== undefined && login.password !== undefined
        ? `Basic ${Buffer.from(`${login.username}:${login.password}`).toString(
            'base64',
          )}`
        : undefined;

    async function request(url: string, init: RequestInit): Promise<Response> {
      const signal = AbortSignal.timeout(timeoutSeconds * 1000);
      try {
        return await fetchOrExplain(url, { ...init, signal });
      } catch (error) {
        if (signal.aborted) {
          throw new ServiceUnavailableError(
            `Image ${image}: ${
              new URL(url).host
            } did not answer within ${timeoutSeconds} s`,
          );
        }
        throw new ServiceUnavailableError(
          `Image ${image}: ${(error as Error).message}`,
        );
      }
    }

    async function token(params: Record<string, string>): Promise<string> {
      const realm = params.realm;
      let url: URL;
      try {
        url = new URL(realm ?? '');
      } catch {
        throw new ServiceUnavailableError(
          `Image ${image}: ${target.host} asked for a token without a valid realm`,
        );
      }
      if (url.protocol !== 'https:' && !target.base.startsWith('http:')) {
        throw new ServiceUnavailableError(
          `Image ${image}: ${target.host} asked for a token from ${url.origin}, which is not HTTPS`,
        );
      }
      if (params.service) url.searchParams.set('service', params.service);
      url.searchParams.set('scope', `repository:${target.name}:pull`);
      const response = await request(url.toString(), {
        headers: basic ? { authorization: basic } : {},
      });
      if (response.status === 401 || response.status === 403) {
        throw new AuthenticationError(
          `Image ${image}: ${url.host} refused a token for ${
            target.name
          } (HTTP ${response.status}); ${
            basic ? 'check the credentials' : 'configure credentials'
          } for ${target.host} in scaffolder.gitopsRegistries`,
        );
      }
      if (!response.ok) {
        throw new ServiceUnavailableError(
          `Image ${image}: ${url.host} answered HTTP ${response.status} to the token request`,
        );
      }
      const body = (await response.json().catch(() => undefined)) as
        | { token?: unknown; access_token?: unknown }
        | undefined;
      const value = body?.token ?? body?.access_token;
      if (typeof value !== 'string' || !value) {
        throw new ServiceUnavailableError(
          `Image ${image}: ${url.host} answered the token request without a token`,
        );
      }
      return value;
    }

    const manifestUrl = `${target.base}/v2/${
      target.name
    }/manifests/${encodeURIComponent(target.tag)}`;
    const manifest = (method: string, authorization?: string) =>
      request(manifestUrl, {
        method,
        headers: {
          accept: MANIFEST_TYPES,
          ...(authorization ? { authorization } : {}),
        },
      });

    logger.debug(`Looking up the digest of ${where}`);
    let authorization: string | undefined;
    let response = await manifest('HEAD');
    if (response.status === 401) {
      const header = response.headers.get('www-authenticate');
      const bearer = challenge(header, 'Bearer');
      if (bearer) {
        authorization = `Bearer ${await token(bearer)}`;
      } else if (challenge(header, 'Basic') && basic) {
        authorization = basic;
      }
      if (authorization) response = await manifest('HEAD', authorization);
    }
    if (response.status === 404) {
      throw new NotFoundError(
        `Image ${image}: ${target.host} has no tag ${target.tag} of ${target.name}`,
      );
    }
    if (response.status === 401) {
      throw new AuthenticationError(
        `Image ${image}: ${target.host} requires credentials to read ${
          target.name
        } (HTTP 401); ${
          basic ? 'check the credentials' : 'configure credentials'
        } for ${target.host} in scaffolder.gitopsRegistries`,
      );
    }
    if (response.status === 403) {
      throw new NotAllowedError(
        `Image ${image}: ${target.host} does not allow reading ${target.name} (HTTP 403)`,
      );
    }
    if (!response.ok) {
      throw new ServiceUnavailableError(
        `Image ${image}: ${target.host} answered HTTP ${response.status} for ${target.name}:${target.tag}`,
      );
    }
    let digest = response.headers.get('docker-content-digest') ?? undefined;
    if (!digest) {
      // A registry that leaves the header out of HEAD answers: the digest
      // is the sha256 of the manifest's bytes.
      const full = await manifest('GET', authorization);
      if (!full.ok) {
        throw new ServiceUnavailableError(
          `Image ${image}: ${target.host} answered HTTP ${full.status} for ${target.name}:${target.tag}`,
        );
      }
      digest =
        full.headers.get('docker-content-digest') ??
        `sha256:${createHash('sha256')
          .update(Buffer.from(await full.arrayBuffer()))
          .digest('hex')}`;
    }
    if (!DIGEST.test(digest)) {
      throw new ServiceUnavailableError(
        `Image ${image}: ${target.host} answered with a digest the portal does not pin (${digest})`,
      );
    }
    logger.info(`The tag ${where} points at ${digest}`);
    return digest;
  };
}
