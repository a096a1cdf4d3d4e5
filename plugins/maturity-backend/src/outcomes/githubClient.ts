// GitHub clients come from maturity-node (githubClientsServiceRef, one set
// for the whole backend); what is left here is the outcomes' own.

/** Reads `owner` and `repo` from a repository URL (`https://host/owner/repo`). */
export function parseRepositoryUrl(url: string): {
  host: string;
  owner: string;
  repo: string;
} {
  const parsed = new URL(url);
  const [owner, repo] = parsed.pathname
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/');
  if (!owner || !repo) {
    throw new Error(
      `${url} is not a repository URL (https://<host>/<owner>/<repo>)`,
    );
  }
  return { host: parsed.host, owner, repo };
}

/** A short description of a GitHub request failure, without credentials. */
export function describeGithubError(error: unknown): string {
  const e = error as {
    status?: number;
    message?: string;
    code?: string;
    cause?: { code?: string };
  };
  const code = e.cause?.code ?? e.code;
  if (code && typeof code === 'string' && /^E[A-Z_]+$/.test(code)) {
    return `could not reach GitHub: ${code}`;
  }
  if (e.status && e.status >= 400 && e.status !== 500) {
    return `GitHub answered ${e.status}: ${(e.message ?? '').split('\n')[0]}`;
  }
  return (e.message ?? String(error)).split('\n')[0];
}
