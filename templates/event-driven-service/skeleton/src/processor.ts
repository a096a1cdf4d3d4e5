import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { CloudEvent } from 'cloudevents';
import { timeout, TimeoutPolicy, TimeoutStrategy } from 'cockatiel';
import { eventKey, IdempotencyStore } from './idempotency';
import { EventMetrics } from './metrics';
import { traceContextOf, tracer, withTraceContext } from './telemetry';

/**
 * Handles one event; throws to have it retried. The signal aborts when the
 * attempt times out: pass it on to the calls the handler makes.
 */
export type EventHandler = (
  event: CloudEvent<unknown>,
  signal: AbortSignal,
) => Promise<void>;

/** Sends an event that failed every attempt to the dead-letter topic. */
export type DeadLetterPublisher = (event: CloudEvent<unknown>) => Promise<void>;

export type ProcessOutcome = 'processed' | 'duplicate' | 'dead-lettered';

export interface EventProcessorOptions {
  handler: EventHandler;
  store: IdempotencyStore;
  deadLetter: DeadLetterPublisher;
  metrics: EventMetrics;
  /** Attempts before the event is dead-lettered (1 means no retry). */
  maxAttempts: number;
  /** Time one attempt may take before it counts as failed (default 30 s). */
  attemptTimeoutMs?: number;
  /** Delay before attempt n+1, in milliseconds; exponential by default. */
  backoffMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultBackoff = (attempt: number) =>
  Math.min(30_000, 200 * 2 ** (attempt - 1));

/**
 * Idempotent, retrying event handling. A delivery of an event already handled
 * (same source and id) is skipped. A handler that keeps failing is retried
 * `maxAttempts` times, then the event goes to the dead-letter topic with the
 * reason and the attempt count as extensions. If even the dead-letter publish
 * fails, `process` throws and the claim is released, so the bus redelivers
 * the event instead of losing it.
 */
export class EventProcessor {
  private readonly backoffMs: (attempt: number) => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly attemptTimeout: TimeoutPolicy;
  private readonly attemptTimeoutMs: number;

  constructor(private readonly options: EventProcessorOptions) {
    if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
      throw new RangeError('maxAttempts must be a positive integer');
    }
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 30_000;
    if (!(this.attemptTimeoutMs > 0)) {
      throw new RangeError('attemptTimeoutMs must be positive');
    }
    // Aggressive: a handler that ignores the signal still stops holding the
    // partition once its time is up.
    this.attemptTimeout = timeout(
      this.attemptTimeoutMs,
      TimeoutStrategy.Aggressive,
    );
    this.backoffMs = options.backoffMs ?? defaultBackoff;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  async process(event: CloudEvent<unknown>): Promise<ProcessOutcome> {
    const { store, metrics, handler, maxAttempts } = this.options;
    const labels = { type: event.type };
    const key = eventKey(event);
    if (!store.claim(key)) {
      metrics.duplicates.inc(labels);
      return 'duplicate';
    }
    return tracer.startActiveSpan(
      `process ${event.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.message.id': event.id,
          'cloudevents.event_id': event.id,
          'cloudevents.event_source': event.source,
          'cloudevents.event_type': event.type,
        },
      },
      traceContextOf(event),
      async span => {
        const end = metrics.duration.startTimer(labels);
        try {
          let lastError: unknown;
          for (let attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
              await this.attemptTimeout.execute((_ctx, signal) =>
                handler(event, signal),
              );
              store.complete(key);
              metrics.processed.inc(labels);
              return 'processed';
            } catch (error) {
              lastError = error;
              metrics.failed.inc(labels);
              span.recordException(lastError as Error);
              if (attempt < maxAttempts) {
                await this.sleep(this.backoffMs(attempt));
              }
            }
          }
          const reason =
            lastError instanceof Error ? lastError.message : String(lastError);
          // The dead letter carries this span's context, so its trace
          // continues wherever it is replayed from.
          const dead = withTraceContext(
            event.cloneWith({
              deadletterreason: reason.slice(0, 1024) || 'unknown error',
              deadletterattempts: maxAttempts,
            }),
            trace.setSpan(traceContextOf(event), span),
          );
          try {
            await this.options.deadLetter(dead);
          } catch (error) {
            store.release(key);
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw new Error(
              `event ${event.id} from ${
                event.source
              } failed ${maxAttempts} time(s) and could not be dead-lettered: ${
                (error as Error).message
              }`,
            );
          }
          store.complete(key);
          metrics.deadLettered.inc(labels);
          span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
          return 'dead-lettered';
        } finally {
          end();
          span.end();
        }
      },
    );
  }
}
