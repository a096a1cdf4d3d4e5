import { Entity } from '@backstage/catalog-model';
import { isValidCodeowner } from './evidence/codeowners';

/**
 * The Group annotation naming the group's GitHub team, `org/team`: Backstage's
 * standard mapping of a group to a team, written `@org/team` in CODEOWNERS.
 */
export const TEAM_SLUG_ANNOTATION = 'github.com/team-slug';

const USER_LOGIN_ANNOTATION = 'github.com/user-login';

/** Marks a team token that stands for the team in any organisation. */
const ANY_ORG = '@*/';

function emailOf(entity: Entity): string | undefined {
  const email = (entity.spec?.profile as { email?: unknown } | undefined)
    ?.email;
  return typeof email === 'string' && email.trim() ? email.trim() : undefined;
}

function personTokens(user: Entity): string[] {
  const login = user.metadata.annotations?.[USER_LOGIN_ANNOTATION]?.trim();
  const email = emailOf(user);
  return [
    ...(login ? [`@${login}`] : []),
    ...(email ? [email] : []),
    `@${user.metadata.name}`,
  ];
}

/** Options of {@link codeownersTokensFor}. */
export interface CodeownersTokensOptions {
  /** The members of a Group owner (its hasMember relations, resolved). */
  members?: Entity[];
  /**
   * The GitHub organisation of the repository (the owner part of the
   * component's `github.com/project-slug`): with it, a group without a
   * `github.com/team-slug` is written `@<org>/<group-name>`.
   */
  org?: string;
}

/**
 * The CODEOWNERS owner tokens that stand for a catalog owner: the one truth
 * the check `owner-codeowners-match` and the CODEOWNERS fix share.
 *
 * For a Group: its GitHub team (`github.com/team-slug`, `@org/team`), then
 * `@<org>/<group-name>` when `options.org` is given, then a pattern for a team of
 * the group's name in any organisation (`@*` + `/<group-name>`), the group's email, and
 * each member's `@login` (`github.com/user-login`), email and `@name`. For a
 * User: its `@login`, email and `@name`.
 *
 * The first token is the one a fix writes when it is a GitHub team (see
 * {@link codeownersTokenToWrite}). Those `@*` patterns are no
 * CODEOWNERS tokens: match tokens against the list with {@link codeownerIn}.
 */
export function codeownersTokensFor(
  owner: Entity,
  options: CodeownersTokensOptions = {},
): string[] {
  const tokens: string[] = [];
  if (owner.kind === 'Group') {
    const slug = owner.metadata.annotations?.[TEAM_SLUG_ANNOTATION]?.trim();
    // A team slug that is not `org/team` names no team; it is left out.
    if (slug && isValidCodeowner(`@${slug}`) && slug.includes('/')) {
      tokens.push(`@${slug}`);
    }
    const org = options.org?.trim();
    if (org && isValidCodeowner(`@${org}/${owner.metadata.name}`)) {
      tokens.push(`@${org}/${owner.metadata.name}`);
    }
    tokens.push(`${ANY_ORG}${owner.metadata.name}`);
    const email = emailOf(owner);
    if (email) tokens.push(email);
    for (const member of options.members ?? []) {
      tokens.push(...personTokens(member));
    }
  } else if (owner.kind === 'User') {
    tokens.push(...personTokens(owner));
  }
  const seen = new Set<string>();
  return tokens.filter(t => {
    const key = t.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Whether a CODEOWNERS owner token is one of `tokens` (from
 * {@link codeownersTokensFor}): compared without case; a token that is no
 * valid CODEOWNERS owner matches nothing, an `@*` + `/team` entry
 * matching `@<any org>/team`.
 */
export function codeownerIn(token: string, tokens: string[]): boolean {
  const t = token.trim().toLowerCase();
  // Not an owner GitHub reads (nor one of the `@*` patterns themselves).
  if (!isValidCodeowner(t)) return false;
  const team = /^@[^/\s]+\/([^/\s]+)$/.exec(t)?.[1];
  return tokens.some(entry => {
    const e = entry.toLowerCase();
    if (e.startsWith(ANY_ORG))
      return !!team && team === e.slice(ANY_ORG.length);
    return e === t;
  });
}

/**
 * The token a fix writes in the default CODEOWNERS rule: the first of
 * `tokens` when it is a GitHub team (`@org/team`), else undefined (the owner
 * has no team the portal knows the organisation of).
 */
export function codeownersTokenToWrite(tokens: string[]): string | undefined {
  const first = tokens[0];
  return first &&
    !first.startsWith(ANY_ORG) &&
    first.includes('/') &&
    isValidCodeowner(first)
    ? first
    : undefined;
}

/**
 * The names of the groups `tokens` stand for (their `@*` + `/<group-name>`
 * entries), for messages.
 */
export function codeownersGroupNames(tokens: string[]): string[] {
  return tokens
    .filter(t => t.startsWith(ANY_ORG))
    .map(t => t.slice(ANY_ORG.length));
}
