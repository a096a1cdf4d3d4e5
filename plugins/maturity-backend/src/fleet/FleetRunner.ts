import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError, stringifyError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import {
  CheckDefinition,
  fixTemplateFormData,
} from '@cloud-native-portal/plugin-maturity-common';
import pLimit from 'p-limit';
import { setTimeout as sleep } from 'node:timers/promises';
import { MaturityStore } from '../database/MaturityStore';
import { byOwner, nudgeTeams, serviceNames } from './nudges';
import {
  FleetItemStatus,
  FleetItemUpdate,
  FleetRun,
  FleetStore,
} from './FleetStore';

/** How many repositories a fleet action works on at once, by default. */
export const DEFAULT_FLEET_CONCURRENCY = 4;
/** How long one repository's fix task may take, by default. */
const DEFAULT_TASK_TIMEOUT_MS = 10 * 60_000;
/**
 * How often a running fix task is looked at, at most, by default. The first
 * looks come sooner (100 ms, then doubling): most fix tasks end within a
 * second.
 */
const DEFAULT_POLL_MS = 1000;
const FIRST_POLL_MS = 100;

/** What a fix template's task gives back (its `output`). */
interface FixTaskOutput {
  pullRequestUrl?: string;
  branch?: string;
  changed?: boolean;
  reused?: boolean;
  diff?: string;
  summary?: string;
  where?: string;
  reason?: string;
}

/** A fleet action to start. */
export interface FleetRunRequest {
  checkId: string;
  entityRefs: string[];
  preview: boolean;
  campaignId?: string;
  credentials: BackstageCredentials;
  /** Who starts it, for the audit trail. */
  createdBy: string;
}

/**
 * Opens (or previews) one fix pull request per service for a failing check,
 * with the check's fix template from the model: one scaffolder task per
 * repository, at most `concurrency` at a time, each followed to its end and
 * its result stored. The template's own `gitops:open-pr` step reuses a
 * branch that holds the same change, so running a fix again opens nothing
 * twice. Nothing is ever merged: each repository gets a branch or pull
 * request for its owners to review. When a run ends, each owning team gets
 * one notification with its services' pull requests.
 */
