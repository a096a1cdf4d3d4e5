/** The service's settings, from the environment (see deploy/base). */
export interface Config {
  serviceName: string;
  port: number;
  topic: string;
  deadLetterTopic: string;
  /** Kafka brokers or NATS servers, comma-separated in the environment. */
  servers: string[];
  /** Kafka consumer group or NATS durable consumer. */
  consumerGroup: string;
  /** The JetStream stream that holds the topic (NATS only). */
  stream: string;
  maxAttempts: number;
  idempotency: { maxEntries: number; ttlMs: number };
}

function positiveInt(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const topic = required(env, 'EVENT_TOPIC');
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? 'event-driven-service',
    port: positiveInt(env, 'PORT', 8080),
    topic,
    deadLetterTopic: env.EVENT_DEAD_LETTER_TOPIC || `${topic}.dlq`,
    servers: required(env, 'EVENT_BUS_SERVERS')
      .split(',')
      .map(s => s.trim())
      .filter(Boolean),
    consumerGroup: required(env, 'EVENT_CONSUMER_GROUP'),
    stream: env.EVENT_STREAM || topic,
    maxAttempts: positiveInt(env, 'EVENT_MAX_ATTEMPTS', 5),
    idempotency: {
      maxEntries: positiveInt(env, 'IDEMPOTENCY_MAX_ENTRIES', 100_000),
      ttlMs: positiveInt(env, 'IDEMPOTENCY_TTL_SECONDS', 24 * 3600) * 1000,
    },
  };
}
