import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_CHILD_OF,
  RELATION_HAS_MEMBER,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

import { EXTRACTED_FROM_ANNOTATION } from './extractionAnnotations';

const PAGE_SIZE = 500;

/** The fields of a Template the template facts read. */
const TEMPLATE_FIELDS = [
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
];

/** Normalises an owner/system reference to a full entity ref, or undefined. */
export function toRef(
  value: unknown,
  defaultKind: string,
  defaultNamespace = 'default',
): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value.trim(), { defaultKind, defaultNamespace }),
    );
  } catch {
    return undefined;
  }
}

/** The filter of a catalog query, as `CatalogService.queryEntities` takes it. */
type EntityFilter = Extract<
  NonNullable<Parameters<CatalogService['queryEntities']>[0]>,
  { filter?: unknown }
>['filter'];

/**
 * Every entity matching `query.filter` (all of them without one), page by
 * page: `query.pageSize` entities per request, 500 by default.
 */
export async function queryAllEntities(
  catalog: CatalogService,
  query: { filter?: EntityFilter; fields?: string[]; pageSize?: number },
  credentials: BackstageCredentials,
): Promise<Entity[]> {
  const { pageSize: limit = PAGE_SIZE, ...request } = query;
  const found: Entity[] = [];
  let cursor: string | undefined;
  do {
    const response = await catalog.queryEntities(
      cursor ? { cursor, limit } : { ...request, limit, totalItems: 'exclude' },
      { credentials },
    );
    found.push(...response.items);
    cursor = response.pageInfo.nextCursor;
  } while (cursor);
  return found;
}

/**
 * An in-memory view of the catalog entities an evaluation needs, fetched once:
 * the whole catalog for a scheduled cycle, or one entity and its neighbours for
 * an on-demand refresh. Lookups are synchronous and never hit the catalog again.
 */
export class CatalogSnapshot {
  private readonly byRef = new Map<string, Entity>();
  private readonly extractedFrom = new Map<string, string[]>();

  /** Every entity in the catalog, paged. */
  static async forAll(
    catalog: CatalogService,
    credentials: BackstageCredentials,
  ): Promise<CatalogSnapshot> {
    return new CatalogSnapshot(
      await queryAllEntities(catalog, {}, credentials),
    );
  }

  /**
   * One entity plus what its facts read: owner, groups, APIs, resources,
   * system, and the catalog's Templates (kind, name and annotations).
   */
  static async forEntity(
    catalog: CatalogService,
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<CatalogSnapshot | undefined> {
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) return undefined;
    return new CatalogSnapshot([
      ...(await CatalogSnapshot.neighboursOf(entity, catalog, credentials)),
      entity,
    ]);
  }

  /**
   * What an entity's facts read besides the entity, from the catalog: its
   * owner and the owner's parent chain, its system, APIs and resources,
   * services extracted from it, and the catalog's Templates (kind, name and
   * annotations). The entity itself need not be in the catalog yet (a
   * freshly generated tree).
   */
  static async neighboursOf(
    entity: Entity,
    catalog: CatalogService,
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const entityRef = stringifyEntityRef(entity);
    const refs = new Set<string>();
    for (const relation of entity.relations ?? []) refs.add(relation.targetRef);
    const ownerRef = toRef(entity.spec?.owner, 'group');
    if (ownerRef) refs.add(ownerRef);
    const systemRef = toRef(entity.spec?.system, 'system');
    if (systemRef) refs.add(systemRef);
    const neighbours = refs.size
      ? (
          await catalog.getEntitiesByRefs(
            { entityRefs: [...refs] },
            { credentials },
          )
        ).items.filter((e): e is Entity => !!e)
      : [];
    const owner = neighbours.find(
      e => stringifyEntityRef(e) === ownerRef && e.kind === 'Group',
    );
    // The owner's members, whose names the ownership facts match CODEOWNERS
    // against, as a cycle's snapshot of the whole catalog holds them.
    const memberRefs = (owner?.relations ?? [])
      .filter(r => r.type === RELATION_HAS_MEMBER)
      .map(r => r.targetRef);
    const members = memberRefs.length
      ? catalog
          .getEntitiesByRefs({ entityRefs: memberRefs }, { credentials })
          .then(r => r.items.filter((e): e is Entity => !!e))
      : Promise.resolve([]);
    // The owner's parent chain, for hierarchy facts.
    const parents: Entity[] = [];
    let parentRef = owner ? toRef(owner.spec?.parent, 'group') : undefined;
    const seen = new Set<string>();
    while (parentRef && !seen.has(parentRef) && seen.size < 20) {
      seen.add(parentRef);
      const parent = await catalog.getEntityByRef(parentRef, { credentials });
      if (!parent) break;
      parents.push(parent);
      parentRef = toRef(parent.spec?.parent, 'group');
    }
    const extracted = await CatalogSnapshot.servicesExtractedFrom(
      catalog,
      [entityRef],
      credentials,
    );
    const templates = await CatalogSnapshot.templates(catalog, credentials);
    return [
      ...templates,
      ...neighbours,
      ...(await members),
      ...parents,
      ...extracted,
    ];
  }

