import { CloudEvent } from 'cloudevents';

/**
 * The service's domain logic: react to one event. Throw to have the event
 * retried (and dead-lettered after the last attempt). Keep it idempotent
 * where it can be, too: the dedupe store forgets events after its TTL.
 */
export async function handleEvent(
  event: CloudEvent<unknown>,
  signal: AbortSignal,
): Promise<void> {
  // Pass `signal` to outbound calls (fetch, database clients) so an attempt
  // that times out stops its work.
  signal.throwIfAborted();
  if (event.data === undefined && event.data_base64 === undefined) {
    throw new Error(`event ${event.type} has no data`);
  }
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'event handled',
      type: event.type,
      id: event.id,
      source: event.source,
    }),
  );
}
