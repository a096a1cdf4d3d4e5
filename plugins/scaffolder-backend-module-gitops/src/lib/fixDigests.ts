import {
  isDockerfilePath,
  isPinnedByTagOrDigest,
  parseDockerfile,
  RepositoryTree,
} from '@cloud-native-portal/plugin-maturity-node';
import { DockerfileParser, From } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DigestResolver, FixPart, FixPlan, isUnder } from './fixPlan';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The FROM image without its tag, as written, and the tag to look up. */
function lookupOf(
  written: string,
  tag: string | null,
): {
  name: string;
  tag: string;
} {
  if (tag === null) return { name: written, tag: 'latest' };
  return { name: written.slice(0, written.length - tag.length - 1), tag };
}

/**
 * Plans pinning by digest every base image that the maturity check
 * `delivery-base-images-pinned` counts as floating (no tag, or `latest`):
 * each such `FROM` gets `<image>:<tag>@<digest>`, the digest its tag points
 * at now, and nothing else of the Dockerfile changes. Stage references,
 * `scratch` and images named by build arguments stay as they are, with a
 * note; so does a `FROM` whose lookup fails. Each distinct image is looked
 * up once.
 */
export async function planDigestPins(
  tree: RepositoryTree,
  skippedPaths: string[],
  resolveDigest: DigestResolver | undefined,
): Promise<FixPart> {
  const files = new Map<string, string>();
  const changes: FixPlan['changes'] = [];
  const notes: string[] = [];
  const lookups = new Map<string, Promise<string>>();
  const lookup = (image: string) => {
    let found = lookups.get(image);
    if (!found) {
      found = resolveDigest
        ? resolveDigest(image)
        : Promise.reject(
            new Error('the portal has no registry lookup configured'),
          );
      lookups.set(image, found);
    }
    return found;
  };

  // Dockerfiles the check may read but the plan cannot change.
  let unreadable = 0;
  for (const skipped of tree.skipped()) {
    if (!isDockerfilePath(skipped.path)) continue;
    unreadable++;
    notes.push(
      `${skipped.path} was not read (${skipped.reason}); pin its base images by hand`,
    );
  }
  for (const path of skippedPaths) {
    if (!isDockerfilePath(path) || tree.has(path)) continue;
    unreadable++;
    notes.push(`${path} was not copied; pin its base images by hand`);
  }

  let floating = 0;
  const dockerfiles = tree.files().filter(isDockerfilePath).sort();
  for (const path of dockerfiles) {
    const text = tree.readText(path);
    if (text === undefined) continue;
    if (isUnder(path, skippedPaths)) {
      unreadable++;
      notes.push(`${path} was not copied; pin its base images by hand`);
      continue;
    }
    // The stages as the check reads them, and the FROM instructions (in the
    // same order) with the ranges of their image arguments.
    const { stages } = parseDockerfile(path, text);
    const froms = DockerfileParser.parse(text)
      .getInstructions()
      .filter((i): i is From => i.getKeyword().toUpperCase() === 'FROM');
    if (stages.length === 0) {
      unreadable++;
      notes.push(`${path} has no FROM instruction; add one by hand`);
      continue;
    }
    // Offsets of dockerfile-ast's positions, counted as it counts lines.
    const document = TextDocument.create(path, 'dockerfile', 0, text);
    const edits: Array<{
      stage: number;
      start: number;
      end: number;
      text: string;
    }> = [];
    for (const [index, stage] of stages.entries()) {
      const where = `${path}:${stage.line}`;
      const from = froms[index];
      if (!stage.image) {
        notes.push(
          `${where}: FROM ${stage.from} builds on an earlier stage; nothing to pin`,
        );
        continue;
      }
      if (stage.image.scratch) {
        notes.push(`${where}: FROM scratch has no image to pin`);
        continue;
      }
      const written = from?.getImage() ?? '';
      const range = from?.getImageRange();
      // What the check counts as pinned stays, even through a build argument.
      if (isPinnedByTagOrDigest(stage.image)) continue;
      floating++;
      if (written.includes('$') || stage.image.unresolved) {
        notes.push(
          `${where}: FROM ${written} names its image with a build argument; pin it by hand (for example in the ARG default)`,
        );
        continue;
      }
      if (!from || !range || written !== stage.from) {
        notes.push(
          `${where}: FROM ${stage.from} could not be read; pin it by hand`,
        );
        continue;
      }
      if (from.getImageDigest() !== null) {
        notes.push(
          `${where}: FROM ${written} has a malformed digest; pin it by hand`,
        );
        continue;
      }
      const { name, tag } = lookupOf(written, from.getImageTag());
      const reference = `${name}:${tag}`;
      let digest: string;
      try {
        digest = await lookup(reference);
      } catch (error) {
        notes.push(
          `${where}: the digest of ${reference} could not be looked up (${errorMessage(
            error,
          )}); pin it by hand`,
        );
        continue;
      }
      const start = document.offsetAt(range.start);
      const end = document.offsetAt(range.end);
      if (text.slice(start, end) !== written) {
        notes.push(
          `${where}: FROM ${written} could not be read; pin it by hand`,
        );
        continue;
      }
      edits.push({ stage: index, start, end, text: `${reference}@${digest}` });
    }
    if (edits.length === 0) continue;
    let next = text;
    for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
      next = next.slice(0, edit.start) + edit.text + next.slice(edit.end);
    }
    // The check's own reader must see every rewritten FROM as pinned.
    const after = parseDockerfile(path, next).stages;
    const unpinned = edits.filter(e => {
      const image = after[e.stage]?.image;
      return !image || !isPinnedByTagOrDigest(image);
    });
    if (unpinned.length > 0) {
      notes.push(
        `${path}: the pinned FROM lines would not read as pinned (${unpinned
          .map(e => e.text)
          .join(', ')}); pin the base images by hand`,
      );
      continue;
    }
    files.set(path, next);
    changes.push({
      path,
      what: `pin ${edits.length} base image${
        edits.length === 1 ? '' : 's'
      } by digest (${edits.map(e => e.text).join(', ')})`,
    });
  }

  if (files.size > 0) return { files, changes, notes };
  if (dockerfiles.length === 0 && unreadable === 0) {
    return {
      files,
      changes,
      notes,
      reason: 'already fixed',
      unchanged: 'The repository has no Dockerfile, so no base image floats.',
    };
  }
  if (floating === 0 && unreadable === 0) {
    return {
      files,
      changes,
      notes,
      reason: 'already fixed',
      unchanged:
        'Every base image of the Dockerfiles is pinned by a version tag or a digest already.',
    };
  }
  return {
    files,
    changes,
    notes,
    reason: 'needs a change by hand',
    unchanged:
      'No floating base image could be pinned; the notes say what to do by hand.',
  };
}
