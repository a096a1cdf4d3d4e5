import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FactSet,
  REPO_FACTS,
} from '@cloud-native-portal/plugin-maturity-common';
import { FactCollector } from '@cloud-native-portal/plugin-maturity-node';
import { Knex } from 'knex';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import { join } from 'node:path';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseMaturityStore } from '../database/DatabaseMaturityStore';
import { loadMaturityModel } from './loadModel';
import { MaturityEngine, parsePhasesText, phasesText } from './MaturityEngine';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

/** The team, now with an on-call annotation. */
const onCallTeam: Entity = {
  ...team,
  metadata: {
    ...team.metadata,
    annotations: { 'pagerduty.com/service-id': 'P123' },
  },
};

/**
 * The entity as the catalog serves it: with a uid, and as its etag the
 * catalog's hash of its content.
 */
function served(entity: Entity): Entity {
  const withUid = {
    ...entity,
    metadata: { ...entity.metadata, uid: `uid-${entity.metadata.name}` },
  };
  const etag = createHash('sha1')
    .update(stableStringify(withUid))
    .digest('hex');
  return { ...withUid, metadata: { ...withUid.metadata, etag } };
}

/** A repo collector whose facts per component the test sets. */
function repoCollector() {
  const replicas = new Map<string, number>();
  const collector: FactCollector = {
    id: 'repo',
    version: 1,
    facts: REPO_FACTS,
    async collect({ entity }): Promise<FactSet> {
      return {
        collector: 'repo',
        version: 1,
        collectedAt: new Date().toISOString(),
        status: 'ok',
        facts: {
          'repo.workloads.minReplicas': replicas.get(entity.metadata.name) ?? 1,
        },
      };
    },
  };
  return { collector, replicas };
}

/** A collector with no facts that records the entities it is handed. */
function recordingCollector(
  id: string,
  options: { readsRefAndAnnotationsOnly?: boolean } = {},
) {
  const seen: Entity[] = [];
  const collector: FactCollector = {
    id,
    version: 1,
    facts: [],
    ...options,
    async collect({ entity }) {
      seen.push(entity);
      return {
        collector: id,
        version: 1,
        collectedAt: new Date().toISOString(),
        status: 'ok',
        facts: {},
      };
    },
  };
  return { seen, collector };
}

/**
 * A catalog whose entities the test replaces between cycles, counting the
 * requests made to it.
 */
function mutableCatalog(entities: Entity[]) {
  let current = catalogServiceMock({ entities });
  const calls: string[] = [];
  /** The refs each getEntitiesByRefs asked for. */
  const byRefs: string[][] = [];
  const catalog: CatalogService = Object.create(current);
  catalog.queryEntities = (request, options) => {
    calls.push('queryEntities');
    return current.queryEntities(request, options);
  };
  catalog.getEntityByRef = (ref, options) => {
    calls.push('getEntityByRef');
    return current.getEntityByRef(ref, options);
  };
  catalog.getEntitiesByRefs = (request, options) => {
    calls.push('getEntitiesByRefs');
    byRefs.push(request.entityRefs);
    return current.getEntitiesByRefs(request, options);
  };
  catalog.getEntityFacets = (request, options) => {
    calls.push('getEntityFacets');
    return current.getEntityFacets(request, options);
  };
  return {
    calls,
    byRefs,
    catalog,
    set(next: Entity[]) {
      current = catalogServiceMock({ entities: next });
    },
  };
}

/** A collector that reads nothing but the source tree, counting its runs. */
function treeOnlyCollector() {
  const runs: string[] = [];
  const collector: FactCollector = {
    id: 'probe',
    version: 1,
    facts: [],
    sourceTreeOnly: true,
    async collect({ entity, sourceTree }): Promise<FactSet> {
      runs.push(entity.metadata.name);
      return {
        collector: 'probe',
        version: 1,
        collectedAt: new Date().toISOString(),
        status: 'ok',
        facts: { 'probe.files': sourceTree?.files().length ?? 0 },
      };
    },
  };
  return { collector, runs };
}

async function factsOf(store: DatabaseMaturityStore, ref: string, id: string) {
  const sets = (await store.getFacts([ref])).get(ref) ?? [];
  return sets.find(s => s.collector === id)?.facts ?? {};
}

