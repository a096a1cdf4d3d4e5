import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  CATALOG_FILTER_EXISTS,
  EntityFilterQuery,
} from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CheckResult,
  EntityScore,
  FactSet,
  MaturityModel,
  nextSteps,
} from '@cloud-native-portal/plugin-maturity-common';
import {
  CatalogSnapshot,
  collectEntityFacts,
  EXTRACTED_FROM_ANNOTATION,
  entityCollectors,
  evaluateFactSets,
  FactCollector,
  installedCollectorIds,
  MATURITY_LOOKUP_KINDS,
  queryAllEntities,
  toRef,
} from '@cloud-native-portal/plugin-maturity-node';
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import {
  CatalogReads,
  EntityDigests,
  recordingSnapshot,
  EntityContents,
  sameReads,
  withinLookups,
} from './catalogReads';
import { OpenedSourceTree, SourceTreeCache } from './SourceTreeCache';
import {
  EntityEvaluation,
  EvaluationState,
  MaturityStore,
  ScoredEntityInfo,
} from '../database/MaturityStore';

/** Engine settings from config. */
export interface MaturityEngineOptions {
  store: MaturityStore;
  model: MaturityModel;
  /** Collectors added by modules (repo, zero trust, toil, ...). */
  collectors: FactCollector[];
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  urlReader?: UrlReaderService;
  /** Local directories that `dir:` source locations may point into. */
  allowedLocalRoots: string[];
  /** Entity kinds that get a scorecard. */
  entityKinds: string[];
  placeholderOwners?: string[];
  /** Entities collected in parallel. */
  concurrency?: number;
  /** Days of history to keep. */
  retentionDays: number;
  /** Numeric facts kept in the history beside the score (e.g. zeroTrust.score). */
  trackedFacts?: string[];
  /**
   * Told of the checks that went from pass to fail since an entity's last
   * stored evaluation: once per cycle run (or shard) and once per entity
   * refresh, when there are any. Without it, the engine looks for none. Its
   * errors are logged, never thrown into the engine.
   */
  onRegressions?(regressions: CheckRegression[]): void | Promise<void>;
}

/** One entity's checks that went from pass to fail. */
export interface CheckRegression {
  entityRef: string;
  ownerRef?: string;
  checkIds: string[];
}

/** Numeric facts the history keeps by default. */
export const DEFAULT_TRACKED_FACTS = [
  'zeroTrust.score',
  'toil.teamToilPercent',
  // Delivery outcomes: their trend, and a system's migration record.
  'delivery.productionDeploymentsPerWeek',
  'delivery.leadTimeHours',
  'delivery.changeFailureRate',
  'incidents.timeToRestoreHours',
  'cost.monthlyCost',
  'cost.idleShare',
];

/** What one scan for entities without a score found and did. */
export interface NewEntityScanResult {
  /** Entities of the scored kinds that the catalog holds and the store has no score for. */
  unscored: number;
  /** The ones scored by this scan. */
  scored: string[];
  /** The ones whose scoring failed (retried after a pause). */
  failed: string[];
  /** True when there were more than the scan scores one by one. */
  tooMany: boolean;
}

// An entity whose scoring failed is retried after this long, not every scan.
const NEW_ENTITY_RETRY_MS = 5 * 60_000;
// Refs per catalog page when listing the scored kinds.
const REF_PAGE_SIZE = 1000;
// Scored entities per catalog page in a cycle: collected, evaluated and
// written together, so memory stays flat however large the catalog is.
const CYCLE_PAGE_SIZE = 1000;
/**
 * What a cycle reads of each scored entity before it knows whether the
 * entity changed: its ref, its etag (which tells a change where it is the
 * catalog's hash of the content, see `EntityContents`), and its annotations (where its source tree is, and what the collectors
 * marked `readsRefAndAnnotationsOnly` read). An entity that must be
 * collected again is then read whole.
 */
const CHANGE_FIELDS = [
  'apiVersion',
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.etag',
  'metadata.annotations',
  'spec.system',
];
// Entities collected or evaluated between two turns of the event loop.
const YIELD_EVERY = 50;
// Catalog page size for the entities facts look up (owners, systems, APIs).
const CONTEXT_PAGE_SIZE = 1000;
/**
 * The kinds whose entities the catalog and ownership facts and the stored
 * catalog fields look up: owners and their members and parents, systems and
 * domains, APIs and resources. The Templates are read apart, with only the
 * fields the template facts compare.
 */
const CONTEXT_KINDS = MATURITY_LOOKUP_KINDS.filter(kind => kind !== 'Template');
const DAY_MS = 86400_000;

/** Lets other work (HTTP requests, timers) run between chunks of a cycle. */
const yieldToEventLoop = () => new Promise<void>(r => setImmediate(r));

/** One entity whose inputs changed: its facts, to evaluate and store. */
interface CollectedEntity {
  info: ScoredEntityInfo;
  factSets: FactSet[];
  waivers: Set<string>;
  /** Undefined when its inputs cannot be hashed: the next cycle collects it. */
  inputHash?: string;
}