export class FleetRunner {
  private readonly running = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly taskTimeoutMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly options: {
      store: MaturityStore;
      fleetStore: FleetStore;
      checks: () => CheckDefinition[];
      scaffolder: ScaffolderService;
      catalog: CatalogService;
      notifications?: NotificationService;
      logger: LoggerService;
      concurrency?: number;
      taskTimeoutMs?: number;
      pollMs?: number;
    },
  ) {
    this.concurrency = options.concurrency ?? DEFAULT_FLEET_CONCURRENCY;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new InputError(
        `maturity.fleet.concurrency must be a whole number, at least 1; got ${this.concurrency}`,
      );
    }
    this.taskTimeoutMs = options.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  /** The check, which must have a fix template. */
  fixableCheck(checkId: string): CheckDefinition & {
    fixTemplate: NonNullable<CheckDefinition['fixTemplate']>;
  } {
    const check = this.options.checks().find(c => c.id === checkId);
    if (!check) throw new NotFoundError(`No check with id '${checkId}'`);
    if (!check.fixTemplate) {
      throw new InputError(
        `Check '${checkId}' has no fix template in the model, so there is no change to propose`,
      );
    }
    return check as any;
  }

  /**
   * Records the run with every service's starting status and starts it.
   * Services that pass the check, or hold a waiver for it, are skipped with
   * the reason. Answers at once; the run goes on in the background.
   */
  async start(request: FleetRunRequest): Promise<FleetRun> {
    const check = this.fixableCheck(request.checkId);
    const refs = new Set<string>();
    for (const raw of request.entityRefs) {
      let ref: string;
      try {
        ref = stringifyEntityRef(parseEntityRef(raw)).toLocaleLowerCase(
          'en-US',
        );
      } catch (e) {
        throw new InputError(
          `entityRefs: "${raw.slice(0, 100)}" is not an entity ref: ${
            (e as Error).message
          }`,
        );
      }
      refs.add(ref);
    }
    const entityRefs = [...refs];
    const shortfalls = new Map(
      (await this.options.store.listCheckShortfalls(check, { entityRefs })).map(
        s => [s.entityRef, s],
      ),
    );
    const waivers = await this.options.store.getActiveWaivers(entityRefs);
    const items = entityRefs.map(entityRef => {
      const shortfall = shortfalls.get(entityRef);
      const owner = shortfall?.ownerRef;
      if (waivers.get(entityRef)?.has(check.id)) {
        return {
          entityRef,
          owner,
          status: 'skipped' as const,
          reason: 'The check is waived for this service.',
        };
      }
      if (!shortfall) {
        return {
          entityRef,
          owner,
          status: 'skipped' as const,
          reason:
            'The check passes for this service, does not apply to it, or the service is not scored.',
        };
      }
      return { entityRef, owner, status: 'pending' as const };
    });
    const run = await this.options.fleetStore.createRun({
      checkId: check.id,
      templateRef: check.fixTemplate.ref,
      preview: request.preview,
      campaignId: request.campaignId,
      createdBy: request.createdBy,
      items,
    });
    this.options.logger.info(
      `Fleet ${request.preview ? 'preview' : 'fix'} ${run.id} of check ${
        check.id
      } by ${request.createdBy}: ${
        items.filter(i => i.status === 'pending').length
      } of ${items.length} repositories`,
    );
    const work = this.work(run.id, check, items, request).catch(e =>
      this.options.logger.error(
        `Fleet run ${run.id} stopped: ${stringifyError(e)}`,
      ),
    );
    this.running.add(work);
    work.finally(() => this.running.delete(work));
    return run;
  }

  /** Waits for the runs in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  private async work(
    runId: string,
    check: ReturnType<FleetRunner['fixableCheck']>,
    items: Array<{
      entityRef: string;
      owner?: string;
      status: FleetItemStatus;
    }>,
    request: FleetRunRequest,
  ) {
    const limit = pLimit(this.concurrency);
    const results = await Promise.all(
      items
        .filter(i => i.status === 'pending')
        .map(item =>
          limit(async () => {
            const update = await this.fixOne(runId, check, item, request);
            await this.options.fleetStore.updateItem(
              runId,
              item.entityRef,
              update,
            );
            // Kept for the owners' notification: not the diff or summary.
            return {
              entityRef: item.entityRef,
              owner: item.owner,
              status: update.status,
              pullRequestUrl: update.pullRequestUrl,
              branch: update.branch,
            };
          }),
        ),
    );
    await this.options.fleetStore.finishRun(runId, 'completed');
    if (!request.preview) await this.notifyOwners(runId, check, results);
  }

  /** Runs the fix template for one service and says how it ended. */
  private async fixOne(
    runId: string,
    check: ReturnType<FleetRunner['fixableCheck']>,
    item: { entityRef: string },
    request: FleetRunRequest,
  ): Promise<FleetItemUpdate> {
    const { credentials } = request;
    try {
      await this.options.fleetStore.updateItem(runId, item.entityRef, {
        status: 'running',
      });
      const entity = await this.options.catalog.getEntityByRef(item.entityRef, {
        credentials,
      });
      if (!entity) {
        return {
          status: 'failed',
          reason: 'The service is not in the catalog.',
        };
      }
      const { taskId } = await this.options.scaffolder.scaffold(
        {
          templateRef: check.fixTemplate.ref,
          values: {
            ...fixTemplateFormData(check.fixTemplate, entity),
            preview: request.preview,
          },
        },
        { credentials },
      );
      await this.options.fleetStore.updateItem(runId, item.entityRef, {
        taskId,
      });
      const ended = await this.waitForTask(taskId, credentials);
      return { taskId, ...ended };
    } catch (e) {
      return { status: 'failed', reason: stringifyError(e).slice(0, 2000) };
    }
  }

  private async waitForTask(
    taskId: string,
    credentials: BackstageCredentials,
  ): Promise<FleetItemUpdate> {
    const deadline = Date.now() + this.taskTimeoutMs;
    const { scaffolder } = this.options;
    let wait = Math.min(FIRST_POLL_MS, this.pollMs);
    for (;;) {
      const task = await scaffolder.getTask({ taskId }, { credentials });
      if (task.status === 'completed') break;
      if (task.status === 'failed' || task.status === 'cancelled') {
        const events = await scaffolder.getLogs({ taskId }, { credentials });
        const completion = events.filter(e => e.type === 'completion').pop();
        return {
          status: 'failed',
          reason: (
            completion?.body.message ?? `The fix task ended ${task.status}.`
          ).slice(0, 2000),
        };
      }
      if (Date.now() > deadline) {
        return {
          status: 'failed',
          reason: `The fix task ${taskId} did not finish within ${Math.round(
            this.taskTimeoutMs / 1000,
          )} s; see it in the scaffolder's task list.`,
        };
      }
      await sleep(wait);
      wait = Math.min(wait * 2, this.pollMs);
    }
    const events = await scaffolder.getLogs({ taskId }, { credentials });
    const completion = events.filter(e => e.type === 'completion').pop();
    const output = ((completion?.body as { output?: FixTaskOutput })?.output ??
      {}) as FixTaskOutput;
    return outcomeOf(output);
  }

  /** One notification per owning team, listing its services' fixes. */
  private async notifyOwners(
    runId: string,
    check: CheckDefinition,
    results: Array<{
      entityRef: string;
      owner?: string;
      status?: FleetItemStatus;
      pullRequestUrl?: string;
      branch?: string;
    }>,
  ) {
    const { notifications, logger } = this.options;
    if (!notifications) return;
    const opened = results.filter(r => r.status === 'opened');
    const where = new Map(opened.map(r => [r.entityRef, whereToReview(r)]));
    await nudgeTeams({
      notifications,
      logger,
      teams: byOwner(
        opened.map(r => ({ entityRef: r.entityRef, ownerRef: r.owner })),
      ).teams,
      message: team => ({
        title: `Fix ${
          team.entityRefs.length === 1 ? 'pull request' : 'pull requests'
        } to review: ${check.title}`,
        description: `${serviceNames(team.entityRefs)}: ${
          team.entityRefs.length === 1 ? 'a change was' : 'changes were'
        } proposed so that "${
          check.title
        }" passes. Review and merge them; nothing is merged automatically.${team.entityRefs
          .map(ref => where.get(ref))
          .join('')}`,
        link: '/maturity',
      }),
      topic: `maturity-fix:${check.id}`,
      scope: `maturity-fleet-run:${runId}`,
    });
  }
}

