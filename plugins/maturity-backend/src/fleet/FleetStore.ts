import { MaturityApiSchema } from '@cloud-native-portal/plugin-maturity-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

type Schemas = MaturityApiSchema.components['schemas'];
/** A fleet action with each repository's result. */
export type FleetRun = Schemas['FleetRun'];
/** One repository of a fleet action. */
export type FleetRunItem = Schemas['FleetRunItem'];
/** A fleet action, without its repositories. */
export type FleetRunSummary = Schemas['FleetRunSummary'];
/** Where a repository of a fleet action stands. */
export type FleetItemStatus = FleetRunItem['status'];

/** The statuses after which nothing more happens to an item. */
export const FINAL_STATUSES: ReadonlySet<FleetItemStatus> = new Set([
  'opened',
  'reused',
  'previewed',
  'unchanged',
  'skipped',
  'failed',
]);

/** Whether a fix's latest result leaves a branch or pull request open for review. */
export function isOpenFix(status: FleetItemStatus): boolean {
  return status === 'opened' || status === 'reused';
}

/** A change to one item of a run. */
export type FleetItemUpdate = Partial<Omit<FleetRunItem, 'entityRef'>>;

/** The latest non-preview result of a check's fix for one service. */
export interface LatestFix {
  runId: string;
  entityRef: string;
  checkId: string;
  status: FleetItemStatus;
  reason?: string;
  pullRequestUrl?: string;
  branch?: string;
}

const ITEM_COLUMNS: Record<string, string> = {
  status: 'status',
  reason: 'reason',
  taskId: 'task_id',
  pullRequestUrl: 'pull_request_url',
  branch: 'branch',
  where: 'where',
  diff: 'diff',
  summary: 'summary',
};

const iso = (v: unknown): string =>
  (v instanceof Date ? v : new Date(v as string)).toISOString();

/**
 * Fleet actions and their repositories' results, in the maturity plugin's
 * database (migration 20261206120000_fleet_runs). The runs are the audit
 * trail: who proposed which check's fix to which repositories, and when.
 */
export class FleetStore {
  constructor(private readonly db: Knex) {}

  async createRun(run: {
    checkId: string;
    templateRef: string;
    preview: boolean;
    campaignId?: string;
    createdBy: string;
    items: Array<{
      entityRef: string;
      owner?: string;
      status: FleetItemStatus;
      reason?: string;
    }>;
  }): Promise<FleetRun> {
    const id = randomUUID();
    const now = new Date();
    await this.db.transaction(async tx => {
      await tx('maturity_fleet_runs').insert({
        id,
        check_id: run.checkId,
        template_ref: run.templateRef,
        preview: run.preview,
        campaign_id: run.campaignId ?? null,
        created_by: run.createdBy,
        created_at: now,
        status: 'running',
      });
      for (let i = 0; i < run.items.length; i += 100) {
        await tx('maturity_fleet_items').insert(
          run.items.slice(i, i + 100).map(item => ({
            run_id: id,
            entity_ref: item.entityRef,
            check_id: run.checkId,
            owner_ref: item.owner ?? null,
            status: item.status,
            reason: item.reason ?? null,
            updated_at: now,
          })),
        );
      }
    });
    return (await this.getRun(id))!;
  }

  async updateItem(
    runId: string,
    entityRef: string,
    update: FleetItemUpdate,
  ): Promise<void> {
    const row: Record<string, unknown> = { updated_at: new Date() };
    for (const [key, column] of Object.entries(ITEM_COLUMNS)) {
      const value = (update as Record<string, unknown>)[key];
      if (value !== undefined) row[column] = value;
    }
    await this.db('maturity_fleet_items')
      .where({ run_id: runId, entity_ref: entityRef })
      .update(row);
  }

  async finishRun(
    runId: string,
    status: 'completed' | 'interrupted',
  ): Promise<void> {
    await this.db('maturity_fleet_runs')
      .where({ id: runId })
      .update({ status, finished_at: new Date() });
  }

  /**
   * Marks runs left running by a backend that stopped as interrupted, and
   * their unfinished repositories as failed with the reason. Running the
   * same fix again resumes them: a branch already proposed is reused. Only
   * runs with no progress for `staleAfterMs` count: with replicas sharing
   * the database, another replica's run in progress is left alone (a fix
   * task ends or times out well within that time).
   */
  async interruptUnfinished(staleAfterMs = 15 * 60_000): Promise<number> {
    const before = new Date(Date.now() - staleAfterMs);
    const runs: Array<{ id: string }> = await this.db('maturity_fleet_runs')
      .where({ status: 'running' })
      .where('created_at', '<', before)
      .whereNotExists(
        this.db('maturity_fleet_items')
          .whereRaw('maturity_fleet_items.run_id = maturity_fleet_runs.id')
          .where('updated_at', '>=', before),
      )
      .select('id');
    for (const { id } of runs) {
      await this.db('maturity_fleet_items')
        .where({ run_id: id })
        .whereIn('status', ['pending', 'running'])
        .update({
          status: 'failed',
          reason:
            'The backend stopped before this repository was done. Run the fix again: a branch proposed already is reused, not duplicated.',
          updated_at: new Date(),
        });
      await this.finishRun(id, 'interrupted');
    }
    return runs.length;
  }