/** Which part of the catalog one cycle evaluates. */
export interface CycleOptions {
  /**
   * True for the entity refs this run evaluates (and forgets when they left
   * the catalog): one shard of a sharded cycle. Default: every entity.
   */
  includes?: (entityRef: string) => boolean;
  /**
   * Aborted when this replica lost its claim on the shard: the run stops
   * before its next page and forgets no entity, since another replica now
   * evaluates the shard.
   */
  signal?: AbortSignal;
}

/** Summary of one evaluation cycle. */
export interface CycleSummary {
  entities: number;
  removed: number;
  durationMs: number;
  /** Entities evaluated because their inputs changed (or were new). */
  evaluated?: number;
  /** Entities skipped because their inputs had not changed. */
  unchanged?: number;
  /** Where the cycle's time went (see {@link CyclePhases}). */
  phases?: CyclePhases;
}

/**
 * A cycle's wall-clock time per phase, in milliseconds. The phases follow
 * one another page by page, so they add up to about the cycle's duration;
 * the event loop's other work while a phase waits counts in that phase.
 */
export interface CyclePhases {
  /** Reading the catalog: the context entities, the pages, whole entities. */
  catalogMs: number;
  /**
   * Working out which entities changed, opening their source trees and
   * running the collectors for the ones that did.
   */
  collectMs: number;
  /** Evaluating the model over the collected facts, in memory. */
  evaluateMs: number;
  /**
   * The plugin's database: reading waivers, input hashes and the failing
   * checks to compare with; writing facts, results, scores, dimensions and
   * history; removing entities gone from the catalog; pruning history.
   */
  storeMs: number;
}

/** Adds the time since `since` to `phase`, and returns now. */
function lap(
  phases: CyclePhases | undefined,
  phase: keyof CyclePhases,
  since: number,
): number {
  const now = performance.now();
  if (phases) phases[phase] += now - since;
  return now;
}

/** "catalog reads 0.7 s, collection 0.8 s, evaluation 0.3 s, storage 2.0 s". */
export function phasesText(phases: CyclePhases): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `catalog reads ${s(phases.catalogMs)}, collection ${s(
    phases.collectMs,
  )}, evaluation ${s(phases.evaluateMs)}, storage ${s(phases.storeMs)}`;
}

const PHASES_PATTERN =
  /catalog reads (\d+(?:\.\d+)?) s, collection (\d+(?:\.\d+)?) s, evaluation (\d+(?:\.\d+)?) s, storage (\d+(?:\.\d+)?) s/;

/**
 * The phases back from a log line that contains {@link phasesText}'s text,
 * to a tenth of a second; undefined when the line has none.
 */
export function parsePhasesText(text: string): CyclePhases | undefined {
  const match = PHASES_PATTERN.exec(text);
  if (!match) return undefined;
  const ms = (i: number) => Math.round(Number(match[i]) * 1000);
  return {
    catalogMs: ms(1),
    collectMs: ms(2),
    evaluateMs: ms(3),
    storeMs: ms(4),
  };
}

function entityInfo(
  entity: Entity,
  snapshot: CatalogSnapshot,
): ScoredEntityInfo {
  const systemRef = toRef(entity.spec?.system, 'system');
  const system = snapshot.get(systemRef);
  return {
    entityRef: stringifyEntityRef(entity),
    kind: entity.kind.toLowerCase(),
    title: entity.metadata.title,
    ownerRef: toRef(entity.spec?.owner, 'group'),
    systemRef,
    domainRef: toRef(system?.spec?.domain, 'domain'),
    lifecycle:
      typeof entity.spec?.lifecycle === 'string'
        ? entity.spec.lifecycle
        : undefined,
    type: typeof entity.spec?.type === 'string' ? entity.spec.type : undefined,
    tier: Number.isFinite(
      Number(entity.metadata.annotations?.['cloud-native-portal/tier']),
    )
      ? Number(entity.metadata.annotations?.['cloud-native-portal/tier'])
      : undefined,
    tags: entity.metadata.tags ?? [],
  };
}

/**
 * Collects facts, evaluates the model's checks over them and stores results,
 * scores and history. Collection and evaluation are separate steps so that a
 * changed model can be re-evaluated from stored facts without re-reading
 * every repository.
 */
export class MaturityEngine {
  private readonly installed: Set<string>;
  private readonly checkDimensions: Map<string, string>;
  private cycles = 0;
  // Cycles completed by this process. The first one evaluates every entity:
  // a new version of the portal may evaluate the same inputs differently.
  private completedCycles = 0;
  private readonly failedAt = new Map<string, number>();
  // Source trees and their tree-only facts, while the repository is unchanged.
  private readonly sourceTrees: SourceTreeCache;
  // What every evaluation reads besides an entity's own inputs.
  private readonly modelHash: string;
  // The catalog lookups of each entity's last collection by this process:
  // what its input hash covers besides the entity and its source tree.
  private readonly catalogReads = new Map<string, CatalogReads>();
  private readonly contents = new EntityContents();
  private readonly sharedRefs = new Map<string, string>();
  private readonly volatile: FactCollector[];

