import {
  DeliveryRecord,
  DeliverySource,
  markRollbacks,
  Sequenced,
} from './deliverySource';
import {
  GithubClient,
  GithubClients,
  GITHUB_PROJECT_SLUG_ANNOTATION,
  githubRepositoryOf,
} from '@cloud-native-portal/plugin-maturity-node';
import { parseCommitMessage } from './gitopsHistory';

/** The default match of deploy workflows' names and file paths. */
export const DEFAULT_DEPLOY_WORKFLOW = 'deploy|release';

const TERMINAL = new Set(['success', 'failure', 'error', 'inactive']);
const MAX_CACHED = 50_000;

const short = (sha: string) => sha.slice(0, 7);

/** Options of {@link githubDeploymentsSource}. */
export interface GithubDeploymentsOptions {
  github: GithubClients;
  productionEnvironments: string[];
  /**
   * Case-insensitive regular expression matched against a workflow's name
   * and file path; its successful runs are deployments of a repository
   * without GitHub deployments. Default: {@link DEFAULT_DEPLOY_WORKFLOW}.
   */
  deployWorkflow?: string;
}

/**
 * GitHub deployments as a delivery source, for an entity with the
 * `github.com/project-slug` annotation on a host of `integrations.github`:
 * - its deployments to a production environment (newest first, paginated
 *   back to the window's start); the first `success` status is the
 *   deployment; a `failure` or `error` status without success is a failed
 *   change that never reached production; a later rollback fails it too.
 *   Lead time runs from its commit's date.
 * - when the repository has no deployments at all, the successful runs of
 *   its deploy workflows (name or file matching `deployWorkflow`), with lead
 *   time from the run's head commit.
 * Statuses of finished deployments and commit dates are remembered.
 */
