import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';

/** One team's services, for one notification. */
export interface TeamNudge {
  /** The owning group's ref. */
  owner: string;
  /** The services it concerns, as entity refs. */
  entityRefs: string[];
}

/** The services named by their names, the first `max` of them. */
export function serviceNames(entityRefs: string[], max = 10): string {
  const names = entityRefs.map(r => parseEntityRef(r).name);
  return names.length > max
    ? `${names.slice(0, max).join(', ')} and ${names.length - max} more`
    : names.join(', ');
}

/** Groups services by owner; those without an owner are counted apart. */
export function byOwner(
  items: Array<{ entityRef: string; ownerRef?: string }>,
): { teams: TeamNudge[]; unowned: number } {
  const teams = new Map<string, string[]>();
  let unowned = 0;
  for (const item of items) {
    if (!item.ownerRef) {
      unowned += 1;
      continue;
    }
    teams.set(item.ownerRef, [
      ...(teams.get(item.ownerRef) ?? []),
      item.entityRef,
    ]);
  }
  return {
    teams: [...teams].map(([owner, entityRefs]) => ({ owner, entityRefs })),
    unowned,
  };
}

/**
 * Sends one notification per team. `scope` names the event: the
 * notifications backend keeps one notification per user and scope, so
 * sending the same event again updates it (and marks it unread) instead of
 * adding another. A team that cannot be told is logged, and the others are
 * still told. Returns the teams told.
 */
export async function nudgeTeams(options: {
  notifications: NotificationService;
  logger: LoggerService;
  teams: TeamNudge[];
  message: (team: TeamNudge) => {
    title: string;
    description: string;
    link: string;
  };
  topic: string;
  scope: string;
}): Promise<TeamNudge[]> {
  const told: TeamNudge[] = [];
  for (const team of options.teams) {
    try {
      await options.notifications.send({
        recipients: { type: 'entity', entityRef: team.owner },
        payload: {
          ...options.message(team),
          topic: options.topic,
          scope: options.scope,
          severity: 'normal',
        },
      });
      told.push(team);
    } catch (e) {
      options.logger.warn(
        `Could not notify ${team.owner} (${options.topic}): ${stringifyError(
          e,
        )}`,
      );
    }
  }
  return told;
}
