import { Entity } from '@backstage/catalog-model';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createDeliveryFactCollector } from './deliveryCollector';
import { githubDeploymentsSource } from './githubDeployments';
import {
  linkHeader,
  sha,
  TEST_TOKEN,
  testGithubClients,
} from './githubTestUtils';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (days: number, hours = 0) =>
  new Date(NOW - days * DAY + hours * HOUR).toISOString();
const API = 'https://api.github.com/repos/acme/shop';

const shop: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    annotations: { 'github.com/project-slug': 'acme/shop' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

const notes = (set: FactSet, fact: string) =>
  (set.evidence?.[fact] ?? []).map(e => e.note).join('\n');

function collector() {
  return createDeliveryFactCollector({
    sources: [
      githubDeploymentsSource({
        github: testGithubClients().github,
        productionEnvironments: ['production'],
      }),
    ],
    branch: 'main',
    productionEnvironments: ['production'],
    windowDays: 90,
    now: () => NOW,
  });
}

/** A deployment as GET /repos/{owner}/{repo}/deployments lists it. */
function deployment(id: number, commit: string, created: string) {
  return {
    url: `${API}/deployments/${id}`,
    id,
    node_id: `DE_${id}`,
    sha: commit,
    ref: 'main',
    task: 'deploy',
    payload: {},
    original_environment: 'production',
    environment: 'production',
    description: null,
    creator: null,
    created_at: created,
    updated_at: created,
    statuses_url: `${API}/deployments/${id}/statuses`,
    repository_url: API,
  };
}

const status = (id: number, state: string, created: string) => ({
  url: `${API}/deployments/${id}/statuses/${id}0`,
  id: id * 10,
  node_id: `DES_${id}`,
  state,
  creator: null,
  description: '',
  environment: 'production',
  target_url: '',
  created_at: created,
  updated_at: created,
  deployment_url: `${API}/deployments/${id}`,
  repository_url: API,
});

describe('GitHub deployments as a delivery source', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it('counts successful production deployments, a failure status and a later rollback as failed changes, paging by Link until the window ends', async () => {
    const S0 = sha('s0');
    const S1 = sha('s1');
    const S2 = sha('s2');
    const S3 = sha('s3');
    const S4 = sha('s4');
    // Newest first, as GitHub lists them.
    const deployments = [
      deployment(105, S2, at(4)), // S2 again: a rollback from S4
      deployment(104, S4, at(5)),
      deployment(103, S3, at(6)), // failed
      deployment(102, S2, at(8)),
      deployment(101, S1, at(10)),
      deployment(100, S0, at(120)), // before the window: paging stops
      deployment(99, S0, at(130)),
    ];
    const statuses: Record<number, ReturnType<typeof status>[]> = {
      105: [status(105, 'success', at(4, 1))],
      104: [
        status(104, 'inactive', at(4, 1)),
        status(104, 'success', at(5, 1)),
        status(104, 'in_progress', at(5)),
      ],
      103: [status(103, 'failure', at(6, 1))],
      102: [status(102, 'success', at(8, 1))],
      101: [status(101, 'success', at(10, 1))],
    };
    const commitDates: Record<string, string> = {
      [S1]: at(11, 1),
      [S2]: at(9, 1),
      [S3]: at(7),
    };
    const pages: number[] = [];
    server.use(
      http.get(`${API}/deployments`, ({ request }) => {
        expect(request.headers.get('authorization')).toBe(
          `token ${TEST_TOKEN}`,
        );
        const url = new URL(request.url);
        expect(url.searchParams.get('environment')).toBe('production');
        const page = Number(url.searchParams.get('page') ?? '1');
        pages.push(page);
        return HttpResponse.json(deployments.slice((page - 1) * 2, page * 2), {
          headers: { link: linkHeader(request.url, page, 4) },
        });
      }),
      http.get(`${API}/deployments/:id/statuses`, ({ params }) =>
        HttpResponse.json(statuses[Number(params.id)]),
      ),
      http.get(`${API}/commits/:ref`, ({ params }) => {
        const date = commitDates[String(params.ref)];
        if (!date) {
          // Force-pushed away: GitHub answers 422 "No commit found".
          return HttpResponse.json(
            { message: `No commit found for SHA: ${params.ref}` },
            { status: 422 },
          );
        }
        return HttpResponse.json({
          sha: params.ref,
          commit: {
            message: 'Change',
            author: { date },
            committer: { date },
          },
          parents: [],
          files: [],
        });
      }),
    );
    const set = await collector().collect({ entity: shop });
    expect(set.status).toBe('ok');
    expect(pages).toEqual([1, 2, 3]);
    expect(set.facts['delivery.productionDeployments']).toBe(4);
    // Changes: 101, 102, 103 (failed), 104 (rolled back); 105 is the rollback.
    expect(set.facts['delivery.changeFailureRate']).toBe(0.5);
    const failures = notes(set, 'delivery.changeFailureRate');
    expect(failures).toContain(
      `deployment 103 of ${S3.slice(0, 7)} (main) ended with status "failure"`,
    );
    expect(failures).toContain(
      `deployment 104 of ${S4.slice(
        0,
        7,
      )} (main) rolled back by deployment 105 of ${S2.slice(0, 7)} (main)`,
    );
    // 101 and 102: 24 h from their commits; 104's commit is gone.
    expect(set.facts['delivery.leadTimeHours']).toBe(24);
    expect(notes(set, 'delivery.leadTimeHours')).toContain(
      'median of 2 production change(s)',
    );
    expect(notes(set, 'delivery.productionDeploymentsPerWeek')).toContain(
      'GitHub deployments of acme/shop',
    );
    expect(JSON.stringify(set)).not.toContain(TEST_TOKEN);
  });

  it('a repository without deployments falls back to successful runs of its deploy workflow, and a revert fails the change it reverts', async () => {
    const W1 = sha('w1');
    const W2 = sha('w2');
    const run = (
      n: number,
      commit: string,
      done: string,
      message: string,
      committed: string,
    ) => ({
      id: 9000 + n,
      name: 'Deploy to production',
      run_number: n,
      head_sha: commit,
      head_branch: 'main',
      status: 'completed',
      conclusion: 'success',
      workflow_id: 2,
      created_at: done,
      updated_at: done,
      head_commit: {
        id: commit,
        tree_id: sha(`t${n}`),
        message,
        timestamp: committed,
        author: { name: 'A', email: 'a@example.com' },
        committer: { name: 'A', email: 'a@example.com' },
      },
    });
    server.use(
      http.get(`${API}/deployments`, () => HttpResponse.json([])),
      http.get(`${API}/actions/workflows`, () =>
        HttpResponse.json({
          total_count: 2,
          workflows: [
            {
              id: 1,
              name: 'CI',
              path: '.github/workflows/ci.yml',
              state: 'active',
            },
            {
              id: 2,
              name: 'Deploy to production',
              path: '.github/workflows/cd.yml',
              state: 'active',
            },
          ],
        }),
      ),
      http.get(`${API}/actions/workflows/2/runs`, ({ request }) => {
        const url = new URL(request.url);
        expect(url.searchParams.get('status')).toBe('success');
        expect(url.searchParams.get('created')).toMatch(/^>=2026-09-02/);
        return HttpResponse.json({
          total_count: 2,
          workflow_runs: [
            run(
              2,
              W2,
              at(3),
              `Revert "Add search"\n\nThis reverts commit ${W1}.`,
              at(3, -1),
            ),
            run(1, W1, at(6), 'Add search', at(6, -2)),
          ],
        });
      }),
    );
    const set = await collector().collect({ entity: shop });
    expect(set.facts['delivery.productionDeployments']).toBe(2);
    expect(set.facts['delivery.changeFailureRate']).toBe(1);
    expect(notes(set, 'delivery.changeFailureRate')).toContain(
      `run 1 of "Deploy to production" at ${W1.slice(
        0,
        7,
      )} "Add search" reverted by run 2`,
    );
    expect(set.facts['delivery.leadTimeHours']).toBe(2);
    expect(notes(set, 'delivery.productionDeploymentsPerWeek')).toContain(
      'successful runs of "Deploy to production" in acme/shop (it has no GitHub deployments)',
    );
  });

  it('an entity without github.com/project-slug is not asked for', async () => {
    const set = await collector().collect({
      entity: { ...shop, metadata: { name: 'shop' } },
    });
    expect(set.facts).toEqual({});
    expect(set.unknown?.['delivery.productionDeployments']).toContain(
      'annotate it with github.com/project-slug: <owner>/<repo>',
    );
  });
});
