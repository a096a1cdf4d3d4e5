import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { isCatalogContentEtag } from '@cloud-native-portal/plugin-maturity-node';
import { resolve } from 'node:path';
import request from 'supertest';
import zeroTrustModule from '@cloud-native-portal/plugin-zero-trust-backend';
import { maturityPlugin } from './plugin';

jest.setTimeout(120_000);

const examples = resolve(__dirname, '../../../examples');
const user = mockCredentials.user.header();

async function poll<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

/**
 * The real catalog ingests the demo organization from examples/, and the
 * maturity plugin scans the example repository trees offline.
 */
describe('maturity backend on the demo organization', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        maturityPlugin,
        zeroTrustModule,
        // The real scheduler, so the evaluation cycle runs on its own.
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                {
                  allow: [
                    'Component',
                    'System',
                    'API',
                    'Resource',
                    'Location',
                    'Domain',
                    'Group',
                    'User',
                  ],
                },
              ],
              locations: [
                { type: 'file', target: resolve(examples, 'all.yaml') },
              ],
              processingInterval: { seconds: 1 },
            },
            maturity: {
              allowedLocalRoots: [examples],
              schedule: {
                frequency: { seconds: 3 },
                initialDelay: { seconds: 1 },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();

    // Wait until the catalog has the demo and a cycle has scored all of it.
    await poll(async () => {
      const res = await request(server)
        .get('/api/maturity/entities?kind=component&limit=100')
        .set('Authorization', user);
      return res.status === 200 && res.body.totalCount >= 11
        ? res.body
        : undefined;
    }, 'the demo components to be scored');
  });

  afterAll(async () => {
    await stop?.();
  });

  it("serves entities whose etag is the catalog's hash of their content, which a cycle's pages of refs and etags rely on", async () => {
    const res = await request(server)
      .get('/api/catalog/entities/by-query?limit=100')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(20);
    const untrusted = res.body.items
      .filter((e: Entity) => !isCatalogContentEtag(e))
      .map((e: Entity) => stringifyEntityRef(e));
    expect(untrusted).toEqual([]);
  });

  it('puts the demo services on clearly different levels', async () => {
    const res = await request(server)
      .get('/api/maturity/entities?kind=component&limit=100')
      .set('Authorization', user);
    const byName = Object.fromEntries(
      res.body.items.map((i: any) => [i.entityRef.split('/')[1], i]),
    );
    const best = byName['course-catalog-service'];
    expect(best.level).toBeGreaterThanOrEqual(3);
    for (const laggard of [
      'classroom-monolith',
      'legacy-reports',
      'payments-gateway',
    ]) {
      expect(byName[laggard].level).toBeLessThan(best.level);
      expect(byName[laggard].score).toBeLessThan(best.score);
    }
    expect(
      new Set(res.body.items.map((i: any) => i.score)).size,
    ).toBeGreaterThan(5);
  });

  it('explains an entity: checks with evidence, and next steps with templates', async () => {
    const res = await request(server)
      .get('/api/maturity/entity/component/default/enrolment-service')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const tracing = res.body.checks.find(
      (c: any) => c.dimension === 'observability' && c.level === 3,
    );
    expect(tracing.status).toBe('fail');
    expect(res.body.nextSteps.length).toBeGreaterThan(0);
    expect(res.body.nextSteps.length).toBeLessThanOrEqual(3);
    for (const step of res.body.nextSteps) {
      expect(step.why).toBeTruthy();
      expect(step.how).toBeTruthy();
    }
    const withEvidence = res.body.checks.filter((c: any) =>
      c.evidence.some((e: any) => e.path && e.line),
    );
    expect(withEvidence.length).toBeGreaterThan(0);
  });

  it('reports the ownership problems of the demo', async () => {
    const get = (name: string) =>
      request(server)
        .get(`/api/maturity/entity/component/default/${name}`)
        .set('Authorization', user);
    const ownerCheck = (body: any) =>
      body.checks.find(
        (c: any) => c.dimension === 'ownership' && c.level === 2,
      );
    expect(ownerCheck((await get('quiz-engine')).body).status).toBe('fail');
    expect(ownerCheck((await get('legacy-reports')).body).status).toBe('fail');
    expect(ownerCheck((await get('search-indexer')).body).status).toBe('fail');
    expect(ownerCheck((await get('course-catalog-service')).body).status).toBe(
      'pass',
    );
  });

  it('rolls up by owner through the group hierarchy, paginated', async () => {
    const res = await request(server)
      .get('/api/maturity/rollups?groupBy=owner&limit=100')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(
      res.body.items.map((r: any) => [r.key, r]),
    );
    const engineering = byKey['group:default/engineering'];
    const learning = byKey['group:default/learning-experience'];
    const courses = byKey['group:default/courses-team'];
    expect(courses.entityCount).toBeGreaterThanOrEqual(2);
    expect(learning.entityCount).toBeGreaterThan(courses.entityCount);
    expect(engineering.entityCount).toBeGreaterThan(learning.entityCount);
    // Seven dimensions: Operations needs the toil collector.
    expect(Object.keys(courses.dimensions)).toHaveLength(7);

    const page = await request(server)
      .get('/api/maturity/rollups?groupBy=system&limit=1&offset=1')
      .set('Authorization', user);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.totalCount).toBeGreaterThanOrEqual(3);
  });

  it('finds the anti-patterns the demo holds, and not the absent one', async () => {
    const learning = await request(server)
      .get('/api/maturity/risks?system=system:default/learning-platform')
      .set('Authorization', user);
    const ids = learning.body.items.map((r: any) => r.id);
    expect(ids).toContain('big-bang-extraction');
    expect(ids).toContain('stateful-on-serverless');
    expect(ids).not.toContain('self-managed-kafka-small-team');

    const commerce = await request(server)
      .get('/api/maturity/risks?system=system:default/commerce')
      .set('Authorization', user);
    expect(commerce.body.items.map((r: any) => r.id)).toEqual([
      'kubernetes-for-few-containers',
    ]);
    const media = await request(server)
      .get('/api/maturity/risks?system=system:default/media-pipeline')
      .set('Authorization', user);
    expect(media.body.items).toEqual([]);
  });

  it('waives a failing check, re-scores, audits and revokes', async () => {
    const ref = 'component:default/payments-gateway';
    const before = await request(server)
      .get('/api/maturity/entity/component/default/payments-gateway')
      .set('Authorization', user);
    const failing = before.body.checks.find((c: any) => c.status === 'fail');

    const created = await request(server)
      .post('/api/maturity/waivers')
      .set('Authorization', user)
      .send({
        entityRef: ref,
        checkId: failing.checkId,
        reason: 'Accepted until the Q1 replatforming',
        expiresAt: new Date(Date.now() + 30 * 86400_000).toISOString(),
      });
    expect(created.status).toBe(201);

    const after = await request(server)
      .get('/api/maturity/entity/component/default/payments-gateway')
      .set('Authorization', user);
    expect(
      after.body.checks.find((c: any) => c.checkId === failing.checkId).status,
    ).toBe('waived');

    // Bad input: a second waiver for the same check while one is active.
    const duplicate = await request(server)
      .post('/api/maturity/waivers')
      .set('Authorization', user)
      .send({
        entityRef: ref,
        checkId: failing.checkId,
        reason: 'again',
        expiresAt: new Date(Date.now() + 86400_000).toISOString(),
      });
    expect(duplicate.status).toBe(409);

    const revoked = await request(server)
      .delete(`/api/maturity/waivers/${created.body.id}`)
      .set('Authorization', user);
    expect(revoked.status).toBe(200);
    const audit = await request(server)
      .get(`/api/maturity/waivers/${created.body.id}/audit`)
      .set('Authorization', user);
    expect(audit.body.items.map((a: any) => a.action)).toEqual([
      'created',
      'revoked',
    ]);
  });

  it('rejects bad input with a clear error', async () => {
    // Bad input: a waiver for a check the model does not have.
    const unknownCheck = await request(server)
      .post('/api/maturity/waivers')
      .set('Authorization', user)
      .send({
        entityRef: 'component:default/payments-gateway',
        checkId: 'no-such-check',
        reason: 'because',
        expiresAt: new Date(Date.now() + 86400_000).toISOString(),
      });
    expect(unknownCheck.status).toBe(400);
    expect(unknownCheck.body.error.message).toContain('no-such-check');

    // Bad input: an unknown entity.
    const missing = await request(server)
      .get('/api/maturity/entity/component/default/no-such-service')
      .set('Authorization', user);
    expect(missing.status).toBe(404);

    // Bad input: invalid query parameters name the field.
    const badLimit = await request(server)
      .get('/api/maturity/rollups?limit=-3')
      .set('Authorization', user);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.message).toContain('limit');
    const badGroup = await request(server)
      .get('/api/maturity/rollups?groupBy=planet')
      .set('Authorization', user);
    expect(badGroup.status).toBe(400);
    expect(badGroup.body.error.message).toContain('groupBy');
    const unknownParam = await request(server)
      .get('/api/maturity/entities?colour=red')
      .set('Authorization', user);
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.body.error.message).toContain('colour');

    // Bad input: a waiver that already expired.
    const past = await request(server)
      .post('/api/maturity/waivers')
      .set('Authorization', user)
      .send({
        entityRef: 'component:default/payments-gateway',
        checkId: 'delivery-gitops',
        reason: 'because',
        expiresAt: '2020-01-01T00:00:00Z',
      });
    expect(past.status).toBe(400);
  });

  it('refreshes one entity on demand and keeps its history', async () => {
    const refreshed = await request(server)
      .post('/api/maturity/entity/component/default/thumbnail-function/refresh')
      .set('Authorization', user);
    expect(refreshed.status).toBe(200);
    const history = await request(server)
      .get('/api/maturity/entity/component/default/thumbnail-function/history')
      .set('Authorization', user);
    // History keeps each change plus a daily point; a refresh that changes
    // nothing adds no row.
    expect(history.body.items.length).toBeGreaterThanOrEqual(1);
    const last = history.body.items[history.body.items.length - 1];
    expect(last.score).toBe(refreshed.body.score);
    expect(typeof last.metrics['zeroTrust.score']).toBe('number');
  });

  it('leaves out a dimension whose collector is not installed', async () => {
    // No toil module in this backend: Operations is not assessed.
    const res = await request(server)
      .get('/api/maturity/entity/component/default/course-catalog-service')
      .set('Authorization', user);
    expect(res.body.dimensions.map((d: any) => d.dimension)).not.toContain(
      'operations',
    );
    const toilCheck = res.body.checks.find(
      (c: any) => c.checkId === 'ops-toil-inventory',
    );
    expect(toilCheck).toMatchObject({ status: 'not-applicable' });
    expect(toilCheck.reason).toContain('toil');
  });

  it('reviews the migrating system: decomposition, changes since a date, risks', async () => {
    const res = await request(server)
      .get(
        `/api/maturity/review?system=system:default/learning-platform&since=${encodeURIComponent(
          new Date(Date.now() - 86400_000).toISOString(),
        )}`,
      )
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const [plan] = res.body.decomposition;
    expect(plan.monolith).toBe('component:default/classroom-monolith');
    const enrolment = plan.capabilities.find(
      (c: any) => c.name === 'enrolment',
    );
    expect(enrolment).toEqual({
      name: 'enrolment',
      extractedTo: 'component:default/enrolment-service',
      extractedAt: '2026-09-14',
    });
    expect(plan.remaining.length).toBeGreaterThan(0);
    expect(res.body.components.length).toBeGreaterThanOrEqual(8);
    // Nothing was scored a day ago: no "before" yet.
    expect(res.body.components[0].before).toBeNull();
    expect(res.body.risks.map((r: any) => r.id)).toContain(
      'big-bang-extraction',
    );

    // Bad input: neither system nor domain.
    const bad = await request(server)
      .get('/api/maturity/review')
      .set('Authorization', user);
    expect(bad.status).toBe(400);
  });

  it('runs campaigns with progress and the owners to nudge', async () => {
    const created = await request(server)
      .post('/api/maturity/campaigns')
      .set('Authorization', user)
      .send({
        title: 'Production services at Security level 3',
        dimension: 'security',
        targetLevel: 3,
        deadline: '2027-03-31',
        filters: { lifecycle: 'production' },
      });
    expect(created.status).toBe(201);
    expect(created.body.progress.total).toBeGreaterThan(0);
    const detail = await request(server)
      .get(`/api/maturity/campaigns/${created.body.id}`)
      .set('Authorization', user);
    expect(detail.body.progress.met + detail.body.entitiesShort.length).toBe(
      detail.body.progress.total,
    );
    expect(detail.body.entitiesShort.map((e: any) => e.entityRef)).toContain(
      'component:default/payments-gateway',
    );
    expect(detail.body.owners[0].count).toBeGreaterThan(0);
    const list = await request(server)
      .get('/api/maturity/campaigns')
      .set('Authorization', user);
    expect(list.body.items).toHaveLength(1);

    // Bad input: an unknown dimension, a level out of range, a bad date.
    for (const body of [
      { dimension: 'karma', targetLevel: 3, deadline: '2027-01-01' },
      { dimension: 'security', targetLevel: 9, deadline: '2027-01-01' },
      { dimension: 'security', targetLevel: 3, deadline: 'next spring' },
    ]) {
      const bad = await request(server)
        .post('/api/maturity/campaigns')
        .set('Authorization', user)
        .send({ title: 'A campaign', ...body });
      expect(bad.status).toBe(400);
    }
    const removed = await request(server)
      .delete(`/api/maturity/campaigns/${created.body.id}`)
      .set('Authorization', user);
    expect(removed.status).toBe(204);
  });

  it('summarises collector facts: posture by team, failing controls, critical services', async () => {
    const summary = await request(server)
      .get(
        '/api/maturity/facts/summary?collector=zeroTrust&fact=zeroTrust.score&groupBy=owner',
      )
      .set('Authorization', user);
    const courses = summary.body.items.find(
      (i: any) => i.key === 'group:default/courses-team',
    );
    expect(courses.entityCount).toBeGreaterThanOrEqual(2);
    const engineering = summary.body.items.find(
      (i: any) => i.key === 'group:default/engineering',
    );
    expect(engineering.entityCount).toBeGreaterThan(courses.entityCount);

    const counts = await request(server)
      .get('/api/maturity/facts/status-counts?collector=zeroTrust')
      .set('Authorization', user);
    expect(counts.body.items[0].fail).toBeGreaterThan(0);

    const critical = await request(server)
      .get(
        '/api/maturity/facts/entities?collector=zeroTrust&fact=zeroTrust.criticalFailures&op=gt&value=0',
      )
      .set('Authorization', user);
    expect(critical.body.items.map((i: any) => i.entityRef)).toContain(
      'component:default/payments-gateway',
    );
    expect(critical.body.items.map((i: any) => i.entityRef)).not.toContain(
      'component:default/course-catalog-service',
    );

    const facts = await request(server)
      .get('/api/maturity/entity/component/default/payments-gateway/facts')
      .set('Authorization', user);
    expect(facts.body.items.map((f: any) => f.collector)).toEqual(
      expect.arrayContaining(['catalog', 'ownership', 'repo', 'zeroTrust']),
    );
  });

  it("counts a monolith's extracted services in a cycle (its context read holds them, whatever page they are scored on) and in Score now", async () => {
    const facts = await request(server)
      .get('/api/maturity/entity/component/default/classroom-monolith/facts')
      .set('Authorization', user);
    expect(facts.status).toBe(200);
    const catalog = facts.body.items.find(
      (f: any) => f.collector === 'catalog',
    );
    // Six services in examples/entities.yaml name it as where they came from.
    expect(catalog.facts['catalog.extractedServiceCount']).toBe(6);

    // Score now finds them through the catalog's facet of the annotation.
    const refreshed = await request(server)
      .post('/api/maturity/entity/component/default/classroom-monolith/refresh')
      .set('Authorization', user);
    expect(refreshed.status).toBe(200);
    const after = await request(server)
      .get('/api/maturity/entity/component/default/classroom-monolith/facts')
      .set('Authorization', user);
    expect(
      after.body.items.find((f: any) => f.collector === 'catalog').facts[
        'catalog.extractedServiceCount'
      ],
    ).toBe(6);
  });

  it('draws trends from the history', async () => {
    const res = await request(server)
      .get('/api/maturity/trends?interval=day')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const today = res.body.items[res.body.items.length - 1];
    expect(today.entityCount).toBeGreaterThanOrEqual(11);
    expect(today.averageScore).toBeGreaterThan(0);
  });

  it('serves the model', async () => {
    const res = await request(server)
      .get('/api/maturity/model')
      .set('Authorization', user);
    expect(res.body.model.checks.length).toBeGreaterThanOrEqual(40);
    expect(res.body.installedCollectors).toEqual(
      expect.arrayContaining(['catalog', 'ownership', 'repo']),
    );
  });
});
