import { Entity } from '@backstage/catalog-model';
import { FactSet } from '@cloud-native-portal/plugin-maturity-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { argocdSource } from './argocd';
import { createDeliveryFactCollector } from './deliveryCollector';
import { closedPort, sha } from './githubTestUtils';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 24 * 3_600_000;
const daysAgo = (days: number) => new Date(NOW - days * DAY).toISOString();
const ARGO = 'https://argocd.example.com';
const TOKEN = 'argocd-token-that-must-not-leak';

function component(name: string, app?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      ...(app ? { annotations: { 'argocd/app-name': app } } : {}),
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const notes = (set: FactSet, fact: string) =>
  (set.evidence?.[fact] ?? []).map(e => e.note).join('\n');

function collector(baseUrl = ARGO) {
  return createDeliveryFactCollector({
    sources: [
      argocdSource({
        baseUrl,
        token: TOKEN,
        retries: 2,
        minRetryTimeout: 1,
        retryAfterBaseValue: 1,
      }),
    ],
    branch: 'main',
    productionEnvironments: ['production'],
    windowDays: 90,
    now: () => NOW,
  });
}

/** An Application as GET /api/v1/applications/{name} returns it. */
function application(
  history: Array<{ id: number; revision: string; deployedAt: string }>,
  operationState?: object,
) {
  return {
    metadata: { name: 'payments', namespace: 'argocd' },
    spec: {
      source: {
        repoURL: 'https://github.com/acme/gitops',
        path: 'apps/payments/production',
        targetRevision: 'main',
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'payments',
      },
    },
    status: {
      sync: {
        status: 'Synced',
        revision: history[history.length - 1]?.revision,
      },
      health: { status: 'Healthy' },
      history: history.map(h => ({
        ...h,
        deployStartedAt: h.deployedAt,
        source: {
          repoURL: 'https://github.com/acme/gitops',
          path: 'apps/payments/production',
          targetRevision: 'main',
        },
      })),
      ...(operationState ? { operationState } : {}),
    },
  };
}

const A = sha('rev-a');
const B = sha('rev-b');
const C = sha('rev-c');
const D = sha('rev-d');

describe('Argo CD as a delivery source', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  /** Commit dates of the revisions: each a day before its sync. */
  const commitDates: Record<string, string> = {
    [A]: daysAgo(11),
    [B]: daysAgo(9),
    [C]: daysAgo(6),
    [D]: daysAgo(3),
  };
  const metadata = http.get(
    `${ARGO}/api/v1/applications/payments/revisions/:revision/metadata`,
    ({ params }) =>
      HttpResponse.json({
        author: 'Test Engineer <engineer@example.com>',
        date: commitDates[String(params.revision)],
        message: 'Deploy',
      }),
  );

  it('a sync back to an earlier revision is a rollback, and fails the sync it replaced', async () => {
    server.use(
      http.get(`${ARGO}/api/v1/applications/payments`, ({ request }) => {
        expect(request.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
        return HttpResponse.json(
          application([
            { id: 0, revision: A, deployedAt: daysAgo(10) },
            { id: 1, revision: B, deployedAt: daysAgo(8) },
            { id: 2, revision: C, deployedAt: daysAgo(5) },
            { id: 3, revision: B, deployedAt: daysAgo(4) },
            { id: 4, revision: D, deployedAt: daysAgo(2) },
          ]),
        );
      }),
      metadata,
    );
    const set = await collector().collect({
      entity: component('payments-service', 'payments'),
    });
    expect(set.status).toBe('ok');
    expect(set.facts['delivery.productionDeployments']).toBe(5);
    // A, B, C, D are changes; the return to B is not; C failed.
    expect(set.facts['delivery.changeFailureRate']).toBe(0.25);
    expect(notes(set, 'delivery.changeFailureRate')).toContain(
      `sync 2 to ${C.slice(0, 7)} rolled back by sync 3 to ${B.slice(0, 7)}`,
    );
    expect(set.facts['delivery.leadTimeHours']).toBe(24);
    expect(notes(set, 'delivery.leadTimeHours')).toContain(
      `sync 1 to ${B.slice(0, 7)}: 24 h from commit date`,
    );
    expect(notes(set, 'delivery.productionDeploymentsPerWeek')).toContain(
      `Argo CD application payments at ${ARGO}`,
    );
    expect(JSON.stringify(set)).not.toContain(TOKEN);
  });

  it('a failed last sync is a failed change that never reached production', async () => {
    server.use(
      http.get(`${ARGO}/api/v1/applications/payments`, () =>
        HttpResponse.json(
          application([{ id: 0, revision: A, deployedAt: daysAgo(10) }], {
            phase: 'Failed',
            message: 'one or more objects failed to apply',
            startedAt: daysAgo(1),
            finishedAt: daysAgo(1),
            operation: { sync: { revision: C } },
            syncResult: { revision: C },
          }),
        ),
      ),
      metadata,
    );
    const set = await collector().collect({
      entity: component('payments', 'payments'),
    });
    expect(set.facts['delivery.productionDeployments']).toBe(1);
    expect(notes(set, 'delivery.productionDeployments')).toContain(
      `not deployed: sync to ${C.slice(0, 7)} ended Failed`,
    );
    expect(set.facts['delivery.changeFailureRate']).toBe(0.5);
    expect(notes(set, 'delivery.changeFailureRate')).toContain(
      `sync to ${C.slice(
        0,
        7,
      )} ended Failed: one or more objects failed to apply`,
    );
  });

  it('waits out a 429 for its Retry-After, then reads the history', async () => {
    let calls = 0;
    server.use(
      http.get(`${ARGO}/api/v1/applications/payments`, () => {
        calls++;
        if (calls === 1) {
          return HttpResponse.json(
            { error: 'too many requests' },
            { status: 429, headers: { 'retry-after': '2' } },
          );
        }
        return HttpResponse.json(
          application([{ id: 0, revision: A, deployedAt: daysAgo(10) }]),
        );
      }),
      metadata,
    );
    const set = await collector().collect({
      entity: component('payments', 'payments'),
    });
    expect(calls).toBe(2);
    expect(set.facts['delivery.productionDeployments']).toBe(1);
  });

  it('an application Argo CD does not know is unknown with the annotation to check', async () => {
    server.use(
      http.get(`${ARGO}/api/v1/applications/missing`, () =>
        HttpResponse.json(
          { error: 'applications.argoproj.io "missing" not found', code: 5 },
          { status: 404 },
        ),
      ),
    );
    const set = await collector().collect({
      entity: component('payments', 'missing'),
    });
    expect(set.status).toBe('unknown');
    expect(set.reason).toContain('Argo CD has no application missing');
    expect(set.reason).toContain('argocd/app-name');
  });

  it('an entity without argocd/app-name is not asked for, and is unknown with how to connect it', async () => {
    const set = await collector().collect({ entity: component('payments') });
    expect(set.facts).toEqual({});
    expect(set.unknown?.['delivery.productionDeployments']).toBe(
      `no deployment evidence of payments: to connect it, annotate it with argocd/app-name: <application> (Argo CD at ${ARGO})`,
    );
  });
});

describe('Argo CD unreachable', () => {
  it('is unknown with the reason and the config keys, never a crash', async () => {
    const port = await closedPort();
    const set = await collector(`http://127.0.0.1:${port}`).collect({
      entity: component('payments', 'payments'),
    });
    expect(set.status).toBe('unknown');
    expect(set.reason).toBe(
      `Argo CD at http://127.0.0.1:${port} could not be read (could not reach 127.0.0.1:${port}: ECONNREFUSED); check maturity.outcomes.argocd.baseUrl and .token, and the argocd/app-name annotation`,
    );
  });
});
