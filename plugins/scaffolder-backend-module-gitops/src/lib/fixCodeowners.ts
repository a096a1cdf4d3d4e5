import {
  CODEOWNERS_PATHS,
  codeownerIn,
  codeownersGroupNames,
  codeownersTokenToWrite,
  defaultCodeowners,
  findCodeowners,
  parseCodeowners,
  RepositoryTree,
  TEAM_SLUG_ANNOTATION,
} from '@cloud-native-portal/plugin-maturity-node';
import { FixPart, header, isUnder } from './fixPlan';

/** Where a new CODEOWNERS goes: the first place GitHub looks. */
const NEW_CODEOWNERS = '.github/CODEOWNERS';

function byHand(unchanged: string, notes: string[]): FixPart {
  return {
    files: new Map(),
    changes: [],
    notes,
    reason: 'needs a change by hand',
    unchanged,
  };
}

/**
 * The CODEOWNERS GitHub reads: the first of its places the repository has,
 * whether or not it was read. Undefined when the repository has none.
 */
function codeownersLocation(
  tree: RepositoryTree,
  skippedPaths: string[],
): { path: string; problem?: string } | undefined {
  for (const path of CODEOWNERS_PATHS) {
    if (isUnder(path, skippedPaths)) {
      return { path, problem: `${path} was not copied` };
    }
    const skipped = tree.skipped().find(s => s.path === path);
    if (skipped) {
      return {
        path,
        problem: `${path} was not read (${skipped.detail ?? skipped.reason})`,
      };
    }
    if (tree.has(path)) return { path };
  }
  return undefined;
}

/** Index just past the rule's last owner in its line, before any comment. */
function endOfOwners(line: string, pattern: string, owners: string[]): number {
  let at = line.indexOf(pattern) + pattern.length;
  for (const owner of owners) at = line.indexOf(owner, at) + owner.length;
  return at;
}

/**
 * Plans the CODEOWNERS change that makes the default rule (the last one for
 * the whole repository) name the catalog owner, as the check
 * `owner-codeowners-match` reads it. `owners` are the tokens standing for
 * the owner (gitops:fetch-entity-source `codeowners`); the first is written
 * when it is a GitHub team. Keeps every other byte of an existing file.
 */
export function planCodeowners(
  tree: RepositoryTree,
  skippedPaths: string[],
  owners: string[] | undefined,
): FixPart {
  const tokens = owners ?? [];
  const location = codeownersLocation(tree, skippedPaths);
  if (location?.problem) {
    return byHand(
      `The repository's CODEOWNERS (${location.path}) could not be read, so the portal cannot change it.`,
      [
        `${location.problem}: make its default rule (*) name the owning team by hand`,
      ],
    );
  }
  const found = location ? findCodeowners(tree) : undefined;
  const defaults = found ? defaultCodeowners(found) : [];
  const errorNotes = (found?.errors ?? []).map(
    e => `${found!.path} line ${e.line} is skipped by GitHub: ${e.message}`,
  );
  if (tokens.length === 0) {
    return byHand(
      'The catalog owner is unknown, so the portal does not know whom CODEOWNERS must name.',
      [
        'The component has no owner in the catalog the portal could resolve: set spec.owner to a Group, then run the fix again',
      ],
    );
  }
  if (defaults.some(token => codeownerIn(token, tokens))) {
    return {
      files: new Map(),
      changes: [],
      notes: errorNotes,
      reason: 'already fixed',
      unchanged: `The default rule of ${
        found!.path
      } names the owner already (${defaults.join(' ')}).`,
    };
  }
  const token = codeownersTokenToWrite(tokens);
  if (!token) {
    const [group] = codeownersGroupNames(tokens);
    if (!group) {
      return byHand(
        'The catalog owner is no Group, so the portal knows no GitHub team to name in CODEOWNERS.',
        [
          `Make a Group with the annotation ${TEAM_SLUG_ANNOTATION} (org/team) own the component, then run the fix again; or name the owner in the default rule of CODEOWNERS by hand`,
          ...errorNotes,
        ],
      );
    }
    return byHand(
      `No GitHub team is known for the group ${group}, so the portal cannot name it in CODEOWNERS.`,
      [
        `Set the annotation ${TEAM_SLUG_ANNOTATION} (org/team) on the group ${group}, or github.com/project-slug on the component, then run the fix again; or add "* @org/team" to CODEOWNERS by hand`,
        ...errorNotes,
      ],
    );
  }

  let path: string;
  let text: string;
  let what: string;
  const notes = [...errorNotes];
  if (!found) {
    path = NEW_CODEOWNERS;
    text = `${header(
      'Owners of this repository: GitHub asks them to review every change.',
    )}* ${token}\n`;
    what = `names ${token} as the owner of the whole repository`;
  } else {
    path = found.path;
    const before = tree.readText(path)!;
    const eol = before.includes('\r\n') ? '\r\n' : '\n';
    const lines = before.split('\n');
    const rule = [...found.rules].reverse().find(r => r.owners === defaults);
    if (rule) {
      const i = rule.line - 1;
      const at = endOfOwners(lines[i], rule.pattern, rule.owners);
      lines[i] = `${lines[i].slice(0, at)} ${token}${lines[i].slice(at)}`;
      text = lines.join('\n');
      what = `adds ${token} to the default rule (line ${rule.line})`;
      notes.push(
        `The default rule (${path} line ${rule.line}) named ${rule.owners.join(
          ' ',
        )}: they stay owners beside ${token}; remove them by hand if they no longer are`,
      );
    } else {
      // First, so that every later, more specific rule still wins; after
      // the leading comment block (up to its first blank line), since the
      // comments further down may be about the rules they precede.
      const content = lines.length - (lines[lines.length - 1] === '' ? 1 : 0);
      const blank = (l: string) => l.trim() === '';
      let i = 0;
      while (
        i < content &&
        (blank(lines[i]) || lines[i].trim().startsWith('#'))
      ) {
        i++;
      }
      const firstComment = lines.findIndex(l => l.trim().startsWith('#'));
      const gap = lines.findIndex(
        (l, j) => j < i && firstComment >= 0 && j > firstComment && blank(l),
      );
      const at = gap >= 0 ? gap + 1 : i;
      lines.splice(at, 0, `* ${token}${eol === '\r\n' ? '\r' : ''}`);
      text = lines.join('\n');
      if (!text.endsWith('\n')) text += eol;
      what = `adds the default rule "* ${token}" (line ${
        at + 1
      }), before the more specific rules`;
    }
  }
  // The change must give what the check reads: the default rule names it.
  const after = defaultCodeowners(parseCodeowners(text));
  if (!after.includes(token)) {
    return byHand(
      `The portal could not write ${token} into the default rule of ${path}.`,
      [
        `${path}: after the change its default rule would name ${
          after.join(' ') || 'nobody'
        }, not ${token}; change it by hand`,
        ...errorNotes,
      ],
    );
  }
  return { files: new Map([[path, text]]), changes: [{ path, what }], notes };
}
