import { CheckDefinition } from '@cloud-native-portal/plugin-maturity-common';
import { ChangeDestination } from '@cloud-native-portal/plugin-maturity-node';
import { EntityFilters, MaturityStore } from '../database/MaturityStore';
import { FleetStore, isOpenFix, LatestFix } from './FleetStore';
import { FixReviewStates, ReviewState } from './reviewState';
import { MaturityApiSchema } from '@cloud-native-portal/plugin-maturity-common';

type Schemas = MaturityApiSchema.components['schemas'];
type FleetCandidate = Schemas['FleetCandidate'];
type FleetCandidates = Schemas['FleetCandidates'];

function destinationOf(
  destination: ChangeDestination | undefined,
): Pick<FleetCandidate, 'destination' | 'destinationNote'> {
  if (!destination) return {};
  return destination.type === 'none'
    ? { destination: 'none', destinationNote: destination.reason }
    : { destination: destination.type };
}

/** Where a service stands on a check it falls short of, given its last fix. */
export function fixStateOf(
  result: 'fail' | 'unknown',
  waived: boolean,
  fix: LatestFix | undefined,
  review: ReviewState | undefined,
): Pick<FleetCandidate, 'state' | 'reason'> {
  if (waived) return { state: 'waived' };
  if (fix && isOpenFix(fix.status)) {
    if (review?.state === 'merged') {
      return {
        state: 'pr-merged',
        reason: 'Merged; the check passes from the next evaluation on.',
      };
    }
    if (review?.state === 'closed') {
      return {
        state: 'failed',
        reason: 'The pull request was closed without merging.',
      };
    }
    return review?.state === 'unknown'
      ? {
          state: 'pr-open',
          reason: `Whether it was merged is not known: ${review.reason}`,
        }
      : { state: 'pr-open' };
  }
  if (fix?.status === 'failed' || fix?.status === 'unchanged') {
    return { state: 'failed', reason: fix.reason };
  }
  if (fix?.status === 'pending' || fix?.status === 'running') {
    return { state: 'not-started', reason: 'A fix is being proposed now.' };
  }
  return result === 'unknown'
    ? {
        state: 'unknown',
        reason:
          'The check could not be measured for this service; see its evidence on the service page.',
      }
    : { state: 'not-started' };
}

/**
 * The services a check's fix could be proposed to: those that fail it (or
 * whose result is unknown), each with where its last fix stands, and those a
 * fix was proposed to that pass it now (the loop closed).
 */
export async function fleetCandidates(options: {
  check: CheckDefinition;
  store: MaturityStore;
  fleetStore?: FleetStore;
  /** Reads whether open fixes were merged; without it they stay "PR open". */
  reviewStates?: FixReviewStates;
  /** Where a fix to each service would go; without it, not said. */
  destinations?: (
    entityRefs: string[],
  ) => Promise<Map<string, ChangeDestination>>;
  filters: EntityFilters;
}): Promise<FleetCandidates> {
  const { check, store, filters } = options;
  const shortfalls = await store.listCheckShortfalls(check, filters);
  const fixes =
    (await options.fleetStore?.latestFixes(check.id)) ??
    new Map<string, LatestFix>();
  const short = new Set(shortfalls.map(s => s.entityRef));
  // Services with a fix that no longer fall short, within the filters.
  const fixedRefs = [...fixes.keys()].filter(ref => !short.has(ref));
  const fixed = fixedRefs.length
    ? (
        await store.listEntityScores(
          {
            ...filters,
            entityRefs: filters.entityRefs
              ? fixedRefs.filter(r => filters.entityRefs!.includes(r))
              : fixedRefs,
          },
          { limit: fixedRefs.length, offset: 0 },
        )
      ).items
    : [];
  const waivers = await store.getActiveWaivers([
    ...short,
    ...fixed.map(f => f.entityRef),
  ]);
  // Whether the open fixes of the services still short were merged.
  const reviews = new Map<string, ReviewState>();
  await Promise.all(
    shortfalls.map(async s => {
      const review = await options.reviewStates?.ofFix(fixes.get(s.entityRef));
      if (review) reviews.set(s.entityRef, review);
    }),
  );
  const destinations =
    (await options.destinations?.(shortfalls.map(s => s.entityRef))) ??
    new Map<string, ChangeDestination>();
  const items: FleetCandidate[] = [];
  const link = (fix?: LatestFix) =>
    fix?.pullRequestUrl ? { pullRequestUrl: fix.pullRequestUrl } : {};
  for (const s of shortfalls) {
    const fix = fixes.get(s.entityRef);
    const waived = waivers.get(s.entityRef)?.has(check.id) ?? false;
    const { state, reason } = fixStateOf(
      s.result,
      waived,
      fix,
      reviews.get(s.entityRef),
    );
    items.push({
      entityRef: s.entityRef,
      ...(s.title ? { title: s.title } : {}),
      ...(s.ownerRef ? { owner: s.ownerRef } : {}),
      result: waived ? 'waived' : s.result,
      state,
      ...(reason ? { reason } : {}),
      ...link(fix),
      ...(fix ? { lastRunId: fix.runId } : {}),
      ...destinationOf(destinations.get(s.entityRef)),
    });
  }
  for (const f of fixed) {
    const fix = fixes.get(f.entityRef)!;
    const waived = waivers.get(f.entityRef)?.has(check.id) ?? false;
    items.push({
      entityRef: f.entityRef,
      ...(f.title ? { title: f.title } : {}),
      ...(f.ownerRef ? { owner: f.ownerRef } : {}),
      result: waived ? 'waived' : 'pass',
      state: waived ? 'waived' : 'check-passing',
      ...link(fix),
      lastRunId: fix.runId,
    });
  }
  items.sort((a, b) => a.entityRef.localeCompare(b.entityRef));
  return {
    checkId: check.id,
    checkTitle: check.title,
    ...(check.fixTemplate ? { fixTemplate: check.fixTemplate } : {}),
    items,
  };
}

/**
 * Adds to each blocking check that has a fix template where its fleet fix
 * stands for the entity (a campaign's services still short).
 */
export async function withFixStates<
  E extends {
    entityRef: string;
    blockingChecks: Array<{ checkId: string; title: string }>;
  },
>(
  entities: E[],
  options: {
    fixable: ReadonlySet<string>;
    fleetStore: FleetStore;
    reviewStates?: FixReviewStates;
  },
): Promise<
  Array<
    E & {
      blockingChecks: Array<{
        checkId: string;
        title: string;
        fix?: Pick<FleetCandidate, 'state' | 'pullRequestUrl' | 'reason'>;
      }>;
    }
  >
> {
  const fixes = await options.fleetStore.latestFixesOf(
    entities.map(e => e.entityRef),
  );
  return Promise.all(
    entities.map(async e => ({
      ...e,
      blockingChecks: await Promise.all(
        e.blockingChecks.map(async c => {
          if (!options.fixable.has(c.checkId)) return c;
          const fix = fixes.get(e.entityRef)?.get(c.checkId);
          const review = await options.reviewStates?.ofFix(fix);
          const { state, reason } = fixStateOf('fail', false, fix, review);
          return {
            ...c,
            fix: {
              state,
              ...(fix?.pullRequestUrl
                ? { pullRequestUrl: fix.pullRequestUrl }
                : {}),
              ...(reason ? { reason } : {}),
            },
          };
        }),
      ),
    })),
  );
}
