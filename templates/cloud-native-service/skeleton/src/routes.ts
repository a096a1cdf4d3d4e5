/**
 * The routes the service serves. Metrics label a request by its route, never
 * by the raw path: a path is chosen by the caller, so every scanner's probe
 * would otherwise add a series to Prometheus. Add a route here when the
 * service gets one; a route with a parameter is written as its template,
 * e.g. `/courses/:id`.
 */
export const ROUTES: readonly string[] = [
  '/',
  '/healthz/live',
  '/healthz/ready',
  '/metrics',
];

/** The label of any path no route matches (the 404s). */
export const UNMATCHED = 'unmatched';

/** The route template a request path matches, or {@link UNMATCHED}. */
export function routeOf(
  path: string,
  routes: readonly string[] = ROUTES,
): string {
  const segments = path.split('/');
  for (const route of routes) {
    const parts = route.split('/');
    if (
      parts.length === segments.length &&
      parts.every(
        (p, i) =>
          p === segments[i] || (p.startsWith(':') && segments[i] !== ''),
      )
    ) {
      return route;
    }
  }
  return UNMATCHED;
}
