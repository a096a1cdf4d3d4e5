import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';
import {
  durationToMilliseconds,
  HumanDuration,
  JsonObject,
} from '@backstage/types';

/** The cycle when `maturity.schedule` is not set. */
export const DEFAULT_MATURITY_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 30 },
    timeout: { minutes: 20 },
    initialDelay: { seconds: 30 },
  };

const KEY = 'maturity.schedule';

function isHumanDuration(
  frequency: SchedulerServiceTaskScheduleDefinition['frequency'],
): frequency is HumanDuration {
  return !('cron' in frequency) && !('trigger' in frequency);
}

/**
 * Reads `maturity.schedule`. The cycle runs as a global task: the replica
 * that claims it holds its lock in the database until the run ends, or, when
 * that replica dies mid-cycle, until the run's `timeout` has passed (the
 * scheduler's janitor then frees it). So the timeout may not exceed the
 * frequency, and defaults to it: a dead replica blocks the others for one
 * cycle at most. A cron frequency needs an explicit timeout, no longer than
 * the time between two runs.
 */
export function readMaturitySchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  if (!config.has(KEY)) return DEFAULT_MATURITY_SCHEDULE;
  let section = config.getConfig(KEY);
  const frequency = readSchedulerServiceTaskScheduleDefinitionFromConfig(
    new ConfigReader({ ...section.get<JsonObject>(), timeout: 'PT1S' }, KEY),
  ).frequency;
  if (!section.has('timeout')) {
    if (!isHumanDuration(frequency)) {
      throw new Error(
        `${KEY}.timeout is required when ${KEY}.frequency is a cron expression or a manual trigger`,
      );
    }
    section = new ConfigReader(
      { ...section.get<JsonObject>(), timeout: section.get('frequency') },
      KEY,
    );
  }
  const schedule =
    readSchedulerServiceTaskScheduleDefinitionFromConfig(section);
  const timeoutMs = durationToMilliseconds(schedule.timeout as HumanDuration);
  if (!(timeoutMs > 0)) {
    throw new Error(`${KEY}.timeout must be longer than zero`);
  }
  if (isHumanDuration(frequency)) {
    const frequencyMs = durationToMilliseconds(frequency);
    if (timeoutMs > frequencyMs) {
      throw new Error(
        `${KEY}.timeout (${
          timeoutMs / 1000
        } s) may not be longer than ${KEY}.frequency (${
          frequencyMs / 1000
        } s): a replica that dies mid-cycle would hold the cycle's lock for longer than one cycle. Leave the timeout out to use the frequency.`,
      );
    }
  }
  // The cycle is always global: one replica runs it at a time.
  return {
    frequency: schedule.frequency,
    timeout: schedule.timeout,
    initialDelay: schedule.initialDelay,
  };
}
