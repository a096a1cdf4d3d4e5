import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EntityToilSummary,
  ROUTINE_REMEDIATION_CATEGORIES,
  TeamToilRanking,
  TeamToilReport,
  ToilEntityFacts,
  ToilFactsResponse,
  ToilFigures,
  ToilTask,
  UnownedToil,
  hoursByCategory,
  isWeeklyRepeat,
  monthlyTrend,
  rankAutomationCandidates,
  round1,
  taskHoursPerWeek,
  toilBand,
  toilPercent,
  topTasks,
  totalHoursPerWeek,
} from '@cloud-native-portal/plugin-toil-common';
import { ToilStore } from '../database/ToilStore';
import { CatalogDirectory } from './CatalogDirectory';

/** Options of {@link ToilMetricsService}. */
export interface ToilMetricsOptions {
  store: ToilStore;
  catalog: CatalogService;
  /** Operations hours per person per week. */
  hoursPerPerson: number;
  trendMonths: number;
  now?: () => Date;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

/** Computes every toil metric on the server, from the store and the catalog. */
export class ToilMetricsService {
  constructor(private readonly options: ToilMetricsOptions) {}

  private async snapshot(credentials: BackstageCredentials) {
    const tasks = await this.options.store.listTasks();
    const refs = [...new Set(tasks.map(t => t.entityRef))];
    const directory = await CatalogDirectory.load(
      this.options.catalog,
      credentials,
      refs,
    );
    return { tasks, directory };
  }

  private ownerOf(directory: CatalogDirectory, entityRef: string) {
    return directory.entity(entityRef)?.ownerRef ?? null;
  }

  private figures(
    tasks: ToilTask[],
    members: number,
    reason?: string,
  ): ToilFigures {
    const hours = totalHoursPerWeek(tasks);
    const percent = reason
      ? null
      : toilPercent(hours, members, this.options.hoursPerPerson);
    return {
      hoursPerWeek: round1(hours),
      taskCount: tasks.length,
      members,
      toilPercent: percent === null ? null : round1(percent),
      band: toilBand(percent),
      ...(percent === null
        ? { toilPercentReason: reason ?? 'the team has no members' }
        : {}),
    };
  }

  private teamFigures(
    directory: CatalogDirectory,
    tasks: ToilTask[],
    groupRef: string,
  ) {
    const owned = (groups: Set<string>) =>
      tasks.filter(t => groups.has(this.ownerOf(directory, t.entityRef)!));
    const directMembers = directory.members([groupRef]).length;
    const all = directory.descendants(groupRef);
    const allMembers = directory.members(all).length;
    return {
      direct: this.figures(
        owned(new Set([groupRef])),
        directMembers,
        directMembers ? undefined : `${groupRef} has no members`,
      ),
      withDescendants: this.figures(
        owned(new Set(all)),
        allMembers,
        allMembers
          ? undefined
          : `${groupRef} and its sub-groups have no members`,
      ),
      ownedTasks: owned(new Set(all)),
      allGroups: all,
    };
  }

