import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GitopsHistory, readGitopsHistory } from './gitopsHistory';
import { TestGitopsRepository } from './testGitopsRepository';

// Real repositories, and the demo's history of some 1,300 commits.
jest.setTimeout(120_000);

const DAY = 24 * 3_600_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * DAY);

/** What a history says, in a form two readers can be compared by. */
function summary(history: GitopsHistory) {
  return {
    headSha: history.headSha,
    apps: [...history.apps].sort(),
    commitsRead: history.commitsRead,
    byApp: Object.fromEntries(
      [...history.byApp].map(([app, deployments]) => [
        app,
        deployments.map(d => ({
          sha: d.commit.sha,
          environments: d.environments,
          authorMillis: d.commit.authorMillis,
          committerMillis: d.commit.committerMillis,
          sourceCommitMillis: d.commit.sourceCommitMillis,
          isRollback: d.commit.isRollback,
          failedBy: d.failedBy?.sha,
        })),
      ]),
    ),
  };
}

async function bothReaders(directory: string, since: number) {
  const options = {
    directory,
    branch: 'main',
    productionEnvironments: ['production', 'prod'],
  };
  const [viaGit, viaIsomorphicGit] = await Promise.all([
    readGitopsHistory({ ...options, reader: 'git' }, since),
    readGitopsHistory({ ...options, reader: 'isomorphic-git' }, since),
  ]);
  return { git: summary(viaGit), isomorphicGit: summary(viaIsomorphicGit) };
}

describe('the GitOps history read with the git client', () => {
  it('reads what isomorphic-git reads: merges against their first parent, reverts, rollbacks, a commit dated in the future, and stops at the window', async () => {
    const repo = await TestGitopsRepository.create();
    try {
      const base = await repo.commit({
        message: 'Start',
        files: { 'README.md': '# GitOps' },
        authoredAt: daysAgo(200),
      });
      const deployed = await repo.commit({
        message: 'Promote payments 1.0 to production',
        files: { 'apps/payments/production/deployment.yaml': 'image: p:1' },
        authoredAt: daysAgo(20),
      });
      // A branch merged back: its change counts once, at the merge.
      const side = await repo.commit({
        message: 'Promote search 2.0 to prod',
        files: { 'apps/search/prod/deployment.yaml': 'image: s:2' },
        authoredAt: daysAgo(12),
        parents: [base],
      });
      await repo.commit({
        message: "Merge branch 'search'",
        files: { 'apps/search/prod/deployment.yaml': 'image: s:2' },
        authoredAt: daysAgo(10),
        parents: [deployed, side],
      });
      await repo.commit({
        message: `Revert "Promote payments 1.0 to production"\n\nThis reverts commit ${deployed}.`,
        files: { 'apps/payments/production/deployment.yaml': null },
        authoredAt: daysAgo(9),
      });
      await repo.commit({
        message:
          'Promote payments 1.1 to production\n\nSource-Commit-Date: 2026-11-20T08:00:00Z',
        files: { 'apps/payments/production/deployment.yaml': 'image: p:1.1' },
        authoredAt: daysAgo(5),
      });
      // Clock skew: dated a year ahead.
      await repo.commit({
        message: 'Promote payments 1.2 to production',
        files: { 'apps/payments/production/deployment.yaml': 'image: p:1.2' },
        authoredAt: new Date(NOW + 365 * DAY),
      });
      await repo.commit({
        message: 'Rollback payments in production',
        files: { 'apps/payments/production/deployment.yaml': 'image: p:1.1' },
        authoredAt: daysAgo(1),
      });

      for (const since of [daysAgo(91).getTime(), daysAgo(11).getTime(), 0]) {
        const { git, isomorphicGit } = await bothReaders(repo.dir, since);
        expect(git).toEqual(isomorphicGit);
      }
      const { git } = await bothReaders(repo.dir, daysAgo(91).getTime());
      expect(git.byApp.search).toHaveLength(1);
      expect(
        git.byApp.payments.find(d => d.sha === deployed)?.failedBy,
      ).toEqual(expect.any(String));
    } finally {
      await repo.remove();
    }
  });

  it("reads the demo's whole history (1,300 commits, reverts and rollbacks) as isomorphic-git does", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gitops-demo-'));
    try {
      await promisify(execFile)(process.execPath, [
        resolve(__dirname, '../../../../examples/gitops-history/generate.mjs'),
        join(dir, 'gitops'),
        '--anchor',
        '2026-12-01',
      ]);
      for (const since of [daysAgo(91).getTime(), 0]) {
        const { git, isomorphicGit } = await bothReaders(
          join(dir, 'gitops'),
          since,
        );
        expect(git.commitsRead).toBeGreaterThan(100);
        expect(git).toEqual(isomorphicGit);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('falls back to isomorphic-git where the git client is missing, and the git reader alone then fails', async () => {
    const repo = await TestGitopsRepository.create();
    const path = process.env.PATH;
    try {
      await repo.commit({
        message: 'Promote payments 1.0 to production',
        files: { 'apps/payments/production/deployment.yaml': 'image: p:1' },
        authoredAt: daysAgo(3),
      });
      const options = {
        directory: repo.dir,
        branch: 'main',
        productionEnvironments: ['production'],
      };
      process.env.PATH = '/nonexistent';
      await expect(
        readGitopsHistory({ ...options, reader: 'git' }, 0),
      ).rejects.toThrow(/ENOENT/);
      const history = await readGitopsHistory(options, 0);
      expect(history.byApp.get('payments')).toHaveLength(1);
    } finally {
      process.env.PATH = path;
      await repo.remove();
    }
  });
});