export function githubDeploymentsSource(
  options: GithubDeploymentsOptions,
): DeliverySource {
  const { github, productionEnvironments } = options;
  const workflowPattern = new RegExp(
    options.deployWorkflow ?? DEFAULT_DEPLOY_WORKFLOW,
    'i',
  );
  const statusCache = new Map<number, Array<{ state: string; at: number }>>();
  const commitDates = new Map<string, number | null>();

  async function statuses(
    octokit: GithubClient,
    owner: string,
    repo: string,
    id: number,
  ) {
    const known = statusCache.get(id);
    if (known) return known;
    const { data } = await octokit.repos.listDeploymentStatuses({
      owner,
      repo,
      deployment_id: id,
      per_page: 100,
    });
    const list = data
      .map(s => ({ state: s.state, at: Date.parse(s.created_at) }))
      .sort((a, b) => a.at - b.at);
    if (list.some(s => TERMINAL.has(s.state))) {
      if (statusCache.size >= MAX_CACHED) statusCache.clear();
      statusCache.set(id, list);
    }
    return list;
  }

  async function commitDate(
    octokit: GithubClient,
    owner: string,
    repo: string,
    sha: string,
  ): Promise<number | undefined> {
    const key = `${owner}/${repo}@${sha}`;
    if (commitDates.has(key)) return commitDates.get(key) ?? undefined;
    let date: number | null = null;
    try {
      const { data } = await octokit.repos.getCommit({ owner, repo, ref: sha });
      const parsed = Date.parse(data.commit.committer?.date ?? '');
      date = Number.isFinite(parsed) ? parsed : null;
    } catch (e) {
      // A commit force-pushed away: its deployment has no lead time.
      const status = (e as { status?: number }).status;
      if (status !== 404 && status !== 422) throw e;
    }
    if (commitDates.size >= MAX_CACHED) commitDates.clear();
    commitDates.set(key, date);
    return date ?? undefined;
  }

  async function fromDeployments(
    octokit: GithubClient,
    owner: string,
    repo: string,
    since: number,
  ): Promise<Sequenced[] | undefined> {
    const found: Array<{
      id: number;
      sha: string;
      ref: string;
      environment: string;
      task: string;
      description: string | null;
    }> = [];
    for (const environment of productionEnvironments) {
      // Newest first: stop paging at the window's start.
      for await (const page of octokit.paginate.iterator(
        'GET /repos/{owner}/{repo}/deployments',
        { owner, repo, environment, per_page: 100 },
      )) {
        let older = false;
        for (const d of page.data) {
          if (Date.parse(d.created_at) < since) {
            older = true;
            continue;
          }
          found.push({
            id: d.id,
            sha: d.sha,
            ref: d.ref,
            environment: d.environment,
            task: d.task,
            description: d.description,
          });
        }
        if (older) break;
      }
    }
    if (!found.length) {
      const { data: any } = await octokit.repos.listDeployments({
        owner,
        repo,
        per_page: 1,
      });
      // No deployments at all: the deploy workflows are the evidence.
      if (!any.length) return undefined;
    }
    const sequence: Sequenced[] = [];
    for (const d of found) {
      const list = await statuses(octokit, owner, repo, d.id);
      const success = list.find(s => s.state === 'success');
      const failure = list.find(
        s => s.state === 'failure' || s.state === 'error',
      );
      if (!success && !failure) continue; // still pending
      const label = `deployment ${d.id} of ${short(d.sha)} (${d.ref})`;
      const start = await commitDate(octokit, owner, repo, d.sha);
      const record: DeliveryRecord = {
        label,
        environments: [d.environment],
        deployedMillis: success ? success.at : failure!.at,
        changeStart:
          start !== undefined
            ? { millis: start, from: 'commit date' }
            : undefined,
        isRollback: /rollback/i.test(`${d.task} ${d.description ?? ''}`),
        ...(success
          ? {}
          : {
              failedAttempt: true,
              failedBy: {
                millis: failure!.at,
                note: `ended with status "${failure!.state}"`,
              },
            }),
      };
      if (success && failure && failure.at > success.at) {
        record.failedBy = {
          millis: failure.at,
          note: `ended with status "${failure.state}" after its success`,
        };
      }
      sequence.push({ sha: d.sha, record, reverts: [] });
    }
    return sequence;
  }

  async function fromWorkflowRuns(
    octokit: GithubClient,
    owner: string,
    repo: string,
    since: number,
  ): Promise<{ sequence: Sequenced[]; workflows: string[] }> {
    const { data } = await octokit.actions.listRepoWorkflows({
      owner,
      repo,
      per_page: 100,
    });
    const workflows = data.workflows.filter(
      w => workflowPattern.test(w.name) || workflowPattern.test(w.path),
    );
    const sequence: Sequenced[] = [];
    for (const workflow of workflows) {
      for await (const page of octokit.paginate.iterator(
        'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
        {
          owner,
          repo,
          workflow_id: workflow.id,
          status: 'success',
          created: `>=${new Date(since).toISOString()}`,
          per_page: 100,
        },
      )) {
        for (const run of page.data) {
          const parsed = parseCommitMessage(run.head_commit?.message ?? '');
          const start = Date.parse(run.head_commit?.timestamp ?? '');
          sequence.push({
            sha: run.head_sha,
            reverts: parsed.reverts,
            record: {
              label: `run ${run.run_number} of "${workflow.name}" at ${short(
                run.head_sha,
              )}${parsed.subject ? ` "${parsed.subject}"` : ''}`,
              environments: [`production (workflow "${workflow.name}")`],
              deployedMillis: Date.parse(run.updated_at),
              changeStart: Number.isFinite(start)
                ? { millis: start, from: 'commit date' }
                : undefined,
              isRollback: parsed.isRollback,
            },
          });
        }
      }
    }
    return { sequence, workflows: workflows.map(w => w.name) };
  }

  return {
    name: 'GitHub',
    connectHint: () =>
      `annotate it with ${GITHUB_PROJECT_SLUG_ANNOTATION}: <owner>/<repo> (GitHub deployments to ${productionEnvironments.join(
        ', ',
      )}, or runs of a workflow matching /${workflowPattern.source}/i)`,
    fixHint:
      'check its github.com/project-slug annotation and that integrations.github can read the repository',
    async read(entity, window) {
      const repository = githubRepositoryOf(entity, github);
      if (!repository) return undefined;
      const { owner, repo, url } = repository;
      const octokit = await github.forUrl(url);
      let where = `GitHub deployments of ${owner}/${repo}`;
      let sequence = await fromDeployments(octokit, owner, repo, window.since);
      if (!sequence) {
        const runs = await fromWorkflowRuns(octokit, owner, repo, window.since);
        sequence = runs.sequence;
        where = runs.workflows.length
          ? `successful runs of ${runs.workflows
              .map(w => `"${w}"`)
              .join(', ')} in ${owner}/${repo} (it has no GitHub deployments)`
          : `${owner}/${repo}, which has no GitHub deployments and no workflow matching /${workflowPattern.source}/i`;
      }
      sequence.sort(
        (a, b) => a.record.deployedMillis - b.record.deployedMillis,
      );
      markRollbacks(sequence);
      return {
        where,
        app: `${owner}/${repo}`,
        records: sequence.map(s => s.record),
      };
    },
  };
}
