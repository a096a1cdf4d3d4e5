import { CloudEvent } from 'cloudevents';

/** Called for a message that is not a CloudEvent (already dead-lettered). */
export type InvalidMessageHandler = (reason: string) => void;

/** The bus the service publishes to and consumes from (see src/bus.ts). */
export interface EventBus {
  isHealthy(): boolean;
  /** Publishes an event on a topic (Kafka) or subject (NATS). */
  publish(topic: string, event: CloudEvent<unknown>): Promise<void>;
  /**
   * Consumes the service's topic. `onEvent` resolving settles the message;
   * throwing leaves it to be redelivered.
   */
  consume(
    onEvent: (event: CloudEvent<unknown>) => Promise<void>,
    onInvalid?: InvalidMessageHandler,
  ): Promise<void>;
  close(): Promise<void>;
}
