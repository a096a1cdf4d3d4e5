import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { CloudEvent, HTTP } from 'cloudevents';
import { EventMetrics } from './metrics';

export interface AppOptions {
  metrics: EventMetrics;
  isReady?: () => boolean;
  /** Publishes an event on the service's topic; set once the bus is up. */
  publish?: (event: CloudEvent<unknown>) => Promise<void>;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes?: number;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(`body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Health, readiness and metrics, and `POST /events`: a CloudEvent in the
 * HTTP binding (binary or structured) that the service publishes on its topic.
 */
export function createApp(options: AppOptions): Server {
  const { metrics } = options;
  const isReady = options.isReady ?? (() => true);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    type = 'application/json',
  ) => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const route = (req.url ?? '/').split('?')[0];
    if (route === '/healthz/live') return send(res, 200, { status: 'ok' });
    if (route === '/healthz/ready') {
      return isReady()
        ? send(res, 200, { status: 'ready' })
        : send(res, 503, { status: 'starting' });
    }
    if (route === '/metrics') {
      return send(
        res,
        200,
        await metrics.registry.metrics(),
        metrics.registry.contentType,
      );
    }
    if (route === '/events') {
      if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
      if (!options.publish || !isReady()) {
        return send(res, 503, { error: 'the event bus is not connected' });
      }
      let event: CloudEvent<unknown>;
      try {
        const body = await readBody(req, maxBodyBytes);
        const parsed = HTTP.toEvent({ headers: req.headers, body });
        if (Array.isArray(parsed)) {
          return send(res, 400, { error: 'send one event, not a batch' });
        }
        event = parsed as CloudEvent<unknown>;
      } catch (error) {
        const status = error instanceof BodyTooLarge ? 413 : 400;
        return send(res, status, {
          error: `not a CloudEvent: ${(error as Error).message}`,
        });
      }
      try {
        await options.publish(event);
        metrics.published.inc({ type: event.type });
        return send(res, 202, { id: event.id, source: event.source });
      } catch (error) {
        return send(res, 502, {
          error: `publish failed: ${(error as Error).message}`,
        });
      }
    }
    return send(res, 404, { error: 'not found' });
  });
}
