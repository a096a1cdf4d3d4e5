import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { CheckRegression } from '../engine/MaturityEngine';
import { byOwner, nudgeTeams, TeamNudge } from './nudges';

/** The notification topic of checks that started failing (mutable by users). */
export const REGRESSION_TOPIC = 'maturity-regression';

/** The services and checks one notification lists; the rest are counted. */
const MAX_LISTED = 10;
/** Days the table keeps a day's regressions. */
const KEEP_DAYS = 7;
const DAY_MS = 86400_000;

const TABLE = 'maturity_regression_nudges';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Tells each owning team which checks of its services went from pass to
 * fail: one notification per team and UTC day. The day's regressions are
 * kept in the plugin's database (migration
 * 20261206130000_regression_nudges), so a later cycle on the same day, on
 * any replica, updates that notification (same scope) with all of them
 * rather than adding another or dropping the earlier ones.
 */
export class RegressionNudges {
  constructor(
    private readonly options: {
      knex: Knex;
      notifications: NotificationService;
      logger: LoggerService;
      /** A check's title, by id. */
      checkTitle: (checkId: string) => string;
    },
  ) {}

  /** Records the regressions and tells their teams. Returns the teams told. */
  async notify(
    regressions: CheckRegression[],
    at: Date = new Date(),
  ): Promise<TeamNudge[]> {
    const { knex, logger } = this.options;
    const day = at.toISOString().slice(0, 10);
    const rows = regressions.flatMap(r =>
      r.ownerRef
        ? [...new Set(r.checkIds)].map(checkId => ({
            owner_ref: r.ownerRef!,
            day,
            entity_ref: r.entityRef,
            check_id: checkId,
          }))
        : [],
    );
    const unowned = regressions.filter(r => !r.ownerRef).length;
    if (unowned > 0) {
      logger.info(
        `Maturity: ${plural(
          unowned,
          'service',
        )} without an owner started failing checks; no team to tell`,
      );
    }
    if (rows.length === 0) return [];
    for (let i = 0; i < rows.length; i += 100) {
      await knex(TABLE)
        .insert(rows.slice(i, i + 100))
        .onConflict(['owner_ref', 'day', 'entity_ref', 'check_id'])
        .ignore();
    }
    const cutoff = new Date(at.getTime() - KEEP_DAYS * DAY_MS)
      .toISOString()
      .slice(0, 10);
    await knex(TABLE).where('day', '<', cutoff).delete();

    // Everything the day holds for the teams told now, in one query.
    const owners = [...new Set(rows.map(r => r.owner_ref))];
    const today: Array<{
      owner_ref: string;
      entity_ref: string;
      check_id: string;
    }> = await knex(TABLE)
      .where({ day })
      .whereIn('owner_ref', owners)
      .orderBy(['owner_ref', 'entity_ref', 'check_id'])
      .select('owner_ref', 'entity_ref', 'check_id');
    const checks = new Map<string, string[]>();
    for (const row of today) {
      const key = `${row.owner_ref}\n${row.entity_ref}`;
      checks.set(key, [...(checks.get(key) ?? []), row.check_id]);
    }
    const { teams } = byOwner(
      [...checks.keys()].map(key => {
        const [ownerRef, entityRef] = key.split('\n');
        return { ownerRef, entityRef };
      }),
    );
    const told: TeamNudge[] = [];
    for (const team of teams) {
      told.push(
        ...(await nudgeTeams({
          notifications: this.options.notifications,
          logger,
          teams: [team],
          message: t =>
            this.message(
              t.entityRefs.map(entityRef => ({
                entityRef,
                checkIds: checks.get(`${t.owner}\n${entityRef}`) ?? [],
              })),
            ),
          topic: REGRESSION_TOPIC,
          scope: `${REGRESSION_TOPIC}:${team.owner}:${day}`,
        })),
      );
    }
    return told;
  }

  /** "2 checks started failing in your services", and which. */
  private message(services: Array<{ entityRef: string; checkIds: string[] }>) {
    const pairs = services.flatMap(s =>
      s.checkIds.map(checkId => ({ entityRef: s.entityRef, checkId })),
    );
    const listed = pairs.slice(0, MAX_LISTED);
    const byService = new Map<string, string[]>();
    for (const p of listed) {
      const name = parseEntityRef(p.entityRef).name;
      byService.set(name, [
        ...(byService.get(name) ?? []),
        this.options.checkTitle(p.checkId),
      ]);
    }
    const list = [...byService]
      .map(([name, titles]) => `${name}: ${titles.join(', ')}`)
      .join('; ');
    const more =
      pairs.length > listed.length
        ? ` and ${plural(pairs.length - listed.length, 'more check')}`
        : '';
    return {
      title: `${plural(
        pairs.length,
        'check',
      )} started failing in your services`,
      description: `${list}${more}. Each service's maturity tab shows why and what fixes it.`,
      link: '/maturity',
    };
  }
}
