import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';
import { createRouteRef } from '@backstage/frontend-plugin-api';

/**
 * Where the pages live. Links between the scorecards and review pages (and
 * from entity cards) are built from it, so both frontend systems mount the
 * scorecards page here and the review page below it.
 */
export const MATURITY_BASE_PATH = '/maturity';

/** The review page path of a system or domain. */
export function reviewPagePath(
  namespace: string,
  name: string,
  kind: 'system' | 'domain' = 'system',
): string {
  const base = `${MATURITY_BASE_PATH}/review/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}`;
  return kind === 'domain' ? `${base}?kind=domain` : base;
}

/** The scorecards page (new frontend system). */
export const scorecardsRouteRef = createRouteRef();

/** The review page (new frontend system). */
export const reviewRouteRef = createRouteRef({ params: ['namespace', 'name'] });

/** The scorecards page (legacy frontend system). */
export const legacyScorecardsRouteRef = createLegacyRouteRef({
  id: 'maturity:scorecards',
});

/** The review page (legacy frontend system). */
export const legacyReviewRouteRef = createLegacyRouteRef({
  id: 'maturity:review',
  params: ['namespace', 'name'],
});
