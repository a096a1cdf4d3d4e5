import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { MaturityClient, MaturityRequestError } from './MaturityClient';

const server = setupServer();
registerMswTestHooks(server);

const baseUrl = 'http://localhost:7007/api/maturity';
const client = new MaturityClient({
  discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
  fetchApi: { fetch: (input, init) => fetch(input, init) },
});

describe('MaturityClient', () => {
  it("creates a campaign through Backstage's fetch middlewares, which copy a Request before passing the original on", async () => {
    let body: unknown;
    server.use(
      http.post(`${baseUrl}/campaigns`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ id: 'c1' }, { status: 201 });
      }),
    );
    // What @backstage/core-app-api's plugin-protocol and identity
    // middlewares do with a URL they leave alone.
    const middlewareClient = new MaturityClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
      fetchApi: {
        fetch: (input, init) => {
          const probe = new Request(input, init);
          expect(probe.url).toContain('/campaigns');
          return fetch(input, init);
        },
      },
    });
    const campaign = {
      title: 'Security level 3',
      dimension: 'security',
      targetLevel: 3,
      deadline: '2027-03-31',
    };
    await expect(
      middlewareClient.createCampaign(campaign),
    ).resolves.toMatchObject({ id: 'c1' });
    expect(body).toEqual(campaign);
  });

  it('requests an entity scorecard by kind, namespace and name', async () => {
    server.use(
      http.get(
        `${baseUrl}/entity/component/default/course-catalog-service`,
        () => HttpResponse.json({ level: 2, score: 61 }),
      ),
    );
    await expect(
      client.getEntityReport('component:default/course-catalog-service'),
    ).resolves.toEqual({ level: 2, score: 61 });
  });

  it('sends filters and paging as query parameters, leaving out empty ones', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${baseUrl}/rollups`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ items: [], totalCount: 0 });
      }),
    );
    await client.getRollups(
      'owner',
      { system: 'system:default/learning-platform', tag: '' },
      { limit: 50, offset: 100 },
    );
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      groupBy: 'owner',
      system: 'system:default/learning-platform',
      limit: '50',
      offset: '100',
    });
  });

  it('reviews a domain by the domain parameter and a system by the system one', async () => {
    const seen: Array<Record<string, string>> = [];
    server.use(
      http.get(`${baseUrl}/review`, ({ request }) => {
        seen.push(Object.fromEntries(new URL(request.url).searchParams));
        return HttpResponse.json({});
      }),
    );
    await client.getReview('domain:default/online-learning', '2026-08-01');
    await client.getReview('system:default/commerce', '2026-08-01');
    expect(seen).toEqual([
      { domain: 'domain:default/online-learning', since: '2026-08-01' },
      { system: 'system:default/commerce', since: '2026-08-01' },
    ]);
  });

  it('posts a waiver as JSON', async () => {
    let body: unknown;
    server.use(
      http.post(`${baseUrl}/waivers`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ id: 'w1' }, { status: 201 });
      }),
    );
    const waiver = {
      entityRef: 'component:default/a',
      checkId: 'delivery-ci',
      reason: 'not yet',
      expiresAt: '2027-01-01T00:00:00.000Z',
    };
    await expect(client.createWaiver(waiver)).resolves.toEqual({ id: 'w1' });
    expect(body).toEqual(waiver);
  });

  it('names the failing request and keeps the status and server message', async () => {
    server.use(
      http.get(`${baseUrl}/rollups`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database is down' } },
          { status: 500, statusText: 'Internal Server Error' },
        ),
      ),
    );
    const error = await client.getRollups('owner').catch(e => e);
    expect(error).toBeInstanceOf(MaturityRequestError);
    expect(error.status).toBe(500);
    expect(error.message).toBe(
      'GET /api/maturity/rollups failed: 500 Internal Server Error: database is down',
    );
  });

  it('reports a 409 on POST /waivers with the server reason', async () => {
    server.use(
      http.post(`${baseUrl}/waivers`, () =>
        HttpResponse.json(
          { error: { name: 'ConflictError', message: 'active waiver exists' } },
          { status: 409, statusText: 'Conflict' },
        ),
      ),
    );
    await expect(
      client.createWaiver({
        entityRef: 'component:default/a',
        checkId: 'delivery-ci',
        reason: 'dup',
        expiresAt: '2027-01-01T00:00:00.000Z',
      }),
    ).rejects.toThrow(
      'POST /api/maturity/waivers failed: 409 Conflict: active waiver exists',
    );
  });
});

describe('MaturityClient fact requests', () => {
  it("reads an entity's fact sets by kind, namespace and name", async () => {
    server.use(
      http.get(
        `${baseUrl}/entity/component/default/course-catalog-service/facts`,
        () =>
          HttpResponse.json({
            items: [{ collector: 'delivery', status: 'ok', facts: {} }],
          }),
      ),
    );
    await expect(
      client.getEntityFacts('component:default/course-catalog-service'),
    ).resolves.toEqual({
      items: [{ collector: 'delivery', status: 'ok', facts: {} }],
    });
  });

  it('sends the fact summary collector, fact, groupBy and owner filter, leaving out empty filters', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${baseUrl}/facts/summary`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ items: [] });
      }),
    );
    await client.getFactSummary({
      collector: 'delivery',
      fact: 'delivery.leadTimeHours',
      groupBy: 'owner',
      filters: { owner: 'group:default/courses-team', tag: '' },
    });
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      collector: 'delivery',
      fact: 'delivery.leadTimeHours',
      groupBy: 'owner',
      owner: 'group:default/courses-team',
    });
  });

  it('lists entities by fact with the filters and paging as query parameters', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${baseUrl}/facts/entities`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({
          items: [{ entityRef: 'component:default/a', value: 3 }],
          totalCount: 1,
          limit: 100,
          offset: 0,
        });
      }),
    );
    const page = await client.listEntitiesByFact(
      {
        collector: 'incidents',
        fact: 'incidents.timeToRestoreHours',
        filters: { owner: 'group:default/courses-team' },
      },
      { limit: 100, offset: 0 },
    );
    expect(page.items).toEqual([
      { entityRef: 'component:default/a', value: 3 },
    ]);
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      collector: 'incidents',
      fact: 'incidents.timeToRestoreHours',
      owner: 'group:default/courses-team',
      limit: '100',
      offset: '0',
    });
  });

  it('reports a 404 of an entity without facts with its status, so the card can show "not collected yet"', async () => {
    server.use(
      http.get(`${baseUrl}/entity/component/default/new-service/facts`, () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'No facts yet' } },
          { status: 404, statusText: 'Not Found' },
        ),
      ),
    );
    const error = await client
      .getEntityFacts('component:default/new-service')
      .catch(e => e);
    expect(error).toBeInstanceOf(MaturityRequestError);
    expect(error.status).toBe(404);
  });
});

describe('MaturityClient fleet requests', () => {
  const run = {
    id: '7b0c6f9e-8d0a-4a43-9d1e-2f6f3c1f0a11',
    checkId: 'scale-pdb',
    templateRef: 'template:default/add-pdb',
    preview: true,
    createdBy: 'user:default/guest',
    createdAt: '2026-12-06T10:00:00.000Z',
    status: 'running',
    counts: { total: 2, done: 0 },
    items: [],
  };

  it("requests a check's candidates by check id with the owner filter, leaving out empty filters", async () => {
    let url: URL | undefined;
    server.use(
      http.get(
        `${baseUrl}/fleet/checks/scale-pdb/candidates`,
        ({ request }) => {
          url = new URL(request.url);
          return HttpResponse.json({
            checkId: 'scale-pdb',
            checkTitle: 'A PodDisruptionBudget protects capacity',
            items: [],
          });
        },
      ),
    );
    await expect(
      client.getFleetCandidates('scale-pdb', {
        owner: 'group:default/courses-team',
        system: '',
      }),
    ).resolves.toMatchObject({ checkId: 'scale-pdb', items: [] });
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      owner: 'group:default/courses-team',
    });
  });

  it('escapes a check id with a slash as one path segment', async () => {
    let path: string | undefined;
    server.use(
      http.get(`${baseUrl}/fleet/checks/:checkId/candidates`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json({
          checkId: 'a/b',
          checkTitle: 'x',
          items: [],
        });
      }),
    );
    await client.getFleetCandidates('a/b');
    expect(path).toBe('/api/maturity/fleet/checks/a%2Fb/candidates');
  });

  it("lists a check's fleet runs with the check id and limit as query parameters", async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${baseUrl}/fleet/runs`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ items: [run] });
      }),
    );
    await expect(
      client.listFleetRuns({ checkId: 'scale-pdb', limit: 20 }),
    ).resolves.toEqual({ items: [run] });
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      checkId: 'scale-pdb',
      limit: '20',
    });
  });

  it('posts a fleet run as JSON and answers the started run of the 202', async () => {
    let body: unknown;
    server.use(
      http.post(`${baseUrl}/fleet/runs`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(run, { status: 202 });
      }),
    );
    const newRun = {
      checkId: 'scale-pdb',
      entityRefs: ['component:default/a', 'component:default/b'],
      preview: true,
    };
    await expect(client.createFleetRun(newRun)).resolves.toEqual(run);
    expect(body).toEqual(newRun);
  });

  it('reads a fleet run by id', async () => {
    server.use(
      http.get(`${baseUrl}/fleet/runs/${run.id}`, () =>
        HttpResponse.json({ ...run, status: 'completed' }),
      ),
    );
    await expect(client.getFleetRun(run.id)).resolves.toMatchObject({
      id: run.id,
      status: 'completed',
    });
  });

  it('reports a 403 on POST /fleet/runs with the server message', async () => {
    server.use(
      http.post(`${baseUrl}/fleet/runs`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'not allowed to maturity.fleet.fix',
            },
          },
          { status: 403, statusText: 'Forbidden' },
        ),
      ),
    );
    const error = await client
      .createFleetRun({
        checkId: 'scale-pdb',
        entityRefs: ['component:default/a'],
        preview: false,
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(MaturityRequestError);
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      'POST /api/maturity/fleet/runs failed: 403 Forbidden: not allowed to maturity.fleet.fix',
    );
  });
});