  constructor(private readonly options: MaturityEngineOptions) {
    this.installed = installedCollectorIds(options.collectors);
    this.volatile = options.collectors.filter(c => !c.sourceTreeOnly);
    this.sourceTrees = new SourceTreeCache({
      urlReader: options.urlReader,
      allowedLocalRoots: options.allowedLocalRoots,
    });
    this.checkDimensions = new Map(
      options.model.checks.map(c => [c.id, c.dimension]),
    );
    this.modelHash = createHash('sha1')
      .update(
        JSON.stringify({
          model: options.model,
          installed: [...this.installed].sort(),
          versions: options.collectors.map(c => [c.id, c.version]),
          tracked: options.trackedFacts ?? DEFAULT_TRACKED_FACTS,
          placeholderOwners: options.placeholderOwners ?? null,
        }),
      )
      .digest('hex');
  }

  get model(): MaturityModel {
    return this.options.model;
  }

  /** True while this process runs a full cycle. */
  get cycleRunning(): boolean {
    return this.cycles > 0;
  }

  /** Ids of the installed fact collectors. */
  installedCollectors(): string[] {
    return [...this.installed];
  }

  private async serviceCredentials(): Promise<BackstageCredentials> {
    return this.options.auth.getOwnServiceCredentials();
  }

  private isScored(entity: Entity): boolean {
    return this.options.entityKinds.some(
      k => k.toLowerCase() === entity.kind.toLowerCase(),
    );
  }

  /**
   * Runs every collector for one entity, opening its source tree once. While
   * the tree is unchanged (file stamps or ETag), it comes from memory, and
   * the collectors that read nothing but the tree are not run again.
   */
  async collectFacts(
    entity: Entity,
    snapshot: CatalogSnapshot,
  ): Promise<FactSet[]> {
    const opened = await this.sourceTrees.open(entity);
    const volatile = await this.runCollectors(
      entity,
      opened,
      this.volatileCollectors(),
    );
    return (await this.collectRest(entity, snapshot, opened, volatile))
      .factSets;
  }

  /**
   * The modules' collectors that may read more than the entity's source
   * tree (another service, a register): they run for every entity in every
   * cycle, and their facts are part of its input hash.
   */
  private volatileCollectors(): FactCollector[] {
    return this.volatile;
  }

  private runCollectors(
    entity: Entity,
    opened: OpenedSourceTree,
    collectors: FactCollector[],
  ): Promise<FactSet[]> {
    // A collector bug must not cost the other collectors' facts.
    return collectEntityFacts(
      { entity, sourceTree: opened.tree, sourceTreeError: opened.error },
      collectors,
      {
        onCollectorError: (collector, e) =>
          this.options.logger.warn(
            `Collector ${collector.id} failed for ${stringifyEntityRef(
              entity,
            )}: ${e}`,
          ),
      },
    );
  }

  /**
   * Runs the collectors other than the volatile ones, logging their catalog
   * lookups, and returns every fact set in the collectors' order.
   */
  private async collectRest(
    entity: Entity,
    snapshot: CatalogSnapshot,
    opened: OpenedSourceTree,
    volatile: FactSet[],
  ): Promise<{ factSets: FactSet[]; reads: CatalogReads }> {
    const reads: CatalogReads = { refs: [], extracted: [], opaque: false };
    const view = recordingSnapshot(snapshot, reads, this.sharedRefs);
    // The stored fields read the system (its domain): logged like the
    // facts' lookups, so that a refresh reads it again with them.
    view.get(toRef(entity.spec?.system, 'system'));
    const collectors = entityCollectors(view, this.options.collectors, {
      placeholderOwners: this.options.placeholderOwners,
    });
    const volatileSets = new Map(
      this.volatileCollectors().map((c, i) => [c, volatile[i]]),
    );
    const reused = (c: FactCollector) =>
      volatileSets.get(c) ??
      (c.sourceTreeOnly ? opened.cachedFacts.get(c.id) : undefined);
    const run = collectors.filter(c => !reused(c));
    const collected = await this.runCollectors(entity, opened, run);
    const fresh = new Map(run.map((c, i) => [c, collected[i]]));
    const factSets = collectors.map(c => {
      const set = reused(c) ?? fresh.get(c)!;
      if (c.sourceTreeOnly && set.status === 'ok') opened.remember(c, set);
      return set;
    });
    return { factSets, reads };
  }

  /**
   * The hash of everything an entity's evaluation reads: the model, the
   * installed collectors, its active waivers, the entity (its digest, see
   * {@link EntityContents}) and its system (its stored catalog fields), its
   * source tree's version, what its catalog lookups find now, and the facts
   * of the volatile collectors without their collection times. Undefined
   * when the tree has no version or the lookups cannot be replayed.
   */
  private inputHash(
    entityDigest: string,
    systemRef: string | undefined,
    waivers: Set<string>,
    treeVersion: string | undefined,
    reads: CatalogReads,
    digests: EntityDigests,
    volatile: FactSet[],
  ): string | undefined {
    if (treeVersion === undefined || reads.opaque) return undefined;
    // The stored catalog fields are the entity's own, and its system's
    // domain.
    let text = `${this.modelHash}\n${treeVersion}\n${
      systemRef ? digests.of(systemRef) : ''
    }\n${
      waivers.size ? [...waivers].sort().join(',') : ''
    }\n${entityDigest}${digests.text(reads)}`;
    for (const { collectedAt: _, ...set } of volatile) {
      text += `\n${JSON.stringify(set)}`;
    }
    const hash = createHash('sha1').update(text);
    return hash.digest('hex');
  }

