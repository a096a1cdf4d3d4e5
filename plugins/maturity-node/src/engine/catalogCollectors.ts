import {
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  RELATION_CONSUMES_API,
  RELATION_DEPENDS_ON,
  RELATION_HAS_MEMBER,
  RELATION_PARENT_OF,
  RELATION_PROVIDES_API,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CATALOG_FACTS,
  Evidence,
  OWNERSHIP_FACTS,
  unknownReasons,
} from '@cloud-native-portal/plugin-maturity-common';
import { FactCollector } from '../collectors';
import { codeownerIn, codeownersTokensFor } from '../codeownersOwner';
import { defaultCodeowners, findCodeowners } from '../evidence/codeowners';
import { CatalogSnapshot, toRef } from './CatalogSnapshot';
import { FactBuilder } from './factBuilder';
import {
  CAPABILITIES_ANNOTATION,
  EXTRACTED_AT_ANNOTATION,
  EXTRACTED_CAPABILITY_ANNOTATION,
  EXTRACTED_FROM_ANNOTATION,
} from './extractionAnnotations';

/** Owner values that teams use when nobody owns a service yet. */
export const DEFAULT_PLACEHOLDER_OWNERS = [
  'unassigned',
  'unknown',
  'tbd',
  'none',
  'n/a',
  'nobody',
];

const ANNOTATION = {
  tier: 'cloud-native-portal/tier',
  stateful: 'cloud-native-portal/stateful',
  capabilities: CAPABILITIES_ANNOTATION,
  extractedFrom: EXTRACTED_FROM_ANNOTATION,
  extractedCapability: EXTRACTED_CAPABILITY_ANNOTATION,
  extractedAt: EXTRACTED_AT_ANNOTATION,
  runbook: 'cloud-native-portal/runbook',
  slo: 'cloud-native-portal/slo',
  anomalyDetection: 'cloud-native-portal/anomaly-detection',
  autoRemediation: 'cloud-native-portal/auto-remediation',
  sourceLocation: ANNOTATION_SOURCE_LOCATION,
  orphan: 'backstage.io/orphan',
};

function hasOncall(entity: Entity | undefined): string | undefined {
  const annotations = entity?.metadata.annotations ?? {};
  return Object.keys(annotations).find(
    key => key.startsWith('pagerduty.com/') || key.startsWith('opsgenie.com/'),
  );
}

function hasLink(entity: Entity, title: RegExp): boolean {
  return (entity.metadata.links ?? []).some(l => title.test(l.title ?? ''));
}

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef);
}

