import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ChangedCommit,
  GitopsCommit,
  GitopsHistory,
  GitopsHistoryOptions,
  indexDeployments,
  parseCommitMessage,
} from './gitopsHistory';

const run = promisify(execFile);

/** Separates commits, and fields within a commit, in `git log` output. */
const RECORD = '\x1e';
const FIELD = '\x1f';
const FORMAT = `${RECORD}%H${FIELD}%at${FIELD}%ct${FIELD}%B${FIELD}`;

/** The environment of every git call: no prompts, no local config surprises. */
const gitEnv = () => ({
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  LC_ALL: 'C',
});

/** The `[app, environment]` folders a commit's changed paths lie in. */
function appEnvironments(paths: string[]): Array<[string, string]> {
  const changed: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const [top, app, env] = path.split('/');
    if (top !== 'apps' || !app || !env) continue;
    const key = `${app}/${env}`;
    if (seen.has(key)) continue;
    seen.add(key);
    changed.push([app, env]);
  }
  return changed;
}

/** Parses one `FORMAT` record with its `--name-only` paths. */
function parseRecord(record: string): ChangedCommit | undefined {
  const fields = record.split(FIELD);
  if (fields.length < 5) return undefined;
  const [sha, authorSeconds, committerSeconds, message] = fields;
  const paths = fields
    .slice(4)
    .join(FIELD)
    .split('\n')
    .map(p => p.trim())
    .filter(Boolean);
  const parsed = parseCommitMessage(message);
  const commit: GitopsCommit = {
    sha,
    subject: parsed.subject,
    authorMillis: Number(authorSeconds) * 1000,
    committerMillis: Number(committerSeconds) * 1000,
    sourceCommitMillis: parsed.sourceCommitMillis,
    reverts: parsed.reverts,
    isRollback: parsed.isRollback,
  };
  return { commit, changed: appEnvironments(paths) };
}

/**
 * Reads the first-parent history from `headSha` back to `since` with the
 * git command-line client, the same walk as the isomorphic-git reader: a
 * merge commit is compared with its first parent, and the walk ends at the
 * first commit whose committer date is older than `since` (the process is
 * stopped there). Throws when git is missing or cannot read the repository;
 * the caller then reads with isomorphic-git.
 */
export async function readGitLogHistory(
  options: GitopsHistoryOptions,
  headSha: string,
  since: number,
): Promise<GitopsHistory> {
  const git = ['-C', options.directory, '-c', 'core.quotePath=false'];
  const { stdout: tree } = await run(
    'git',
    [...git, 'ls-tree', '-d', '--name-only', headSha, 'apps/'],
    { env: gitEnv(), maxBuffer: 64 * 1024 * 1024 },
  );
  const apps = new Set(
    tree
      .split('\n')
      .map(line => line.trim().replace(/^apps\//, ''))
      .filter(Boolean),
  );

  const read: ChangedCommit[] = [];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'git',
      [
        ...git,
        'log',
        '--first-parent',
        '--diff-merges=first-parent',
        '--name-only',
        '--no-renames',
        `--format=${FORMAT}`,
        headSha,
        '--',
      ],
      { env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let buffer = '';
    let stderr = '';
    let done = false;
    const take = (record: string) => {
      if (done || !record) return;
      const entry = parseRecord(record);
      if (!entry) return;
      if (entry.commit.committerMillis < since) {
        done = true;
        child.kill();
        return;
      }
      read.push(entry);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const records = buffer.split(RECORD);
      buffer = records.pop() ?? '';
      for (const record of records) take(record);
    });
    child.stderr.on('data', chunk => {
      stderr += String(chunk).slice(0, 2000);
    });
    child.on('error', reject);
    child.on('close', code => {
      if (!done) take(buffer);
      if (done || code === 0) resolve();
      else reject(new Error(`git log failed (${code}): ${stderr.trim()}`));
    });
  });

  return {
    headSha,
    byApp: indexDeployments(read, options.productionEnvironments),
    apps,
    commitsRead: read.length,
  };
}