  /** The figures an entity card shows. */
  async entitySummary(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityToilSummary> {
    const { tasks, directory } = await this.snapshot(credentials);
    const own = tasks.filter(t => t.entityRef === entityRef);
    const ownerRef =
      directory.entity(entityRef)?.ownerRef ??
      (
        await this.options.catalog.getEntityByRef(entityRef, { credentials })
      )?.relations?.find(r => r.type === 'ownedBy')?.targetRef ??
      null;
    const problem = directory.teamProblem(ownerRef);
    let team: EntityToilSummary['team'] = null;
    if (ownerRef && directory.group(ownerRef)) {
      const figures = this.teamFigures(directory, tasks, ownerRef);
      team = { groupRef: ownerRef, ...figures.direct };
    }
    const candidates = rankAutomationCandidates(own);
    return {
      entityRef,
      ownerRef,
      hoursPerWeek: round1(totalHoursPerWeek(own)),
      taskCount: own.length,
      team,
      ...(problem ? { teamReason: problem } : {}),
      topTasks: topTasks(own, 3).map(t => ({
        ...t,
        hoursPerWeek: round1(taskHoursPerWeek(t)),
      })),
      bestCandidate: candidates[0] ?? null,
      weeklyRepeatCount: own.filter(isWeeklyRepeat).length,
    };
  }

  /** A team page: gauge figures, categories, backlog and trend. */
  async teamReport(
    groupRef: string,
    credentials: BackstageCredentials,
  ): Promise<TeamToilReport> {
    const { tasks, directory } = await this.snapshot(credentials);
    const group = directory.group(groupRef);
    if (!group) throw new NotFoundError(`No group ${groupRef} in the catalog`);
    const figures = this.teamFigures(directory, tasks, groupRef);
    const groups = new Set(figures.allGroups);
    const events = await this.options.store.listAudit();
    // Ownership of refs seen only in the history (deleted rows) is looked up too.
    const historyRefs = [
      ...new Set(
        events
          .map(e => (e.after ?? e.before)!.entityRef)
          .filter(ref => !directory.entity(ref)),
      ),
    ];
    const extra = historyRefs.length
      ? await CatalogDirectory.load(
          this.options.catalog,
          credentials,
          historyRefs,
        )
      : undefined;
    const owner = (ref: string) =>
      directory.entity(ref)?.ownerRef ?? extra?.entity(ref)?.ownerRef ?? null;
    const byEntity = groupBy(figures.ownedTasks, t => t.entityRef);
    return {
      groupRef,
      title: group.title,
      direct: figures.direct,
      withDescendants: figures.withDescendants,
      hoursPerPerson: this.options.hoursPerPerson,
      byCategory: hoursByCategory(figures.ownedTasks).map(c => ({
        ...c,
        hoursPerWeek: round1(c.hoursPerWeek),
      })),
      backlog: rankAutomationCandidates(figures.ownedTasks).map(c => ({
        ...c,
        hoursPerWeek: round1(c.hoursPerWeek),
        yearlyHoursSaved: round1(c.yearlyHoursSaved),
        paybackMonths:
          c.paybackMonths === null ? null : round1(c.paybackMonths),
      })),
      trend: monthlyTrend(events, {
        now: this.now(),
        months: this.options.trendMonths,
        include: task => groups.has(owner(task.entityRef) ?? ''),
      }),
      entities: [...byEntity.entries()]
        .map(([entityRef, rows]) => ({
          entityRef,
          hoursPerWeek: round1(totalHoursPerWeek(rows)),
          taskCount: rows.length,
        }))
        .sort((a, b) => b.hoursPerWeek - a.hoursPerWeek),
    };
  }

  /** Every group, ranked by toil % (own rows), undefined percentages last. */
  async teamRanking(
    credentials: BackstageCredentials,
  ): Promise<TeamToilRanking[]> {
    const { tasks, directory } = await this.snapshot(credentials);
    const rows = directory.listGroups().map(group => {
      const figures = this.teamFigures(directory, tasks, group.ref);
      return {
        groupRef: group.ref,
        title: group.title,
        type: group.type,
        parentRef: group.parentRef,
        direct: figures.direct,
        withDescendants: figures.withDescendants,
      };
    });
    const key = (r: TeamToilRanking) => r.direct.toilPercent ?? -1;
    return rows.sort(
      (a, b) =>
        key(b) - key(a) ||
        b.withDescendants.hoursPerWeek - a.withDescendants.hoursPerWeek ||
        a.groupRef.localeCompare(b.groupRef),
    );
  }

  /**
   * Toil no team carries: register rows of entities whose owner does not
   * resolve to a Group of the catalog (no owner, an owner ref pointing to no
   * entity, an owner that is a person, or an entity missing from the
   * catalog). No team's toil % counts these hours, so they are listed here,
   * most hours first, each with the reason.
   */
  async unowned(credentials: BackstageCredentials): Promise<UnownedToil> {
    const { tasks, directory } = await this.snapshot(credentials);
    const entities: UnownedToil['entities'] = [];
    for (const [entityRef, rows] of groupBy(tasks, t => t.entityRef)) {
      const info = directory.entity(entityRef);
      const ownerRef = info?.ownerRef ?? null;
      if (ownerRef && directory.group(ownerRef)) continue;
      entities.push({
        entityRef,
        ...(info ? { title: info.title } : {}),
        ownerRef,
        reason: info
          ? directory.teamProblem(ownerRef) ?? 'the owner is not a group'
          : 'the entity is not in the catalog',
        hoursPerWeek: round1(totalHoursPerWeek(rows)),
        taskCount: rows.length,
      });
    }
    entities.sort(
      (a, b) =>
        b.hoursPerWeek - a.hoursPerWeek ||
        a.entityRef.localeCompare(b.entityRef),
    );
    const unownedRefs = new Set(entities.map(e => e.entityRef));
    const rows = tasks.filter(t => unownedRefs.has(t.entityRef));
    return {
      hoursPerWeek: round1(totalHoursPerWeek(rows)),
      taskCount: rows.length,
      entities,
    };
  }

  /**
   * Maturity facts for every entity with rows, in one response, so a scoring
   * cycle makes one request rather than one per entity.
   */
  async facts(credentials: BackstageCredentials): Promise<ToilFactsResponse> {
    const { tasks, directory } = await this.snapshot(credentials);
    const byEntity = groupBy(tasks, t => t.entityRef);
    const teamPercent = new Map<string, ToilFigures>();
    const entities: Record<string, ToilEntityFacts> = {};
    for (const [entityRef, rows] of byEntity) {
      const ownerRef = this.ownerOf(directory, entityRef);
      const problem = directory.teamProblem(ownerRef);
      let figures: ToilFigures | undefined;
      if (!problem && ownerRef) {
        figures =
          teamPercent.get(ownerRef) ??
          this.teamFigures(directory, tasks, ownerRef).direct;
        teamPercent.set(ownerRef, figures);
      }
      const [top] = [...rows].sort(
        (a, b) => taskHoursPerWeek(b) - taskHoursPerWeek(a),
      );
      const routine = rows.filter(t =>
        ROUTINE_REMEDIATION_CATEGORIES.includes(t.category),
      );
      entities[entityRef] = {
        registerExists: true,
        teamToilPercent: figures?.toilPercent ?? null,
        ...(figures?.toilPercent === undefined || figures.toilPercent === null
          ? {
              teamToilPercentReason:
                problem ?? figures?.toilPercentReason ?? 'unknown',
            }
          : {}),
        topTaskHasAutomationPlan: top.automationStatus !== 'none',
        // No routine task on record is no evidence of automation.
        routineRemediationAutomated:
          routine.length > 0 &&
          routine.every(t => t.automationStatus === 'automated'),
      };
    }
    return { generatedAt: this.now().toISOString(), entities };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