/** Facts from the entity's catalog fields, annotations and relations. */
export function createCatalogFactCollector(
  snapshot: CatalogSnapshot,
): FactCollector {
  return {
    id: 'catalog',
    version: 1,
    facts: CATALOG_FACTS,
    async collect({ entity }) {
      const f = new FactBuilder();
      const annotations = entity.metadata.annotations ?? {};
      const annotationEvidence = (key: string): Evidence => ({
        annotation: `metadata.annotations.${key}`,
      });
      f.set('catalog.kind', entity.kind.toLowerCase());
      f.set(
        'catalog.type',
        typeof entity.spec?.type === 'string' ? entity.spec.type : null,
        { annotation: 'spec.type' },
      );
      f.set(
        'catalog.lifecycle',
        typeof entity.spec?.lifecycle === 'string'
          ? entity.spec.lifecycle
          : null,
        { annotation: 'spec.lifecycle' },
      );
      const tier = Number(annotations[ANNOTATION.tier]);
      f.set(
        'catalog.tier',
        Number.isFinite(tier) && annotations[ANNOTATION.tier] ? tier : null,
        annotationEvidence(ANNOTATION.tier),
      );
      f.set('catalog.tags', entity.metadata.tags ?? []);
      f.set('catalog.system', toRef(entity.spec?.system, 'system') ?? null, {
        annotation: 'spec.system',
      });

      const provided = relationTargets(entity, RELATION_PROVIDES_API);
      const consumed = relationTargets(entity, RELATION_CONSUMES_API);
      f.set('catalog.providesApiCount', provided.length, {
        annotation: 'spec.providesApis',
      });
      const asyncApis = [...provided, ...consumed].filter(
        ref => snapshot.get(ref)?.spec?.type === 'asyncapi',
      );
      f.set(
        'catalog.asyncApiCount',
        asyncApis.length,
        asyncApis.map(ref => ({ note: `AsyncAPI ${ref}` })),
      );

      const resources = relationTargets(entity, RELATION_DEPENDS_ON).filter(
        ref => ref.startsWith('resource:'),
      );
      f.set('catalog.dependsOnResourceCount', resources.length, {
        annotation: 'spec.dependsOn',
      });
      f.set(
        'catalog.dependsOnResourceTypes',
        resources
          .map(ref => snapshot.get(ref)?.spec?.type)
          .filter((t): t is string => typeof t === 'string'),
        resources.map(ref => ({ note: ref })),
      );
      f.set(
        'catalog.stateful',
        annotations[ANNOTATION.stateful] === 'true',
        annotationEvidence(ANNOTATION.stateful),
      );
      f.set(
        'catalog.statelessDeclared',
        annotations[ANNOTATION.stateful] === 'false',
        annotationEvidence(ANNOTATION.stateful),
      );
      f.set(
        'catalog.capabilities',
        (annotations[ANNOTATION.capabilities] ?? '')
          .split(',')
          .map(c => c.trim())
          .filter(Boolean),
        annotationEvidence(ANNOTATION.capabilities),
      );
      const extracted = snapshot.extractedServices(stringifyEntityRef(entity));
      f.set(
        'catalog.extractedServiceCount',
        extracted.length,
        extracted.map(ref => ({ note: `extracted: ${ref}` })),
      );
      f.set(
        'catalog.extractedFrom',
        toRef(annotations[ANNOTATION.extractedFrom], 'component') ?? null,
        annotationEvidence(ANNOTATION.extractedFrom),
      );
      f.set(
        'catalog.extractedCapability',
        annotations[ANNOTATION.extractedCapability] ?? null,
        annotationEvidence(ANNOTATION.extractedCapability),
      );
      const extractedAt = annotations[ANNOTATION.extractedAt];
      f.set(
        'catalog.extractedAt',
        extractedAt && !Number.isNaN(Date.parse(extractedAt))
          ? extractedAt
          : null,
        annotationEvidence(ANNOTATION.extractedAt),
      );
      const oncall = hasOncall(entity);
      f.set(
        'catalog.oncall',
        !!oncall,
        oncall
          ? annotationEvidence(oncall)
          : { note: 'no pagerduty.com/* or opsgenie.com/* annotation' },
      );
      f.set(
        'catalog.runbook',
        hasLink(entity, /runbook/i) || !!annotations[ANNOTATION.runbook],
        { annotation: 'metadata.links (Runbook)' },
      );
      f.set(
        'catalog.dashboard',
        hasLink(entity, /dashboard/i) ||
          Object.keys(annotations).some(k => k.startsWith('grafana/')),
        { annotation: 'metadata.links (Dashboard)' },
      );
      f.set(
        'catalog.sloAnnotation',
        !!annotations[ANNOTATION.slo],
        annotationEvidence(ANNOTATION.slo),
      );
      f.set(
        'catalog.anomalyDetection',
        annotations[ANNOTATION.anomalyDetection] === 'enabled',
        annotationEvidence(ANNOTATION.anomalyDetection),
      );
      f.set(
        'catalog.autoRemediation',
        annotations[ANNOTATION.autoRemediation] ?? null,
        annotationEvidence(ANNOTATION.autoRemediation),
      );
      f.set(
        'catalog.sourceLocation',
        annotations[ANNOTATION.sourceLocation] ?? null,
        annotationEvidence(ANNOTATION.sourceLocation),
      );
      return f.build('catalog', 1);
    },
  };
}

/**
 * Ownership facts: does the owner exist, is it a group with members, a parent
 * and on-call, and does CODEOWNERS agree with it.
 */
