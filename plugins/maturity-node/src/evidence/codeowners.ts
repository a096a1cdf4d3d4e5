import { parse as parseCodeownersLine } from 'codeowners-utils';
import { RepositoryTree } from '../repository';

/** One CODEOWNERS rule: a path pattern and its owners. */
export interface CodeownersRule {
  pattern: string;
  owners: string[];
  /** 1-based line in the file. */
  line: number;
}

/** A CODEOWNERS line that was skipped, with the reason. */
export interface CodeownersError {
  line: number;
  message: string;
}

/** The rules of a CODEOWNERS file and the lines that were skipped. */
export interface ParsedCodeowners {
  rules: CodeownersRule[];
  errors: CodeownersError[];
}

/** A CODEOWNERS file found in a tree, parsed. */
export interface FoundCodeowners extends ParsedCodeowners {
  /** Path of the file within the tree. */
  path: string;
}

/** The places GitHub looks, in GitHub's order: the first one found wins. */
export const CODEOWNERS_PATHS = [
  '.github/CODEOWNERS',
  'CODEOWNERS',
  'docs/CODEOWNERS',
];

const USER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const TEAM = /^@[A-Za-z0-9](?:[A-Za-z0-9-]*)\/[A-Za-z0-9_.-]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether a token is a valid CODEOWNERS owner: `@user`, `@org/team` or an email. */
export function isValidCodeowner(owner: string): boolean {
  return USER.test(owner) || TEAM.test(owner) || EMAIL.test(owner);
}

/** The line without its comment: `#` starts one unless escaped (`\\#`). */
function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '#' && (i === 0 || line[i - 1] !== '\\')) {
      return line.slice(0, i);
    }
  }
  return line;
}

const ESCAPED_HASH = '\u0000';

function bracketsBalanced(pattern: string): boolean {
  let open = false;
  for (const ch of pattern) {
    if (ch === '[') {
      if (open) return false;
      open = true;
    } else if (ch === ']') {
      if (!open) return false;
      open = false;
    }
  }
  return !open;
}

/**
 * Parses a CODEOWNERS file. Never throws: as on GitHub, a line with invalid
 * syntax (no owners, an owner that is not `@user`, `@org/team` or an email,
 * unbalanced brackets) is skipped, and reported in `errors`.
 */
export function parseCodeowners(text: string): ParsedCodeowners {
  const rules: CodeownersRule[] = [];
  const errors: CodeownersError[] = [];
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = i + 1;
    // codeowners-utils splits a rule into its pattern and owners; it is given
    // one line at a time so that each rule keeps its line number, and an
    // escaped `\#` is hidden from it because it cuts lines at every `#`.
    const [entry] = parseCodeownersLine(
      stripComment(rawLine).replace(/\\#/g, ESCAPED_HASH),
    );
    if (!entry) return;
    const pattern = entry.pattern.split(ESCAPED_HASH).join('\\#');
    const owners = entry.owners;
    if (!bracketsBalanced(pattern)) {
      errors.push({
        line,
        message: `unbalanced brackets in pattern "${pattern}"`,
      });
      return;
    }
    if (owners.length === 0) {
      errors.push({ line, message: `pattern "${pattern}" has no owners` });
      return;
    }
    const invalid = owners.filter(owner => !isValidCodeowner(owner));
    if (invalid.length > 0) {
      errors.push({
        line,
        message: `invalid owner ${invalid
          .map(o => `"${o}"`)
          .join(', ')}: expected @user, @org/team or an email`,
      });
      return;
    }
    rules.push({ pattern, owners, line });
  });
  return { rules, errors };
}

/** Finds and parses the tree's CODEOWNERS file (`.github/`, root, `docs/`). */
export function findCodeowners(
  tree: RepositoryTree,
): FoundCodeowners | undefined {
  for (const path of CODEOWNERS_PATHS) {
    const text = tree.readText(path);
    if (text !== undefined) return { path, ...parseCodeowners(text) };
  }
  return undefined;
}

const DEFAULT_PATTERNS = new Set(['*', '**', '/', '/**']);

/**
 * The default owners: those of the last rule matching the whole repository
 * (`*`, `/` or `/**`), since later rules take precedence. Empty when none.
 */
export function defaultCodeowners(parsed: ParsedCodeowners): string[] {
  for (let i = parsed.rules.length - 1; i >= 0; i--) {
    if (DEFAULT_PATTERNS.has(parsed.rules[i].pattern)) {
      return parsed.rules[i].owners;
    }
  }
  return [];
}
