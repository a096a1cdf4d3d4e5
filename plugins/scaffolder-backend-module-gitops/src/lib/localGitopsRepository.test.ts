import { createMockDirectory } from '@backstage/backend-test-utils';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { join } from 'path';
import { ensureLocalGitopsRepository } from './localGitopsRepository';

describe('ensureLocalGitopsRepository', () => {
  const root = createMockDirectory();
  beforeEach(() => root.clear());

  it('creates a repository with one commit on main, once', async () => {
    expect(await ensureLocalGitopsRepository(root.path, 'gitops')).toBe(true);
    const dir = join(root.path, 'gitops');
    expect(await git.currentBranch({ fs, dir })).toBe('main');
    expect(await git.log({ fs, dir })).toHaveLength(1);
    expect(await git.listFiles({ fs, dir, ref: 'HEAD' })).toEqual([
      'README.md',
    ]);
    // A second start keeps what is there.
    expect(await ensureLocalGitopsRepository(root.path, 'gitops')).toBe(false);
    expect(await git.log({ fs, dir })).toHaveLength(1);
  });

  it('leaves an existing folder of that name untouched', async () => {
    root.setContent({ gitops: { 'notes.txt': 'mine' } });
    expect(await ensureLocalGitopsRepository(root.path, 'gitops')).toBe(false);
    expect(await fs.readdir(join(root.path, 'gitops'))).toEqual(['notes.txt']);
  });
});
