import {
  Entity,
  KubernetesValidatorFunctions,
  parseEntityRef,
  RELATION_HAS_MEMBER,
  RELATION_PARENT_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { FactValue } from '@cloud-native-portal/plugin-maturity-common';
import {
  CatalogSnapshot,
  createCatalogFactCollector,
  createOwnershipFactCollector,
  DEFAULT_PLACEHOLDER_OWNERS,
  defaultCodeowners,
  findCodeowners,
  RepositoryTree,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  ChatLink,
  CodeownersInfo,
  Contact,
  EntityOwnership,
  OncallAnnotation,
  OWNERSHIP_PROBLEM_KINDS,
  OwnershipCoverage,
  OwnershipProblem,
  OwnershipProblemKind,
  OwnershipReport,
  ProblemEntry,
  TeamOwnership,
} from './types';

/** The template that opens a pull request correcting `spec.owner`. */
export const DEFAULT_FIX_TEMPLATE_REF = 'template:default/fix-catalog-owner';

/** Entity kinds whose ownership is checked by default. */
export const DEFAULT_OWNED_KINDS = [
  'Component',
  'API',
  'Resource',
  'System',
  'Domain',
];

/**
 * Component types expected to have on-call: the ones that run and can break
 * in production. APIs, Systems, Domains and Resources are not paged
 * themselves: an API's or a database's alerts go to the rotation of the
 * service that serves or uses it, and a System or Domain is a grouping.
 * Libraries, documentation and templates do not run. So only Components of
 * these types get the "No on-call" problem.
 */
export const DEFAULT_ONCALL_COMPONENT_TYPES = [
  'service',
  'website',
  'monolith',
  'function',
];

/** Whether an entity should have on-call: a Component of a running type. */
export function expectsOncall(
  entity: Entity,
  componentTypes: string[] = DEFAULT_ONCALL_COMPONENT_TYPES,
): boolean {
  if (entity.kind.toLowerCase() !== 'component') return false;
  const type = entity.spec?.type;
  return (
    typeof type === 'string' &&
    componentTypes.some(t => t.toLowerCase() === type.toLowerCase())
  );
}

/** Options of {@link computeOwnershipReport}. */
export interface ComputeOwnershipOptions {
  /** Kinds to check; default {@link DEFAULT_OWNED_KINDS}. */
  kinds?: string[];
  placeholderOwners?: string[];
  fixTemplateRef?: string;
  /** Component types expected to have on-call; default {@link DEFAULT_ONCALL_COMPONENT_TYPES}. */
  oncallComponentTypes?: string[];
  /** Opens the entity's source tree; never throws (see `openSourceTree`). */
  openTree: (
    entity: Entity,
  ) => Promise<{ tree: RepositoryTree } | { error: string }>;
  /** Source trees read at once. Default 4. */
  concurrency?: number;
}

const ONCALL_PROVIDERS: Array<[string, OncallAnnotation['provider']]> = [
  ['pagerduty.com/', 'PagerDuty'],
  ['opsgenie.com/', 'Opsgenie'],
];

function oncallOf(
  entity: Entity | undefined,
  source: OncallAnnotation['source'],
): OncallAnnotation[] {
  const annotations = entity?.metadata.annotations ?? {};
  const found: OncallAnnotation[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    const provider = ONCALL_PROVIDERS.find(([prefix]) =>
      key.startsWith(prefix),
    )?.[1];
    if (provider) found.push({ source, provider, annotation: key, value });
  }
  return found;
}

const CHAT_TITLE = /^(slack|chat)\b/i;
const CHAT_ANNOTATION = /(^|\/)(slack|chat)$/i;

function chatOf(entity: Entity): ChatLink[] {
  const links: ChatLink[] = (entity.metadata.links ?? [])
    .filter(l => CHAT_TITLE.test(l.title ?? ''))
    .map(l => ({ title: l.title ?? 'Chat', url: l.url }));
  for (const [key, value] of Object.entries(
    entity.metadata.annotations ?? {},
  )) {
    if (CHAT_ANNOTATION.test(key)) links.push({ title: key, url: value });
  }
  return links;
}

function titleOf(entity: Entity): string {
  const profile = entity.spec?.profile as { displayName?: string } | undefined;
  return entity.metadata.title ?? profile?.displayName ?? entity.metadata.name;
}

function contactOf(entity: Entity): Contact {
  const profile = entity.spec?.profile as { email?: string } | undefined;
  return {
    entityRef: stringifyEntityRef(entity),
    name: entity.metadata.name,
    title: titleOf(entity),
    email: profile?.email,
    chat: chatOf(entity),
  };
}

function isMalformedRef(raw: string): string | undefined {
  try {
    const ref = parseEntityRef(raw, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    // parseEntityRef accepts any non-empty parts; the catalog's naming rules
    // are stricter, so reject what could never name an entity.
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(ref.kind)) {
      return `"${ref.kind}" is not a valid kind`;
    }
    if (!KubernetesValidatorFunctions.isValidNamespace(ref.namespace)) {
      return `"${ref.namespace}" is not a valid namespace`;
    }
    if (!KubernetesValidatorFunctions.isValidObjectName(ref.name)) {
      return `"${ref.name}" is not a valid entity name`;
    }
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Why each problem matters and how to fix it. */
function describeProblems(
  e: EntityOwnership,
  fixTemplateRef: string,
  malformedReason: string | undefined,
  hasOwnerRotation: boolean,
  context: { expectsOncall: boolean; ownerIsRoot: boolean },
): OwnershipProblem[] {
  const problems: OwnershipProblem[] = [];
  const add = (
    kind: OwnershipProblemKind,
    message: string,
    fix: string,
    withTemplate = false,
  ) =>
    problems.push({
      kind,
      message,
      fix,
      ...(withTemplate ? { fixTemplateRef } : {}),
    });
  const f = e.facts;
  const pickGroup =
    'Set spec.owner in catalog-info.yaml to the Group that runs it.';

  if (f['ownership.ownerMissing']) {
    add(
      'owner-missing',
      e.rawOwner
        ? `Nobody owns this: spec.owner is the placeholder "${e.rawOwner}".`
        : 'Nobody owns this: spec.owner is not set.',
      pickGroup,
      true,
    );
  } else if (malformedReason) {
    add(
      'owner-malformed',
      `spec.owner "${e.rawOwner}" is not a valid entity reference (${malformedReason}).`,
      `${pickGroup} Write it as group:<namespace>/<name> or just <name>.`,
      true,
    );
  } else if (!f['ownership.ownerResolves']) {
    add(
      'owner-unresolved',
      `The owner ${e.ownerRef} is not in the catalog.`,
      `Register ${e.ownerRef} in the org data, or point spec.owner at an existing Group.`,
      true,
    );
  } else if (e.owner?.kind === 'User') {
    add(
      'owner-is-user',
      `A person (${e.owner.title}) owns this, not a team: it is orphaned when they leave.`,
      `Set spec.owner to the Group ${e.owner.title} belongs to.`,
      true,
    );
  } else if (e.owner && e.owner.kind !== 'Group') {
    add(
      'owner-not-group',
      `The owner ${e.ownerRef} is a ${e.owner.kind}, not a Group.`,
      pickGroup,
      true,
    );
  }
  if (e.validGroupOwner && e.owner) {
    if (f['ownership.ownerMemberCount'] === 0) {
      add(
        'group-without-members',
        `The owning group ${e.owner.title} has no members, so nobody can be reached.`,
        `Add Users with spec.memberOf: [${e.owner.name}], or move the entity to a staffed Group.`,
        true,
      );
    }
    // The top of the org hierarchy (no parent, but groups below it) is its
    // root, not a detached team.
    if (!f['ownership.ownerHasParent'] && !context.ownerIsRoot) {
      add(
        'group-without-parent',
        `The owning group ${e.owner.title} has no parent, so it is outside the org hierarchy and its work rolls up nowhere.`,
        `Set spec.parent on the Group ${e.owner.name} (and list it in the parent's spec.children).`,
      );
    }
  }
  if (context.expectsOncall && !f['ownership.entityOncall']) {
    add(
      'no-oncall',
      hasOwnerRotation
        ? 'Alerts for this entity are not routed: it has no on-call annotation of its own (the owner has a rotation).'
        : 'Nobody is paged for this entity: neither it nor its owner has an on-call annotation.',
      'Add a PagerDuty (pagerduty.com/service-id) or Opsgenie (opsgenie.com/component-selector) annotation to its catalog-info.yaml.',
    );
  }
  if (e.codeowners.status === 'absent') {
    add(
      'codeowners-missing',
      'The repository has no CODEOWNERS file, so reviews are not routed to the owner.',
      `Add a CODEOWNERS file with a "*" rule naming ${
        e.owner ? `the ${e.owner.name} team` : 'the owning team'
      }.`,
    );
  } else if (
    e.codeowners.status === 'present' &&
    e.owner &&
    !e.codeowners.matchesOwner
  ) {
    add(
      'codeowners-mismatch',
      e.codeowners.defaultOwners.length
        ? `CODEOWNERS names ${e.codeowners.defaultOwners.join(
            ', ',
          )}, not the catalog owner ${e.owner.name}.`
        : `CODEOWNERS has no rule for the whole repository, so it does not name the catalog owner ${e.owner.name}.`,
      'Make them agree: change the "*" rule of CODEOWNERS, or, if CODEOWNERS is right, change spec.owner.',
      true,
    );
  }
  if (f['ownership.orphan']) {
    add(
      'orphan',
      'The catalog location that defined this entity is gone; it is an orphan.',
      'Register its catalog-info.yaml again, or unregister the entity if it is retired.',
    );
  }
  return problems;
}

async function mapLimited<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += concurrency) {
    results.push(
      ...(await Promise.all(items.slice(i, i + concurrency).map(fn))),
    );
  }
  return results;
}

/** Ownership of one entity from the snapshot and its (optional) source tree. */
export async function computeEntityOwnership(
  entity: Entity,
  snapshot: CatalogSnapshot,
  opened: { tree: RepositoryTree } | { error: string },
  options: {
    placeholderOwners?: string[];
    fixTemplateRef?: string;
    oncallComponentTypes?: string[];
  } = {},
): Promise<EntityOwnership> {
  const context = {
    entity,
    sourceTree: 'tree' in opened ? opened.tree : undefined,
    sourceTreeError: 'error' in opened ? opened.error : undefined,
  };
  const ownershipFacts = await createOwnershipFactCollector(snapshot, {
    placeholderOwners: options.placeholderOwners,
  }).collect(context);
  const catalogFacts = await createCatalogFactCollector(snapshot).collect(
    context,
  );

  const rawOwner =
    typeof entity.spec?.owner === 'string' && entity.spec.owner.trim()
      ? entity.spec.owner.trim()
      : null;
  const ownerRef = (ownershipFacts.facts['ownership.ownerRef'] ?? null) as
    | string
    | null;
  const ownerEntity = snapshot.get(ownerRef ?? undefined);
  const parentChain =
    ownerEntity?.kind === 'Group' ? snapshot.parentChain(ownerRef!) : [];

  let owner: EntityOwnership['owner'];
  if (ownerEntity) {
    const memberRefs =
      ownerEntity.kind === 'Group'
        ? (ownerEntity.relations ?? [])
            .filter(r => r.type === RELATION_HAS_MEMBER)
            .map(r => r.targetRef)
        : [];
    owner = {
      ...contactOf(ownerEntity),
      kind: ownerEntity.kind,
      parentChain: parentChain.map(contactOf),
      members: memberRefs
        .map(ref => snapshot.get(ref))
        .filter((m): m is Entity => !!m)
        .map(contactOf),
    };
  }

  let codeowners: CodeownersInfo;
  if ('error' in opened) {
    codeowners = {
      status: 'unknown',
      defaultOwners: [],
      errors: [],
      reason: opened.error,
    };
  } else {
    const found = findCodeowners(opened.tree);
    codeowners = found
      ? {
          status: 'present',
          path: found.path,
          defaultOwners: defaultCodeowners(found),
          errors: found.errors,
          matchesOwner:
            !!ownershipFacts.facts['ownership.codeownersMatchesOwner'],
        }
      : { status: 'absent', defaultOwners: [], errors: [] };
  }

  const facts: Record<string, FactValue> = {
    ...ownershipFacts.facts,
    // The two facts the maturity collector leaves out.
    'ownership.entityOncall': !!catalogFacts.facts['catalog.oncall'],
    'ownership.ownerParentChain': parentChain.map(p => stringifyEntityRef(p)),
  };
  const oncall = [
    ...oncallOf(entity, 'entity'),
    ...oncallOf(ownerEntity, 'owner'),
  ];
  const malformedReason =
    rawOwner && !facts['ownership.ownerMissing']
      ? isMalformedRef(rawOwner)
      : undefined;

  const result: EntityOwnership = {
    entityRef: stringifyEntityRef(entity),
    kind: entity.kind,
    title: titleOf(entity),
    rawOwner,
    ownerRef: malformedReason ? null : ownerRef,
    owner,
    oncall,
    codeowners,
    validGroupOwner: ownerEntity?.kind === 'Group',
    problems: [],
    facts,
  };
  result.problems = describeProblems(
    result,
    options.fixTemplateRef ?? DEFAULT_FIX_TEMPLATE_REF,
    malformedReason,
    oncall.some(o => o.source === 'owner'),
    {
      expectsOncall: expectsOncall(entity, options.oncallComponentTypes),
      ownerIsRoot:
        ownerEntity?.kind === 'Group' &&
        parentChain.length === 0 &&
        ((ownerEntity.relations ?? []).some(
          r => r.type === RELATION_PARENT_OF,
        ) ||
          ((ownerEntity.spec?.children as unknown[] | undefined) ?? []).length >
            0),
    },
  );
  return result;
}

/** Per-group counts, rolled up through the hierarchy (cycle-safe). */
export function rollUpTeams(
  snapshot: CatalogSnapshot,
  entities: EntityOwnership[],
): TeamOwnership[] {
  const direct = new Map<string, number>();
  const problems = new Map<string, number>();
  for (const e of entities) {
    if (!e.validGroupOwner || !e.ownerRef) continue;
    direct.set(e.ownerRef, (direct.get(e.ownerRef) ?? 0) + 1);
    problems.set(
      e.ownerRef,
      (problems.get(e.ownerRef) ?? 0) + e.problems.length,
    );
  }
  const closure = snapshot.groupClosure();
  const descendants = new Map<string, string[]>();
  const depth = new Map<string, number>();
  for (const row of closure) {
    if (row.depth > 0) {
      const list = descendants.get(row.ancestor) ?? [];
      list.push(row.descendant);
      descendants.set(row.ancestor, list);
    }
    // A group's depth is its number of ancestors.
    depth.set(
      row.descendant,
      Math.max(depth.get(row.descendant) ?? 0, row.depth),
    );
  }
  return snapshot
    .all()
    .filter(g => g.kind === 'Group')
    .map(group => {
      const ref = stringifyEntityRef(group);
      const below = descendants.get(ref) ?? [];
      const parent = snapshot.parentChain(ref)[0];
      return {
        groupRef: ref,
        title: titleOf(group),
        parentRef: parent ? stringifyEntityRef(parent) : null,
        depth: depth.get(ref) ?? 0,
        memberCount: (group.relations ?? []).filter(
          r => r.type === RELATION_HAS_MEMBER,
        ).length,
        direct: direct.get(ref) ?? 0,
        total: [ref, ...below].reduce((n, d) => n + (direct.get(d) ?? 0), 0),
        descendantGroups: below.sort(),
        problemCount: problems.get(ref) ?? 0,
      };
    })
    .sort((a, b) => b.total - a.total || a.groupRef.localeCompare(b.groupRef));
}

/** Checks every owned entity in the snapshot and rolls the result up. */
export async function computeOwnershipReport(
  snapshot: CatalogSnapshot,
  options: ComputeOwnershipOptions,
): Promise<OwnershipReport> {
  const kinds = new Set(
    (options.kinds ?? DEFAULT_OWNED_KINDS).map(k => k.toLowerCase()),
  );
  const checked = snapshot
    .all()
    .filter(e => kinds.has(e.kind.toLowerCase()))
    .sort((a, b) => stringifyEntityRef(a).localeCompare(stringifyEntityRef(b)));
  const placeholderOwners =
    options.placeholderOwners ?? DEFAULT_PLACEHOLDER_OWNERS;
  const results = await mapLimited(
    checked,
    options.concurrency ?? 4,
    async entity =>
      computeEntityOwnership(entity, snapshot, await options.openTree(entity), {
        placeholderOwners,
        fixTemplateRef: options.fixTemplateRef,
        oncallComponentTypes: options.oncallComponentTypes,
      }),
  );

  const problems = Object.fromEntries(
    OWNERSHIP_PROBLEM_KINDS.map(kind => [kind, [] as ProblemEntry[]]),
  ) as OwnershipCoverage['problems'];
  for (const e of results) {
    for (const p of e.problems) {
      problems[p.kind].push({
        entityRef: e.entityRef,
        title: e.title,
        rawOwner: e.rawOwner,
        message: p.message,
      });
    }
  }
  const valid = results.filter(e => e.validGroupOwner).length;
  return {
    coverage: {
      generatedAt: new Date().toISOString(),
      total: results.length,
      validGroupOwner: valid,
      percentage: results.length
        ? Math.round((valid / results.length) * 1000) / 10
        : null,
      problems,
      teams: rollUpTeams(snapshot, results),
    },
    entities: new Map(results.map(e => [e.entityRef, e])),
  };
}
