import {
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Config, readDurationFromConfig } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { noDimensionEvaluated } from '@cloud-native-portal/plugin-maturity-common';
import { DateTime } from 'luxon';
import { MaturityStore } from '../database/MaturityStore';
import { campaignProgress } from '../service/aggregates';
import { FleetStore } from './FleetStore';
import { nudgeTeams, TeamNudge } from './nudges';

/** The notification topic of the weekly digest (mutable by users). */
export const DIGEST_TOPIC = 'maturity-digest';
/** The scheduler task that sends the digest. */
export const DIGEST_TASK_ID = 'maturity-nudges-digest';

/** `maturity.nudges`, with its defaults. */
export interface NudgeSettings {
  regressions: { enabled: boolean };
  digest: {
    enabled: boolean;
    frequency: SchedulerServiceTaskScheduleDefinition['frequency'];
  };
}

/** Reads `maturity.nudges`: both nudges are on, the digest weekly. */
export function readNudgeSettings(config: Config): NudgeSettings {
  const digest = config.getOptionalConfig('maturity.nudges.digest');
  const cron = digest?.getOptionalString('frequency.cron');
  let frequency: NudgeSettings['digest']['frequency'] = { days: 7 };
  if (cron) frequency = { cron };
  else if (digest?.has('frequency')) {
    frequency = readDurationFromConfig(digest, { key: 'frequency' });
  }
  return {
    regressions: {
      enabled:
        config.getOptionalBoolean('maturity.nudges.regressions.enabled') ??
        true,
    },
    digest: {
      enabled: digest?.getOptionalBoolean('enabled') ?? true,
      frequency,
    },
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const nameOf = (ref: string) => parseEntityRef(ref).name;
/** Services named among those failing the most checks. */
const TOP_FAILING = 3;
/** Open fixes and campaigns named; the rest are counted. */
const MAX_LISTED = 5;

function listed(items: string[], what: string): string {
  const shown = items.slice(0, MAX_LISTED).join('; ');
  return items.length > MAX_LISTED
    ? `${shown} and ${plural(items.length - MAX_LISTED, what)} more`
    : shown;
}

/** What one team's digest says. */
interface TeamDigest {
  entityRefs: string[];
  /** The sum of the evaluated services' levels, and how many they are. */
  levelSum: number;
  evaluated: number;
  failingMost: Array<{ entityRef: string; failing: number }>;
  openFixes: string[];
  campaigns: string[];
}

/**
 * Sends each owning team with scored services one digest: its services and
 * their average level, the ones failing the most checks, the fix pull
 * requests still open for them (their check still fails or is unknown), and
 * the campaigns they are still short of. A team with nothing failing, no
 * open fix and no campaign to meet gets none. The scope names the ISO week,
 * so sending again in the same week updates the team's digest. A handful of
 * queries in all, none per service. Returns the teams told.
 */
export async function sendDigests(options: {
  store: MaturityStore;
  fleetStore: FleetStore;
  notifications: NotificationService;
  logger: LoggerService;
  checkTitle: (checkId: string) => string;
  now?: Date;
}): Promise<TeamNudge[]> {
  const { store, checkTitle } = options;
  const now = options.now ?? new Date();
  const scores = (await store.listAllEntityScores({})).filter(s => s.ownerRef);
  if (scores.length === 0) return [];
  const owner = new Map(scores.map(s => [s.entityRef, s.ownerRef!]));
  const lists = await store.getCheckLists([...owner.keys()]);

  const digests = new Map<string, TeamDigest>();
  const digestOf = (team: string) => {
    let d = digests.get(team);
    if (!d) {
      d = {
        entityRefs: [],
        levelSum: 0,
        evaluated: 0,
        failingMost: [],
        openFixes: [],
        campaigns: [],
      };
      digests.set(team, d);
    }
    return d;
  };
  for (const s of scores) {
    const d = digestOf(s.ownerRef!);
    d.entityRefs.push(s.entityRef);
    // Nothing measured: its level 1 stands for nothing.
    if (!noDimensionEvaluated(s.dimensions)) {
      d.levelSum += s.level;
      d.evaluated++;
    }
    const failing = lists.get(s.entityRef)?.failing.length ?? 0;
    if (failing > 0) d.failingMost.push({ entityRef: s.entityRef, failing });
  }

  for (const fix of await options.fleetStore.openFixes()) {
    const team = owner.get(fix.entityRef);
    const still = lists.get(fix.entityRef);
    // A fix whose check passes now was merged (or is no longer needed).
    if (
      !team ||
      !still ||
      !(
        still.failing.includes(fix.checkId) ||
        still.unknown.includes(fix.checkId)
      )
    ) {
      continue;
    }
    const where = fix.pullRequestUrl ?? (fix.branch && `branch ${fix.branch}`);
    digestOf(team).openFixes.push(
      `${nameOf(fix.entityRef)}: ${checkTitle(fix.checkId)}${
        where ? ` (${where})` : ''
      }`,
    );
  }

  for (const campaign of await store.listCampaigns()) {
    const { entitiesShort } = await campaignProgress(
      store,
      campaign,
      undefined,
      {
        now,
      },
    );
    const short = new Map<string, number>();
    for (const e of entitiesShort) {
      if (e.ownerRef && owner.has(e.entityRef)) {
        short.set(e.ownerRef, (short.get(e.ownerRef) ?? 0) + 1);
      }
    }
    for (const [team, count] of short) {
      digestOf(team).campaigns.push(
        `"${campaign.title}": ${plural(count, 'service')} to bring to level ${
          campaign.targetLevel
        } by ${campaign.deadline}`,
      );
    }
  }

  const week = DateTime.fromJSDate(now, { zone: 'utc' }).toFormat("kkkk-'W'WW");
  const told: TeamNudge[] = [];
  for (const [team, d] of [...digests].sort(([a], [b]) => a.localeCompare(b))) {
    if (!d.failingMost.length && !d.openFixes.length && !d.campaigns.length) {
      continue;
    }
    const notEvaluated = d.entityRefs.length - d.evaluated;
    const average = d.evaluated
      ? `average level ${Math.round((d.levelSum / d.evaluated) * 10) / 10}${
          notEvaluated ? ` (${notEvaluated} not evaluated)` : ''
        }`
      : 'none evaluated yet';
    const top = d.failingMost
      .sort(
        (a, b) =>
          b.failing - a.failing || a.entityRef.localeCompare(b.entityRef),
      )
      .slice(0, TOP_FAILING);
    const parts = [
      top.length
        ? `Failing the most checks: ${top
            .map(t => `${nameOf(t.entityRef)} (${t.failing})`)
            .join(', ')}.`
        : '',
      d.openFixes.length
        ? `Fixes still open: ${listed(d.openFixes, 'fix')}.`
        : '',
      d.campaigns.length
        ? `Campaigns: ${listed(d.campaigns, 'campaign')}.`
        : '',
    ];
    told.push(
      ...(await nudgeTeams({
        notifications: options.notifications,
        logger: options.logger,
        teams: [{ owner: team, entityRefs: d.entityRefs }],
        message: () => ({
          title: `Maturity this week: ${plural(
            d.entityRefs.length,
            'service',
          )}, ${average}`,
          description: parts.filter(Boolean).join(' '),
          link: '/maturity',
        }),
        topic: DIGEST_TOPIC,
        scope: `${DIGEST_TOPIC}:${team}:${week}`,
      })),
    );
  }
  return told;
}
