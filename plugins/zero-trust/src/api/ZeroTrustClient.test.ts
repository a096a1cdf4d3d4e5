import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { failingFactSet } from '../__testUtils__/fixtures';
import { ZeroTrustClient } from './ZeroTrustClient';

const base = 'http://localhost:7007/api/maturity';
const ref = {
  kind: 'Component',
  namespace: 'default',
  name: 'payments-gateway',
};

describe('ZeroTrustClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new ZeroTrustClient({
    discoveryApi: { getBaseUrl: async () => base },
    fetchApi: { fetch: (...args) => fetch(...args) },
  });

  it('reads the zeroTrust FactSet among all collectors', async () => {
    server.use(
      http.get(`${base}/entity/component/default/payments-gateway/facts`, () =>
        HttpResponse.json({
          items: [
            { ...failingFactSet, collector: 'repo', facts: {} },
            failingFactSet,
          ],
        }),
      ),
    );
    const posture = await client.getEntityPosture(ref);
    expect(posture).toMatchObject({ grade: 'F', criticalFailures: 2 });
  });

  it('gives undefined when the entity has no zeroTrust facts or is unknown', async () => {
    server.use(
      http.get(`${base}/entity/component/default/payments-gateway/facts`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    expect(await client.getEntityPosture(ref)).toBeUndefined();
    server.use(
      http.get(`${base}/entity/component/default/payments-gateway/facts`, () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'no such entity' } },
          { status: 404 },
        ),
      ),
    );
    expect(await client.getEntityPosture(ref)).toBeUndefined();
  });

  it('names the failing request and the server message in errors', async () => {
    server.use(
      http.get(`${base}/facts/status-counts`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database is locked' } },
          { status: 500 },
        ),
      ),
    );
    await expect(client.getControlStatusCounts()).rejects.toThrow(
      'GET /api/maturity/facts/status-counts?collector=zeroTrust failed: 500 database is locked',
    );
  });

  it('takes the score history from snapshot metrics, oldest first, skipping snapshots without it', async () => {
    server.use(
      http.get(
        `${base}/entity/component/default/payments-gateway/history`,
        () =>
          HttpResponse.json({
            items: [
              {
                createdAt: '2026-11-20T00:00:00.000Z',
                metrics: { 'zeroTrust.score': 40 },
              },
              { createdAt: '2026-11-19T00:00:00.000Z', metrics: {} },
              {
                createdAt: '2026-11-18T00:00:00.000Z',
                metrics: { 'zeroTrust.score': 12.3 },
              },
            ],
          }),
      ),
    );
    expect(await client.getScoreHistory(ref)).toEqual([
      { createdAt: '2026-11-18T00:00:00.000Z', score: 12.3 },
      { createdAt: '2026-11-20T00:00:00.000Z', score: 40 },
    ]);
  });

  it('queries the summary, status counts and Critical failures with the contract parameters', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${base}/facts/:what`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(`${url.pathname.split('/').pop()}?${url.searchParams}`);
        return HttpResponse.json({ items: [], totalCount: 0 });
      }),
    );
    await client.getPostureSummary('owner');
    await client.getEntitiesWithCriticalFailures();
    expect(seen).toEqual([
      'summary?collector=zeroTrust&fact=zeroTrust.score&groupBy=owner',
      'entities?collector=zeroTrust&fact=zeroTrust.criticalFailures&op=gt&value=0&limit=100&offset=0',
    ]);
  });
});
