import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { promises as fs } from 'fs';
import { join, relative, sep } from 'path';

const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'dist', 'coverage']);

/** Lists the files under a directory, relative and with `/` separators. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string) {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(full);
      } else if (entry.isFile()) {
        out.push(relative(root, full).split(sep).join('/'));
      }
    }
  }
  await walk(root);
  return out.sort();
}

/**
 * Resolves an action input path inside the workspace; a path outside it is
 * the user's error, named by its input.
 */
export function workspacePath(
  workspace: string,
  path: string,
  inputName: string,
): string {
  try {
    return resolveSafeChildPath(workspace, path);
  } catch {
    throw new InputError(`${inputName} "${path}" is outside the workspace`);
  }
}
