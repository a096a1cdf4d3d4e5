import {
  collectDefaultMetrics,
  Counter,
  Histogram,
  Registry,
} from 'prom-client';

/** The service's Prometheus metrics, served on /metrics. */
export interface EventMetrics {
  registry: Registry;
  processed: Counter<'type'>;
  failed: Counter<'type'>;
  deadLettered: Counter<'type'>;
  duplicates: Counter<'type'>;
  published: Counter<'type'>;
  duration: Histogram<'type'>;
}

export function createMetrics(
  options: { defaultMetrics?: boolean } = {},
): EventMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
  }
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['type'], registers: [registry] });
  return {
    registry,
    processed: counter('events_processed_total', 'Events handled successfully'),
    failed: counter(
      'events_failed_total',
      'Handling attempts that threw (each retry counts)',
    ),
    deadLettered: counter(
      'events_dead_lettered_total',
      'Events sent to the dead-letter topic after the last attempt',
    ),
    duplicates: counter(
      'events_duplicates_total',
      'Deliveries skipped because the event (source, id) was already handled',
    ),
    published: counter('events_published_total', 'Events published'),
    duration: new Histogram({
      name: 'event_handling_duration_seconds',
      help: 'Time to handle one event, retries included',
      labelNames: ['type'],
      registers: [registry],
    }),
  };
}
