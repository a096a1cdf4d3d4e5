/** One `FROM` of a Dockerfile. */
export interface DockerfileFrom {
  /** The image reference after ARG substitution (or an earlier stage name). */
  image: string;
  /** Stage name from `AS name`, lower-cased. */
  name?: string;
  /** Set when `image` names an earlier stage: then it is not an image. */
  fromStage?: string;
  /** 1-based line of the FROM instruction. */
  line: number;
  /** The image still contains `$` variables that could not be resolved. */
  unresolved: boolean;
}

/** One `USER` instruction. */
export interface DockerfileUser {
  user: string;
  line: number;
}

/** The FROM lines and final-stage USER of a Dockerfile. */
export interface ParsedDockerfile {
  froms: DockerfileFrom[];
  /** USER in effect in the final stage (inherited through stage references). */
  finalUser?: DockerfileUser;
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

function instructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  // Parser directives sit at the very top, before any instruction or comment.
  for (const raw of lines) {
    const m = /^\s*#\s*escape\s*=\s*([\\`])\s*$/i.exec(raw);
    if (m) {
      escape = m[1];
      break;
    }
    if (!/^\s*#\s*\w+\s*=/.test(raw)) break;
  }
  const result: Instruction[] = [];
  let current: { text: string; line: number } | undefined;
  lines.forEach((raw, i) => {
    if (/^\s*#/.test(raw)) return; // comments, also inside continuations
    if (!current && raw.trim() === '') return;
    const trimmed = raw.replace(/\s+$/, '');
    const continued = trimmed.endsWith(escape);
    const part = continued ? trimmed.slice(0, -1) : trimmed;
    current = current
      ? { text: `${current.text} ${part.trim()}`, line: current.line }
      : { text: part.trim(), line: i + 1 };
    if (!continued) {
      const m = /^(\S+)\s*(.*)$/.exec(current.text);
      if (m) {
        result.push({
          keyword: m[1].toUpperCase(),
          args: m[2],
          line: current.line,
        });
      }
      current = undefined;
    }
  });
  return result;
}

function substitute(
  value: string,
  args: Map<string, string>,
): { value: string; unresolved: boolean } {
  let unresolved = false;
  const replaced = value.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (match, braced, fallback, bare) => {
      const name = braced ?? bare;
      const found = args.get(name);
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined && match.includes(':-')) return fallback;
      unresolved = true;
      return match;
    },
  );
  return { value: replaced, unresolved };
}

/**
 * Parses the FROM and USER instructions of a Dockerfile: handles line
 * continuations, comments, `--platform` flags, `AS` stage names, references
 * to earlier stages, and ARG defaults declared before the first FROM.
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const globalArgs = new Map<string, string>();
  const froms: DockerfileFrom[] = [];
  const users: Array<DockerfileUser | undefined> = [];
  for (const ins of instructions(text)) {
    if (ins.keyword === 'ARG' && froms.length === 0) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(ins.args.trim());
      if (m) globalArgs.set(m[1], (m[2] ?? '').replace(/^["']|["']$/g, ''));
    } else if (ins.keyword === 'FROM') {
      const tokens = ins.args
        .split(/\s+/)
        .filter(t => t && !t.startsWith('--'));
      if (tokens.length === 0) continue;
      const { value: image, unresolved } = substitute(tokens[0], globalArgs);
      const name =
        tokens.length >= 3 && tokens[1].toLowerCase() === 'as'
          ? tokens[2].toLowerCase()
          : undefined;
      const earlier = froms.find(f => f.name === image.toLowerCase());
      froms.push({
        image,
        name,
        fromStage: earlier ? earlier.name : undefined,
        line: ins.line,
        unresolved,
      });
      // A stage built on an earlier stage starts with that stage's USER.
      const stageIndex = earlier ? froms.indexOf(earlier) : -1;
      users.push(stageIndex >= 0 ? users[stageIndex] : undefined);
    } else if (ins.keyword === 'USER' && froms.length > 0) {
      users[users.length - 1] = { user: ins.args.trim(), line: ins.line };
    }
  }
  return { froms, finalUser: users[users.length - 1] };
}

/**
 * Whether an image reference is pinned: by an `@sha256:` digest, or by an
 * explicit tag other than `latest`. `scratch` needs no pinning.
 */
export function isImagePinned(image: string): boolean {
  if (image.toLowerCase() === 'scratch') return true;
  if (image.includes('$')) return false;
  if (/@sha256:[a-f0-9]{64}$/i.test(image)) return true;
  if (image.includes('@')) return false;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon === -1) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag !== '' && tag.toLowerCase() !== 'latest';
}

/** Whether a USER value is non-root: set, and neither `root` nor UID 0. */
export function isNonRootUser(user: string | undefined): boolean {
  if (!user) return false;
  const name = user.split(':')[0].trim();
  return name !== '' && name.toLowerCase() !== 'root' && name !== '0';
}
