import { RepositoryTree } from '@cloud-native-portal/plugin-maturity-node';
import { basename } from './util';

/** One `FROM` stage of a Dockerfile. */
export interface DockerStage {
  /** The image reference, or the earlier stage it builds on. */
  image: string;
  /** Index of the earlier stage this one builds on, when `image` names a stage. */
  parent?: number;
  name?: string;
  line: number;
  /** The last `USER` of this stage, with its line. */
  user?: { value: string; line: number };
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  path: string;
  stages: DockerStage[];
}

const DOCKERFILE =
  /^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|Containerfile)$/i;

/** Whether a path names a Dockerfile (`Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`). */
export function isDockerfilePath(path: string): boolean {
  return DOCKERFILE.test(basename(path));
}

/**
 * Parses the instructions the scanner needs (`ARG` before the first stage,
 * `FROM`, `USER`), joining continuation lines and dropping comments.
 */
export function parseDockerfile(path: string, text: string): Dockerfile {
  const stages: DockerStage[] = [];
  const args = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let instruction = lines[i];
    while (instruction.endsWith('\\') && i + 1 < lines.length) {
      instruction = `${instruction.slice(0, -1)} ${lines[++i]}`;
    }
    const trimmed = instruction.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [keyword, ...rest] = trimmed.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0 && rest[0]) {
      const eq = rest[0].indexOf('=');
      if (eq > 0)
        args.set(
          rest[0].slice(0, eq),
          rest[0].slice(eq + 1).replace(/^"|"$/g, ''),
        );
    } else if (upper === 'FROM') {
      const words = rest.filter(w => !w.startsWith('--'));
      let image = words[0] ?? '';
      // Substitute global ARG defaults; an unresolved `$` stays visible.
      image = image.replace(
        /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
        (m, name: string) => args.get(name) ?? m,
      );
      const name = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      const parent = stages.findIndex(
        s =>
          s.name !== undefined && s.name.toLowerCase() === image.toLowerCase(),
      );
      stages.push({
        image,
        name,
        line: start + 1,
        ...(parent >= 0 ? { parent } : {}),
      });
    } else if (upper === 'USER' && stages.length > 0 && rest[0]) {
      stages[stages.length - 1].user = { value: rest[0], line: start + 1 };
    }
  }
  return { path, stages };
}

/** The user the final stage runs as, following stage inheritance; undefined means root. */
export function finalUser(
  dockerfile: Dockerfile,
): { value: string; line: number } | undefined {
  let index: number | undefined = dockerfile.stages.length - 1;
  const seen = new Set<number>();
  while (index !== undefined && index >= 0 && !seen.has(index)) {
    seen.add(index);
    const stage: DockerStage = dockerfile.stages[index];
    if (stage.user) return stage.user;
    index = stage.parent;
  }
  return undefined;
}

/** Whether a `USER` value names root (`root`, `0`, `0:0`, `root:root`). */
export function isRootUser(value: string): boolean {
  const user = value.split(':')[0];
  return user === 'root' || user === '0';
}

/** Reads every Dockerfile of the tree. */
export function readDockerfiles(tree: RepositoryTree): Dockerfile[] {
  return tree
    .files()
    .filter(isDockerfilePath)
    .map(path => parseDockerfile(path, tree.readText(path) ?? ''));
}
