import { createMockDirectory } from '@backstage/backend-test-utils';
import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import git from 'isomorphic-git';
import { join, resolve } from 'path';
import { promisify } from 'util';
import {
  ensureLocalGitopsRepository,
  historyScript,
} from './localGitopsRepository';

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

// The demo's history script (examples/gitops-history/generate.mjs), run as
// the backend runs it: `node <script> <dir>`, in its own process.
const SCRIPT = resolve(
  __dirname,
  '../../../../examples/gitops-history/generate.mjs',
);
const DAY = 24 * 3600_000;

async function runScript(dir: string, ...args: string[]) {
  const { stdout } = await promisify(execFile)(process.execPath, [
    SCRIPT,
    dir,
    ...args,
  ]);
  return stdout;
}

/** Tree entries by oid; unchanged directories share an oid across commits. */
function treeReader(dir: string) {
  const cache = new Map<string, Map<string, string>>();
  return async (oid: string | undefined) => {
    if (!oid) return new Map<string, string>();
    let entries = cache.get(oid);
    if (!entries) {
      const { tree } = await git.readTree({ fs, dir, oid });
      entries = new Map(tree.map(e => [e.path, e.oid]));
      cache.set(oid, entries);
    }
    return entries;
  };
}

/**
 * Production deployments per application, as the delivery contract defines
 * them: commits on main that change something under apps/<app>/production/
 * (compared with the first parent), committed in the 90 days before `now`.
 */
async function productionDeployments(dir: string, now: number) {
  const read = treeReader(dir);
  const productionOf = async (commitOid: string | undefined) => {
    const out = new Map<string, string>();
    if (!commitOid) return out;
    const { commit } = await git.readCommit({ fs, dir, oid: commitOid });
    const apps = await read((await read(commit.tree)).get('apps'));
    for (const [app, appTree] of apps) {
      const production = (await read(appTree)).get('production');
      if (production) out.set(app, production);
    }
    return out;
  };
  const counts: Record<string, number> = {};
  const log = await git.log({ fs, dir, ref: 'main' });
  for (const { oid, commit } of log) {
    const at = commit.committer.timestamp * 1000;
    expect(at).toBeLessThanOrEqual(now);
    if (at < now - 90 * DAY) continue;
    const mine = await productionOf(oid);
    const parent = await productionOf(commit.parent[0]);
    for (const [app, tree] of mine) {
      if (parent.get(app) !== tree) counts[app] = (counts[app] ?? 0) + 1;
    }
  }
  return { counts, log };
}

