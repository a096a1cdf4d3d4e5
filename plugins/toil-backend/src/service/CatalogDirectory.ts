import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_CHILD_OF,
  RELATION_HAS_MEMBER,
  RELATION_OWNED_BY,
  RELATION_PARENT_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** A Group as the toil metrics need it. */
export interface GroupInfo {
  ref: string;
  title: string;
  type?: string;
  parentRef?: string;
  childRefs: string[];
  memberRefs: string[];
}

/** The owner, title and kind of a catalog entity. */
export interface EntityInfo {
  ref: string;
  title: string;
  ownerRef: string | null;
}

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef);
}

/**
 * A read-only view of the catalog for one request: groups with their
 * hierarchy and members, and the owners of the entities in the register.
 */
export class CatalogDirectory {
  /** Loads every Group, and the given entities. */
  static async load(
    catalog: CatalogService,
    credentials: BackstageCredentials,
    entityRefs: string[],
  ): Promise<CatalogDirectory> {
    const [groups, entities] = await Promise.all([
      catalog.getEntities(
        {
          filter: { kind: 'Group' },
          fields: ['kind', 'metadata', 'spec', 'relations'],
        },
        { credentials },
      ),
      entityRefs.length
        ? catalog.getEntitiesByRefs(
            {
              entityRefs,
              fields: ['kind', 'metadata', 'spec.owner', 'relations'],
            },
            { credentials },
          )
        : Promise.resolve({ items: [] as (Entity | undefined)[] }),
    ]);
    const groupInfos = groups.items.map((g): GroupInfo => {
      const spec = (g.spec ?? {}) as { type?: string };
      return {
        ref: stringifyEntityRef(g),
        title: (g.metadata.title as string | undefined) ?? g.metadata.name,
        type: spec.type,
        parentRef: relationTargets(g, RELATION_CHILD_OF)[0],
        childRefs: relationTargets(g, RELATION_PARENT_OF),
        memberRefs: relationTargets(g, RELATION_HAS_MEMBER),
      };
    });
    const entityInfos = entities.items
      .filter((e): e is Entity => Boolean(e))
      .map(
        (e): EntityInfo => ({
          ref: stringifyEntityRef(e),
          title: (e.metadata.title as string | undefined) ?? e.metadata.name,
          ownerRef: relationTargets(e, RELATION_OWNED_BY)[0] ?? null,
        }),
      );
    return new CatalogDirectory(groupInfos, entityInfos);
  }

  private readonly groups: Map<string, GroupInfo>;
  private readonly entities: Map<string, EntityInfo>;

  constructor(groups: GroupInfo[], entities: EntityInfo[]) {
    this.groups = new Map(groups.map(g => [g.ref, g]));
    this.entities = new Map(entities.map(e => [e.ref, e]));
  }

  listGroups(): GroupInfo[] {
    return [...this.groups.values()];
  }

  group(ref: string): GroupInfo | undefined {
    return this.groups.get(ref);
  }

  entity(ref: string): EntityInfo | undefined {
    return this.entities.get(ref);
  }

  /** The group and every group below it; a cycle in the data cannot loop. */
  descendants(ref: string): string[] {
    const seen = new Set<string>();
    const queue = [ref];
    while (queue.length) {
      const current = queue.shift()!;
      if (seen.has(current)) continue;
      seen.add(current);
      queue.push(...(this.groups.get(current)?.childRefs ?? []));
    }
    return [...seen];
  }

  /** Distinct members of the given groups. */
  members(groupRefs: string[]): string[] {
    const out = new Set<string>();
    for (const ref of groupRefs) {
      for (const member of this.groups.get(ref)?.memberRefs ?? []) {
        out.add(member);
      }
    }
    return [...out];
  }

  /** Why an owner cannot carry a team toil %, or undefined when it can. */
  teamProblem(ownerRef: string | null): string | undefined {
    if (!ownerRef) return 'the entity has no owner';
    if (!ownerRef.startsWith('group:')) {
      return `the owner ${ownerRef} is not a group`;
    }
    const group = this.groups.get(ownerRef);
    if (!group) return `the owner ${ownerRef} is not in the catalog`;
    if (group.memberRefs.length === 0) {
      return `the owning group ${ownerRef} has no members, so its capacity is zero`;
    }
    return undefined;
  }
}
