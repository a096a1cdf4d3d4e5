import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { CloudEvent, HTTP } from 'cloudevents';
import {
  collectDefaultMetrics,
  Counter,
  Histogram,
  Registry,
} from 'prom-client';
import { ACCEPTED_TYPES, handle, InvalidEventError } from './handler';
import { routeOf } from './routes';

/** Bodies above this are refused (413) before they are parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppOptions {
  /** The event handler; defaults to the function's own. */
  handler?: (event: CloudEvent<unknown>) => Promise<void>;
  /** The CloudEvent types accepted; defaults to the function's own. */
  acceptedTypes?: ReadonlySet<string>;
  isReady?: () => boolean;
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError(`body over ${MAX_BODY_BYTES} bytes`));
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
 * The function's HTTP server: CloudEvents (binary or structured mode) on
 * `POST /`, health, readiness and Prometheus metrics. A 2xx tells the broker
 * the event is done; 400 and 413 are final; 500 makes the broker retry.
 */
export function createApp(options: AppOptions = {}): Server {
  const handler = options.handler ?? handle;
  const acceptedTypes = options.acceptedTypes ?? ACCEPTED_TYPES;
  const isReady = options.isReady ?? (() => true);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const events = new Counter({
    name: 'cloudevents_handled_total',
    help: 'CloudEvents by type and outcome (ok, rejected, failed)',
    labelNames: ['type', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'cloudevent_handling_duration_seconds',
    help: 'Time spent handling one CloudEvent',
    labelNames: ['type'],
    registers: [registry],
  });

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    type = 'application/json',
  ) => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  async function receive(req: IncomingMessage, res: ServerResponse) {
    let event: CloudEvent<unknown>;
    try {
      const received = HTTP.toEvent<unknown>({
        headers: req.headers,
        body: await readBody(req),
      });
      if (Array.isArray(received)) {
        events.inc({ type: 'batch', outcome: 'rejected' });
        return send(res, 400, {
          error: 'batched CloudEvents are not accepted',
        });
      }
      event = received as CloudEvent<unknown>;
    } catch (e) {
      if (e instanceof BodyTooLargeError)
        return send(res, 413, { error: e.message });
      events.inc({ type: 'unknown', outcome: 'rejected' });
      return send(res, 400, {
        error: `not a CloudEvent: ${(e as Error).message}`,
      });
    }
    if (!acceptedTypes.has(event.type)) {
      events.inc({ type: 'unknown', outcome: 'rejected' });
      return send(res, 400, {
        error: `event type ${event.type} is not handled here`,
      });
    }
    const end = duration.startTimer({ type: event.type });
    try {
      await handler(event);
      events.inc({ type: event.type, outcome: 'ok' });
      return send(res, 202, { id: event.id, status: 'accepted' });
    } catch (e) {
      const invalid = e instanceof InvalidEventError;
      events.inc({
        type: event.type,
        outcome: invalid ? 'rejected' : 'failed',
      });
      console.error(
        JSON.stringify({
          level: 'error',
          msg: 'event failed',
          id: event.id,
          type: event.type,
          error: (e as Error).message,
        }),
      );
      return invalid
        ? send(res, 400, { id: event.id, error: (e as Error).message })
        : send(res, 500, {
            id: event.id,
            error: 'handler failed; the broker retries',
          });
    } finally {
      end();
    }
  }

  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    // Labelled by route template, so unknown paths share one series.
    const route = routeOf(path);
    res.on('finish', () =>
      requests.inc({ route, status: String(res.statusCode) }),
    );
    if (route === '/healthz/live') return send(res, 200, { status: 'ok' });
    if (route === '/healthz/ready') {
      return isReady()
        ? send(res, 200, { status: 'ready' })
        : send(res, 503, { status: 'starting' });
    }
    if (route === '/metrics')
      return send(res, 200, await registry.metrics(), registry.contentType);
    if (route === '/' && req.method === 'POST') return receive(req, res);
    if (route === '/')
      return send(res, 405, { error: 'POST CloudEvents to /' });
    return send(res, 404, { error: 'not found' });
  });
}