  /**
   * A snapshot of the entities with these refs, each as a snapshot of the
   * whole catalog or of one entity's neighbours holds it (a Template with
   * only the fields the template facts compare), and of the services
   * extracted from the `extracted` refs: the lookups a collection recorded,
   * read again side by side (the refs in one request, the Templates in
   * another, and the extracted services as {@link CatalogSnapshot.servicesExtractedFrom}
   * reads them). `whole` is read whole whatever its kind, in the request
   * of the refs: the entity being collected, a Template too.
   */
  static async forLookups(
    catalog: CatalogService,
    lookups: { refs: string[]; extracted: string[]; whole?: string },
    credentials: BackstageCredentials,
  ): Promise<CatalogSnapshot> {
    const templateRefs: string[] = [];
    const otherRefs: string[] = lookups.whole ? [lookups.whole] : [];
    for (const ref of new Set(lookups.refs)) {
      if (ref === lookups.whole) continue;
      (ref.startsWith('template:') ? templateRefs : otherRefs).push(ref);
    }
    const found = (r: { items: Array<Entity | undefined> }) =>
      r.items.filter((e): e is Entity => !!e);
    const [others, templates, extracted] = await Promise.all([
      otherRefs.length
        ? catalog
            .getEntitiesByRefs({ entityRefs: otherRefs }, { credentials })
            .then(found)
        : [],
      templateRefs.length
        ? catalog
            .getEntitiesByRefs(
              { entityRefs: templateRefs, fields: TEMPLATE_FIELDS },
              { credentials },
            )
            .then(found)
        : [],
      lookups.extracted.length
        ? CatalogSnapshot.servicesExtractedFrom(
            catalog,
            lookups.extracted,
            credentials,
          )
        : [],
    ]);
    return new CatalogSnapshot([...templates, ...others, ...extracted]);
  }

  /**
   * The services whose extracted-from annotation names one of `refs`. The
   * catalog answers an annotation filter by checking every entity (about
   * 40 ms at 10,000 entities on SQLite), and most entities are no monolith.
   * So the annotation's facet (its values and counts, read from an index)
   * comes first, and only the values that name one of `refs` are queried.
   */
  static async servicesExtractedFrom(
    catalog: CatalogService,
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const key = `metadata.annotations.${EXTRACTED_FROM_ANNOTATION}`;
    const { facets } = await catalog.getEntityFacets(
      { facets: [key] },
      { credentials },
    );
    const wanted = new Set(refs.map(ref => ref.toLocaleLowerCase('en-US')));
    // A value may name the monolith in short form ("classroom-monolith").
    const values = (facets[key] ?? [])
      .map(facet => facet.value)
      .filter(value =>
        wanted.has(toRef(value, 'component')?.toLocaleLowerCase('en-US') ?? ''),
      );
    if (values.length === 0) return [];
    return queryAllEntities(
      catalog,
      { filter: { [key]: values } },
      credentials,
    );
  }

  /**
   * The catalog's Templates, for the template facts (the one a repository's
   * record names is only known once its tree is read): only the fields they
   * compare. A cycle's snapshot and one entity's read them the same way, so
   * both hash them alike.
   */
  static async templates(
    catalog: CatalogService,
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    return queryAllEntities(
      catalog,
      { filter: { kind: 'Template' }, fields: TEMPLATE_FIELDS },
      credentials,
    );
  }

  constructor(entities: Entity[]) {
    for (const entity of entities) {
      this.byRef.set(stringifyEntityRef(entity), entity);
    }
    for (const entity of this.byRef.values()) {
      const from = toRef(
        entity.metadata.annotations?.[EXTRACTED_FROM_ANNOTATION],
        'component',
      );
      if (from) {
        const list = this.extractedFrom.get(from) ?? [];
        list.push(stringifyEntityRef(entity));
        this.extractedFrom.set(from, list);
      }
    }
  }

  /** The entity with this ref, if in the snapshot. */
  get(ref: string | undefined): Entity | undefined {
    return ref ? this.byRef.get(ref) : undefined;
  }

  /** All entities in the snapshot. */
  all(): Entity[] {
    return [...this.byRef.values()];
  }

  /** Entities whose extracted-from annotation points at `ref`. */
  extractedServices(ref: string): string[] {
    return this.extractedFrom.get(ref) ?? [];
  }

  /**
   * Ancestor/descendant pairs of the group hierarchy (each group is its own
   * ancestor at depth 0). Walks parents with a visited set, so a cyclic
   * hierarchy terminates.
   */
  groupClosure(): Array<{
    ancestor: string;
    descendant: string;
    depth: number;
  }> {
    const groups = this.all().filter(e => e.kind === 'Group');
    const parentOf = new Map<string, string | undefined>();
    for (const group of groups) {
      const ref = stringifyEntityRef(group);
      const parentRelation = group.relations?.find(
        r => r.type === RELATION_CHILD_OF,
      )?.targetRef;
      parentOf.set(ref, parentRelation ?? toRef(group.spec?.parent, 'group'));
    }
    const rows: Array<{ ancestor: string; descendant: string; depth: number }> =
      [];
    for (const ref of parentOf.keys()) {
      const seen = new Set<string>([ref]);
      rows.push({ ancestor: ref, descendant: ref, depth: 0 });
      let depth = 0;
      let parent = parentOf.get(ref);
      while (parent && !seen.has(parent)) {
        seen.add(parent);
        depth += 1;
        rows.push({ ancestor: parent, descendant: ref, depth });
        parent = parentOf.get(parent);
      }
    }
    return rows;
  }

  /** The group's parent chain, nearest first, stopping at a cycle. */
  parentChain(groupRef: string): Entity[] {
    const chain: Entity[] = [];
    const seen = new Set<string>([groupRef]);
    let current = this.get(groupRef);
    while (current) {
      const parentRef =
        current.relations?.find(r => r.type === RELATION_CHILD_OF)?.targetRef ??
        toRef(current.spec?.parent, 'group');
      if (!parentRef || seen.has(parentRef)) break;
      seen.add(parentRef);
      current = this.get(parentRef);
      if (current) chain.push(current);
    }
    return chain;
  }
}