function createEngine(options: {
  store: DatabaseMaturityStore;
  catalog: CatalogService;
  collector: FactCollector;
  extra?: FactCollector[];
  allowedLocalRoots?: string[];
  entityKinds?: string[];
}) {
  const collectors = [options.collector, ...(options.extra ?? [])];
  return new MaturityEngine({
    store: options.store,
    model: loadMaturityModel(mockServices.rootConfig({ data: {} }), collectors),
    collectors,
    catalog: options.catalog,
    auth: mockServices.auth(),
    logger: mockServices.rootLogger({ level: 'error' }),
    allowedLocalRoots: options.allowedLocalRoots ?? [],
    entityKinds: options.entityKinds ?? ['Component'],
    retentionDays: 400,
  });
}

async function evaluatedAt(knex: Knex) {
  const rows = await knex('maturity_entity_scores')
    .select('entity_ref', 'evaluated_at')
    .orderBy('entity_ref');
  return new Map(
    rows.map(r => [r.entity_ref, new Date(r.evaluated_at).getTime()]),
  );
}

async function snapshotCount(knex: Knex, entityRef: string) {
  const [{ count }] = await knex('maturity_snapshots')
    .where({ entity_ref: entityRef })
    .count({ count: '*' });
  return Number(count);
}

describe('parsePhasesText', () => {
  it('reads back the phases it logs, to a tenth of a second', () => {
    const phases = {
      catalogMs: 740,
      collectMs: 12_345,
      evaluateMs: 20,
      storeMs: 1_960,
    };
    const line = `Maturity cycle 3: 10 entities evaluated, 0 removed, in 15065 ms (${phasesText(
      phases,
    )})`;
    expect(parsePhasesText(line)).toEqual({
      catalogMs: 700,
      collectMs: 12_300,
      evaluateMs: 0,
      storeMs: 2_000,
    });
    expect(
      parsePhasesText('Maturity cycle 4: 0 entities evaluated, in 3 ms'),
    ).toBeUndefined();
  });
});

