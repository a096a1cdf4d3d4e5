import { DockerfileParser } from 'dockerfile-ast';
import { RepositoryTree } from '../repository';
import { ImageReference, parseImageReference } from './images';
import { basename } from './values';

/** A `USER` instruction. */
export interface DockerUser {
  value: string;
  /** 1-based line. */
  line: number;
}

/** One `FROM` stage of a Dockerfile. */
export interface DockerStage {
  /** The `FROM` argument after substitution of ARG defaults declared before the first stage. */
  from: string;
  /** The base image; undefined when `from` names an earlier stage. */
  image?: ImageReference;
  /** Index of the earlier stage this one builds on. */
  parent?: number;
  /** Stage name from `AS name`, lower-cased. */
  name?: string;
  /** 1-based line of the `FROM`. */
  line: number;
  /** The last `USER` of this stage. */
  user?: DockerUser;
}

/** A Dockerfile, parsed by `dockerfile-ast`. */
export interface DockerfileEvidence {
  path: string;
  stages: DockerStage[];
  /** The user the final stage runs as, through stage inheritance; undefined means root. */
  finalUser?: DockerUser;
}

const DOCKERFILE =
  /^(Dockerfile|Containerfile)([.-][\w.-]+)?$|\.(Dockerfile|Containerfile)$/i;

/** Whether a path names a Dockerfile (`Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`, `Containerfile`). */
export function isDockerfilePath(path: string): boolean {
  return DOCKERFILE.test(basename(path));
}

function substitute(value: string, args: Map<string, string>): string {
  // `${NAME}`, `${NAME:-default}` and `$NAME`; an unresolved `$` stays visible.
  return value.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (match, braced: string | undefined, fallback: string | undefined, bare) => {
      const found = args.get(braced ?? bare);
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined && match.includes(':-')) return fallback;
      return match;
    },
  );
}

/** Parses a Dockerfile: its stages, base images and users. */
export function parseDockerfile(
  path: string,
  text: string,
): DockerfileEvidence {
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    const name = property?.getName();
    if (name) args.set(name, property?.getValue() ?? '');
  }
  const stages: DockerStage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    const line = instruction.getRange().start.line + 1;
    if (keyword === 'FROM') {
      const words = instruction
        .getArguments()
        .map(a => a.getValue())
        .filter(w => !w.startsWith('--'));
      const from = substitute(words[0] ?? '', args);
      const name =
        words[1]?.toLowerCase() === 'as' ? words[2]?.toLowerCase() : undefined;
      const parent = stages.findIndex(s => s.name === from.toLowerCase());
      stages.push({
        from,
        ...(parent >= 0 ? { parent } : { image: parseImageReference(from) }),
        ...(name ? { name } : {}),
        line,
        // A stage built on an earlier stage starts with that stage's USER.
        ...(parent >= 0 && stages[parent].user
          ? { user: stages[parent].user }
          : {}),
      });
    } else if (keyword === 'USER' && stages.length > 0) {
      const value = instruction
        .getArguments()
        .map(a => a.getValue())
        .join(' ');
      if (value) stages[stages.length - 1].user = { value, line };
    }
  }
  const last = stages[stages.length - 1];
  return { path, stages, ...(last?.user ? { finalUser: last.user } : {}) };
}

/** Whether a `USER` value names root (`root`, `0`, `0:0`, `root:root`). */
export function isRootUser(value: string): boolean {
  const user = value.split(':')[0].trim().toLowerCase();
  return user === 'root' || user === '0';
}

/** Whether a USER value is set and not root. */
export function isNonRootUser(value: string | undefined): boolean {
  return !!value && value.split(':')[0].trim() !== '' && !isRootUser(value);
}

/** Reads every Dockerfile of the tree. */
export function readDockerfiles(tree: RepositoryTree): DockerfileEvidence[] {
  return tree
    .files()
    .filter(isDockerfilePath)
    .sort()
    .map(path => parseDockerfile(path, tree.readText(path) ?? ''));
}