/** " <service>: <pull request or branch>", or nothing when neither is known. */
function whereToReview(s: {
  entityRef: string;
  pullRequestUrl?: string;
  branch?: string;
}): string {
  const name = parseEntityRef(s.entityRef).name;
  if (s.pullRequestUrl) return ` ${name}: ${s.pullRequestUrl}`;
  if (s.branch) return ` ${name}: branch ${s.branch}`;
  return '';
}

/**
 * The most of a repository's diff a run keeps (a run answers with every
 * repository's diff; 500 of them stay within about 25 MB). A fix piece's
 * diff is a few kilobytes; a longer one is cut, and says where to read it.
 */
const MAX_DIFF_CHARS = 50_000;

function shortDiff(diff: string): string {
  return diff.length > MAX_DIFF_CHARS
    ? `${diff.slice(
        0,
        MAX_DIFF_CHARS,
      )}\n… cut at ${MAX_DIFF_CHARS} characters of ${
        diff.length
      }; the fix task's page shows the whole change.`
    : diff;
}

/** How a fix task's output ends one repository's part of a run. */
export function outcomeOf(output: FixTaskOutput): FleetItemUpdate {
  const common = {
    ...(output.branch ? { branch: output.branch } : {}),
    ...(output.where ? { where: output.where } : {}),
    ...(output.diff ? { diff: shortDiff(output.diff) } : {}),
    ...(output.summary ? { summary: output.summary.slice(0, 65_536) } : {}),
    ...(output.pullRequestUrl ? { pullRequestUrl: output.pullRequestUrl } : {}),
  };
  if (output.where === 'preview') {
    return output.changed === false
      ? {
          status: 'unchanged',
          reason: output.reason ?? 'Nothing to change.',
          ...common,
        }
      : { status: 'previewed', ...common };
  }
  if (output.changed === false) {
    return {
      status: 'unchanged',
      reason: output.reason ?? 'Nothing to change.',
      ...common,
    };
  }
  if (output.pullRequestUrl || (output.where && output.where !== 'none')) {
    return { status: output.reused ? 'reused' : 'opened', ...common };
  }
  return {
    status: 'skipped',
    reason:
      output.reason ??
      'The fix template opened no pull request and gave no reason.',
    ...common,
  };
}
