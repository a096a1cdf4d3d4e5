import fs from 'node:fs';
import path from 'node:path';
import {
  createRepositoryTree,
  RawTreeFile,
  RepositoryTree,
} from '@cloud-native-portal/plugin-maturity-node';

/** Reads every regular file under a directory (symlinks are not followed). */
export function readFilesRecursively(root: string): RawTreeFile[] {
  const out: RawTreeFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        out.push({
          path: path.relative(root, full).split(path.sep).join('/'),
          content: fs.readFileSync(full),
        });
      }
    }
  };
  walk(root);
  return out;
}

/** Builds a tree from a fixture directory. */
export function treeFromDir(root: string): RepositoryTree {
  return createRepositoryTree({
    source: root,
    files: readFilesRecursively(root),
  });
}

/** Builds a tree from inline files. */
export function treeOf(files: Record<string, string | Buffer>): RepositoryTree {
  return createRepositoryTree({
    source: 'test',
    files: Object.entries(files).map(([p, content]) => ({
      path: p,
      content: typeof content === 'string' ? Buffer.from(content) : content,
    })),
  });
}