  async getRun(id: string): Promise<FleetRun | undefined> {
    const row = await this.db('maturity_fleet_runs').where({ id }).first();
    if (!row) return undefined;
    const items = await this.db('maturity_fleet_items')
      .where({ run_id: id })
      .orderBy('entity_ref');
    const tally = new Map<string, number>();
    for (const item of items) {
      tally.set(item.status, (tally.get(item.status) ?? 0) + 1);
    }
    const summary = this.toSummary(row, tally);
    return { ...summary, items: items.map(toItem) };
  }

  async listRuns(options: {
    checkId?: string;
    limit: number;
  }): Promise<FleetRunSummary[]> {
    const query = this.db('maturity_fleet_runs')
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(options.limit);
    if (options.checkId) query.where({ check_id: options.checkId });
    const rows = await query;
    if (rows.length === 0) return [];
    const counts: Array<{ run_id: string; status: string; n: number }> =
      await this.db('maturity_fleet_items')
        .whereIn(
          'run_id',
          rows.map(r => r.id),
        )
        .groupBy('run_id', 'status')
        .select('run_id', 'status')
        .count({ n: '*' });
    const tallies = new Map<string, Map<string, number>>();
    for (const c of counts) {
      const tally = tallies.get(c.run_id) ?? new Map<string, number>();
      tally.set(c.status, Number(c.n));
      tallies.set(c.run_id, tally);
    }
    return rows.map(row =>
      this.toSummary(row, tallies.get(row.id) ?? new Map()),
    );
  }

  /**
   * The latest non-preview result of a check's fix per service: where each
   * service's fix pull request stands.
   */
  async latestFixes(checkId: string): Promise<Map<string, LatestFix>> {
    const rows = await this.fixRows(q => q.where('i.check_id', checkId));
    const out = new Map<string, LatestFix>();
    for (const row of rows) out.set(row.entity_ref, toLatestFix(row));
    return out;
  }

  /**
   * Every service's fix pull requests (or branches) whose latest non-preview
   * result is opened or reused, across checks: one query.
   */
  async openFixes(): Promise<LatestFix[]> {
    const latest = new Map<string, LatestFix>();
    for (const row of await this.fixRows(() => {})) {
      latest.set(`${row.entity_ref}\n${row.check_id}`, toLatestFix(row));
    }
    return [...latest.values()].filter(f => isOpenFix(f.status));
  }

  /**
   * The latest non-preview result of every check's fix for the given
   * services: per service, per check.
   */
  async latestFixesOf(
    entityRefs: string[],
  ): Promise<Map<string, Map<string, LatestFix>>> {
    const out = new Map<string, Map<string, LatestFix>>();
    for (let i = 0; i < entityRefs.length; i += 500) {
      const rows = await this.fixRows(q =>
        q.whereIn('i.entity_ref', entityRefs.slice(i, i + 500)),
      );
      for (const row of rows) {
        const checks = out.get(row.entity_ref) ?? new Map<string, LatestFix>();
        checks.set(row.check_id, toLatestFix(row));
        out.set(row.entity_ref, checks);
      }
    }
    return out;
  }

  /**
   * The results of fixes (not previews, not skipped services), oldest
   * first, so that the last row per service and check is its latest.
   */
  private fixRows(narrow: (query: Knex.QueryBuilder) => void): Promise<any[]> {
    const query = this.db('maturity_fleet_items as i')
      .join('maturity_fleet_runs as r', 'r.id', 'i.run_id')
      .where('r.preview', false)
      .whereNot('i.status', 'skipped')
      .orderBy('i.updated_at', 'asc')
      .select(
        'i.run_id',
        'i.entity_ref',
        'i.check_id',
        'i.status',
        'i.reason',
        'i.pull_request_url',
        'i.branch',
      );
    narrow(query);
    return query;
  }

  /** A run's row with the number of its items in each status. */
  private toSummary(row: any, tally: Map<string, number>): FleetRunSummary {
    const counts: FleetRunSummary['counts'] = { total: 0, done: 0 };
    for (const [status, n] of tally) {
      counts[status] = n;
      counts.total += n;
      if (FINAL_STATUSES.has(status as FleetItemStatus)) counts.done += n;
    }
    return {
      id: row.id,
      checkId: row.check_id,
      templateRef: row.template_ref,
      preview: Boolean(row.preview),
      ...(row.campaign_id ? { campaignId: row.campaign_id } : {}),
      createdBy: row.created_by,
      createdAt: iso(row.created_at),
      ...(row.finished_at ? { finishedAt: iso(row.finished_at) } : {}),
      status: row.status,
      counts,
    };
  }
}

function toLatestFix(row: any): LatestFix {
  return {
    runId: row.run_id,
    entityRef: row.entity_ref,
    checkId: row.check_id,
    status: row.status,
    reason: row.reason ?? undefined,
    pullRequestUrl: row.pull_request_url ?? undefined,
    branch: row.branch ?? undefined,
  };
}

function toItem(row: any): FleetRunItem {
  const optional = (key: string, value: unknown) =>
    value === null || value === undefined || value === ''
      ? {}
      : { [key]: value };
  return {
    entityRef: row.entity_ref,
    status: row.status,
    ...optional('owner', row.owner_ref),
    ...optional('reason', row.reason),
    ...optional('taskId', row.task_id),
    ...optional('pullRequestUrl', row.pull_request_url),
    ...optional('branch', row.branch),
    ...optional('where', row.where),
    ...optional('diff', row.diff),
    ...optional('summary', row.summary),
    updatedAt: iso(row.updated_at),
  };
}