describe('the demo GitOps history (examples/gitops-history/generate.mjs)', () => {
  const root = createMockDirectory();
  beforeEach(() => root.clear());
  jest.setTimeout(180_000);

  it('is deterministic: the same anchor writes the same commits (same head sha), another anchor other ones', async () => {
    const a = JSON.parse(
      await runScript(
        join(root.path, 'a'),
        '--anchor',
        '2026-12-06',
        '--summary',
      ),
    );
    const b = JSON.parse(
      await runScript(
        join(root.path, 'b'),
        '--anchor',
        '2026-12-06',
        '--summary',
      ),
    );
    expect(b).toEqual(a);
    const headOf = (name: string) =>
      git.resolveRef({ fs, dir: join(root.path, name), ref: 'main' });
    expect(await headOf('a')).toBe(a.head);
    expect(await headOf('b')).toBe(a.head);

    // What the delivery collector will read back: the production
    // deployments of the 90 days before the anchor, from the trees alone.
    const anchor = Date.parse('2026-12-06T00:00:00Z');
    const { counts, log } = await productionDeployments(
      join(root.path, 'a'),
      anchor,
    );
    expect(counts).toEqual(
      Object.fromEntries(
        Object.entries(
          a.apps as Record<string, { productionDeployments: number }>,
        ).map(([app, s]) => [app, s.productionDeployments]),
      ),
    );
    const perWeek = (app: string) => counts[app] / (90 / 7);
    // The reference service deploys on demand, the extracted services daily,
    // enrolment weekly, the monolith monthly, legacy-reports rarely.
    expect(perWeek('course-catalog-service')).toBeGreaterThanOrEqual(7);
    expect(perWeek('progress-events-consumer')).toBeGreaterThanOrEqual(5);
    expect(perWeek('quiz-engine')).toBeGreaterThanOrEqual(5);
    expect(perWeek('enrolment-service')).toBeGreaterThanOrEqual(1);
    expect(perWeek('enrolment-service')).toBeLessThan(5);
    expect(perWeek('classroom-monolith')).toBeLessThan(1);
    expect(counts['legacy-reports']).toBe(1);
    // Services that do not deploy through GitOps have no history at all.
    expect(counts['payments-gateway']).toBeUndefined();
    expect(a.apps['course-catalog-service'].changeFailureRate).toBeLessThan(
      0.15,
    );
    expect(a.apps['quiz-engine'].changeFailureRate).toBeGreaterThan(0.15);
    expect(a.apps['classroom-monolith'].leadTimeHours).toBeGreaterThan(24 * 7);

    // Reverts name a production deployment of the same application; the
    // monolith has a rollback with a Rollback-Of trailer; CI bumps carry
    // Source-Commit-Date.
    const bySha = new Map(log.map(e => [e.oid, e.commit]));
    const reverts = log.filter(e => e.commit.message.startsWith('Revert "'));
    expect(reverts.length).toBeGreaterThan(5);
    for (const { commit } of reverts) {
      const sha = /This reverts commit ([0-9a-f]{40})\./.exec(
        commit.message,
      )?.[1];
      const reverted = bySha.get(sha!);
      expect(reverted?.message).toMatch(/to production\n/);
      expect(commit.message.split('\n')[0]).toBe(
        `Revert "${reverted!.message.split('\n')[0]}"`,
      );
    }
    const rollback = log.find(e => /^Rollback /.test(e.commit.message));
    const rolledBack = /\nRollback-Of: ([0-9a-f]{40})\n/.exec(
      rollback!.commit.message,
    )?.[1];
    expect(bySha.get(rolledBack!)?.message).toMatch(
      /^Release classroom-monolith .* to production/,
    );
    expect(
      log.filter(e => /\nSource-Commit-Date: \S+Z\n/.test(e.commit.message))
        .length,
    ).toBeGreaterThan(500);

    expect(
      JSON.parse(
        await runScript(
          join(root.path, 'c'),
          '--anchor',
          '2026-12-07',
          '--summary',
        ),
      ).head,
    ).not.toBe(a.head);
  });

  it('writes the incident export beside the repository, each date moved as far as the anchor is past the day the export was recorded', async () => {
    const template = await fs.readFile(
      resolve(
        __dirname,
        '../../../../examples/incidents/brightpath-incidents.csv',
      ),
      'utf8',
    );
    // A year after the export was recorded (2026-12-06).
    await runScript(join(root.path, 'later'), '--anchor', '2027-12-06');
    const moved = await fs.readFile(
      join(root.path, 'later-incidents.csv'),
      'utf8',
    );
    const lines = (text: string) => text.trim().split('\n');
    expect(lines(moved)).toHaveLength(lines(template).length);
    expect(lines(moved)[0]).toBe(lines(template)[0]);
    const year = 365 * DAY;
    const row = (text: string, id: string) =>
      lines(text).find(l => l.startsWith(`${id},`))!;
    // A title with commas stays one quoted field.
    expect(row(moved, 'INC-1968')).toBe(
      row(template, 'INC-1968')
        .replace(
          '2026-06-02T08:05:00Z',
          new Date(Date.parse('2026-06-02T08:05:00Z') + year)
            .toISOString()
            .replace('.000Z', 'Z'),
        )
        .replace(
          '2026-06-02T15:40:00Z',
          new Date(Date.parse('2026-06-02T15:40:00Z') + year)
            .toISOString()
            .replace('.000Z', 'Z'),
        ),
    );
    // An open incident stays open.
    expect(row(moved, 'INC-2123')).toContain('2027-12-04T20:15:00Z,,');
  });

  it('seeds a new repository before its first commit: the history, then the README commit on top, none of it in the future', async () => {
    const before = Date.now();
    expect(
      await ensureLocalGitopsRepository(root.path, 'gitops', {
        seedHistory: historyScript(SCRIPT),
      }),
    ).toBe(true);
    const dir = join(root.path, 'gitops');
    const log = await git.log({ fs, dir, ref: 'main' });
    expect(log[0].commit.message).toBe('Start the local GitOps repository\n');
    expect(log.length).toBeGreaterThan(1000);
    // The README commit keeps every application's files.
    const files = await git.listFiles({ fs, dir, ref: 'HEAD' });
    expect(files).toContain('README.md');
    expect(files).toContain(
      'apps/course-catalog-service/production/deployment.yaml',
    );
    const history = log.slice(1).map(e => e.commit.committer.timestamp * 1000);
    expect(Math.max(...history)).toBeLessThan(before);
    expect(Math.min(...history)).toBeLessThan(before - 150 * DAY);
    // A second start keeps what is there.
    expect(
      await ensureLocalGitopsRepository(root.path, 'gitops', {
        seedHistory: historyScript(SCRIPT),
      }),
    ).toBe(false);
  });

  it('a failing history script leaves no half-made repository, and its error names the config key', async () => {
    root.setContent({ 'broken.mjs': 'process.exit(3)' });
    await expect(
      ensureLocalGitopsRepository(root.path, 'gitops', {
        seedHistory: historyScript(join(root.path, 'broken.mjs')),
      }),
    ).rejects.toThrow(/scaffolder\.localPublish\.demoHistory: .*broken\.mjs/);
    expect(await fs.readdir(root.path)).toEqual(['broken.mjs']);
  });

  it('refuses a repository that already has commits on main', async () => {
    await ensureLocalGitopsRepository(root.path, 'gitops');
    await expect(runScript(join(root.path, 'gitops'))).rejects.toThrow(
      /already has commits on main/,
    );
  });
});
