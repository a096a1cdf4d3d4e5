import { connectBus } from './bus';
import { createApp } from './app';
import { loadConfig } from './config';
import { handleEvent } from './handler';
import { InMemoryIdempotencyStore } from './idempotency';
import { createMetrics } from './metrics';
import { EventProcessor } from './processor';
import { withTraceContext } from './telemetry';

const log = (
  level: string,
  msg: string,
  fields: Record<string, unknown> = {},
) =>
  // Logs go to stdout as JSON, for the cluster's log pipeline.
  console.log(JSON.stringify({ level, msg, ...fields }));

async function main() {
  const config = loadConfig();
  const metrics = createMetrics();
  const bus = await connectBus(config);
  const processor = new EventProcessor({
    handler: handleEvent,
    store: new InMemoryIdempotencyStore(config.idempotency),
    deadLetter: event => bus.publish(config.deadLetterTopic, event),
    metrics,
    maxAttempts: config.maxAttempts,
  });
  let draining = false;
  const server = createApp({
    metrics,
    isReady: () => !draining && bus.isHealthy(),
    publish: event => bus.publish(config.topic, withTraceContext(event)),
  });
  await bus.consume(
    async event => {
      const outcome = await processor.process(event);
      if (outcome === 'dead-lettered') {
        log('warn', 'event dead-lettered', {
          id: event.id,
          source: event.source,
          topic: config.deadLetterTopic,
        });
      }
    },
    reason => {
      metrics.deadLettered.inc({ type: 'invalid' });
      log('warn', 'invalid message dead-lettered', { reason });
    },
  );
  server.listen(config.port, () =>
    log('info', 'listening', { port: config.port, topic: config.topic }),
  );

  // Stop taking traffic, finish the event in hand, then leave.
  process.on('SIGTERM', () => {
    draining = true;
    server.close();
    bus.close().then(
      () => process.exit(0),
      error => {
        log('error', 'shutdown failed', { error: (error as Error).message });
        process.exit(1);
      },
    );
  });
}

main().catch(error => {
  log('error', 'startup failed', { error: (error as Error).message });
  process.exit(1);
});
