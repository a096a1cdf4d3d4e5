/**
 * The system error code of a connection that failed (ENOTFOUND, EAI_AGAIN,
 * ECONNREFUSED, a TLS code, ...), from the error or one of its causes.
 */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A fetch that reports a request that got no response at all as "could not
 * reach <host>: <code>", the one wording of the portal's API clients
 * (Octokit, Argo CD, image registries). Octokit turns such a failure into a
 * bare status 500 and drops its cause, so a DNS failure would read as an
 * error of GitHub's.
 */
export function fetchReportingUnreachable(
  base: typeof fetch = (...args) => globalThis.fetch(...args),
): typeof fetch {
  return (input, init) =>
    base(input, init).catch((error: unknown) => {
      if ((error as { name?: unknown })?.name === 'AbortError') throw error;
      const url = new URL(
        typeof input === 'string' || input instanceof URL ? input : input.url,
      );
      const code =
        networkCode(error) ??
        String((error as { message?: unknown })?.message ?? error);
      throw new Error(`could not reach ${url.host}: ${code}`);
    });
}