  /** The whole entities with these refs, by ref, in requests of a page each. */
  private async wholeEntities(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, Entity>> {
    const byRef = new Map<string, Entity>();
    for (let i = 0; i < refs.length; i += CYCLE_PAGE_SIZE) {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: refs.slice(i, i + CYCLE_PAGE_SIZE) },
        { credentials },
      );
      for (const entity of items) {
        if (entity) byRef.set(stringifyEntityRef(entity), entity);
      }
    }
    return byRef;
  }

  /** Evaluates the model over stored facts; pure apart from reading waivers. */
  evaluate(
    factSets: FactSet[],
    waivers: Set<string>,
  ): { results: CheckResult[]; score: EntityScore } {
    return evaluateFactSets(
      this.options.model,
      factSets,
      this.installed,
      waivers,
    );
  }

  private toEvaluation(
    info: ScoredEntityInfo,
    factSets: FactSet[],
    waivers: Set<string>,
  ): EntityEvaluation {
    const { results, score } = this.evaluate(factSets, waivers);
    const metrics: Record<string, number> = {};
    const tracked = this.options.trackedFacts ?? DEFAULT_TRACKED_FACTS;
    for (const set of factSets) {
      if (set.status !== 'ok') continue;
      for (const name of tracked) {
        const value = set.facts[name];
        if (typeof value === 'number' && Number.isFinite(value)) {
          metrics[name] = value;
        }
      }
    }
    const checkDimension = this.checkDimensions;
    const dimensionChecks: Record<
      string,
      { failing: string[]; unknown: string[] }
    > = {};
    for (const r of results) {
      if (r.status !== 'fail' && r.status !== 'unknown') continue;
      const dimension = checkDimension.get(r.checkId);
      if (!dimension) continue;
      const entry = (dimensionChecks[dimension] ??= {
        failing: [],
        unknown: [],
      });
      (r.status === 'fail' ? entry.failing : entry.unknown).push(r.checkId);
    }
    return {
      metrics,
      dimensionChecks,
      entity: info,
      level: score.level,
      score: score.score,
      dimensions: score.dimensions,
      results,
      modelVersion: this.options.model.version,
    };
  }

  /**
   * One full cycle: snapshot the catalog, refresh the group hierarchy, collect
   * facts for every scored entity, evaluate, store with a history snapshot,
   * forget removed entities and prune old history.
   */
  async runCycle(options?: CycleOptions): Promise<CycleSummary> {
    this.cycles += 1;
    try {
      return await this.runCycleOnce(options);
    } finally {
      this.cycles -= 1;
    }
  }

  /**
   * The entities that facts and stored catalog fields look up, without the
   * scored entities themselves (those are read page by page): owners and
   * their members, systems, domains, APIs, resources, the services that
   * name a monolith they were extracted from, and the Templates (the fields
   * the template facts compare).
   */
  private async contextSnapshot(
    credentials: BackstageCredentials,
  ): Promise<CatalogSnapshot> {
    // One query: each request costs the catalog a query of its own, even
    // one that finds nothing (most catalogs have no extracted services).
    const filter: EntityFilterQuery = [
      { kind: CONTEXT_KINDS },
      {
        [`metadata.annotations.${EXTRACTED_FROM_ANNOTATION}`]:
          CATALOG_FILTER_EXISTS,
      },
    ];
    const entities = await queryAllEntities(
      this.options.catalog,
      { filter, pageSize: CONTEXT_PAGE_SIZE },
      credentials,
    );
    entities.push(
      ...(await CatalogSnapshot.templates(this.options.catalog, credentials)),
    );
    return new CatalogSnapshot(entities);
  }

  private async runCycleOnce(options?: CycleOptions): Promise<CycleSummary> {
    // Accumulated across pages, and reported even when the run stops
    // half-way: the pages written before are stored for good.
    const regressions = this.options.onRegressions ? [] : undefined;
    try {
      return await this.runPages(regressions, options);
    } finally {
      await this.reportRegressions(regressions);
    }
  }

  private async runPages(
    regressions: CheckRegression[] | undefined,
    options?: CycleOptions,
  ): Promise<CycleSummary> {
    const included = options?.includes ?? (() => true);
    const started = Date.now();
    const at = new Date(started);
    const phases: CyclePhases = {
      catalogMs: 0,
      collectMs: 0,
      evaluateMs: 0,
      storeMs: 0,
    };
    let t = performance.now();
    const credentials = await this.serviceCredentials();
    const context = await this.contextSnapshot(credentials);
    t = lap(phases, 'catalogMs', t);
    await this.options.store.replaceGroupClosure(context.groupClosure());
    lap(phases, 'storeMs', t);

    // The scored entities page by page: each page is collected, hashed,
    // evaluated when its inputs changed, and written before the next page
    // is read, so memory stays flat as the catalog grows.
    const current = new Set<string>();
    // After the first cycle, most entities are unchanged: pages hold only
    // what tells a change, and the changed entities are read whole. The
    // volatile collectors run before that is known, on what the page holds,
    // unless one of them reads more of the entity.
    const force = this.completedCycles === 0;
    const partial =
      !force &&
      this.volatileCollectors().every(c => c.readsRefAndAnnotationsOnly);
    let fields = partial ? CHANGE_FIELDS : undefined;
    const wholeEntities = async (refs: string[]) => {
      const since = performance.now();
      const whole = await this.wholeEntities(refs, credentials);
      lap(phases, 'catalogMs', since);
      return whole;
    };
    let evaluated = 0;
    let unchanged = 0;
    let cursor: string | undefined;
    const stopIfClaimLost = () => {
      if (options?.signal?.aborted) {
        throw new Error(
          'the claim on this shard was lost; another replica evaluates it',
        );
      }
    };
    do {
      stopIfClaimLost();
      const since = performance.now();
      const response = await this.options.catalog.queryEntities(
        cursor
          ? { cursor, limit: CYCLE_PAGE_SIZE, fields }
          : {
              filter: { kind: this.options.entityKinds },
              limit: CYCLE_PAGE_SIZE,
              totalItems: 'exclude',
              fields,
            },
        { credentials },
      );
      lap(phases, 'catalogMs', since);
      let page: Entity[] = [];
      for (const entity of response.items) {
        const ref = stringifyEntityRef(entity);
        if (!this.isScored(entity) || !included(ref) || current.has(ref)) {
          continue;
        }
        current.add(ref);
        page.push(entity);
      }
      let wholeOf = fields ? wholeEntities : undefined;
      if (fields && page.some(entity => !entity.metadata.etag)) {
        // A catalog that gives no etags tells no change by them: the page
        // is read whole.
        const whole = await wholeEntities(
          page.map(entity => stringifyEntityRef(entity)),
        );
        page = page.flatMap(
          entity => whole.get(stringifyEntityRef(entity)) ?? [],
        );
        wholeOf = undefined;
      }
      stopIfClaimLost();
      const done = await this.scoreEntities(page, context, {
        at,
        force,
        regressions,
        wholeEntities: wholeOf,
        phases,
      });
      evaluated += done.evaluated;
      unchanged += done.unchanged;
      // After a page mostly collected again (a change that most entities
      // see, such as their owners'), the next page is read whole at once.
      if (partial) {
        fields = done.evaluated * 2 > page.length ? undefined : CHANGE_FIELDS;
      }
      cursor = response.pageInfo.nextCursor;
    } while (cursor);

    stopIfClaimLost();
    t = performance.now();
    const stale = (await this.options.store.listScoredEntityRefs()).filter(
      ref => !current.has(ref) && included(ref),
    );
    await this.options.store.deleteEntities(stale);
    for (const ref of this.catalogReads.keys()) {
      if (!current.has(ref) && included(ref)) {
        this.catalogReads.delete(ref);
        this.contents.forget(ref);
      }
    }
    await this.options.store.pruneSnapshots(
      new Date(Date.now() - this.options.retentionDays * DAY_MS),
    );
    lap(phases, 'storeMs', t);
    this.completedCycles += 1;
    return {
      entities: current.size,
      removed: stale.length,
      durationMs: Date.now() - started,
      evaluated,
      unchanged,
      phases,
    };
  }

  /**
   * Scores the entities: evaluates from memory and stores the ones whose
   * inputs changed since their last evaluation (all of them when `force`),
   * and marks the others as current as of `at`, carrying their history
   * forward once a day. An entity's input hash is worked out before its
   * catalog and source-tree collectors run, from the lookups of its last
   * collection: an unchanged entity is not collected again.
   */
  private async scoreEntities(
    entities: Entity[],
    snapshot: CatalogSnapshot,
    options: {
      at: Date;
      force: boolean;
      regressions?: CheckRegression[];
      /**
       * The snapshot holds only these lookups (a refresh's read of what the
       * last collection looked up): an entity whose collection now looks up
       * anything else is neither evaluated nor stored, and is counted as
       * incomplete, for a snapshot of all its neighbours.
       */
      lookupsOnly?: CatalogReads;
      /**
       * `entities` hold only {@link CHANGE_FIELDS}: the ones to collect
       * again are read whole through this, in one call.
       */
      wholeEntities?: (refs: string[]) => Promise<Map<string, Entity>>;
      /** Where the time goes; the whole entities' read counts itself. */
      phases?: CyclePhases;
    },
  ): Promise<{ evaluated: number; unchanged: number; incomplete: number }> {
    if (entities.length === 0) {
      return { evaluated: 0, unchanged: 0, incomplete: 0 };
    }
    const { store } = this.options;
    const { phases } = options;
    let t = performance.now();
    // Only an entity that is evaluated needs all its stored catalog fields.
    const refs = entities.map(entity => stringifyEntityRef(entity));
    const [waivers, states] = await Promise.all([
      store.getActiveWaivers(refs),
      options.force
        ? new Map<string, EvaluationState>()
        : store.getEvaluationStates(refs),
    ]);
    t = lap(phases, 'storeMs', t);
    const digests = new EntityDigests(snapshot, this.contents);
    const volatileCollectors = this.volatileCollectors();
    const noWaivers = new Set<string>();

    const limit = pLimit(this.options.concurrency ?? 4);
    const changed: CollectedEntity[] = [];
    let unchanged = 0;
    let incomplete = 0;
    const carryForward: string[] = [];
    const pending: Array<() => Promise<void>> = [];
    const toRead: string[] = [];
    let wholeRead: Map<string, Entity> | undefined;
    const collectAndHash = async (
      entityRef: string,
      entity: Entity,
      opened: OpenedSourceTree,
      volatile: FactSet[],
      previousHash: string | undefined,
    ) => {
      const systemRef = toRef(entity.spec?.system, 'system');
      const active = waivers.get(entityRef) ?? noWaivers;
      const previous = this.catalogReads.get(entityRef);
      const { factSets, reads } = await this.collectRest(
        entity,
        snapshot,
        opened,
        volatile,
      );
      if (options.lookupsOnly && !withinLookups(reads, options.lookupsOnly)) {
        incomplete += 1;
        return;
      }
      this.catalogReads.set(entityRef, reads);
      changed.push({
        info: entityInfo(entity, snapshot),
        factSets,
        waivers: active,
        // The same lookups as last time give the hash worked out above.
        inputHash:
          previousHash !== undefined && sameReads(previous!, reads)
            ? previousHash
            : this.inputHash(
                this.contents.digest(entityRef, entity),
                systemRef,
                active,
                opened.version,
                reads,
                digests,
                volatile,
              ),
      });
    };
    /**
     * Works out whether the entity changed since its last evaluation, and
     * collects it when it did. An entity read with only CHANGE_FIELDS (not
     * `whole`) is read whole first when its etag does not tell its content,
     * and when it is to be collected.
     */
    const score = async (
      entityRef: string,
      entity: Entity,
      whole: boolean,
      opened?: OpenedSourceTree,
      volatile?: FactSet[],
    ): Promise<void> => {
      const tree = opened ?? (await this.sourceTrees.open(entity));
      const volatileSets =
        volatile ??
        (volatileCollectors.length > 0
          ? await this.runCollectors(entity, tree, volatileCollectors)
          : []);
      const readWhole = () => {
        toRead.push(entityRef);
        pending.push(async () => {
          // Gone from the catalog since the page was read: the next cycle
          // forgets it.
          const read = wholeRead?.get(entityRef);
          if (read) await score(entityRef, read, true, tree, volatileSets);
        });
      };
      const systemRef = toRef(entity.spec?.system, 'system');
      const active = waivers.get(entityRef) ?? noWaivers;
      const state = states.get(entityRef);
      const previous = this.catalogReads.get(entityRef);
      let previousHash: string | undefined;
      if (state?.inputHash && previous) {
        const digest = whole
          ? this.contents.digest(entityRef, entity)
          : this.contents.knownDigest(entityRef, entity.metadata.etag);
        if (digest === undefined) {
          readWhole();
          return;
        }
        previousHash = this.inputHash(
          digest,
          systemRef,
          active,
          tree.version,
          previous,
          digests,
          volatileSets,
        );
        if (previousHash === state.inputHash) {
          unchanged += 1;
          if (
            !state.snapshotAt ||
            options.at.getTime() - state.snapshotAt.getTime() >= DAY_MS
          ) {
            carryForward.push(entityRef);
          }
          return;
        }
      }
      if (!whole) {
        readWhole();
        return;
      }
      await collectAndHash(entityRef, entity, tree, volatileSets, previousHash);
    };
    for (let i = 0; i < entities.length; i += YIELD_EVERY) {
      const batch: Promise<void>[] = [];
      for (let j = i; j < Math.min(i + YIELD_EVERY, entities.length); j++) {
        batch.push(
          limit(() => score(refs[j], entities[j], !options.wholeEntities)),
        );
      }
      await Promise.all(batch);
      await yieldToEventLoop();
    }
    if (pending.length > 0) {
      t = lap(phases, 'collectMs', t);
      wholeRead = await options.wholeEntities!(toRead);
      t = performance.now();
      for (let i = 0; i < pending.length; i += YIELD_EVERY) {
        await Promise.all(
          pending.slice(i, i + YIELD_EVERY).map(collect => limit(collect)),
        );
        await yieldToEventLoop();
      }
    }
    t = lap(phases, 'collectMs', t);

    if (changed.length > 0) {
      // Evaluated from the facts in memory, not read back from the store.
      const evaluations: EntityEvaluation[] = [];
      for (let i = 0; i < changed.length; i++) {
        const c = changed[i];
        const evaluation = this.toEvaluation(c.info, c.factSets, c.waivers);
        evaluation.inputHash = c.inputHash;
        evaluations.push(evaluation);
        if ((i + 1) % YIELD_EVERY === 0) await yieldToEventLoop();
      }
      t = lap(phases, 'evaluateMs', t);
      // Compared with what is stored before it is overwritten.
      if (options.regressions) {
        options.regressions.push(...(await this.findRegressions(evaluations)));
      }
      // Facts, results, scores, dimensions and history: one transaction.
      await store.saveEvaluations(evaluations, {
        at: options.at,
        snapshot: true,
        facts: changed.map(c => ({
          entityRef: c.info.entityRef,
          factSets: c.factSets,
        })),
      });
    }
    await store.carryForwardSnapshots(carryForward, options.at);
    lap(phases, 'storeMs', t);
    return { evaluated: changed.length, unchanged, incomplete };
  }

  /** Evaluates stored facts for the given entities and stores the results. */
  async evaluateStored(
    entities: ScoredEntityInfo[],
    options: { snapshot: boolean; at?: Date },
  ): Promise<void> {
    const at = options.at ?? new Date();
    const batchSize = 1000;
    for (let i = 0; i < entities.length; i += batchSize) {
      const batch = entities.slice(i, i + batchSize);
      const refs = batch.map(e => e.entityRef);
      const [facts, waivers] = await Promise.all([
        this.options.store.getFacts(refs),
        this.options.store.getActiveWaivers(refs),
      ]);
      const evaluations = batch.map(info =>
        this.toEvaluation(
          info,
          facts.get(info.entityRef) ?? [],
          waivers.get(info.entityRef) ?? new Set(),
        ),
      );
      await this.options.store.saveEvaluations(evaluations, {
        at,
        snapshot: options.snapshot,
      });
    }
  }

  /**
   * The entities whose last collection by this process looked up one of
   * `refs` (found or not), or listed the services extracted from one of
   * `extractedFrom`, or read the whole catalog: what the catalog holds for
   * those refs is part of their facts, so they are to be scored again when
   * one arrives or changes.
   * Refs compare without case, as the catalog compares them. An entity this
   * process has not collected since it started is not among them.
   */
  entitiesLookingUp(
    refs: Iterable<string>,
    extractedFrom: Iterable<string> = [],
  ): string[] {
    const lower = (values: Iterable<string>) =>
      new Set([...values].map(ref => ref.toLocaleLowerCase('en-US')));
    const looked = lower(refs);
    const monoliths = lower(extractedFrom);
    if (looked.size === 0 && monoliths.size === 0) return [];
    // Most refs are shared by thousands of logs (see `sharedRefs`): each
    // is lowered once.
    const lowered = new Map<string, string>();
    const hit = (ref: string, wanted: Set<string>) => {
      let key = lowered.get(ref);
      if (key === undefined) {
        key = ref.toLocaleLowerCase('en-US');
        lowered.set(ref, key);
      }
      return wanted.has(key);
    };
    const found: string[] = [];
    for (const [entityRef, reads] of this.catalogReads) {
      if (
        // It read the whole snapshot: anything may change its facts.
        reads.opaque ||
        reads.refs.some(ref => hit(ref, looked)) ||
        reads.extracted.some(ref => hit(ref, monoliths))
      ) {
        found.push(entityRef);
      }
    }
    return found;
  }

  /**
   * Collects one entity now, and evaluates and stores it when its inputs
   * changed since its last evaluation (its source tree is read again, so a
   * change there counts); an unchanged entity keeps its stored evaluation.
   * The catalog is first read only for what the last collection looked up;
   * all the entity's neighbours are read only when it has no such log, or
   * when its collection now looks up something else.
   */
  async refreshEntity(entityRef: string): Promise<void> {
    const credentials = await this.serviceCredentials();
    const { catalog } = this.options;
    const regressions = this.options.onRegressions ? [] : undefined;
    try {
      // First only what its last collection looked up, read again with the
      // entity in the same request: enough to tell whether anything
      // changed, and to collect again when the collection looks up nothing
      // else. The snapshot holds the entity too, as a full one does.
      const previous = this.catalogReads.get(entityRef);
      if (previous && !previous.opaque) {
        const lookups = await CatalogSnapshot.forLookups(
          catalog,
          { ...previous, whole: entityRef },
          credentials,
        );
        const current = lookups.get(entityRef);
        if (!current) {
          throw new NotFoundError(`No entity ${entityRef} in the catalog`);
        }
        const scored = await this.scoreEntities([current], lookups, {
          at: new Date(),
          force: false,
          regressions,
          lookupsOnly: previous,
        });
        if (scored.incomplete === 0) return;
      }
      const snapshot = await CatalogSnapshot.forEntity(
        catalog,
        entityRef,
        credentials,
      );
      const entity = snapshot?.get(entityRef);
      if (!snapshot || !entity) {
        throw new NotFoundError(`No entity ${entityRef} in the catalog`);
      }
      await this.scoreEntities([entity], snapshot, {
        at: new Date(),
        force: false,
        regressions,
      });
    } finally {
      await this.reportRegressions(regressions);
    }
  }

  /**
   * The checks of the evaluations that fail now and passed in the stored
   * evaluation they replace. Two batched reads, both skipped when there is
   * nothing to compare: the stored failing and unknown checks of the
   * entities that fail a check now (one row per entity), then, for the
   * entities with a check among neither, their stored results, since such a
   * check may have been waived, not applicable, or in a dimension that was
   * not evaluated, rather than passing. An entity with no stored evaluation
   * is evaluated for the first time: no regression.
   */
  private async findRegressions(
    evaluations: EntityEvaluation[],
  ): Promise<CheckRegression[]> {
    try {
      const failing = new Map<string, EntityEvaluation>();
      for (const e of evaluations) {
        const checks = e.dimensionChecks;
        if (checks && Object.values(checks).some(d => d.failing.length > 0)) {
          failing.set(e.entity.entityRef, e);
        }
      }
      if (failing.size === 0) return [];
      const { store } = this.options;
      const lists = await store.getFailingOrUnknownChecks([...failing.keys()]);
      const candidates = new Map<string, string[]>();
      for (const [ref, before] of lists) {
        const known = new Set(before);
        const newly = Object.values(failing.get(ref)!.dimensionChecks!)
          .flatMap(d => d.failing)
          .filter(id => !known.has(id));
        if (newly.length > 0) candidates.set(ref, newly);
      }
      if (candidates.size === 0) return [];
      const stored = await store.getCheckResultsOf([...candidates.keys()]);
      const regressions: CheckRegression[] = [];
      for (const [ref, newly] of candidates) {
        const passed = new Set(
          (stored.get(ref) ?? [])
            .filter(r => r.status === 'pass')
            .map(r => r.checkId),
        );
        const checkIds = newly.filter(id => passed.has(id));
        if (checkIds.length === 0) continue;
        const { ownerRef } = failing.get(ref)!.entity;
        regressions.push({
          entityRef: ref,
          ...(ownerRef ? { ownerRef } : {}),
          checkIds,
        });
      }
      return regressions;
    } catch (e) {
      this.options.logger.warn(`Could not look for failing checks: ${e}`);
      return [];
    }
  }

  /** Hands the regressions found to the callback; its errors are logged. */
  private async reportRegressions(regressions?: CheckRegression[]) {
    if (!regressions?.length || !this.options.onRegressions) return;
    try {
      await this.options.onRegressions(regressions);
    } catch (e) {
      this.options.logger.warn(
        `Could not report the checks that started failing: ${e}`,
      );
    }
  }

  /**
   * Refs of the catalog's entities of the scored kinds that have no stored
   * score yet: entities registered since the last cycle. Lists only the refs
   * (kind, namespace, name), page by page.
   */
  async unscoredEntityRefs(): Promise<string[]> {
    const credentials = await this.serviceCredentials();
    const scored = new Set(await this.options.store.listScoredEntityRefs());
    const fields = ['kind', 'metadata.namespace', 'metadata.name'];
    const unscored: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await this.options.catalog.queryEntities(
        cursor
          ? { cursor, fields, limit: REF_PAGE_SIZE }
          : {
              filter: { kind: this.options.entityKinds },
              fields,
              limit: REF_PAGE_SIZE,
              totalItems: 'exclude',
            },
        { credentials },
      );
      for (const entity of response.items) {
        if (!this.isScored(entity)) continue;
        const ref = stringifyEntityRef(entity);
        if (!scored.has(ref)) unscored.push(ref);
      }
      cursor = response.pageInfo.nextCursor;
    } while (cursor);
    return unscored;
  }

  /**
   * Scores the entities registered since the last cycle, one by one, when
   * there are at most `max` of them; with more, scores none and reports
   * `tooMany` so that the caller starts the full cycle, which is cheaper for
   * many entities. An entity whose scoring failed is retried five minutes
   * later, not on every scan.
   */
  async scoreNewEntities(options: {
    max: number;
    signal?: AbortSignal;
  }): Promise<NewEntityScanResult> {
    const now = Date.now();
    for (const [ref, at] of this.failedAt) {
      if (now - at >= NEW_ENTITY_RETRY_MS) this.failedAt.delete(ref);
    }
    const unscored = await this.unscoredEntityRefs();
    const due = unscored.filter(ref => !this.failedAt.has(ref));
    const result: NewEntityScanResult = {
      unscored: unscored.length,
      scored: [],
      failed: [],
      tooMany: due.length > options.max,
    };
    if (result.tooMany) return result;
    const limit = pLimit(this.options.concurrency ?? 4);
    await Promise.all(
      due.map(ref =>
        limit(async () => {
          if (options.signal?.aborted) return;
          try {
            await this.refreshEntity(ref);
            result.scored.push(ref);
          } catch (e) {
            this.failedAt.set(ref, Date.now());
            result.failed.push(ref);
            this.options.logger.warn(
              `Could not score the new entity ${ref}; retrying in 5 minutes: ${e}`,
            );
          }
        }),
      ),
    );
    return result;
  }

  /** Re-evaluates one entity from stored facts (after a waiver change). */
  async reevaluateEntity(entityRef: string): Promise<void> {
    const stored = await this.options.store.getEntityScore(entityRef);
    if (!stored) return;
    await this.evaluateStored([stored], { snapshot: false });
  }

  /** The next steps for an entity from its stored results. */
  nextSteps(results: CheckResult[], score: EntityScore, limit = 3) {
    return nextSteps(this.options.model, results, score, limit);
  }
}
