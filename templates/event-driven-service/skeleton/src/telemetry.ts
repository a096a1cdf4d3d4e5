// Trace context travels inside the event, as the CloudEvents distributed
// tracing extension (`traceparent`, `tracestate`), so a trace follows an
// event across the bus and through the dead-letter topic.
import {
  context,
  Context,
  propagation,
  ROOT_CONTEXT,
  trace,
  Tracer,
} from '@opentelemetry/api';
import { CloudEvent } from 'cloudevents';

export const tracer: Tracer = trace.getTracer('event-driven-service');

/** A copy of the event carrying the active (or given) trace context. */
export function withTraceContext<T>(
  event: CloudEvent<T>,
  ctx: Context = context.active(),
): CloudEvent<T> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const extensions: Record<string, string> = {};
  if (carrier.traceparent) extensions.traceparent = carrier.traceparent;
  if (carrier.tracestate) extensions.tracestate = carrier.tracestate;
  return Object.keys(extensions).length
    ? (event.cloneWith(extensions) as CloudEvent<T>)
    : event;
}

/** The trace context an event carries; the root context when it has none. */
export function traceContextOf(event: CloudEvent<unknown>): Context {
  const carrier: Record<string, string> = {};
  for (const key of ['traceparent', 'tracestate']) {
    const value = event[key];
    if (typeof value === 'string') carrier[key] = value;
  }
  return propagation.extract(ROOT_CONTEXT, carrier);
}
