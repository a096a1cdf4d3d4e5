import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import {
  durationToMilliseconds,
  HumanDuration,
  JsonObject,
} from '@backstage/types';

/**
 * The cycle when `maturity.schedule` is not set. No initial delay: the plugin
 * starts the first cycle at startup, and the new-entity scan scores what the
 * catalog ingests after it.
 */
export const DEFAULT_MATURITY_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 30 },
    timeout: { minutes: 20 },
  };

/** The scheduler task of the full cycle. */
export const CYCLE_TASK_ID = 'maturity-evaluate-all';
/** The scheduler task that scores entities registered between two cycles. */
export const NEW_ENTITY_SCAN_TASK_ID = 'maturity-score-new-entities';

/** How entities registered between two cycles are scored. */
export interface NewEntityScan {
  /** False when `maturity.newEntities.enabled` is false. */
  enabled: boolean;
  /** How often the catalog is compared with the stored scores. */
  frequency: HumanDuration;
  /**
   * At most this many unscored entities are scored one by one per scan; when
   * there are more, the scan starts the full cycle instead.
   */
  maxPerScan: number;
}

/**
 * How long one scan may hold its lock: a replica that dies mid-scan delays
 * the scans of the others by at most this long.
 */
export const NEW_ENTITY_SCAN_TIMEOUT: HumanDuration = { seconds: 30 };

/** `maturity.newEntities` when it is not set. */
export const DEFAULT_NEW_ENTITY_SCAN: NewEntityScan = {
  enabled: true,
  frequency: { seconds: 10 },
  maxPerScan: 20,
};

const NEW_ENTITIES_KEY = 'maturity.newEntities';

/**
 * Reads `maturity.newEntities`. The frequency must be between 1 second and
 * 5 minutes, so that a new entity is scored soon and the catalog is not
 * listed many times a second.
 */
export function readNewEntityScan(config: Config): NewEntityScan {
  const section = config.getOptionalConfig(NEW_ENTITIES_KEY);
  if (!section) return DEFAULT_NEW_ENTITY_SCAN;
  const frequency = section.has('frequency')
    ? readDurationFromConfig(section, { key: 'frequency' })
    : DEFAULT_NEW_ENTITY_SCAN.frequency;
  const frequencyMs = durationToMilliseconds(frequency);
  if (!(frequencyMs >= 1000 && frequencyMs <= 300_000)) {
    throw new Error(
      `${NEW_ENTITIES_KEY}.frequency must be between 1 second and 5 minutes, got ${
        frequencyMs / 1000
      } s`,
    );
  }
  const maxPerScan =
    section.getOptionalNumber('maxPerScan') ??
    DEFAULT_NEW_ENTITY_SCAN.maxPerScan;
  if (!Number.isInteger(maxPerScan) || maxPerScan < 1 || maxPerScan > 500) {
    throw new Error(
      `${NEW_ENTITIES_KEY}.maxPerScan must be a whole number from 1 to 500, got ${maxPerScan}`,
    );
  }
  return {
    enabled: section.getOptionalBoolean('enabled') ?? true,
    frequency,
    maxPerScan,
  };
}

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

/** How the cycle is split across replicas (`maturity.sharding`). */
export interface CycleSharding {
  /** How many shards a cycle has; each replica claims one at a time. */
  shards: number;
  /** How long a claim on a shard lasts unless its replica renews it. */
  leaseMs: number;
  /** How often each replica looks for unclaimed shards of a running cycle. */
  pollInterval: HumanDuration;
}

/** `maturity.sharding` when it is not set: one shard, as one replica needs. */
export const DEFAULT_CYCLE_SHARDING: CycleSharding = {
  shards: 1,
  leaseMs: 60_000,
  pollInterval: { seconds: 5 },
};

/** The scheduler task (local to each replica) that joins a running cycle. */
export const SHARD_POLL_TASK_ID = 'maturity-cycle-shards';

const SHARDING_KEY = 'maturity.sharding';

function readBoundedDuration(
  section: Config,
  key: string,
  fallback: HumanDuration,
  [minMs, maxMs]: [number, number],
  bounds: string,
): HumanDuration {
  if (!section.has(key)) return fallback;
  const duration = readDurationFromConfig(section, { key });
  const ms = durationToMilliseconds(duration);
  if (!(ms >= minMs && ms <= maxMs)) {
    throw new Error(
      `${SHARDING_KEY}.${key} must be between ${bounds}, got ${ms / 1000} s`,
    );
  }
  return duration;
}

/**
 * Reads `maturity.sharding`: from 1 to 4096 shards, a lease between 1 second
 * and 1 hour, a poll interval between 1 second and 5 minutes.
 */
export function readCycleSharding(config: Config): CycleSharding {
  const section = config.getOptionalConfig(SHARDING_KEY);
  if (!section) return DEFAULT_CYCLE_SHARDING;
  const shards =
    section.getOptionalNumber('shards') ?? DEFAULT_CYCLE_SHARDING.shards;
  if (!Number.isInteger(shards) || shards < 1 || shards > 4096) {
    throw new Error(
      `${SHARDING_KEY}.shards must be a whole number from 1 to 4096, got ${shards}`,
    );
  }
  const lease = readBoundedDuration(
    section,
    'leaseDuration',
    { milliseconds: DEFAULT_CYCLE_SHARDING.leaseMs },
    [1000, 3_600_000],
    '1 second and 1 hour',
  );
  const pollInterval = readBoundedDuration(
    section,
    'pollInterval',
    DEFAULT_CYCLE_SHARDING.pollInterval,
    [1000, 300_000],
    '1 second and 5 minutes',
  );
  return { shards, leaseMs: durationToMilliseconds(lease), pollInterval };
}

/**
 * A scheduled run starts no cycle when one started less than this long ago
 * (on demand, or at startup): half the frequency, or half the timeout with a
 * cron frequency.
 */
export function scheduledCycleGapMs(
  schedule: SchedulerServiceTaskScheduleDefinition,
): number {
  const frequency = schedule.frequency;
  return (
    (isHumanDuration(frequency)
      ? durationToMilliseconds(frequency)
      : durationToMilliseconds(schedule.timeout as HumanDuration)) / 2
  );
}