describe.each(databases.eachSupportedId())('MaturityEngine on %p', id => {
  let knex: Knex;
  let store: DatabaseMaturityStore;

  beforeEach(async () => {
    knex = await databases.init(id);
    store = await DatabaseMaturityStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
  });

  afterEach(async () => {
    await knex.destroy();
  });

  it('does not re-evaluate an entity whose facts did not change, and keeps its daily history point', async () => {
    const { collector } = repoCollector();
    const catalog = catalogServiceMock({
      entities: [team, component('a'), component('b')],
    });
    const engine = createEngine({ store, catalog, collector });

    const first = await engine.runCycle();
    expect(first).toMatchObject({ entities: 2, evaluated: 2, unchanged: 0 });
    const before = await evaluatedAt(knex);
    const results = await store.getCheckResults('component:default/a');

    await new Promise(r => setTimeout(r, 20));
    const second = await engine.runCycle();
    expect(second).toMatchObject({ entities: 2, evaluated: 0, unchanged: 2 });
    expect(await evaluatedAt(knex)).toEqual(before);
    expect(await store.getCheckResults('component:default/a')).toEqual(results);
    expect(await snapshotCount(knex, 'component:default/a')).toBe(1);

    // A day later, still unchanged: one history point more, with the same
    // score, and still no evaluation.
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    await knex('maturity_snapshots').update({ created_at: dayAgo });
    await knex('maturity_entity_scores').update({ snapshot_at: dayAgo });
    const third = await engine.runCycle();
    expect(third).toMatchObject({ evaluated: 0, unchanged: 2 });
    const history = await store.getHistory('component:default/a', {
      limit: 10,
    });
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({
      level: history[0].level,
      score: history[0].score,
      dimensions: history[0].dimensions,
    });
    expect(new Date(history[1].createdAt).getTime()).toBeGreaterThan(
      dayAgo.getTime(),
    );

    // The same day again: no further point.
    await engine.runCycle();
    expect(await snapshotCount(knex, 'component:default/a')).toBe(2);
  });

  it('refreshing an unchanged entity on demand keeps its stored evaluation; a changed one is evaluated again', async () => {
    const { collector, replicas } = repoCollector();
    const catalog = catalogServiceMock({
      entities: [team, component('a'), component('b')],
    });
    const engine = createEngine({ store, catalog, collector });
    await engine.runCycle();
    const before = await evaluatedAt(knex);

    await new Promise(r => setTimeout(r, 20));
    await engine.refreshEntity('component:default/a');
    expect(await evaluatedAt(knex)).toEqual(before);
    expect(await snapshotCount(knex, 'component:default/a')).toBe(1);

    replicas.set('a', 3);
    await engine.refreshEntity('component:default/a');
    const after = await evaluatedAt(knex);
    expect(after.get('component:default/a')).toBeGreaterThan(
      before.get('component:default/a')!,
    );
    expect(after.get('component:default/b')).toBe(
      before.get('component:default/b'),
    );
  });

  it('a shard whose claim was lost stops before its next page, and forgets no entity', async () => {
    const { collector, replicas } = repoCollector();
    const entities = [team, component('a'), component('b')];
    const engine = createEngine({
      store,
      catalog: catalogServiceMock({ entities }),
      collector,
    });
    await engine.runCycle();
    const before = await evaluatedAt(knex);

    // b left the catalog and a changed, but this replica lost its claim.
    const lost = new AbortController();
    lost.abort();
    replicas.set('a', 3);
    const later = createEngine({
      store,
      catalog: catalogServiceMock({ entities: [team, component('a')] }),
      collector,
    });
    await expect(later.runCycle({ signal: lost.signal })).rejects.toThrow(
      'the claim on this shard was lost',
    );
    expect(await evaluatedAt(knex)).toEqual(before);
    expect(await store.listScoredEntityRefs()).toEqual(
      expect.arrayContaining(['component:default/a', 'component:default/b']),
    );
  });

  it('re-evaluates only the entity whose fact changed', async () => {
    const { collector, replicas } = repoCollector();
    const catalog = catalogServiceMock({
      entities: [team, component('a'), component('b')],
    });
    const engine = createEngine({ store, catalog, collector });
    await engine.runCycle();
    const before = await evaluatedAt(knex);

    await new Promise(r => setTimeout(r, 20));
    replicas.set('b', 3);
    const summary = await engine.runCycle();
    expect(summary).toMatchObject({ evaluated: 1, unchanged: 1 });
    const after = await evaluatedAt(knex);
    expect(after.get('component:default/a')).toBe(
      before.get('component:default/a'),
    );
    expect(after.get('component:default/b')).toBeGreaterThan(
      before.get('component:default/b')!,
    );
    const facts = await store.getFacts(['component:default/b']);
    expect(
      facts.get('component:default/b')!.find(s => s.collector === 'repo')!
        .facts['repo.workloads.minReplicas'],
    ).toBe(3);
  });

  it('re-evaluates an unchanged entity that got a waiver since the last cycle', async () => {
    const { collector } = repoCollector();
    const catalog = catalogServiceMock({
      entities: [team, component('a'), component('b')],
    });
    const engine = createEngine({ store, catalog, collector });
    await engine.runCycle();
    const failing = (await store.getCheckResults('component:default/a')).find(
      r => r.status === 'fail',
    )!;
    await store.createWaiver({
      entityRef: 'component:default/a',
      checkId: failing.checkId,
      reason: 'accepted for now',
      createdBy: 'user:default/lead',
      expiresAt: new Date(Date.now() + 86400_000),
    });

    const summary = await engine.runCycle();
    expect(summary).toMatchObject({ evaluated: 1, unchanged: 1 });
    const waived = (await store.getCheckResults('component:default/a')).find(
      r => r.checkId === failing.checkId,
    );
    expect(waived?.status).toBe('waived');
  });

  it('evaluates every entity in the first cycle of a new process, even when nothing changed', async () => {
    const { collector } = repoCollector();
    const catalog = catalogServiceMock({
      entities: [team, component('a'), component('b')],
    });
    await createEngine({ store, catalog, collector }).runCycle();
    const restarted = createEngine({ store, catalog, collector });
    expect(await restarted.runCycle()).toMatchObject({
      evaluated: 2,
      unchanged: 0,
    });
    expect(await restarted.runCycle()).toMatchObject({
      evaluated: 0,
      unchanged: 2,
    });
  });

  it('says where a cycle spent its time: catalog reads, collection, evaluation and storage', async () => {
    const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
    const mock = catalogServiceMock({
      entities: [team, component('service-a')],
    });
    // The catalog's page read, the collector and the stored writes each
    // take a known time at least: each phase holds its own, and the phases
    // add up to no more than the cycle.
    const catalog: CatalogService = Object.create(mock);
    catalog.queryEntities = async (request, options) => {
      // The first page of the scored entities (not the context's reads).
      if (
        request &&
        'filter' in request &&
        JSON.stringify(request.filter) === '{"kind":["Component"]}'
      ) {
        await sleep(120);
      }
      return mock.queryEntities(request, options);
    };
    const slow: FactCollector = {
      ...recordingCollector('slow').collector,
      async collect() {
        await sleep(80);
        return {
          collector: 'slow',
          version: 1,
          collectedAt: new Date().toISOString(),
          status: 'ok',
          facts: {},
        };
      },
    };
    const save = store.saveEvaluations.bind(store);
    jest.spyOn(store, 'saveEvaluations').mockImplementation(async (...a) => {
      await sleep(160);
      return save(...a);
    });
    const engine = createEngine({
      store,
      catalog,
      collector: repoCollector().collector,
      extra: [slow],
    });

    const { phases, durationMs } = await engine.runCycle();
    expect(phases!.catalogMs).toBeGreaterThanOrEqual(115);
    expect(phases!.collectMs).toBeGreaterThanOrEqual(75);
    expect(phases!.storeMs).toBeGreaterThanOrEqual(155);
    expect(phases!.evaluateMs).toBeGreaterThanOrEqual(0);
    const sum =
      phases!.catalogMs +
      phases!.collectMs +
      phases!.evaluateMs +
      phases!.storeMs;
    expect(sum).toBeLessThanOrEqual(durationMs + 2);
    expect(phasesText(phases!)).toMatch(
      /^catalog reads \d+\.\d s, collection \d+\.\d s, evaluation \d+\.\d s, storage \d+\.\d s$/,
    );
  });

  it('reads a catalog larger than a page page by page, writing each page before reading the next', async () => {
    const { collector } = repoCollector();
    const components = Array.from({ length: 2100 }, (_, i) =>
      component(`service-${i}`),
    );
    const mock = catalogServiceMock({ entities: [team, ...components] });
    const scoredWhenRead: number[] = [];
    const limits: Array<number | undefined> = [];
    const catalog: CatalogService = Object.create(mock);
    catalog.queryEntities = async (request, options) => {
      limits.push(request?.limit);
      if (request && 'cursor' in request) {
        scoredWhenRead.push((await store.listScoredEntityRefs()).length);
      }
      return mock.queryEntities(request, options);
    };
    const engine = createEngine({ store, catalog, collector });

    const summary = await engine.runCycle();
    expect(summary).toMatchObject({ entities: 2100, evaluated: 2100 });
    expect((await store.listScoredEntityRefs()).length).toBe(2100);
    // Every read is a page, and each next page of components is read only
    // after the previous page's scores are stored.
    expect(limits.every(l => l !== undefined && l <= 1000)).toBe(true);
    expect(scoredWhenRead).toEqual([1000, 2000]);
  });
  it('after a page mostly collected again, reads the next page whole; after a quiet page, refs and etags again', async () => {
    const collector: FactCollector = {
      ...repoCollector().collector,
      sourceTreeOnly: true,
    };
    const components = Array.from({ length: 2100 }, (_, i) =>
      served(component(`service-${i}`)),
    );
    const { catalog, set, byRefs } = mutableCatalog([
      served(team),
      ...components,
    ]);
    const engine = createEngine({ store, catalog, collector });
    await engine.runCycle();

    // Every component sees its owner change: the first page is read in
    // refs and etags and then whole; the next pages whole at once.
    set([served(onCallTeam), ...components]);
    expect(await engine.runCycle()).toMatchObject({ evaluated: 2100 });
    expect(byRefs.map(refs => refs.length)).toEqual([1000]);

    // Nothing changed: the first page is read whole (the page before was
    // busy), the next pages in refs and etags, and nothing more.
    byRefs.length = 0;
    expect(await engine.runCycle()).toMatchObject({ unchanged: 2100 });
    expect(byRefs).toEqual([]);

    // One component changed, on the last page: only it is read whole.
    const changed = [...components];
    changed[2050] = served({
      ...component('service-2050'),
      spec: { ...component('service-2050').spec, lifecycle: 'deprecated' },
    });
    set([served(onCallTeam), ...changed]);
    expect(await engine.runCycle()).toMatchObject({ evaluated: 1 });
    expect(byRefs).toEqual([['component:default/service-2050']]);
  });

  it("re-evaluates an entity whose owner group's on-call annotation changed although the entity itself did not", async () => {
    const { collector } = repoCollector();
    const { catalog, set } = mutableCatalog([
      team,
      component('a'),
      component('b'),
    ]);
    const engine = createEngine({ store, catalog, collector });
    await engine.runCycle();
    expect(await engine.runCycle()).toMatchObject({ evaluated: 0 });
    expect(
      (await factsOf(store, 'component:default/a', 'ownership'))[
        'ownership.ownerOncall'
      ],
    ).toBe(false);

    const onCall = onCallTeam;
    set([onCall, component('a'), component('b')]);
    expect(await engine.runCycle()).toMatchObject({
      evaluated: 2,
      unchanged: 0,
    });
    expect(
      (await factsOf(store, 'component:default/a', 'ownership'))[
        'ownership.ownerOncall'
      ],
    ).toBe(true);
    expect(await engine.runCycle()).toMatchObject({ evaluated: 0 });
  });

  it('after the first cycle, pages hold refs and etags, and only the entities to collect again are read whole', async () => {
    // Collectors that read no more than the source tree: nothing else
    // needs the whole entity before its change is known.
    const collector: FactCollector = {
      ...repoCollector().collector,
      sourceTreeOnly: true,
    };
    const { catalog, set, byRefs } = mutableCatalog([
      served(team),
      served(component('a')),
      served(component('b')),
    ]);
    const engine = createEngine({ store, catalog, collector });
    expect(await engine.runCycle()).toMatchObject({ evaluated: 2 });
    byRefs.length = 0;
    expect(await engine.runCycle()).toMatchObject({
      evaluated: 0,
      unchanged: 2,
    });
    expect(byRefs).toEqual([]);

    // b itself changed: only b is read whole, and its new fields stored.
    const b2: Entity = served({
      ...component('b'),
      spec: { ...component('b').spec, lifecycle: 'experimental' },
    });
    set([served(team), served(component('a')), b2]);
    expect(await engine.runCycle()).toMatchObject({
      evaluated: 1,
      unchanged: 1,
    });
    expect(byRefs).toEqual([['component:default/b']]);
    expect((await store.getEntityScore('component:default/b'))?.lifecycle).toBe(
      'experimental',
    );

    // Only the owner group changed: both are read whole and collected.
    const onCall = served(onCallTeam);
    byRefs.length = 0;
    set([onCall, served(component('a')), b2]);
    expect(await engine.runCycle()).toMatchObject({ evaluated: 2 });
    expect(byRefs.map(refs => [...refs].sort())).toEqual([
      ['component:default/a', 'component:default/b'],
    ]);
    expect(
      (await factsOf(store, 'component:default/a', 'ownership'))[
        'ownership.ownerOncall'
      ],
    ).toBe(true);
    expect(
      (await factsOf(store, 'component:default/a', 'catalog'))[
        'catalog.lifecycle'
      ],
    ).toBe('production');
  });

  it('reads whole, every cycle, an entity whose provider set its own etag, which the catalog keeps through changes', async () => {
    const collector: FactCollector = {
      ...repoCollector().collector,
      sourceTreeOnly: true,
    };
    const ownEtag = (entity: Entity): Entity => ({
      ...entity,
      metadata: { ...entity.metadata, uid: 'uid-a', etag: 'v1' },
    });
    const { catalog, set, byRefs } = mutableCatalog([
      served(team),
      ownEtag(component('a')),
    ]);
    const engine = createEngine({ store, catalog, collector });
    await engine.runCycle();
    expect(await engine.runCycle()).toMatchObject({ unchanged: 1 });
    expect(byRefs).toEqual([['component:default/a']]);

    // Changed below the same etag: seen, and evaluated again.
    set([
      served(team),
      ownEtag({
        ...component('a'),
        spec: { ...component('a').spec, lifecycle: 'deprecated' },
      }),
    ]);
    expect(await engine.runCycle()).toMatchObject({ evaluated: 1 });
    expect((await store.getEntityScore('component:default/a'))?.lifecycle).toBe(
      'deprecated',
    );
  });

  it.each([
    [true, 'read in pages of refs, etags and annotations'],
    [false, 'read whole'],
  ])(
    'with a module collector that runs every cycle and reads only refs and annotations: %p, entities are %s',
    async (refsAndAnnotations: boolean) => {
      const { seen, collector: volatile } = recordingCollector('register', {
        readsRefAndAnnotationsOnly: refsAndAnnotations,
      });
      const { catalog, byRefs } = mutableCatalog([
        served(team),
        served(component('a')),
      ]);
      const engine = createEngine({
        store,
        catalog,
        collector: { ...repoCollector().collector, sourceTreeOnly: true },
        extra: [volatile],
      });
      await engine.runCycle();
      seen.length = 0;
      expect(await engine.runCycle()).toMatchObject({ unchanged: 1 });
      expect(byRefs).toEqual([]);
      // What the collector was handed in the unchanged cycle.
      expect(seen).toHaveLength(1);
      expect(seen[0].spec).toEqual(
        refsAndAnnotations ? undefined : component('a').spec,
      );
    },
  );

  it('refreshes an entity named in mixed case (MyService) by its lower-case ref, as the REST route passes it, before and after its first cycle', async () => {
    const { collector } = repoCollector();
    const { catalog } = mutableCatalog([team, component('MyService')]);
    const engine = createEngine({ store, catalog, collector });
    await engine.refreshEntity('component:default/myservice');
    await engine.runCycle();
    const before = await evaluatedAt(knex);
    expect([...before.keys()]).toEqual(['component:default/myservice']);
    await engine.refreshEntity('component:default/myservice');
    expect(await evaluatedAt(knex)).toEqual(before);
  });

  it('refreshes a scored Template whole, though lookups of Templates read a few fields only', async () => {
    const template: Entity = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'cloud-native-service', namespace: 'default' },
      spec: { type: 'service', owner: 'team-a', steps: [] },
    };
    const { seen, collector } = recordingCollector('probe');
    const { catalog } = mutableCatalog([team, template]);
    const engine = createEngine({
      store,
      catalog,
      collector: repoCollector().collector,
      extra: [collector],
      entityKinds: ['Template'],
    });
    await engine.runCycle();
    seen.length = 0;
    await engine.refreshEntity('template:default/cloud-native-service');
    expect(seen.map(e => e.spec?.owner)).toEqual(['team-a']);
  });

  it('a refresh reads again only what the last collection looked up, and still sees a change there', async () => {
    const { collector } = repoCollector();
    const { catalog, set, calls } = mutableCatalog([
      team,
      component('a'),
      component('b'),
    ]);
    const engine = createEngine({ store, catalog, collector });
    await engine.runCycle();
    const before = await evaluatedAt(knex);

    calls.length = 0;
    await new Promise(r => setTimeout(r, 20));
    await engine.refreshEntity('component:default/a');
    expect(await evaluatedAt(knex)).toEqual(before);
    // The entity and its lookups (the owner group) in one request, and the
    // extracted-from facet, which names no service extracted from it: no
    // query of every entity's annotations, none of every Template, no walk
    // up the owner's parents.
    expect(calls.sort()).toEqual(['getEntitiesByRefs', 'getEntityFacets']);

    // The owner group's on-call annotation changes, the entity does not.
    const onCall = onCallTeam;
    set([onCall, component('a'), component('b')]);
    calls.length = 0;
    await engine.refreshEntity('component:default/a');
    // Collected again from those same reads: its lookups did not change.
    expect(calls).toHaveLength(2);
    const after = await evaluatedAt(knex);
    expect(after.get('component:default/a')).toBeGreaterThan(
      before.get('component:default/a')!,
    );
    expect(after.get('component:default/b')).toBe(
      before.get('component:default/b'),
    );
    expect(
      (await factsOf(store, 'component:default/a', 'ownership'))[
        'ownership.ownerOncall'
      ],
    ).toBe(true);

    // Now it names another owner, which its last collection did not look
    // up: the refresh reads its neighbours the long way.
    const teamB: Entity = {
      ...team,
      metadata: { name: 'team-b', namespace: 'default' },
    };
    const movedA: Entity = {
      ...component('a'),
      spec: { ...component('a').spec, owner: 'team-b' },
    };
    set([onCall, teamB, movedA, component('b')]);
    calls.length = 0;
    await engine.refreshEntity('component:default/a');
    expect(calls.length).toBeGreaterThan(2);
    expect(
      await factsOf(store, 'component:default/a', 'ownership'),
    ).toMatchObject({
      'ownership.ownerRef': 'group:default/team-b',
      'ownership.ownerResolves': true,
    });
  });

  it('a refresh sees a service extracted from the entity since the last cycle, named in full or in short', async () => {
    const { collector } = repoCollector();
    const extracted = (name: string, from: string): Entity => ({
      ...component(name),
      metadata: {
        ...component(name).metadata,
        annotations: { 'cloud-native-portal/extracted-from': from },
      },
    });
    const { catalog, set, calls } = mutableCatalog([team, component('a')]);
    const engine = createEngine({ store, catalog, collector });
    await engine.runCycle();
    expect(
      (await factsOf(store, 'component:default/a', 'catalog'))[
        'catalog.extractedServiceCount'
      ],
    ).toBe(0);

    set([
      team,
      component('a'),
      extracted('b', 'component:default/a'),
      extracted('c', 'a'),
      extracted('d', 'component:default/elsewhere'),
    ]);
    calls.length = 0;
    await engine.refreshEntity('component:default/a');
    // The facet names services extracted from it: only then the query.
    expect(calls).toContain('queryEntities');
    expect(
      (await factsOf(store, 'component:default/a', 'catalog'))[
        'catalog.extractedServiceCount'
      ],
    ).toBe(2);
  });

  it("a refresh reads the owner's members as a cycle does: CODEOWNERS naming a member matches the owner in both", async () => {
    const root = mkdtempSync(join(tmpdir(), 'maturity-engine-members-'));
    try {
      writeFileSync(join(root, 'CODEOWNERS'), '* jane@example.com\n');
      const jane: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'jane', namespace: 'default' },
        spec: { profile: { email: 'jane@example.com' }, memberOf: ['team-a'] },
      };
      const withMember: Entity = {
        ...team,
        relations: [{ type: 'hasMember', targetRef: 'user:default/jane' }],
      };
      const withTree: Entity = {
        ...component('a'),
        metadata: {
          ...component('a').metadata,
          annotations: { 'backstage.io/source-location': `dir:${root}/` },
        },
      };
      const { collector } = repoCollector();
      const { catalog } = mutableCatalog([withMember, jane, withTree]);
      const engine = createEngine({
        store,
        catalog,
        collector,
        allowedLocalRoots: [root],
      });
      const matches = async () =>
        (await factsOf(store, 'component:default/a', 'ownership'))[
          'ownership.codeownersMatchesOwner'
        ];
      await engine.runCycle();
      expect(await matches()).toBe(true);

      // The tree changes, so the refresh collects again the long way.
      writeFileSync(join(root, 'README.md'), '# a\n');
      const before = await evaluatedAt(knex);
      await new Promise(r => setTimeout(r, 20));
      await engine.refreshEntity('component:default/a');
      expect(
        (await evaluatedAt(knex)).get('component:default/a'),
      ).toBeGreaterThan(before.get('component:default/a')!);
      expect(await matches()).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('re-evaluates an entity whose owner group appeared in the catalog after its last evaluation', async () => {
    const { collector } = repoCollector();
    const { catalog, set } = mutableCatalog([component('a')]);
    const engine = createEngine({ store, catalog, collector });
    await engine.runCycle();
    expect(await engine.runCycle()).toMatchObject({ evaluated: 0 });
    expect(
      (await factsOf(store, 'component:default/a', 'ownership'))[
        'ownership.ownerResolves'
      ],
    ).toBe(false);

    set([team, component('a')]);
    expect(await engine.runCycle()).toMatchObject({ evaluated: 1 });
    expect(
      (await factsOf(store, 'component:default/a', 'ownership'))[
        'ownership.ownerResolves'
      ],
    ).toBe(true);
  });

  it('re-evaluates an entity whose system moved to another domain although the entity itself did not', async () => {
    const { collector } = repoCollector();
    const system = (domain: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'shop', namespace: 'default' },
      spec: { owner: 'team-a', domain },
    });
    const inShop: Entity = {
      ...component('a'),
      spec: { ...component('a').spec, system: 'shop' },
    };
    const { catalog, set } = mutableCatalog([team, system('retail'), inShop]);
    const engine = createEngine({ store, catalog, collector });
    await engine.runCycle();
    expect(await engine.runCycle()).toMatchObject({ evaluated: 0 });

    set([team, system('payments'), inShop]);
    expect(await engine.runCycle()).toMatchObject({ evaluated: 1 });
    expect((await store.getEntityScore('component:default/a'))?.domainRef).toBe(
      'domain:default/payments',
    );
  });

  it('names the entities whose collection looked up a ref (found or not, in any case) or listed the services extracted from it; a refresh of them sees the system that arrived since', async () => {
    const { collector } = repoCollector();
    const system: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'shop', namespace: 'default' },
      spec: { owner: 'team-a', domain: 'retail' },
    };
    const inShop: Entity = {
      ...component('a'),
      spec: { ...component('a').spec, system: 'shop' },
    };
    const { catalog, set } = mutableCatalog([team, inShop, component('b')]);
    const engine = createEngine({ store, catalog, collector });
    expect(engine.entitiesLookingUp(['system:default/shop'])).toEqual([]);
    await engine.runCycle();

    expect(engine.entitiesLookingUp(['System:default/SHOP'])).toEqual([
      'component:default/a',
    ]);
    expect(engine.entitiesLookingUp(['group:default/team-a']).sort()).toEqual([
      'component:default/a',
      'component:default/b',
    ]);
    expect(engine.entitiesLookingUp(['system:default/other'])).toEqual([]);
    // Each component's catalog facts list the services extracted from it.
    expect(engine.entitiesLookingUp([], ['component:default/b'])).toEqual([
      'component:default/b',
    ]);
    expect(
      (await store.getEntityScore('component:default/a'))?.domainRef,
    ).toBeUndefined();

    set([team, system, inShop, component('b')]);
    for (const ref of engine.entitiesLookingUp(['system:default/shop'])) {
      await engine.refreshEntity(ref);
    }
    expect((await store.getEntityScore('component:default/a'))?.domainRef).toBe(
      'domain:default/retail',
    );
  });

  it('does not run the catalog and source-tree collectors again for an entity whose inputs did not change', async () => {
    const { collector } = repoCollector();
    const probe = treeOnlyCollector();
    const { catalog } = mutableCatalog([team, component('a')]);
    const engine = createEngine({
      store,
      catalog,
      collector,
      extra: [probe.collector],
    });
    await engine.runCycle();
    expect(probe.runs).toEqual(['a']);
    expect(await engine.runCycle()).toMatchObject({
      evaluated: 0,
      unchanged: 1,
    });
    expect(probe.runs).toEqual(['a']);
  });

  it('a cycle compares the template record with the Template in the catalog, as a refresh does', async () => {
    const root = mkdtempSync(join(tmpdir(), 'maturity-engine-template-'));
    try {
      mkdirSync(join(root, '.platform'));
      writeFileSync(
        join(root, '.platform', 'template.yaml'),
        'template:\n  ref: template:default/node-service\n  version: 1.0.0\n',
      );
      const withTree: Entity = {
        ...component('a'),
        metadata: {
          ...component('a').metadata,
          annotations: { 'backstage.io/source-location': `dir:${root}/` },
        },
      };
      const template: Entity = {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: {
          name: 'node-service',
          namespace: 'default',
          annotations: { 'cloud-native-portal/template-version': '1.1.0' },
        },
        spec: { type: 'service', steps: [] },
      };
      const { collector } = repoCollector();
      const catalog = catalogServiceMock({
        entities: [team, withTree, template],
      });
      const engine = createEngine({
        store,
        catalog,
        collector,
        allowedLocalRoots: [root],
      });
      await engine.runCycle();
      const cycled = (await store.getFacts(['component:default/a']))
        .get('component:default/a')!
        .find(s => s.collector === 'template')!;
      expect(cycled.unknown ?? {}).toEqual({});
      expect(cycled.facts['template.current']).toBe(false);

      // A refresh reads the same Template the same way: nothing changed.
      const before = await evaluatedAt(knex);
      await new Promise(r => setTimeout(r, 20));
      await engine.refreshEntity('component:default/a');
      expect(await evaluatedAt(knex)).toEqual(before);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('re-evaluates an entity whose local source tree changed although the catalog did not', async () => {
    const root = mkdtempSync(join(tmpdir(), 'maturity-engine-tree-'));
    try {
      writeFileSync(join(root, 'README.md'), '# a\n');
      const { collector } = repoCollector();
      const probe = treeOnlyCollector();
      const withTree: Entity = {
        ...component('a'),
        metadata: {
          ...component('a').metadata,
          annotations: { 'backstage.io/source-location': `dir:${root}/` },
        },
      };
      const { catalog } = mutableCatalog([team, withTree]);
      const engine = createEngine({
        store,
        catalog,
        collector,
        extra: [probe.collector],
        allowedLocalRoots: [root],
      });
      await engine.runCycle();
      expect(await engine.runCycle()).toMatchObject({ evaluated: 0 });
      expect(
        (await factsOf(store, 'component:default/a', 'probe'))['probe.files'],
      ).toBe(1);

      writeFileSync(join(root, 'CODEOWNERS'), '* @team-a\n');
      expect(await engine.runCycle()).toMatchObject({ evaluated: 1 });
      expect(
        (await factsOf(store, 'component:default/a', 'probe'))['probe.files'],
      ).toBe(2);
      expect(
        (await factsOf(store, 'component:default/a', 'ownership'))[
          'ownership.codeownersPresent'
        ],
      ).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
