import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { AddressInfo, createServer } from 'node:net';
import {
  GithubClients,
  githubClientsFromIntegrations,
} from '@cloud-native-portal/plugin-maturity-node';

/** The token of the test integration; it must never appear in a fact. */
export const TEST_TOKEN = 'ghp_testtokenthatmustnotleak000000000000';

/** GitHub clients for tests: github.com (or `apiBaseUrl`), waits shortened. */
export function testGithubClients(apiBaseUrl?: string): {
  github: GithubClients;
  logger: RecordingLogger;
} {
  const logger = recordingLogger();
  const integrations = ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        github: [
          {
            host: 'github.com',
            token: TEST_TOKEN,
            ...(apiBaseUrl ? { apiBaseUrl } : {}),
          },
        ],
      },
    }),
  );
  return {
    logger,
    github: githubClientsFromIntegrations({
      integrations,
      configuredHosts: ['github.com'],
      logger,
      // A second of Retry-After or backoff lasts a millisecond here.
      retryAfterBaseValue: 1,
    }),
  };
}

/** A logger that keeps its messages. */
export type RecordingLogger = LoggerService & { messages: string[] };

/** A logger that keeps its messages, for assertions on what was logged. */
export function recordingLogger(): RecordingLogger {
  const messages: string[] = [];
  const logger: RecordingLogger = {
    messages,
    error: m => void messages.push(m),
    warn: m => void messages.push(m),
    info: m => void messages.push(m),
    debug: m => void messages.push(m),
    child: () => logger,
  };
  return logger;
}

/** A 40-hex sha made from a short name. */
export function sha(name: string): string {
  return Buffer.from(name).toString('hex').padEnd(40, '0').slice(0, 40);
}

/** A local port that nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise(done => server.close(done));
  return port;
}

/** A Link header as GitHub sends it for page `page` of `last`. */
export function linkHeader(url: string, page: number, last: number): string {
  const at = (n: number) => {
    const u = new URL(url);
    u.searchParams.set('page', String(n));
    return u.toString();
  };
  const links: string[] = [];
  if (page < last) links.push(`<${at(page + 1)}>; rel="next"`);
  links.push(`<${at(last)}>; rel="last"`);
  return links.join(', ');
}