export function createOwnershipFactCollector(
  snapshot: CatalogSnapshot,
  options: { placeholderOwners?: string[] } = {},
): FactCollector {
  const placeholders = new Set(
    (options.placeholderOwners ?? DEFAULT_PLACEHOLDER_OWNERS).map(p =>
      p.toLowerCase(),
    ),
  );
  return {
    id: 'ownership',
    version: 1,
    facts: OWNERSHIP_FACTS,
    async collect({ entity, sourceTree, sourceTreeError }) {
      const f = new FactBuilder();
      const rawOwner =
        typeof entity.spec?.owner === 'string' ? entity.spec.owner.trim() : '';
      const ownerEvidence: Evidence = {
        annotation: 'spec.owner',
        note: rawOwner ? `spec.owner: ${rawOwner}` : 'spec.owner is not set',
      };
      const ownerName = rawOwner.split('/').pop()?.split(':').pop() ?? '';
      const missing = !rawOwner || placeholders.has(ownerName.toLowerCase());
      const ownerRef = missing ? undefined : toRef(rawOwner, 'group');
      const owner = snapshot.get(ownerRef);

      f.set('ownership.ownerRef', ownerRef ?? null, ownerEvidence);
      f.set('ownership.ownerMissing', missing, ownerEvidence);
      f.set(
        'ownership.ownerResolves',
        !!owner,
        owner
          ? { note: `resolves to ${stringifyEntityRef(owner)}` }
          : {
              ...ownerEvidence,
              note: missing
                ? ownerEvidence.note
                : `${ownerRef ?? rawOwner} is not in the catalog`,
            },
      );
      const isGroup = owner?.kind === 'Group';
      f.set('ownership.ownerIsGroup', isGroup, {
        note: owner ? `owner is a ${owner.kind}` : 'owner does not resolve',
      });
      const memberRefs = isGroup
        ? relationTargets(owner!, RELATION_HAS_MEMBER)
        : [];
      const members = memberRefs
        .map(ref => snapshot.get(ref))
        .filter((e): e is Entity => !!e);
      f.set('ownership.ownerMemberCount', memberRefs.length, {
        note: `${memberRefs.length} member(s)`,
      });
      const parents = isGroup ? snapshot.parentChain(ownerRef!) : [];
      // The organisation's root group has no parent, but groups below it:
      // it is the top of the hierarchy, not a group detached from it.
      const isRoot =
        isGroup &&
        parents.length === 0 &&
        typeof owner!.spec?.parent !== 'string' &&
        (relationTargets(owner!, RELATION_PARENT_OF).length > 0 ||
          ((owner!.spec?.children as unknown[] | undefined) ?? []).length > 0);
      let parentNote = 'no parent group';
      if (parents.length) {
        parentNote = `parent chain: ${parents
          .map(p => p.metadata.name)
          .join(' > ')}`;
      } else if (isRoot) {
        parentNote = 'the root of the org hierarchy';
      }
      f.set(
        'ownership.ownerHasParent',
        isGroup &&
          (parents.length > 0 ||
            typeof owner!.spec?.parent === 'string' ||
            isRoot),
        { note: parentNote },
      );
      const oncall = hasOncall(owner);
      f.set('ownership.ownerOncall', !!oncall, {
        note: oncall
          ? `owner annotation ${oncall}`
          : 'the owner has no on-call annotation',
      });
      f.set(
        'ownership.orphan',
        entity.metadata.annotations?.[ANNOTATION.orphan] === 'true',
        {
          annotation: `metadata.annotations.${ANNOTATION.orphan}`,
        },
      );

      if (!sourceTree) {
        const reason = `source tree unavailable: ${
          sourceTreeError ?? unknownReasons.noSourceTree()
        }`;
        f.markUnknown('ownership.codeownersPresent', reason);
        f.markUnknown('ownership.codeownersMatchesOwner', reason);
      } else {
        const found = findCodeowners(sourceTree);
        f.set(
          'ownership.codeownersPresent',
          !!found,
          found ? { path: found.path } : { note: 'no CODEOWNERS file' },
        );
        if (!found) {
          f.set('ownership.codeownersMatchesOwner', false, {
            note: 'no CODEOWNERS file',
          });
        } else {
          const defaults = defaultCodeowners(found);
          const rule = [...found.rules]
            .reverse()
            .find(r => r.owners === defaults);
          const evidence: Evidence[] = [
            {
              path: found.path,
              line: rule?.line,
              note: defaults.length
                ? `default owners: ${defaults.join(' ')}`
                : 'no rule for the whole repository',
            },
            ...found.errors.map(e => ({
              path: found.path,
              line: e.line,
              note: `skipped: ${e.message}`,
            })),
          ];
          const tokens = owner ? codeownersTokensFor(owner, { members }) : [];
          f.set(
            'ownership.codeownersMatchesOwner',
            defaults.some(token => codeownerIn(token, tokens)),
            evidence,
          );
        }
      }
      return f.build('ownership', 1);
    },
  };
}
